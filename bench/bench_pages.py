"""Document pages on very long texts: server time and size of each page.

    python bench/bench_pages.py --home /tmp/dossier-pages [--model path/to/entities.json.gz]

The first run fills ``--home`` (a throw-away instance; never inside the repository) with two
documents: the longest Kremlin transcript (kremlin-17976, 233 KB, "Direct Line with Vladimir
Putin") and one 10 MB text made by joining UN General Debate statements; then it finds their
entities (with ``--model``, a trained entity model copied into the instance) and builds the
index. Each page is then requested through Flask's test client, so the time is the server's own
(no network): wall-clock seconds, and CPU seconds of the process (less sensitive to a busy
machine); each figure is the median of ``--repeat`` requests.

It is also the check of issue 9's bound: it exits with status 1, naming the pages, when a page
is larger than ``--max-mb`` (3 MB) or costs more than ``--max-cpu`` (1 CPU-second): before
pages were bounded, ``/documents/<id>?q=alpha`` on a 10 MB text returned 46 MB after 108 s.
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.sources import SHARED_DATA, machine  # noqa: E402

TRANSCRIPT = "kremlin-17976"
LONG = "bench-10mb"
LONG_CHARS = 10_000_000
PAGES = [  # (document, query string); "at" asks for the next hit after an offset, through
    # up to 8 parts of 250,000 characters when the word is rare ("zebra": none at all)
    (TRANSCRIPT, ""),
    (TRANSCRIPT, "q=putin"),
    (TRANSCRIPT, "q=russia OR country"),
    (LONG, ""),
    (LONG, "q="),
    (LONG, "q=nations"),
    (LONG, "q=world"),
    (LONG, "q=peace OR development"),
    (LONG, "q=nations&part=40"),
    (LONG, "q=zebra&at=0"),
]


def _sources(folder: Path) -> Path:
    """A JSONL file with the two documents, written in ``folder``."""
    out = folder / "pages.jsonl"
    lines: list[str] = []
    with gzip.open(SHARED_DATA / "bench" / "kremlin.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            if json.loads(line)["id"] == TRANSCRIPT:
                lines.append(line.strip())
                break
    parts, size = [], 0
    with gzip.open(SHARED_DATA / "bench" / "ungdc.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            text = json.loads(line)["text"]
            parts.append(text)
            size += len(text) + 2
            if size >= LONG_CHARS:
                break
    long_doc = {"id": LONG, "kind": "speech", "title": "Ten megabytes of statements"}
    lines.append(json.dumps({**long_doc, "text": "\n\n".join(parts)[:LONG_CHARS]}))
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def prepare(home: Path, model: Path | None) -> None:
    """Ingest, analyse and index the two documents into a new instance at ``home``."""
    from corpus import Store, ingest
    from corpus.entities import EntityStore
    from indexer import build_index
    from indexer.entities import analyse_documents, load_recogniser

    home.mkdir(parents=True, exist_ok=True)
    if model is not None:
        (home / "models").mkdir(exist_ok=True)
        shutil.copy(model, home / "models" / "entities.json.gz")
    with tempfile.TemporaryDirectory(prefix="dossier-bench-pages-") as tmp:
        source = _sources(Path(tmp))
        with Store.open(f"sqlite:///{home / 'dossier.db'}") as store:
            report = ingest([source], store)
            print(f"ingested: {report.summary()}", file=sys.stderr)
            t0 = time.perf_counter()
            analysed = analyse_documents(
                store, EntityStore(store), recogniser=load_recogniser(home / "models")
            )
            took = time.perf_counter() - t0
            print(f"analysed: {analysed.mentions} mentions in {took:.0f} s", file=sys.stderr)
            build_index(store, home / "index")


def measure(home: Path, repeat: int, max_mb: float, max_cpu: float) -> list[str]:
    """Print one table row per page: median server time and size. Returns the pages over
    the bounds."""
    from webapp import create_app

    app = create_app({"HOME": str(home), "REANALYSIS": "queue", "DEMO_CORPUS": False})
    client = app.test_client()
    print(f"# document pages; {machine()}\n")
    print("| page | status | median s | median CPU s | MB |")
    print("| --- | ---: | ---: | ---: | ---: |")
    over: list[str] = []
    for doc_id, args in PAGES:
        for prefix in ("/documents/", "/api/documents/"):
            if prefix.startswith("/api") and "at=" in args:  # a page's redirect only
                continue
            url = prefix + doc_id + (f"?{args}" if args else "")
            times, cpu, size, status = [], [], 0, 0
            for _ in range(repeat):
                t0, c0 = time.perf_counter(), time.process_time()
                response = client.get(url)
                times.append(time.perf_counter() - t0)
                cpu.append(time.process_time() - c0)
                size, status = len(response.get_data()), response.status_code
            print(
                f"| `{url}` | {status} | {statistics.median(times):.2f} | "
                f"{statistics.median(cpu):.2f} | {size / 1e6:.2f} |"
            )
            sys.stdout.flush()
            if status >= 500 or size / 1e6 > max_mb or statistics.median(cpu) > max_cpu:
                over.append(url)
    return over


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--home", type=Path, required=True, help="instance folder (created if new)")
    ap.add_argument("--model", type=Path, help="a trained entities.json.gz to analyse with")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--max-mb", type=float, default=3.0, help="largest page allowed, MB")
    ap.add_argument("--max-cpu", type=float, default=1.0, help="most CPU-s a page may cost")
    args = ap.parse_args()
    if not (args.home / "dossier.db").exists():
        prepare(args.home, args.model)
    over = measure(args.home, args.repeat, args.max_mb, args.max_cpu)
    if over:
        raise SystemExit(f"over {args.max_mb} MB or {args.max_cpu} CPU-s: {', '.join(over)}")


if __name__ == "__main__":
    main()
