"""A registry correction at collection scale: how long until its documents are re-analysed and
visible in search (the target: 5,000 documents within 60 s on this machine; issue 13).

    python bench/correction_scale.py --model M --collection kremlin --docs 5000

The first run ingests the collection's first ``docs`` documents into a SQLite store in
/tmp/dossier-bench-correction-<collection>-<docs>-layers, analyses them with the model M (which
keeps each version's tokens and model mentions, decision 017) and builds the index (kept for
later runs; a store of the same name without "-layers", made by older code, is copied and its
layers filled). Each run copies that store and index, adds "Vladimir Putin" (aliases "Putin",
"President Putin") to the registry, and drains the re-analysis queue as ``dossier entities
reanalyse`` does (``procs`` worker processes), after which search shows the correction.
``--cold`` first drops the stored layers: the first correction after upgrading to them, when
every document is analysed in full. It prints the documents affected, the preview's cost (the
count the web app and the command line ask with), wall and CPU seconds (this process and its
workers), the load average, and what 5,000 documents would take at that rate.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_entities import _sample  # noqa: E402
from bench.sources import collection_paths, machine  # noqa: E402

TARGET_DOCUMENTS = 5_000
TARGET_SECONDS = 60.0


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _build(base: Path, collection: str, docs: int, model_path: Path, procs: int) -> None:
    """Ingest, analyse and index the sample once, into ``base``."""
    from corpus.entities.store import EntityStore
    from corpus.ingestion import ingest
    from corpus.store import Store
    from indexer.build import build_index
    from indexer.entities.extraction import analyse_documents
    from indexer.entities.recogniser import Recogniser

    base.mkdir(parents=True)
    sample = _sample(collection_paths(collection), docs, base)
    started = time.perf_counter()
    with Store.open(f"sqlite:///{base / 'dossier.db'}") as store:
        ingest([sample], store)
        model = Recogniser.load(model_path)
        analyse_documents(store, EntityStore(store), recogniser=model, procs=procs)
        build_index(store, base / "index", procs=procs)
        count = store.count()
    print(f"Built {base}: {count:,} documents in {time.perf_counter() - started:.0f} s")


def _fill_layers(base: Path, model_path: Path, procs: int) -> None:
    """Analyse every document of an older bench store again, so that its layers are stored."""
    from corpus.entities.store import EntityStore
    from corpus.store import Store
    from indexer.entities.extraction import analyse_documents
    from indexer.entities.recogniser import Recogniser

    started = time.perf_counter()
    with Store.open(f"sqlite:///{base / 'dossier.db'}") as store:
        model = Recogniser.load(model_path)
        analyse_documents(store, EntityStore(store), store.ids(), recogniser=model, procs=procs)
    print(f"Stored the text layers of {base} in {time.perf_counter() - started:.0f} s")


def _base(args: argparse.Namespace) -> Path:
    """The bench's store and index, made (or brought up to date) on first use."""
    older = Path(f"/tmp/dossier-bench-correction-{args.collection}-{args.docs}")
    base = older.with_name(f"{older.name}-layers")
    if not base.exists() and older.exists():
        shutil.copytree(older, base)
    if not base.exists():
        _build(base, args.collection, args.docs, args.model, args.procs)
    elif _stale_layers(base, args.model):  # older code, another model or analysis version
        _fill_layers(base, args.model, args.procs)
    _rebuild_stale_index(base, args.procs)
    return base


def _rebuild_stale_index(base: Path, procs: int) -> None:
    """Build the index again when it is of another schema version: a correction cannot update
    such an index, and timing one would time the analysis alone."""
    from corpus.store import Store
    from indexer.build import build_index
    from indexer.errors import IndexMissing
    from indexer.live import live_generation

    try:
        live_generation(base / "index")
    except IndexMissing:
        started = time.perf_counter()
        shutil.rmtree(base / "index")
        with Store.open(f"sqlite:///{base / 'dossier.db'}") as store:
            build_index(store, base / "index", procs=procs)
        print(f"Rebuilt the index of {base} in {time.perf_counter() - started:.0f} s")


