"""What a user waits while the index changes under a serving gunicorn.

    python bench/bench_serve_change.py --workdir /tmp/dossier-60k-copy --code /tmp/main --code .

Starts gunicorn (2 sync workers) from each ``--code`` folder in turn over the store and index
in --workdir, as ``bench/bench_serve.py`` does, and loads ``/api/search`` with ``wrk`` (8
connections, ``--duration`` seconds, the bench queries in turn). A third of the way in, it
adds one document to the store and commits it to the live index (``catch_up_index``), as an
ingest while serving does; each worker then meets a changed index. The row gives the slowest
request and p99 of that run: a worker that reopens the index on a request makes that user
wait for the new index's columns (1-2.6 s at 60k documents). The workdir is written to: use
a copy of a shared bench.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import fts5  # noqa: E402
from bench.bench_search import query_set  # noqa: E402
from bench.bench_serve import _label, free_port, load, start, stop, url, wait_ready  # noqa: E402
from bench.sources import REPO, machine  # noqa: E402


def change(workdir: Path, delay: float, done: list[float]) -> None:
    """After ``delay`` seconds, add a document and commit it to the live index."""
    from corpus import Store
    from corpus.model import DocumentDraft
    from indexer.build import catch_up_index

    time.sleep(delay)
    store = Store.open(f"sqlite:///{workdir / 'dossier.db'}")
    try:
        started = time.perf_counter()
        draft = DocumentDraft(text="A zeppelin was sighted.", id=f"change-{time.time_ns()}")
        store.put(draft)
        catch_up_index(store, workdir / "index", procs=1)
        done.append(time.perf_counter() - started)
    finally:
        store.close()


def run(workdir: Path, code: Path, paths: list[str], seconds: int) -> str:
    """One gunicorn on ``code`` under load, the index changed a third of the way in."""
    with tempfile.TemporaryDirectory(prefix="dossier-bench-change-") as tmp:
        home, port = Path(tmp), free_port()
        server = start(workdir, home, port, 2, code)
        try:
            wait_ready(port, 2, home / "gunicorn.log")
            load(port, paths, 8, 5, home)  # settle, as bench_serve does
            done: list[float] = []
            writer = threading.Thread(target=change, args=(workdir, seconds / 3, done))
            before = os.getloadavg()[0]
            writer.start()
            r = load(port, paths, 8, seconds, home)
            writer.join()
            switched = (home / "gunicorn.log").read_text(errors="replace").count("serving it now")
            return (
                f"| {_label(code)} | {before:.1f} | {r['rate']:.1f} | {r['p50']:.0f} | "
                f"{r['p99']:.0f} | {r['max']:.0f} | {r['errors']} | "
                f"{done[0] if done else float('nan'):.1f} | {switched} |"
            )
        finally:
            stop(server)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workdir", type=Path, required=True)
    ap.add_argument("--code", type=Path, action="append")
    ap.add_argument("--duration", type=int, default=30)
    ap.add_argument("--rounds", type=int, default=1)
    args = ap.parse_args()
    codes = [c.resolve() for c in args.code or [REPO]]
    db = fts5.Fts5(args.workdir / "fts5.db")
    paths = [url("/api/search", q) for q in query_set(db.vocabulary(), db.count(), 20)]
    print(f"# python {' '.join(sys.argv)}")
    print(f"# {db.count()} documents in {args.workdir}; {machine()}; {len(paths)} queries")
    print("# gunicorn 2 sync workers, wrk 1 thread 8 connections; load: 1-minute average\n")
    print(
        "| code | load | req/s | p50 ms | p99 ms | slowest ms | errors | change s "
        "| workers that logged a background switch |"
    )
    print("| --- |" + " ---: |" * 8)
    for _ in range(args.rounds):
        for code in codes:
            print(run(args.workdir, code, paths, args.duration), flush=True)


if __name__ == "__main__":
    main()
