"""Latency of hostile queries (tests/hostile_queries.txt plus generated giants).

    python bench/bench_hostile.py --collection bench

Uses the store and index that bench_search.py built in /tmp/dossier-bench-<collection>. Each query
either answers (bounded results) or is refused with a QueryError; both outcomes are timed. A second
column times a normal query while a background thread fires hostile ones, to show that they do not
slow other users' searches down.
"""

from __future__ import annotations

import argparse
import string
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.sources import machine, percentiles  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


def hostile_queries() -> list[tuple[str, str]]:
    """(label, query) pairs: the test file's queries and the generated giants."""
    out = []
    path = REPO / "tests" / "hostile_queries.txt"
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                out.append((line[:40], line))
    out.append(("52 one-letter prefixes OR-ed", " OR ".join(f"{c}*" for c in string.ascii_letters)))
    out.append(("100,000-character term", "a" * 100_000))
    out.append(("10,000 nested parentheses", "(" * 10_000 + "peace" + ")" * 10_000))
    out.append(("unbalanced quote", '"zone of peace'))
    out.append(("word~3", "security~3"))
    out.append(("lone *", "*"))
    return out


def main() -> None:
    from corpus.store import Store
    from indexer.errors import QueryError
    from indexer.search.engine import SearchIndex, SearchRequest

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--collection", default="bench")
    args = ap.parse_args()
    workdir = Path("/tmp") / f"dossier-bench-{args.collection}"
    if not (workdir / "index").exists():
        raise SystemExit(f"run bench/bench_search.py --collection {args.collection} first")
    store = Store.open(f"sqlite:///{workdir / 'dossier.db'}")
    index = SearchIndex.open(workdir / "index")
    print(f"# hostile queries on {store.count()} documents; {machine()}\n")
    print("| query | ms | outcome |")
    print("| --- | ---: | --- |")
    for label, q in hostile_queries():
        t0 = time.perf_counter()
        try:
            result = index.search(SearchRequest(query=q), store)
            outcome = f"{result.total} hits"
        except QueryError as exc:
            outcome = f"refused: {str(exc)[:70]}"
        ms = (time.perf_counter() - t0) * 1000
        print(f"| {label} | {ms:.0f} | {outcome} |")

    normal = SearchRequest(query="nuclear weapons")
    quiet = []
    for _ in range(30):
        t0 = time.perf_counter()
        index.search(normal, store)
        quiet.append((time.perf_counter() - t0) * 1000)
    stop = threading.Event()

    def attack() -> None:
        own = Store.open(f"sqlite:///{workdir / 'dossier.db'}")
        while not stop.is_set():
            for _, q in hostile_queries():
                try:
                    index.search(SearchRequest(query=q), own)
                except QueryError:
                    pass

    thread = threading.Thread(target=attack, daemon=True)
    thread.start()
    loaded = []
    for _ in range(30):
        t0 = time.perf_counter()
        index.search(normal, store)
        loaded.append((time.perf_counter() - t0) * 1000)
    stop.set()
    thread.join(timeout=30)
    a, b = percentiles(quiet), percentiles(loaded)
    print(
        f"\nnormal query p50/p95 alone: {a['p50']:.0f}/{a['p95']:.0f} ms; "
        f"beside a hostile-query thread (same process): {b['p50']:.0f}/{b['p95']:.0f} ms"
    )


if __name__ == "__main__":
    main()
