"""Choose BM25's parameters on the dev half of the relevance sets, one parameter at a time.

    python bench/tune_relevance.py --workdir /tmp/dossier-relevance   # after bench_relevance.py

Reads the index ``bench/bench_relevance.py`` built in the work directory and, for each value of
one parameter (the others at ``indexer/search/bm25.py``'s values), answers every *dev* query as
typed and reports the mean nDCG@10 per set. The test half is never read here: the chosen values
are then reported on it by ``bench_relevance.py`` (docs/QUALITY.md, "Search relevance").
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.relevance_sets import SETS, load_collection, ndcg_at, query_sets  # noqa: E402
from bench.sources import machine  # noqa: E402

GRID = {
    "K1": (0.6, 0.9, 1.2, 1.6, 2.0),
    "B": (0.4, 0.6, 0.75, 0.9, 1.0),
    "title": (1.0, 1.5, 2.0, 3.0),
}


def _set(name: str, value: float) -> None:
    from indexer.search import bm25

    if name == "title":
        bm25.FIELD_WEIGHTS["title"] = value
    else:
        setattr(bm25, name, value)


def main() -> None:
    from corpus.store import Store
    from indexer.errors import QueryError
    from indexer.search import SearchIndex, SearchRequest, bm25

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/dossier-relevance"))
    ap.add_argument("--joiner", default=" ", help='" " as typed (default), " OR " OR-ed')
    ap.add_argument("--params", nargs="+", default=list(GRID), choices=list(GRID))
    ap.add_argument("--base", nargs="+", default=[], metavar="NAME=VALUE",
                    help="start from these values instead of bm25.py's, e.g. B=0.9")  # fmt: skip
    ap.add_argument("--values", type=float, nargs="+", help="only these values (one parameter)")
    args = ap.parse_args()
    for pair in args.base:
        name, value = pair.split("=")
        _set(name, float(value))
    docs, withheld = load_collection()
    items = [i for i in query_sets(docs, withheld) if i.split == "dev"]
    store = Store.open(f"sqlite:///{args.workdir / 'dossier.db'}")
    index = SearchIndex.open(args.workdir / "index")
    defaults = {"K1": bm25.K1, "B": bm25.B, "title": bm25.FIELD_WEIGHTS["title"]}
    base = " ".join(args.base) or "bm25.py's values"
    print(f"# dev half, {len(items)} queries, joined by {args.joiner!r}, from {base}")
    print(f"# {machine()}\n")
    print("| parameter | value | " + " | ".join(SETS) + " | mean | CPU s |")
    print("| --- | ---: |" + " ---: |" * (len(SETS) + 2))
    for name in args.params:
        for value in args.values or GRID[name]:
            _set(name, value)
            started = time.process_time()
            per_set: dict[str, list[float]] = {s: [] for s in SETS}
            for item in items:
                request = SearchRequest(args.joiner.join(item.words), facets=False)
                try:
                    ranked = [hit.id for hit in index.search(request, store).hits]
                except QueryError:
                    ranked = []
                per_set[item.set].append(ndcg_at(ranked, item.relevant))
            means = [sum(v) / len(v) for v in per_set.values() if v]
            cells = " | ".join(f"{m:.3f}" for m in means)
            print(
                f"| {name} | {value} | {cells} | {sum(means) / len(means):.3f} "
                f"| {time.process_time() - started:.0f} |",
                flush=True,
            )
        _set(name, defaults[name])


if __name__ == "__main__":
    main()
