"""Fault drill: kill -9 an index rebuild or an ingest at a random moment, again and again, and
count what the crash cost.

    python bench/fault_drill.py [--rebuilds 20] [--ingests 3] [--seed 9] [--base 600] [--batch 150]
                                [--model FILE]

A throw-away instance in a temporary folder (never the repository) gets ``--base`` Kremlin
documents from ../shared/data/bench. Each round then kills one command: ``dossier index
--rebuild`` (``--rebuilds`` rounds) or ``dossier ingest`` of a new batch (``--batch`` new
documents and 20 edited ones; ``--ingests`` rounds, spread among the rebuilds), started as
a subprocess and killed with SIGKILL (the process alone, not its group, so its workers are
orphaned as a real crash would leave them). A rebuild is killed after a random delay within
its usual running time. An ingest has three phases, told apart from outside: storing (no
worker processes yet), analysing (the analysis pool's workers are running) and indexing (the
index lock's ``HOLDER`` names the ingest; between the two, "analysed": workers gone, the last
mentions being stored); the ingest rounds aim at analysing, indexing and storing in turn: the
drill waits for the phase to begin, then kills after a random delay within that phase's
duration in a reference ingest. The report gives the phase each kill
actually landed in. With ``--model`` (a trained entity model, such as an instance's
``models/entities.json.gz``) the instance recognises entities with it, not with the registry
and rules alone: the analysis phase lasts longer (two to three times at 60 documents a
batch, docs/PERFORMANCE.md), so more kills land in it.
Then:

- leftover processes: workers of the killed process still alive 10 s after it died;
- leftover locks: the index lock still held 5 s after the kill;
- the recovery, the command a user would run next (``dossier index``, or the same
  ``dossier ingest`` again), must succeed;
- leftover folders: generation folders or temporary files still there after the recovery;
- lost documents: a document of the batch missing from the store, or a stored document missing
  from the index; stale: indexed with another version than the store's current one, or a
  current version left without its entity analysis; duplicated: one id indexed twice.

Every count must be 0. Nothing here listens on a network port; the drill drives the CLI only.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.sources import REPO, SHARED_DATA, machine  # noqa: E402

LOCK_GRACE = 5.0  # seconds the lock may stay held after its holder was killed
WORKER_GRACE = 10.0  # seconds the killed process's workers may outlive it
EDITS = 20  # existing documents each ingest round changes
PHASES = ("analyse", "index", "store")  # what the ingest rounds aim at, in turn


@dataclass
class Round:
    """What one kill cost."""

    number: int
    kind: str
    delay: float
    phase: str = ""  # the ingest phase the kill landed in ("rebuild" for a rebuild)
    workers: int = 0  # index or analysis worker processes the killed command had started
    leftover_processes: int = 0
    leftover_locks: int = 0
    leftover_folders: int = 0
    lost: int = 0
    stale: int = 0
    duplicated: int = 0
    recovered: bool = True
    landed: bool = True  # False: the command had finished before the kill

    def is_clean(self) -> bool:
        counts = (self.leftover_processes, self.leftover_locks, self.leftover_folders)
        return self.recovered and not any((*counts, self.lost, self.stale, self.duplicated))


class Drill:
    """The instance, its documents, and the commands run on it."""

    def __init__(self, home: Path, documents: list[dict[str, object]], rng: random.Random):
        self.home, self.documents, self.rng = home, documents, rng
        self.index_dir = home / "index"
        self.env = {**os.environ, "DOSSIER_HOME": str(home), "DOSSIER_DEMO_CORPUS": "false"}
        self.env.pop("DOSSIER_DATABASE_URL", None)
        self.env.pop("DOSSIER_NER_TRAIN_CORPUS", None)
        self.next_new = 0
        self.durations: dict[str, float] = {}  # "rebuild", and each ingest phase

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "webapp", *args]

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run a command to its end (the recovery); fails loudly if it fails."""
        return subprocess.run(
            self.command(*args), cwd=REPO, env=self.env, capture_output=True, text=True
        )

    def batch(self, size: int) -> Path:
        """A JSONL file of ``size`` documents not stored yet and ``EDITS`` edited ones."""
        fresh = self.documents[self.next_new : self.next_new + size]
        self.next_new += size
        stored = self.documents[: self.next_new - size]
        edited = [
            {**d, "text": f"{d['text']}\n\nEdited in drill round {self.next_new}."}
            for d in self.rng.sample(stored, min(EDITS, len(stored)))
        ]
        path = self.home / f"batch-{self.next_new}.jsonl"
        path.write_text("".join(json.dumps(d) + "\n" for d in fresh + edited), encoding="utf-8")
        return path

    def start(self, args: list[str]) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            self.command(*args),
            cwd=REPO,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def phase(self, process: subprocess.Popen[bytes], alive: list[int], seen: set[int]) -> str:
        """The phase a running ingest is in: the index lock's holder file names it while it
        indexes; before that, worker processes alive mean the analysis pool is running, and
        workers gone mean it has analysed (the last mentions stored, the index step begun).
        Read from outside, without touching the lock: a probe would delay the ingest."""
        from indexer.lock import holder

        if holder(self.index_dir).startswith(f"pid {process.pid} "):
            return "index"
        return "analyse" if alive else "analysed" if seen else "store"

    def kill_during(
        self, args: list[str], kind: str, aim: str
    ) -> tuple[float, bool, list[int], str]:
        """Start a command and SIGKILL it: an ingest once it reaches the phase ``aim``, after
        a random delay within that phase's usual duration; a rebuild after a random delay
        within its usual running time. Returns the delay (from the start of the aimed phase),
        whether the kill landed, the pids of the workers it had, and the phase it landed in."""
        usual = self.durations.get(aim if kind == "ingest" else kind, 5.0)
        delay = self.rng.uniform(0.05 if kind == "ingest" else 0.1, max(0.3, 0.8 * usual))
        process = self.start(args)
        workers: set[int] = set()
        reached = aim == "store" or kind != "ingest"
        deadline = time.monotonic() + delay
        while process.poll() is None:
            alive = _descendants(process.pid)
            workers |= set(alive)
            if not reached and _order(self.phase(process, alive, workers)) >= _order(aim):
                reached, deadline = True, time.monotonic() + delay
            if reached and time.monotonic() >= deadline:
                break
            time.sleep(0.01)
        alive = _descendants(process.pid)
        workers |= set(alive)
        phase = self.phase(process, alive, workers) if kind == "ingest" else kind
        landed = process.poll() is None
        if landed:
            os.kill(process.pid, signal.SIGKILL)
        process.wait()
        return delay, landed, sorted(workers), phase

    def time_phases(self, args: list[str]) -> None:
        """Run an ingest to its end, noting when each phase began: its phases' durations."""
        process = self.start(args)
        began: dict[str, float] = {"store": time.monotonic()}
        workers: set[int] = set()
        while process.poll() is None:
            alive = _descendants(process.pid)
            workers |= set(alive)
            began.setdefault(self.phase(process, alive, workers), time.monotonic())
            time.sleep(0.01)
        if process.returncode:
            raise SystemExit(f"dossier {' '.join(args)} failed ({process.returncode})")
        ended = time.monotonic()
        marks = sorted(began.items(), key=lambda item: item[1])
        for (name, at), (_, after) in zip(marks, [*marks[1:], ("end", ended)], strict=True):
            self.durations[name] = after - at


