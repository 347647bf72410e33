"""Annotations on real texts: saving through the API, re-anchoring after a re-publication,
and the document view's annotation layer.

    python bench/bench_annotations.py --docs 100 --per-doc 10 --saves 300

Loads Kremlin transcripts (../shared/data/bench) into a fresh SQLite instance in a temporary
folder, then measures:

1. saving: ``POST /api/annotations`` through Flask's test client (CSRF token, JSON body,
   selection checked against the text, anchor made, row written), p50/p95 over ``--saves``;
2. re-anchoring: ``--per-doc`` sentence annotations in each of ``--docs`` documents, a new
   version of every document (a paragraph inserted, a word corrected outside the passages and,
   in one passage of three, a word inside), then ``queue_changed`` and ``reanchor_queued``:
   the time for all of them, and the statuses;
3. the document view: a long transcript (the one nearest ``--view-chars`` characters) with 50
   annotations and 500 entity marks (spans of capitalised words, standing in for stored
   mentions): reading and placing its annotations, building their marks, and
   ``render_layers`` over both layers (and over no marks, the cost of the text alone); plus the
   whole ``GET /documents/<id>`` page with its 50 annotations.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from annotations.anchoring import as_seen_in  # noqa: E402
from annotations.listing import document_annotations  # noqa: E402
from annotations.model import AnnotationDraft, Selection  # noqa: E402
from annotations.reanchor import queue_changed, reanchor_queued  # noqa: E402
from annotations.store import AnnotationStore  # noqa: E402
from bench.sources import collection_paths, machine, percentiles  # noqa: E402
from corpus.jobs import QueuePolicy  # noqa: E402
from corpus.model import DocumentDraft, Span  # noqa: E402
from corpus.store import Store  # noqa: E402
from webapp.annotation_layer import annotation_layer  # noqa: E402
from webapp.highlight import Mark, render_layers  # noqa: E402

SENTENCE = re.compile(r"[A-Z][^.!?\n]{30,240}[.!?]")
CAPITALISED = re.compile(r"\b[A-Z][a-z]{2,}\b")


def transcripts(limit: int) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    for path in collection_paths("kremlin"):
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            for line in lines:
                row = json.loads(line)
                if len(SENTENCE.findall(row["text"])) >= 12:
                    found.append(row)
                if len(found) >= limit:
                    return found
    return found


def republished(text: str, spans: list[Span], rng: random.Random) -> str:
    """A new version: a paragraph added, a word corrected outside, one passage in three edited."""
    edits: list[tuple[int, int, str]] = []
    for i, span in enumerate(spans):
        if i % 3 == 0:
            words = list(re.finditer(r"[a-z]{5,}", text[span.start : span.end]))
            if words:
                w = rng.choice(words)
                edits.append((span.start + w.start(), span.start + w.end(), w.group()[::-1]))
    outside = [m for m in re.finditer(r"\b[a-z]{6,}\b", text)
               if not any(s.start < m.end() and m.start() < s.end for s in spans)]  # fmt: skip
    if outside:
        w = rng.choice(outside)
        edits.append((w.start(), w.end(), w.group().capitalize()))
    edits.append((0, 0, "Editor's note: this transcript was corrected.\n\n"))
    for start, end, repl in sorted(edits, key=lambda e: -e[0]):
        text = text[:start] + repl + text[end:]
    return text


def bench_saves(folder: Path, store: Store, rows: list[dict[str, str]], saves: int) -> None:
    from webapp import create_app

    app = create_app({"TESTING": True, "HOME": str(folder), "DATABASE_URL": store.url,
                      "INDEX_DIR": str(folder / "index"), "SECRET_KEY": "bench",
                      "DEMO_CORPUS": False, "LOG_LEVEL": "WARNING"})  # fmt: skip
    client = app.test_client()
    page = client.get("/").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page)
    assert token, "no CSRF token on the page"
    client.environ_base["HTTP_X_CSRF_TOKEN"] = token.group(1)
    rng = random.Random(3)
    times, cpu = [], []
    for n in range(saves):
        row = rng.choice(rows)
        m = rng.choice(list(SENTENCE.finditer(row["text"])))
        body = {"document_id": row["id"], "version": 1, "start": m.start(), "end": m.end(),
                "quote": m.group(), "note": f"Note {n} on *this*", "tags": ["bench", "energy"],
                "client_key": f"save-{n}"}  # fmt: skip
        began, began_cpu = time.perf_counter(), time.process_time()
        response = client.post("/api/annotations", json=body)
        times.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
        assert response.status_code in (200, 201), response.get_json()
    p, c = percentiles(times), percentiles(cpu)
    print(f"  CPU time per save: p50 {c['p50']:.1f} ms, p95 {c['p95']:.1f} ms")
    print(f"save (POST /api/annotations), {saves} saves: p50 {p['p50']:.1f} ms, "
          f"p95 {p['p95']:.1f} ms, p99 {p['p99']:.1f} ms")  # fmt: skip


def bench_reanchor(store: Store, rows: list[dict[str, str]], per_doc: int) -> None:
    astore = AnnotationStore(store)
    rng = random.Random(5)
    spans_of: dict[str, list[Span]] = {}
    count = 0
    for row in rows:
        chosen = rng.sample(list(SENTENCE.finditer(row["text"])), per_doc)
        chosen.sort(key=lambda m: m.start())
        spans_of[row["id"]] = [Span(m.start(), m.end()) for m in chosen]
        for m in chosen:
            sel = Selection(row["id"], 1, m.start(), m.end(), m.group())
            astore.create(AnnotationDraft(sel, note="n"), author="local")
            count += 1
    drafts = [DocumentDraft(text=republished(r["text"], spans_of[r["id"]], rng), id=r["id"],
                            kind="speech", origin=r["id"]) for r in rows]  # fmt: skip
    store.put_many(drafts)
    began, began_cpu = time.perf_counter(), time.process_time()
    queue_changed(astore)
    report = reanchor_queued(
        astore, worker="bench", policy=QueuePolicy(lease_seconds=600), batch=32
    )
    took, took_cpu = time.perf_counter() - began, time.process_time() - began_cpu
    statuses = ", ".join(f"{n} {s}" for s, n in sorted(report.statuses.items()))
    total = sum(report.statuses.values())
    print(
        f"re-anchor {total} annotations ({count} sentences, plus the saves) in "
        f"{len(report.documents)} documents after a re-ingest: {took:.2f} s, CPU "
        f"{took_cpu:.2f} s ({statuses})"
    )


def bench_view(folder: Path, store: Store, rows: list[dict[str, str]], chars: int) -> None:
    astore = AnnotationStore(store)
    row = min(rows, key=lambda r: abs(len(r["text"]) - chars))
    document = store.get(row["id"])
    text = document.text
    existing = document_annotations(astore, row["id"], viewer="local")
    rng = random.Random(9)
    for m in rng.sample(list(SENTENCE.finditer(text)), max(0, 50 - len(existing))):
        sel = Selection(row["id"], document.version, m.start(), m.end(), m.group())
        astore.create(AnnotationDraft(sel, note="A *note*", tags=("bench",)), author="local")
    words = list(CAPITALISED.finditer(text))[:500]
    entity_marks = [
        Mark(Span(m.start(), m.end()), "entity", {"data-type": "PERSON"}, f"m-{m.start()}")
        for m in words
    ]
    layer_ms, render_ms, bare_ms = [], [], []
    for _ in range(30):  # CPU time: the machine may be shared (wall time is printed too)
        began = time.process_time()
        render_layers(text, [], paragraphs=True)
        bare_ms.append((time.process_time() - began) * 1000)
        began = time.process_time()
        notes = annotation_layer(
            as_seen_in(document_annotations(astore, row["id"], viewer="local"), document)
        )
        middle = time.process_time()
        render_layers(text, [*notes.marks, *entity_marks], paragraphs=True)
        layer_ms.append((middle - began) * 1000)
        render_ms.append((time.process_time() - middle) * 1000)
    from webapp import create_app

    app = create_app({"TESTING": True, "HOME": str(folder), "DATABASE_URL": store.url,
                      "INDEX_DIR": str(folder / "index"), "SECRET_KEY": "bench",
                      "DEMO_CORPUS": False, "LOG_LEVEL": "WARNING"})  # fmt: skip
    client = app.test_client()
    page_ms, page_cpu = [], []
    for _ in range(30):
        began, began_cpu = time.perf_counter(), time.process_time()
        response = client.get(f"/documents/{row['id']}")
        page_ms.append((time.perf_counter() - began) * 1000)
        page_cpu.append((time.process_time() - began_cpu) * 1000)
        assert response.status_code == 200
    a, r, g = percentiles(layer_ms), percentiles(render_ms), percentiles(page_ms)
    b, pc = percentiles(bare_ms), percentiles(page_cpu)
    print(f"document view, {len(text):,} characters, {len(notes.marks)} annotations, "
          f"{len(entity_marks)} entity marks:")  # fmt: skip
    figures = [
        ("annotation layer (read, place, marks), CPU", a),
        ("render_layers (both layers), CPU", r),
        ("render_layers (no marks, the text), CPU", b),
        ("GET /documents/<id> (no stored entities), CPU", pc),
        ("GET /documents/<id> (no stored entities), wall", g),
    ]
    for label, found in figures:
        print(f"  {label:48} p50 {found['p50']:.1f} ms, p95 {found['p95']:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100)
    parser.add_argument("--per-doc", type=int, default=10)
    parser.add_argument("--saves", type=int, default=300)
    parser.add_argument("--view-chars", type=int, default=60_000)
    args = parser.parse_args()
    rows = transcripts(args.docs)
    print(f"# {machine()}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with Store.open(f"sqlite:///{folder / 'dossier.db'}") as store:
            store.put_many([DocumentDraft(text=r["text"], id=r["id"], kind="speech",
                                          origin=r["id"]) for r in rows])  # fmt: skip
            from indexer.build import build_index

            build_index(store, folder / "index", procs=1)
            bench_saves(folder, store, rows, args.saves)
        with Store.open(f"sqlite:///{folder / 'dossier.db'}") as store:
            bench_reanchor(store, rows, args.per_doc)
            bench_view(folder, store, rows, args.view_chars)


if __name__ == "__main__":
    main()
