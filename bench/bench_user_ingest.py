"""The user path of issue 15: ``dossier ingest`` with an entity model, CPU-s per MB and MB/s.

    python bench/bench_user_ingest.py --model M [--stride 12] [--rounds 2] [--code A --code B]

Takes every ``--stride``-th document of the 60k bench collection (``bench/collection60k.py``;
long UN speeches, Kremlin transcripts, short news, posts and chats in their proportions) into
one JSONL file, then per round and per checkout: a fresh instance (``DOSSIER_HOME`` in a
temporary folder, the model ``M`` copied into its models folder, an empty SQLite store) and one
``dossier ingest --json SAMPLE`` in a subprocess, exactly as a user runs it: store, entity
analysis with two workers, index build. CPU seconds are the command's and its workers' (they
are waited for, so ``RUSAGE_CHILDREN`` counts them); MB are millions of characters of text.
``--code`` runs another checkout's code (first on ``PYTHONPATH``, e.g. a ``git archive`` of
main); given several times, the checkouts alternate within each round, so old and new code
see the same load. M: ``dossier entities train --corpus ../shared/data/ner-train/gmb.train.tsv``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.sources import collection_paths, machine  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


def sample(collection: Path, stride: int, out: Path) -> tuple[int, int]:
    """Write every ``stride``-th document to ``out``; returns (documents, characters)."""
    docs = chars = 0
    with gzip.open(collection, "rt", encoding="utf-8") as source, out.open("w") as sink:
        for n, line in enumerate(source):
            if n % stride == 0 and line.strip():
                sink.write(line)
                docs += 1
                chars += len(json.loads(line)["text"])
    return docs, chars


def _cpu_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(code: str, model: Path, source: Path, work: Path) -> dict[str, float]:
    """One ``dossier ingest`` into a fresh instance: wall, CPU and each step's seconds."""
    home = work / "home"
    shutil.rmtree(home, ignore_errors=True)
    (home / "models").mkdir(parents=True)
    shutil.copy(model, home / "models" / "entities.json.gz")
    env = {**os.environ, "DOSSIER_HOME": str(home), "PYTHONPATH": code}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    command = [sys.executable, "-m", "webapp", "ingest", "--json", str(source)]
    cpu0, wall0 = _cpu_children(), time.perf_counter()
    done = subprocess.run(command, env=env, cwd=code, capture_output=True, text=True)
    wall, cpu = time.perf_counter() - wall0, _cpu_children() - cpu0
    if done.returncode:
        raise SystemExit(f"dossier ingest failed ({code}):\n{done.stderr[-3000:]}")
    report = json.loads(done.stdout)
    steps = {s["step"]: float(s["seconds"]) for s in report["steps"]}
    return {"wall": wall, "cpu": cpu, **steps}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", type=Path, required=True, help="a trained entity model")
    ap.add_argument("--stride", type=int, default=12, help="every Nth document (12: ~19 MB)")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--code", action="append", help="checkout whose code to run (default: this)")
    ap.add_argument("--work", type=Path, help="folder for the sample and instances (kept)")
    args = ap.parse_args()
    checkouts = [str(Path(c).resolve()) for c in (args.code or [str(REPO)])]
    work = args.work or Path(tempfile.mkdtemp(prefix="dossier-bench-user-ingest-"))
    work.mkdir(parents=True, exist_ok=True)
    source = work / f"bench60k-every{args.stride}.jsonl"
    docs, chars = sample(collection_paths("bench60k")[0], args.stride, source)
    mb = chars / 1e6
    print(f"# dossier ingest, every {args.stride}th document of bench60k: {docs:,} documents,")
    print(f"# {mb:.1f} MB of text; {machine()}; load {os.getloadavg()[0]:.1f}\n")
    print(
        "| code | round | wall s | CPU s | CPU-s/MB | wall MB/s | store s | analyse s | index s |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for round in range(1, args.rounds + 1):
        for code in checkouts:
            r = run_once(code, args.model, source, work / Path(code).name)
            print(
                f"| {Path(code).name} | {round} | {r['wall']:.1f} | {r['cpu']:.1f} | "
                f"{r['cpu'] / mb:.2f} | {mb / r['wall']:.2f} | {r.get('store', 0):.1f} | "
                f"{r.get('analyse', 0):.1f} | {r.get('index', 0):.1f} |",
                flush=True,
            )
    print(f"\nload {os.getloadavg()[0]:.1f} at the end")
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