def _order(phase: str) -> int:
    return ("store", "analyse", "analysed", "index").index(phase)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rebuilds", type=int, default=20, help="rounds that kill a rebuild")
    ap.add_argument("--ingests", type=int, default=3, help="rounds that kill an ingest")
    ap.add_argument("--seed", type=int, default=9)
    ap.add_argument("--base", type=int, default=600, help="documents ingested before the drill")
    ap.add_argument("--batch", type=int, default=150, help="new documents per ingest round")
    ap.add_argument("--model", type=Path, help="a trained entity model file for the instance")
    args = ap.parse_args()
    if args.model is not None and not args.model.is_file():
        raise SystemExit(f"--model {args.model}: no such file (an instance's models/ holds one)")
    if not sys.platform.startswith("linux"):
        raise SystemExit("the drill reads /proc: run it on Linux")
    rng = random.Random(args.seed)
    kinds = _schedule(args.rebuilds, args.ingests)
    needed = args.base + args.batch * (args.ingests + 2)
    documents = _kremlin(needed)
    with tempfile.TemporaryDirectory(prefix="dossier-fault-drill-") as tmp:
        drill = Drill(Path(tmp) / "home", documents, rng)
        drill.home.mkdir()
        _prepare(drill, args.base, args.batch, args.model)
        aims = [PHASES[kinds[:n].count("ingest") % len(PHASES)] for n in range(len(kinds))]
        rounds = [
            _round(drill, n, kind, args.batch, aim)
            for n, (kind, aim) in enumerate(zip(kinds, aims, strict=True), 1)
        ]
    _report(rounds, args)


