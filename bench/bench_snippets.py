"""Time a results page's snippets: the opening first (the engine's way) vs the first 50,000
characters of every hit (the way before issue 15), on the same hits in the same run.

    python bench/bench_snippets.py --collection bench

Uses the store, index and FTS5 database ``bench/bench_search.py`` built in
/tmp/dossier-bench-<collection> (FTS5's vocabulary draws the queries: ``query_set``). For each
query, the top 10 hits' texts are read once; then both ways of finding the marked words and
making the snippets run on them in turn, ``--repeat`` times, on this thread's CPU clock.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import fts5  # noqa: E402
from bench.bench_search import query_set  # noqa: E402
from bench.sources import machine, percentiles  # noqa: E402


def main() -> None:
    from corpus.store import Store
    from indexer.search import SearchIndex, SearchRequest, engine
    from indexer.search.matching import match_spans
    from indexer.search.snippets import make_snippets

    def whole_scan(text: str, pattern) -> object:  # type: ignore[no-untyped-def]
        cut = engine._cut(text, engine.SNIPPET_SCAN_CHARS)
        spans = match_spans(text[:cut], pattern)
        if not spans and cut < len(text):
            spans = match_spans(text, pattern)
        return make_snippets(text, spans)

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--collection", default="bench")
    ap.add_argument("--per-class", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    workdir = Path("/tmp") / f"dossier-bench-{args.collection}"
    db = fts5.Fts5(workdir / "fts5.db")
    queries = query_set(db.vocabulary(), db.count(), args.per_class)
    store = Store.open(f"sqlite:///{workdir / 'dossier.db'}")
    index = SearchIndex.open(workdir / "index")
    load = os.getloadavg()[0]
    times: dict[str, dict[str, list[float]]] = {}
    for q in queries:
        result = index.search(SearchRequest(q.dossier, facets=False), store)
        plan = engine.plan_query(engine.parse_query(q.dossier), index._current()[0].reader())
        texts = [
            d.text for d in store.get_versions((h.id, h.version) for h in result.hits).values()
        ]
        for name, way in (("opening first", engine._snippets), ("first 50,000", whole_scan)):
            for _ in range(args.repeat):
                started = time.thread_time()
                for text in texts:
                    way(text, plan.pattern)
                ms = (time.thread_time() - started) * 1000
                times.setdefault(q.cls, {}).setdefault(name, []).append(ms)
    print(f"# {args.collection}: {len(queries)} queries, top 10 each; {machine()}")
    print(f"# load average {load:.1f} before, {os.getloadavg()[0]:.1f} after; CPU clock\n")
    print("| class | opening first p50 | p95 | first 50,000 p50 | p95 | p95 ratio |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    every: dict[str, list[float]] = {}
    for cls, ways in times.items():
        a, b = percentiles(ways["opening first"]), percentiles(ways["first 50,000"])
        for name, values in ways.items():
            every.setdefault(name, []).extend(values)
        print(
            f"| {cls} | {a['p50']:.1f} | {a['p95']:.1f} | {b['p50']:.1f} | {b['p95']:.1f} | "
            f"{a['p95'] / max(b['p95'], 1e-9):.2f} |"
        )
    a, b = percentiles(every["opening first"]), percentiles(every["first 50,000"])
    print(
        f"| **all** | {a['p50']:.1f} | {a['p95']:.1f} | {b['p50']:.1f} | {b['p95']:.1f} | "
        f"{a['p95'] / max(b['p95'], 1e-9):.2f} |"
    )
    index.close()
    store.close()


if __name__ == "__main__":
    main()
