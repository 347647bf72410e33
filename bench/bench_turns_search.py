"""``said:`` at query time: the same words alone, as ``speaker:putin``, and as ``said:putin``.

Run through ``bench/bench_turns.py --search WORKDIR``; the store and index are built once in
WORKDIR and reused.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from bench.bench_entities import REGISTRY
from bench.sources import machine, percentiles

WORDS = [
    '"Far East"',
    "sanctions",
    "economy",
    "Ukraine",
    "oil",
    "investment",
    "Syria",
    "infrastructure",
    "pensions",
    "inflation",
    "NATO",
    "gas",
    "Crimea",
    "budget",
    "education",
    '"digital economy"',
    "Arctic",
    '"small and medium-sized businesses"',
    "agriculture",
    '"interest rates"',
]
FORMS = {
    "words alone": "{words}",
    "speaker:putin words": "speaker:putin {words}",
    "said:putin words": "said:putin {words}",
    'said:"Dmitry Medvedev" words': 'said:"Dmitry Medvedev" {words}',
}


def run_search(paths: list[Path], workdir: Path, rounds: int) -> None:
    """Prepare WORKDIR when needed, then print the latency of each form of query."""
    from corpus.store import Store
    from indexer.search import SearchIndex, SearchRequest

    _prepare(paths, workdir)
    store = Store.open(f"sqlite:///{workdir / 'dossier.db'}")
    index = SearchIndex.open(workdir / "index")
    print(machine())
    print(f"{len(WORDS)} queries per form, {rounds} rounds each, results page with facets")
    print(f"{'form':32} {'p50 ms':>8} {'p95 ms':>8} {'docs (sum)':>11}")
    for form, template in FORMS.items():
        samples: list[float] = []
        found = 0
        for words in WORDS:
            request = SearchRequest(query=template.format(words=words))
            found += index.search(request, store).total  # warms the searcher and the caches
            for _ in range(rounds):
                started = time.perf_counter()
                index.search(request, store)
                samples.append((time.perf_counter() - started) * 1000)
        p = percentiles(samples)
        print(f"{form:32} {p['p50']:8.1f} {p['p95']:8.1f} {found:11d}")
    index.close()
    store.close()


def _prepare(paths: list[Path], workdir: Path) -> None:
    """Ingest, analyse (registry and rules) and index the collection once."""
    from corpus.entities import EntityStore, add_entity
    from corpus.ingestion import ingest
    from corpus.store import Store
    from indexer.build import build_index
    from indexer.entities import analyse_documents

    if (workdir / "index").exists():
        return
    workdir.mkdir(parents=True, exist_ok=True)
    with Store.open(f"sqlite:///{workdir / 'dossier.db'}") as store:
        started = time.perf_counter()
        ingest(paths, store)
        entities = EntityStore(store)
        for name, type, aliases in REGISTRY:
            add_entity(entities, name, type, aliases=aliases)
        analysed = time.perf_counter()
        analyse_documents(store, entities, recogniser=None, procs=2)
        indexed = time.perf_counter()
        build_index(store, workdir / "index", procs=2)
        done = time.perf_counter()
    print(
        f"prepared: ingest {analysed - started:.0f} s, analysis {indexed - analysed:.0f} s, "
        f"index {done - indexed:.0f} s",
        file=sys.stderr,
    )
