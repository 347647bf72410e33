"""Every results page of ``bench/bench_search.py``'s queries (and a few more shapes), as JSON:
to check that a change to matching or ranking leaves results identical.

    python bench/search_pages.py --workdir /tmp/dossier-60k --out new.json
    (cd OLD_CHECKOUT && python bench/search_pages.py --workdir /tmp/dossier-60k --out old.json)
    cmp old.json new.json

Each page holds the hits (ids, versions, scores, titles, snippets), the facets, the "did you
mean", the notices and the partial match, everything but the time it took; each query is run
twice (the second run meets what the first one kept). Run it from each checkout: the script
imports the code beside it.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import fts5  # noqa: E402  (path set up above so the script runs from a checkout)
from bench.bench_search import query_set  # noqa: E402

# Shapes the bench's classes lack: an expansion, a misspelling, NOT, a filter in the query,
# said:, phrases with slop or with their own word, a phrase of the commonest words.
EXTRA = [
    "trans*",
    "security council",
    "nucler",
    "sanctons~1",
    '"rule of law" sanctions',
    "russia -oil",
    "oil OR gas kind:news",
    "security",
    "said:putin gas",
    'said:putin "natural gas"',
    'said:putin "natural gas"~3',
    '"security council" security',
    '"nuclear weapons"~3',
    '"of the"',
    '"general assembly" kind:speech',
]


def requests(workdir: Path) -> list[Any]:
    """The bench's queries as it runs them, then ``EXTRA``, the first four of them again as
    page 2 and in date order."""
    from indexer.search import SearchRequest

    db = fts5.Fts5(workdir / "fts5.db")
    out = [
        SearchRequest(
            query=q.dossier,
            kinds=(q.kind,) if q.kind else (),
            date_from=dt.date.fromisoformat(q.date_from) if q.date_from else None,
            date_to=dt.date.fromisoformat(q.date_to) if q.date_to else None,
        )
        for q in query_set(db.vocabulary(), db.count(), 20)
    ]
    out += [SearchRequest(query=q) for q in EXTRA]
    out += [SearchRequest(query=q, page=2) for q in EXTRA[:4]]
    return out + [SearchRequest(query=q, sort="-date") for q in EXTRA[:4]]


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return str(value)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workdir", type=Path, required=True, help="bench_search.py's --workdir")
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    from corpus.store import Store
    from indexer.search import SearchIndex

    store = Store.open(f"sqlite:///{args.workdir / 'dossier.db'}")
    index = SearchIndex.open(args.workdir / "index")
    pages = []
    for request in requests(args.workdir):
        for run in range(2):
            try:
                page = dataclasses.asdict(index.search(request, store))
                page.pop("took_ms")
                page.pop("request")
            except Exception as error:  # a refused query is a result too
                page = {"error": repr(error)}
            pages.append((request.query, request.page, request.sort, run, page))
    args.out.write_text(json.dumps(pages, default=_plain, sort_keys=True), encoding="utf-8")
    print(f"{len(pages)} pages -> {args.out}")


if __name__ == "__main__":
    main()