def _schedule(rebuilds: int, ingests: int) -> list[str]:
    """The kind of each round: the ingests spread evenly among the rebuilds."""
    total = rebuilds + ingests
    at = {round((i + 1) * total / (ingests + 1)) - 1 for i in range(ingests)}
    return ["ingest" if n in at else "rebuild" for n in range(total)]


def _kremlin(count: int) -> list[dict[str, object]]:
    """The first ``count`` Kremlin documents, as JSONL objects."""
    found: list[dict[str, object]] = []
    with gzip.open(SHARED_DATA / "bench" / "kremlin.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            found.append(json.loads(line))
            if len(found) == count:
                break
    return found


def _prepare(drill: Drill, base: int, batch: int, model: Path | None) -> None:
    """An instance with ``base`` documents, indexed (and ``model`` as its entity model);
    times an ingest of one batch and a rebuild run to their end, so that the kills fall
    within their running time."""
    from indexer.entities import model_path

    done = drill.run("setup", "--no-demo", "--no-download")
    if done.returncode:
        raise SystemExit(f"dossier setup failed:\n{done.stderr}")
    if model is not None:
        model_path(drill.home / "models").parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(model, model_path(drill.home / "models"))
    done = drill.run("ingest", str(drill.batch(base)))
    if done.returncode:
        raise SystemExit(f"dossier ingest failed:\n{done.stderr}")
    drill.time_phases(["ingest", str(drill.batch(batch))])
    started = time.monotonic()
    done = drill.run("index", "--rebuild")
    drill.durations["rebuild"] = time.monotonic() - started
    if done.returncode:
        raise SystemExit(f"dossier index --rebuild failed:\n{done.stderr}")
    shown = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in drill.durations.items())
    print(f"reference durations: {shown}", file=sys.stderr)


def _round(drill: Drill, number: int, kind: str, batch_size: int, aim: str) -> Round:
    batch = drill.batch(batch_size) if kind == "ingest" else None
    args = ["index", "--rebuild"] if batch is None else ["ingest", str(batch)]
    delay, landed, workers, phase = drill.kill_during(args, kind, aim)
    result = Round(number, kind, delay, phase, workers=len(workers), landed=landed)
    result.leftover_processes = _outliving(workers, WORKER_GRACE)
    result.leftover_locks = int(not _lock_freed(drill.index_dir, LOCK_GRACE))
    recovery = drill.run(*(["index"] if batch is None else args))
    result.recovered = recovery.returncode == 0
    if not result.recovered:
        print(f"round {number}: recovery failed: {recovery.stderr.strip()}", file=sys.stderr)
    _check(drill, result, batch)
    what = f"killed {delay:5.2f} s into {phase}" if landed else f"done before {delay:5.2f} s"
    state = "clean" if result.is_clean() else "NOT CLEAN"
    print(f"round {number:2} {kind:7} {what}: {state}", file=sys.stderr)
    return result