def _stale_layers(base: Path, model_path: Path) -> int:
    """How many documents of the bench store have no layer the analysis would use now."""
    import sqlite3

    from indexer.entities.analysis import ANALYSIS_VERSION
    from indexer.entities.layers import layer_key
    from indexer.entities.recogniser import Recogniser

    key = layer_key(Recogniser.load(model_path), ANALYSIS_VERSION)
    with sqlite3.connect(base / "dossier.db") as conn:
        (documents,) = conn.execute("SELECT count(*) FROM documents").fetchone()
        try:
            query = "SELECT count(*) FROM text_layers WHERE layer_key = ?"
            (layers,) = conn.execute(query, (key,)).fetchone()
        except sqlite3.OperationalError:  # made before migration 0008
            layers = 0
    return int(documents - layers)


def _drop_layers(database: Path) -> None:
    import sqlite3

    with sqlite3.connect(database) as conn:
        conn.execute("DELETE FROM text_layers")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, type=Path)
    parser.add_argument("--collection", default="kremlin")
    parser.add_argument("--docs", type=int, default=TARGET_DOCUMENTS)
    parser.add_argument("--procs", type=int, default=2)
    parser.add_argument("--batch", type=int, default=128, help="jobs per claim, as the CLI")
    parser.add_argument("--cold", action="store_true", help="drop the stored layers first")
    args = parser.parse_args()
    from corpus.entities.corrections import add_entity
    from corpus.entities.dry_run import preview
    from corpus.entities.store import EntityStore
    from corpus.jobs import QueuePolicy
    from corpus.store import Store
    from indexer.entities.reanalysis import drain
    from indexer.entities.recogniser import Recogniser

    base = _base(args)
    run = base.parent / f"{base.name}-run"
    shutil.rmtree(run, ignore_errors=True)
    run.mkdir()
    shutil.copy(base / "dossier.db", run / "dossier.db")
    shutil.copytree(base / "index", run / "index")
    if args.cold:
        _drop_layers(run / "dossier.db")
    print(machine())
    model = Recogniser.load(args.model)
    with Store.open(f"sqlite:///{run / 'dossier.db'}") as store:
        entity_store = EntityStore(store)

        def correct() -> object:
            return add_entity(
                entity_store, "Vladimir Putin", "PERSON", aliases=["Putin", "President Putin"]
            )

        t0 = time.perf_counter()
        counted = preview(correct)
        t1 = time.perf_counter()
        result = add_entity(
            entity_store, "Vladimir Putin", "PERSON", aliases=["Putin", "President Putin"]
        )
        t2, cpu0, load = time.perf_counter(), _cpu(), os.getloadavg()[0]
        report = drain(
            store,
            entity_store,
            run / "index",
            model,
            worker="bench",
            policy=QueuePolicy(),
            batch=args.batch,
            procs=args.procs,
        )
        t3, cpu = time.perf_counter(), _cpu() - cpu0
    shutil.rmtree(run, ignore_errors=True)
    done = len(report.documents)
    rate = done / (t3 - t2) if t3 > t2 else 0.0
    print(
        f"Add Vladimir Putin: {len(result.affected):,} of {args.docs:,} documents affected "
        f"(preview {counted.documents:,} in {(t1 - t0) * 1000:.0f} ms; correction "
        f"{(t2 - t1) * 1000:.0f} ms)"
    )
    print(
        f"Re-analysed and re-indexed {done:,} ({report.indexed:,} records, "
        f"{len(report.failures)} failed) in {t3 - t2:.1f} s wall, {cpu:.1f} CPU-s, "
        f"procs {args.procs}{', layers dropped' if args.cold else ''}: "
        f"{rate:.1f} documents a second; load average {load:.1f} -> {os.getloadavg()[0]:.1f}"
    )
    if report.indexed < done:  # nothing is visible in search until its record is replaced
        sys.exit(f"Only {report.indexed:,} of {done:,} index records were replaced")
    if rate:
        needed = TARGET_DOCUMENTS / rate
        verdict = "met" if needed <= TARGET_SECONDS else "not met"
        print(
            f"{TARGET_DOCUMENTS:,} documents at this rate: {needed:.0f} s "
            f"(target {TARGET_SECONDS:.0f} s: {verdict})"
        )


if __name__ == "__main__":
    main()
