"""The document view with many layers: server time of one page with 500 entity mentions and 50
annotations (some nested), on real Kremlin transcripts.

    python bench/bench_document_view.py [--mentions 500] [--annotations 50] [--repeat 40]

Builds a throw-away instance in a temporary folder (never inside the repository) holding a
typical transcript (20-60 KB) and the longest one (kremlin-17976, 233 KB), stores
``--mentions`` entity mentions on words spread over each text and ``--annotations``
annotations on sentences spread over it (one in five nested inside another, with notes in
Markdown, tags and replies), then requests each page through Flask's test client, so the time
is the server's own (no network). Prints the median and p95 of ``--repeat`` requests, without
and with a query's hits, and how long ``render_layers`` alone takes.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from annotations.model import LOCAL_USER, AnnotationDraft, Selection  # noqa: E402
from annotations.store import AnnotationStore  # noqa: E402
from bench.sources import collection_paths, machine, percentiles  # noqa: E402
from corpus.entities.analyses import replace_mentions  # noqa: E402
from corpus.entities.model import ENTITY_TYPES, Mention  # noqa: E402
from corpus.entities.store import EntityStore  # noqa: E402
from corpus.ingestion import ingest  # noqa: E402
from corpus.model import Document, Span  # noqa: E402
from corpus.store import Store  # noqa: E402

LONGEST = "kremlin-17976"
WORD = re.compile(r"\b[A-Za-z]{3,}\b")
SENTENCE = re.compile(r"[A-Z][^.!?\n]{30,240}[.!?]")


def pick_documents(folder: Path) -> tuple[Path, list[str]]:
    """A JSONL file in ``folder`` with a typical transcript and the longest one."""
    chosen: dict[str, str] = {}
    typical = ""
    for path in collection_paths("kremlin"):
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            for line in lines:
                doc = json.loads(line)
                if doc["id"] == LONGEST:
                    chosen[LONGEST] = line
                elif not typical and 20_000 <= len(doc["text"]) <= 60_000:
                    typical = doc["id"]
                    chosen[typical] = line
    out = folder / "documents.jsonl"
    out.write_text("".join(chosen.values()), encoding="utf-8")
    return out, [typical, LONGEST]


def spread(items: list[Any], n: int) -> list[Any]:
    """``n`` items taken evenly from ``items``."""
    if len(items) <= n:
        return items
    step = len(items) / n
    return [items[int(i * step)] for i in range(n)]


def add_mentions(entity_store: EntityStore, document: Document, n: int) -> int:
    words = spread(list(WORD.finditer(document.text)), n)
    found = [
        Mention(Span(m.start(), m.end()), ENTITY_TYPES[i % 4], m.group(), "model", 0.9)
        for i, m in enumerate(words)
    ]
    sentences = [i // 10 for i in range(len(found))]
    replace_mentions(entity_store, document.id, document.version, found, sentences)
    return len(found)


def add_annotations(astore: AnnotationStore, document: Document, n: int) -> int:
    sentences = spread(list(SENTENCE.finditer(document.text)), n)
    made = 0
    for i, m in enumerate(sentences):
        start, end = m.start(), m.end()
        if i % 5 == 4:  # nested: the middle of the sentence before's span
            start, end = start + (end - start) // 4, end - (end - start) // 4
        quote = document.text[start:end]
        selection = Selection(document.id, document.version, start, end, quote)
        note = f"Note {i}: *first* mention of **{quote.split()[0]}**, see [source](https://example.org)"
        draft = AnnotationDraft(selection, note=note, tags=("bench", f"t{i % 7}"))
        astore.create(draft, author=LOCAL_USER)
        made += 1
    return made


def timed(client: Any, url: str, repeat: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds of each request. On a shared machine the CPU time is
    the better guide: it leaves out the time the process waited for a core."""
    wall, cpu = [], []
    for _ in range(repeat):
        began, began_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        wall.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=500)
    parser.add_argument("--annotations", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    from webapp import create_app
    from webapp.highlight import render_layers

    with tempfile.TemporaryDirectory(prefix="dossier-docview-") as tmp:
        home = Path(tmp)
        url = f"sqlite:///{home / 'dossier.db'}"
        source, ids = pick_documents(home)
        with Store.open(url) as store:
            ingest([source], store)
            entity_store, astore = EntityStore(store), AnnotationStore(store)
            counts = {}
            for id in ids:
                document = store.get(id)
                counts[id] = (
                    len(document.text),
                    add_mentions(entity_store, document, args.mentions),
                    add_annotations(astore, document, args.annotations),
                )
        app = create_app(
            {"HOME": str(home), "DATABASE_URL": url, "INDEX_DIR": str(home / "index"),
             "SECRET_KEY": "bench", "DEMO_CORPUS": False, "LOG_LEVEL": "WARNING"}
        )  # fmt: skip
        client = app.test_client()
        print(machine())
        print(f"{args.repeat} requests each, after 3 warm-up requests; times in ms")
        for id in ids:
            chars, mentions, notes = counts[id]
            for query in ("", "?q=russia"):
                page = f"/documents/{id}{query}"
                timed(client, page, 3)
                wall, cpu = (percentiles(s) for s in timed(client, page, args.repeat))
                print(
                    f"{id} ({chars:,} chars, {mentions} mentions, {notes} annotations) "
                    f"{query or '(no query)'}: wall p50 {wall['p50']:.1f} p95 {wall['p95']:.1f}"
                    f" · CPU p50 {cpu['p50']:.1f} p95 {cpu['p95']:.1f}"
                )
        with app.test_request_context(f"/documents/{ids[0]}"):
            store = Store.open(url)
            document = store.get(ids[0])
            marks = _page_marks(app, document)
            samples = []
            for _ in range(args.repeat):
                began = time.process_time()
                render_layers(document.text, marks, paragraphs=True)
                samples.append((time.process_time() - began) * 1000)
            store.close()
            print(f"render_layers alone, {ids[0]} ({len(marks)} marks): "
                  f"CPU median {statistics.median(samples):.1f} ms")  # fmt: skip


def _page_marks(app: Any, document: Document) -> list[Any]:
    """The marks the document view merges: annotations and entity mentions."""
    from annotations import as_seen_in, document_annotations
    from corpus.entities import mentions
    from webapp.annotation_layer import annotation_layer
    from webapp.entity_layer import document_layer
    from webapp.resources import entity_names, get_annotation_store, get_entity_store

    notes = annotation_layer(
        as_seen_in(document_annotations(get_annotation_store(), document.id, viewer=LOCAL_USER),
                   document)
    )  # fmt: skip
    layer = document_layer(mentions(get_entity_store(), document.id, document.version),
                           entity_names())  # fmt: skip
    return [*notes.marks, *layer.marks]


if __name__ == "__main__":
    main()