def _check(drill: Drill, result: Round, batch: Path | None) -> None:
    """Count leftovers, lost, stale and duplicated documents after the recovery."""
    from corpus.entities.analyses import unanalysed
    from corpus.entities.store import EntityStore
    from corpus.store import Store
    from indexer.entities.analysis import ANALYSIS_VERSION
    from indexer.generations import leftovers
    from indexer.live import open_index
    from indexer.lock import HOLDER

    found = leftovers(drill.index_dir)
    result.leftover_folders = len(found) + int((drill.index_dir / HOLDER).exists())
    with Store.open(f"sqlite:///{drill.home / 'dossier.db'}") as store:
        current = {d.id: d.version for d in store.iter_documents()}
        if batch is not None:
            wanted = [json.loads(line)["id"] for line in batch.read_text().splitlines()]
            result.lost += sum(1 for doc_id in wanted if doc_id not in current)
        not_analysed = unanalysed(EntityStore(store), analysis_version=ANALYSIS_VERSION)
    ix, _ = open_index(drill.index_dir)
    with ix.searcher() as searcher:
        indexed = [(f["id"], f["version"]) for f in searcher.all_stored_fields()]
    ix.close()
    ids = Counter(doc_id for doc_id, _ in indexed)
    result.duplicated = sum(n - 1 for n in ids.values() if n > 1)
    result.lost += sum(1 for doc_id in current if doc_id not in ids)
    result.stale = sum(1 for doc_id, version in indexed if current.get(doc_id) != version)
    result.stale += len(not_analysed)


def _descendants(pid: int) -> list[int]:
    """Every process whose parent chain leads to ``pid`` (read from /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(fields[1])
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        children = [child for child, p in parents.items() if p == parent]
        found += children
        frontier += children
    return found


def _is_gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state in ("Z", "X")


def _outliving(workers: list[int], grace: float) -> int:
    """How many of ``workers`` are still alive after ``grace`` seconds; they are then killed."""
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and not all(_is_gone(pid) for pid in workers):
        time.sleep(0.1)
    alive = [pid for pid in workers if not _is_gone(pid)]
    for pid in alive:
        os.kill(pid, signal.SIGKILL)
    return len(alive)


def _lock_freed(index_dir: Path, grace: float) -> bool:
    from indexer.lock import is_locked

    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        if not is_locked(index_dir):
            return True
        time.sleep(0.1)
    return False


def _report(rounds: list[Round], args: argparse.Namespace) -> None:
    fields = ("leftover_processes", "leftover_locks", "leftover_folders", "lost", "stale")
    landed = sum(1 for r in rounds if r.landed)
    model = f", entity model {args.model.name}" if args.model else ""
    print(f"# fault drill: {len(rounds)} rounds ({landed} kills landed), seed {args.seed}{model}")
    print(f"{machine()}\n")
    print(
        "| round | killed | in phase | after s | workers | leftover processes | locks | folders "
        "| lost | stale | dup | ok |"
    )
    print("| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for r in rounds:
        counts = " | ".join(str(getattr(r, f)) for f in fields)
        ok = "yes" if r.is_clean() else "**no**"
        kind = r.kind if r.landed else f"({r.kind} had ended)"
        row = f"| {r.number} | {kind} | {r.phase} | {r.delay:.2f} | {r.workers} | {counts}"
        print(f"{row} | {r.duplicated} | {ok} |")
    phases = Counter(r.phase for r in rounds if r.landed and r.kind == "ingest")
    names = {"store": "storing", "analyse": "analysing", "analysed": "after the analysis"}
    names["index"] = "indexing"
    shown = ", ".join(f"{phases[p]} {name}" for p, name in names.items())
    print(f"\nIngest kills that landed: {shown}.")
    totals = {f: sum(getattr(r, f) for r in rounds) for f in (*fields, "duplicated")}
    failed = sum(1 for r in rounds if not r.recovered)
    print(
        f"\nTotals: {totals['leftover_processes']} leftover processes, "
        f"{totals['leftover_locks']} leftover locks, {totals['leftover_folders']} leftover "
        f"folders, {totals['lost']} lost, {totals['stale']} stale, {totals['duplicated']} "
        f"duplicated documents; {failed} failed recoveries."
    )
    sys.exit(0 if all(r.is_clean() for r in rounds) else 1)


if __name__ == "__main__":
    main()
