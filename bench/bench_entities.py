"""Throughput of the full ingest pipeline with typed entities: store -> analyse -> index.

    python bench/bench_entities.py --collection kremlin --docs 2000 --procs 1 2
    python bench/bench_entities.py --model instance/models/entities.json.gz

Each run starts from an empty SQLite store in a temporary folder and times, as ``dossier
ingest`` runs them, the three steps: ingest (read + store), entity analysis (model, rules and a
small registry, ``procs`` worker processes) and the index build (``procs`` writers). Then, on
the last run's index: searches with and without facets, and one correction re-indexed. Tokens are
NLTK word tokens of the documents' texts, counted once beforehand (not timed). CPU seconds are
those of this process and its finished workers: on a machine shared with other jobs, tokens per
CPU second is the steadier measure of what one core does. Without --model,
a model is trained on ../shared/data/ner-train/gmb.train.tsv (5 passes, about 2 minutes) and
kept in the temporary folder for the runs.
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.sources import SHARED_DATA, collection_paths, machine  # noqa: E402

if TYPE_CHECKING:
    from indexer.entities.recogniser import Recogniser

# A small watch-list, so the registry matcher runs as it would on an analyst's instance.
REGISTRY = [
    ("Vladimir Putin", "PERSON", ["Putin", "President Putin"]),
    ("Dmitry Medvedev", "PERSON", ["Medvedev"]),
    ("Sergey Lavrov", "PERSON", ["Lavrov"]),
    ("North Korea", "LOCATION", ["DPRK"]),
    ("United Nations", "ORGANIZATION", ["UN"]),
    ("NATO", "ORGANIZATION", []),
    ("European Union", "ORGANIZATION", ["EU"]),
]


def _sample(paths: list[Path], docs: int, folder: Path) -> Path:
    """The first ``docs`` documents of the collection as one JSONL file."""
    out = folder / "sample.jsonl"
    written = 0
    with out.open("w", encoding="utf-8") as sink:
        for path in paths:
            opener = gzip.open if path.suffix == ".gz" else open
            with opener(path, "rt", encoding="utf-8") as source:
                for line in source:
                    if written >= docs:
                        return out
                    sink.write(line)
                    written += 1
    return out


def _tokens(sample: Path) -> tuple[int, int]:
    from indexer import analyse

    tokens = chars = 0
    with sample.open(encoding="utf-8") as source:
        for line in source:
            text = json.loads(line)["text"]
            chars += len(text)
            tokens += sum(len(s) for s in analyse.sentence_tokens(text))
    return tokens, chars


def main() -> None:
    from corpus.entities.corrections import add_entity
    from corpus.entities.store import EntityStore
    from corpus.ingestion import ingest
    from corpus.store import Store
    from indexer.build import build_index
    from indexer.entities.extraction import analyse_documents
    from indexer.entities.recogniser import Recogniser, train

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--collection", default="kremlin")
    ap.add_argument("--docs", type=int, default=2000, help="first N documents")
    ap.add_argument("--procs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--model", type=Path, help="a trained model (default: train one)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="dossier-bench-entities-") as tmp:
        work = Path(tmp)
        sample = _sample(collection_paths(args.collection), args.docs, work)
        tokens, chars = _tokens(sample)
        if args.model:
            model = Recogniser.load(args.model)
        else:
            t0 = time.perf_counter()
            model = train(SHARED_DATA / "ner-train" / "gmb.train.tsv", passes=5)
            print(f"(trained a model in {time.perf_counter() - t0:.0f} s)", file=sys.stderr)
        print(
            f"# {args.collection}, first {args.docs} documents: {tokens:,} tokens, "
            f"{chars / 1e6:.1f} M characters; {machine()}\n"
        )
        print(
            "| procs | ingest s | analyse s | index s | total s | tokens/s | tokens/s per core "
            "| CPU s | tokens per CPU s |"
        )
        print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for procs in args.procs:
            store = Store.open(f"sqlite:///{work / f'dossier-{procs}.db'}")
            entity_store = EntityStore(store)
            for name, type, aliases in REGISTRY:
                add_entity(entity_store, name, type, aliases=aliases)
            c0, t0 = _cpu(), time.perf_counter()
            ingest([sample], store)
            c1, t1 = _cpu(), time.perf_counter()
            report = analyse_documents(store, entity_store, recogniser=model, procs=procs)
            c2, t2 = _cpu(), time.perf_counter()
            build_index(store, work / f"index-{procs}", procs=procs)
            c3, t3 = _cpu(), time.perf_counter()
            store.close()
            total, cpu = t3 - t0, c3 - c0
            print(
                f"| {procs} | {t1 - t0:.1f} | {t2 - t1:.1f} | {t3 - t2:.1f} | {total:.1f} | "
                f"{tokens / total:,.0f} | {tokens / total / procs:,.0f} | {cpu:.1f} | "
                f"{tokens / cpu:,.0f} |"
            )
            print(
                f"  ({report.documents} documents, {report.mentions:,} mentions, "
                f"{report.linked:,} linked; analysis alone {tokens / (t2 - t1):,.0f} tokens/s, "
                f"{tokens / (c2 - c1):,.0f} per CPU s; index alone {tokens / (c3 - c2):,.0f} "
                "per CPU s)",
                file=sys.stderr,
            )
        _searches(work / f"dossier-{procs}.db", work / f"index-{procs}")
        _correction(work / f"dossier-{procs}.db", work / f"index-{procs}", model)


def _cpu() -> float:
    """CPU seconds of this process and of its children that have ended (the pool workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _searches(db: Path, index_dir: Path) -> None:
    """Median search time with and without facets, on a kept searcher."""
    from corpus.store import Store
    from indexer.search.engine import SearchIndex, SearchRequest

    store = Store.open(f"sqlite:///{db}")
    index = SearchIndex.open(index_dir)
    every: dict[str, Any] = {"kinds": ("speech", "forum", "news", "other")}
    print(
        "\n| query | matching | without facets ms | with facets ms |\n| --- | ---: | ---: | ---: |"
    )
    for label, query, extra in [
        ("sanctions", "sanctions", {}),
        ("putin", "putin", {}),
        ("every document", "", every),
    ]:
        medians = []
        for facets in (False, True):
            times = []
            for _ in range(10):
                t0 = time.perf_counter()
                result = index.search(SearchRequest(query, facets=facets, **extra), store)
                times.append((time.perf_counter() - t0) * 1000)
            medians.append(statistics.median(times))
        print(f"| {label} | {result.total:,} | {medians[0]:.1f} | {medians[1]:.1f} |")
    index.close()
    store.close()


def _correction(db: Path, index_dir: Path, model: Recogniser) -> None:
    """A correction that touches many documents: add a person, re-analyse and re-index."""
    from corpus.entities.corrections import add_entity
    from corpus.entities.store import EntityStore
    from corpus.store import Store
    from indexer.entities.extraction import reindex_documents

    store = Store.open(f"sqlite:///{db}")
    entity_store = EntityStore(store)
    t0 = time.perf_counter()
    result = add_entity(entity_store, "Angela Merkel", "PERSON", aliases=["Merkel"])
    t1 = time.perf_counter()
    report = reindex_documents(store, entity_store, index_dir, result.affected, model)
    t2 = time.perf_counter()
    print(
        f"\nCorrection (add Angela Merkel): {(t1 - t0) * 1000:.0f} ms, then "
        f"{report.indexed} documents re-analysed and re-indexed in {t2 - t1:.1f} s."
    )
    store.close()


if __name__ == "__main__":
    main()
