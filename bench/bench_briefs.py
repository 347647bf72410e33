"""Briefs on real texts: rendering and verifying a brief of 50 citations.

    python bench/bench_briefs.py --collection bench --citations 50 --runs 30

Loads a collection of ../shared/data (``bench``: 18,153 documents) into a fresh SQLite store in
a temporary folder (no analysis, no index: briefs read only the store), cites ``--citations``
sentences of Kremlin transcripts (two per document) in one brief whose body refers to each,
then publishes a new version of one cited document in three (a paragraph inserted before the
passages, and one cited sentence in three of those edited), so verification finds quotes exact,
moved, changed and missing. Measures, p50/p95 over ``--runs`` (wall and CPU time):

1. render: the notes (house style, each checked in its document's current version), the body's
   sanitized HTML with note references and the notes' HTML (``GET /api/briefs/<id>/rendered``);
2. verify: ``verify_brief`` (locate every quote, store the statuses);
3. render + verify: both, the figure the 300 ms target is about;
4. the API: ``GET .../rendered`` and ``POST .../verify`` through Flask's test client;
5. exports: Markdown, print HTML and DOCX.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from annotations.briefs import (  # noqa: E402
    BriefChanges,
    BriefDraft,
    BriefStore,
    CitationDraft,
    body_html,
    export_brief,
    note_brief,
    notes_html,
    verify_brief,
)
from annotations.model import Selection  # noqa: E402
from annotations.store import AnnotationStore  # noqa: E402
from annotations.w3c import Urls  # noqa: E402
from bench.sources import collection_paths, machine, percentiles  # noqa: E402
from corpus.model import DocumentDraft  # noqa: E402
from corpus.store import Store  # noqa: E402

SENTENCE = re.compile(r"[A-Z][^.!?\n]{40,240}[.!?]")
BASE = "http://127.0.0.1:5000"


def load(store: Store, collection: str, limit: int | None) -> int:
    """Store the collection's documents as they are (text and id); returns how many."""
    count, batch = 0, []
    for path in collection_paths(collection):
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            for line in lines:
                row = json.loads(line)
                title = row.get("title", "")
                batch.append(DocumentDraft(text=row["text"], id=row["id"], kind="speech",
                                           title=title, origin=row["id"]))  # fmt: skip
                count += 1
                if len(batch) == 500:
                    store.put_many(batch)
                    batch = []
                if limit and count >= limit:
                    break
        if limit and count >= limit:
            break
    if batch:
        store.put_many(batch)
    return count


def cite_passages(bstore: BriefStore, citations: int) -> tuple[str, list[tuple[str, str]]]:
    """A brief citing two sentences of each of ``citations // 2`` long Kremlin transcripts."""
    rng = random.Random(11)
    brief, _ = bstore.create(BriefDraft("Far East infrastructure (bench)"), owner="local")
    cited: list[tuple[str, str]] = []
    body = []
    with gzip.open(collection_paths("kremlin")[0], "rt", encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            found = list(SENTENCE.finditer(row["text"]))
            if len(found) < 20:
                continue
            for m in sorted(rng.sample(found, 2), key=lambda m: m.start()):
                sel = Selection(row["id"], 1, m.start(), m.end(), m.group())
                _, c = bstore.cite(brief.id, CitationDraft(selection=sel), actor="local")
                cited.append((row["id"], m.group()))
                body.append(f"The transcript says: “{m.group()[:60]}…”[@{c.id}]")
            if len(cited) >= citations:
                break
    bstore.update(brief.id, BriefChanges(body="\n\n".join(body)), revision=1, actor="local")
    return brief.id, cited


def republish(store: Store, cited: list[tuple[str, str]]) -> None:
    """New versions of one cited document in three: a preface, and one quote in three edited."""
    rng = random.Random(13)
    documents = sorted({d for d, _ in cited})[::3]
    drafts = []
    for n, document_id in enumerate(documents):
        text = store.get(document_id).text
        quotes = [q for d, q in cited if d == document_id]
        if n % 3 == 0:
            words = re.findall(r"\b[a-z]{5,}\b", quotes[0])
            if words:
                word = rng.choice(words)
                text = text.replace(quotes[0], quotes[0].replace(word, word[::-1], 1))
        if n % 3 == 1:
            text = text.replace(quotes[0], "")
        drafts.append(DocumentDraft(text="Editor's note: corrected.\n\n" + text, id=document_id,
                                    kind="speech", origin=document_id))  # fmt: skip
    store.put_many(drafts)


def timed(label: str, runs: int, work: Callable[[], object]) -> None:
    wall, cpu = [], []
    for _ in range(runs):
        began, began_cpu = time.perf_counter(), time.process_time()
        work()
        wall.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
    w, c = percentiles(wall), percentiles(cpu)
    print(f"  {label:44} wall p50 {w['p50']:6.1f} ms, p95 {w['p95']:6.1f} ms; "
          f"CPU p50 {c['p50']:6.1f} ms, p95 {c['p95']:6.1f} ms")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--collection", default="bench", help="demo, bench or kremlin")
    parser.add_argument("--limit", type=int, default=None, help="load only this many documents")
    parser.add_argument("--citations", type=int, default=50)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    print(machine())
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with Store.open(f"sqlite:///{folder / 'dossier.db'}") as store:
            began = time.perf_counter()
            count = load(store, args.collection, args.limit)
            print(f"loaded {count:,} documents in {time.perf_counter() - began:.0f} s")
            bstore = BriefStore(AnnotationStore(store))
            brief_id, cited = cite_passages(bstore, args.citations)
            republish(store, cited)
            run(folder, store, bstore, brief_id, len(cited), args.runs)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def run(
    folder: Path, store: Store, bstore: BriefStore, brief_id: str, cited: int, runs: int
) -> None:
    def link(c: object) -> str:
        return f"{BASE}/briefs/{brief_id}/citations/{getattr(c, 'id', '')}"

    def render() -> object:
        notes = note_brief(bstore, bstore.get(brief_id, viewer="local"), link)
        return body_html(notes), notes_html(notes)

    def verify() -> object:
        return verify_brief(bstore, brief_id, viewer="local")

    found = verify_brief(bstore, brief_id, viewer="local")
    print(f"brief of {cited} citations in {len({c.document_id for c in found.brief.citations})} "
          f"documents; after the re-publication: {found.counts}")  # fmt: skip
    timed("render (notes + body and notes HTML)", runs, render)
    timed("verify (locate and store every quote)", runs, verify)
    timed("render + verify", runs, lambda: (render(), verify()))
    from webapp import create_app

    app = create_app({"TESTING": True, "HOME": str(folder), "DATABASE_URL": store.url,
                      "INDEX_DIR": str(folder / "index"), "SECRET_KEY": "bench",
                      "DEMO_CORPUS": False, "LOG_LEVEL": "WARNING"})  # fmt: skip
    client = app.test_client()
    page = client.get("/").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page)
    assert token, "no CSRF token on the page"
    client.environ_base["HTTP_X_CSRF_TOKEN"] = token.group(1)

    def api() -> None:
        assert client.get(f"/api/briefs/{brief_id}/rendered").status_code == 200
        assert client.post(f"/api/briefs/{brief_id}/verify").status_code == 200

    timed("API: GET rendered + POST verify", runs, api)
    notes = note_brief(bstore, bstore.get(brief_id, viewer="local"), link)
    for fmt in ("markdown", "html", "docx"):

        def export(fmt: str = fmt) -> object:
            return export_brief(notes, fmt, Urls(BASE))

        timed(f"export {fmt} (notes ready)", runs, export)


if __name__ == "__main__":
    main()
