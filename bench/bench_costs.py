"""Fit the query planner's cost model (``indexer/search/plan.py``) to measured search times.

    python bench/bench_costs.py --collection bench

Uses the store and index ``bench/bench_search.py`` built in /tmp/dossier-bench-<collection>.
Runs single words (``text:word``: one term, as a prefix's words are; a bare word is costed
apart) of every document frequency and prefixes that expand to 1-512 terms, each with the
frequent-word cache emptied first (the cost a refusal must bound), and times the search up to
the ranked page (no facets, no snippets) on this thread's CPU clock, best of
``--repeat``. Fits ``time = page + per_term * terms + per_posting * depth * postings`` by least
squares (``depth`` as the planner charges unions) and prints the fit beside the planner's
constants, and the largest expansions' measured times beside both estimates.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import string
import sys
import time
from pathlib import Path

import numpy as np
from whoosh import query as wq

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.sources import machine  # noqa: E402


def _queries(reader, rng: random.Random) -> list[str]:  # type: ignore[no-untyped-def]
    """Single words over the whole range of frequencies, and prefixes of 2-4 letters."""
    words = [t.decode() if isinstance(t, bytes) else t for t in reader.lexicon("text")]
    words = [w for w in words if w.isalpha() and len(w) > 2]
    by_df = sorted(words, key=lambda w: reader.doc_frequency("text", w))
    singles = [f"text:{by_df[int(q * (len(by_df) - 1))]}" for q in np.linspace(0.5, 1.0, 40)]
    starts = ["".join(rng.choice(string.ascii_lowercase) for _ in range(n)) for n in (2, 3, 4)]
    prefixes = [f"{a}{b}*" for a in "acdeimprst" for b in "aeionrtu"]
    prefixes += [f"{s}*" for s in starts * 10]
    return singles + sorted(set(prefixes))


def _shape(plan, reader) -> tuple[int, float]:  # type: ignore[no-untyped-def]
    """The number of terms of a plan's scoring query and its postings, weighted as the
    planner weighs a union's (``depth``)."""
    leaves = plan.scoring.leaves() if plan.scoring is not None else ()
    terms = [(q.fieldname, q.text) for q in leaves if isinstance(q, wq.Term)]
    depth = 1 + math.log2(len(terms)) / 4 if len(terms) > 2 else 1.0
    postings = sum(reader.doc_frequency(f, t) for f, t in terms)
    return len(terms), depth * postings


def main() -> None:
    from indexer.search import plan as planner
    from indexer.search import postings
    from indexer.search.engine import SearchIndex
    from indexer.search.ranking import rank
    from indexer.search.syntax import parse_query

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--collection", default="bench60k")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    workdir = Path("/tmp") / f"dossier-bench-{args.collection}"
    if not (workdir / "index").exists():
        raise SystemExit(f"run bench/bench_search.py --collection {args.collection} first")
    index = SearchIndex.open(workdir / "index")
    index.warm()
    searcher, _ = index._current()
    reader = searcher.reader()
    load = os.getloadavg()[0]
    rows: list[Row] = []
    for text in _queries(reader, random.Random(15)):
        try:
            plan = planner.plan_query(parse_query(text), reader, max_cost_us=math.inf)
        except Exception:  # noqa: BLE001 (a prefix that expands to nothing: skip it)
            continue
        if plan.scoring is None or plan.scoring is wq.NullQuery:
            continue
        best = math.inf
        for _ in range(args.repeat):
            postings.forget_hot_postings()
            started = time.thread_time()
            cache: postings.PostingCache = {}
            matched = postings.matching_docs(searcher, plan.scoring, cache)
            rank(searcher, plan.scoring, frozenset(matched), 10, cache)
            best = min(best, time.thread_time() - started)
        terms, weighted = _shape(plan, reader)
        rows.append((text, terms, weighted, best * 1e6))
    _report(args.collection, rows, load, planner)
    index.close()


Row = tuple[str, int, float, float]  # query, terms, weighted postings, microseconds


def _report(collection: str, rows: list[Row], load: float, planner) -> None:  # type: ignore[no-untyped-def]
    x = np.array([[1.0, terms, weighted] for _, terms, weighted, _ in rows])
    y = np.array([us for *_, us in rows])
    (page, per_term, per_posting), *_ = np.linalg.lstsq(x, y, rcond=None)
    print(f"# {collection}: {len(rows)} queries; {machine()}")
    print(f"# load average {load:.1f} before, {os.getloadavg()[0]:.1f} after; CPU clock\n")
    print("| constant | planner | fitted |")
    print("| --- | ---: | ---: |")
    print(f"| per query (µs) | 0 | {page:.0f} |")
    print(f"| US_PER_TERM (µs) | {planner.US_PER_TERM:.0f} | {per_term:.0f} |")
    print(f"| US_PER_POSTING (µs) | {planner.US_PER_POSTING:.2f} | {per_posting:.2f} |\n")
    print("| query | terms | weighted postings | measured ms | planner ms | fitted ms |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for text, terms, weighted, us in sorted(rows, key=lambda r: -r[1])[:12]:
        old = planner.US_PER_TERM * terms + planner.US_PER_POSTING * weighted
        new = page + per_term * terms + per_posting * weighted
        print(
            f"| `{text}` | {terms} | {weighted:,.0f} | {us / 1000:.1f} | {old / 1000:.1f} | "
            f"{new / 1000:.1f} |"
        )
    worst = max(rows, key=lambda r: r[3])
    print(f"\nslowest: `{worst[0]}` {worst[3] / 1000:.0f} ms ({worst[1]} terms)")
    ratios = sorted(us / (page + per_term * t + per_posting * w) for _, t, w, us in rows)
    print(f"measured / fitted: median {ratios[len(ratios) // 2]:.2f}, max {ratios[-1]:.2f}")


if __name__ == "__main__":
    main()
