"""Ingest and index throughput (documents/s, MB/s of text) and index size.

    python bench/bench_ingest.py --collection demo
    python bench/bench_ingest.py --collection bench --procs 1 2

Each run starts from an empty SQLite store in a temporary folder: ingest (read + store), then a
full index build per --procs value.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.sources import collection_paths, machine  # noqa: E402


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main() -> None:
    from corpus.ingestion import ingest
    from corpus.store import Store
    from indexer.build import build_index

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--collection", default="demo")
    ap.add_argument("--procs", type=int, nargs="+", default=[1, 2])
    args = ap.parse_args()
    paths = collection_paths(args.collection)
    with tempfile.TemporaryDirectory(prefix="dossier-bench-ingest-") as tmp:
        work = Path(tmp)
        store = Store.open(f"sqlite:///{work / 'dossier.db'}")
        t0 = time.perf_counter()
        report = ingest(paths, store)
        t_ingest = time.perf_counter() - t0
        docs = store.count()
        chars = sum(len(d.text) for d in store.iter_documents())
        mb = chars / 1e6
        print(f"# {args.collection}: {docs} documents, {mb:.1f} M characters; {machine()}\n")
        print("| stage | seconds | docs/s | MB/s | size |")
        print("| --- | ---: | ---: | ---: | ---: |")
        print(
            f"| ingest (read + store) | {t_ingest:.1f} | {docs / t_ingest:.0f} | "
            f"{mb / t_ingest:.2f} | db {_size(work) / 1e6:.0f} MB |"
        )
        if report.failed:
            print(f"\n{len(report.failed)} failed: {report.failed[:3]}", file=sys.stderr)
        for procs in args.procs:
            index_dir = work / f"index-{procs}"
            t0 = time.perf_counter()
            build_index(store, index_dir, procs=procs)
            t = time.perf_counter() - t0
            print(
                f"| index build, procs={procs} | {t:.1f} | {docs / t:.0f} | {mb / t:.2f} | "
                f"index {_size(index_dir) / 1e6:.0f} MB |"
            )
        store.close()


if __name__ == "__main__":
    main()
