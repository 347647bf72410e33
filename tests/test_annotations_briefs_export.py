"""Rendering and exporting briefs: notes numbered in reading order from the sources' metadata
(dates by day, month, year or none), Markdown footnotes, sanitized HTML, a print page, a DOCX
read back with its footnotes, and the W3C bundle; changed and missing quotes are flagged."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections.abc import Iterator
from xml.etree import ElementTree as etree

import docx
import jsonschema
import pytest
from bs4 import BeautifulSoup

from annotations.briefs import (
    BriefChanges,
    BriefDraft,
    BriefStore,
    CitationDraft,
    Notes,
    body_html,
    export_brief,
    note_brief,
    to_markdown,
)
from annotations.model import Selection
from annotations.store import AnnotationStore
from annotations.w3c import Urls
from corpus.model import DocumentDraft, PartialDate
from corpus.store import Store

BASE = "http://dossier.test"
DAY, MONTH, YEAR = dt.date(2019, 9, 5), dt.date(2017, 9, 1), dt.date(2018, 1, 1)
DOCS = {
    "day": ("Vladimir Putin", "Plenary session", "President of Russia",
            PartialDate(DAY, "day"), "https://example.org/day"),
    "month": ("Sergey Lavrov", "General Debate", "UN Records", PartialDate(MONTH, "month"), ""),
    "year": ("", "Annual report", "Fixture Outlet", PartialDate(YEAR, "year"), ""),
    "none": ("Anonymous", "Undated note", "", None, ""),
}  # fmt: skip
TEXT = "Opening words. The {kind} passage says ports & <roads> matter. Closing words."


def quote_of(kind: str) -> str:
    return f"The {kind} passage says ports & <roads> matter."


@pytest.fixture
def bstore(database_url: str) -> Iterator[BriefStore]:
    with Store.open(database_url) as store:
        for kind, (speaker, title, source, date, url) in DOCS.items():
            store.put(
                DocumentDraft(
                    text=TEXT.format(kind=kind), id=kind, kind="speech", title=title,
                    speaker=speaker, source=source, date=date, url=url,
                )
            )  # fmt: skip
        yield BriefStore(AnnotationStore(store))


def cite(bstore: BriefStore, brief_id: str, kind: str) -> str:
    text, quote = TEXT.format(kind=kind), quote_of(kind)
    sel = Selection(kind, 1, text.index(quote), text.index(quote) + len(quote), quote)
    return bstore.cite(brief_id, CitationDraft(selection=sel), actor="ann")[1].id


def notes_for(bstore: BriefStore, body: str, kinds: tuple[str, ...]) -> Notes:
    brief, _ = bstore.create(BriefDraft("Ports <& roads>"), owner="ann")
    ids = {kind: cite(bstore, brief.id, kind) for kind in kinds}
    text = body.format(**ids)
    brief = bstore.update(brief.id, BriefChanges(body=text), revision=1, actor="ann")
    return note_brief(bstore, brief, lambda c: f"{BASE}/briefs/{brief.id}/citations/{c.id}")


BODY = (
    "Putin: *ports* matter [@{day}]. Lavrov agreed [@{month}].\n\n"
    "> The report said so [@{year}] and again [@{day}].\n\nUnknown [@nope]."
)


def test_notes_follow_reading_order_with_dates_at_their_precision(bstore: BriefStore) -> None:
    notes = notes_for(bstore, BODY, ("none", "year", "day", "month"))

    lines = [note.line for note in notes.notes]
    link = f"{BASE}/briefs/{notes.brief.id}/citations/"
    assert [n.citation.document_id for n in notes.notes] == ["day", "month", "year", "none"]
    assert lines[0] == (
        "Vladimir Putin, “Plenary session”, President of Russia, 5 September 2019. "
        f"https://example.org/day {link}{notes.notes[0].citation.id}"
    )
    assert lines[1].startswith("Sergey Lavrov, “General Debate”, UN Records, September 2017. ")
    assert lines[2].startswith("“Annual report”, Fixture Outlet, 2018. ")
    assert lines[3].startswith("Anonymous, “Undated note”, undated. ")
    assert notes.unknown == ("nope",)
    assert notes.problems == ()


def test_markdown_export_has_footnotes_for_every_marker(bstore: BriefStore) -> None:
    notes = notes_for(bstore, BODY, ("day", "month", "year"))

    text = to_markdown(notes)

    lines = text.splitlines()
    assert lines[0] == "# Ports <& roads>"
    assert lines[2] == "Putin: *ports* matter[^1]. Lavrov agreed[^2]."
    assert lines[4] == "> The report said so[^3] and again[^1]."
    assert lines[6] == "Unknown [missing citation]."
    footnotes = [line for line in lines if line.startswith("[^")]
    assert [f.split(":")[0] for f in footnotes] == ["[^1]", "[^2]", "[^3]"]
    assert footnotes[0].startswith("[^1]: Vladimir Putin, “Plenary session”")


def test_html_escapes_sources_and_links_each_reference_to_its_note(bstore: BriefStore) -> None:
    notes = notes_for(bstore, BODY + "\n\n<script>alert(1)</script>", ("day", "month", "year"))

    page = BeautifulSoup(export_brief(notes, "html", Urls(BASE)).data, "html.parser")

    assert page.title is not None and page.title.get_text() == "Ports <& roads>"
    assert page.find("script") is None
    refs = [a["href"] for a in page.select("sup.note-ref a")]
    assert refs == ["#note-1", "#note-2", "#note-3", "#note-1"]
    items = page.select("ol.notes > li")
    assert [li["id"] for li in items] == ["note-1", "note-2", "note-3"]
    assert [li["data-status"] for li in items] == ["exact", "exact", "exact"]
    passage = items[0].select_one("a.passage")
    assert passage is not None and str(passage["href"]).startswith(f"{BASE}/briefs/")
    source = items[0].select_one("a.source")
    assert source is not None and source["href"] == "https://example.org/day"
    assert page.select_one("sup.note-ref.missing") is not None
    assert page.select_one("p.warning") is None
    assert "<script>" not in body_html(notes)


def test_changed_and_missing_quotes_are_flagged_in_every_format(bstore: BriefStore) -> None:
    brief_notes = notes_for(bstore, "A [@{day}]. B [@{month}].", ("day", "month"))
    store = bstore.store
    store.put(DocumentDraft(text=TEXT.format(kind="day").replace("ports", "harbours"), id="day"))
    store.put(DocumentDraft(text="Nothing left.", id="month"))
    notes = note_brief(bstore, brief_notes.brief, lambda c: f"{BASE}/x/{c.id}")

    assert [n.status for n in notes.notes] == ["changed", "missing"]
    assert [n.number for n in notes.problems] == [1, 2]
    markdown = to_markdown(notes)
    assert "verify it.**" in markdown and "no longer in the source.**" in markdown
    page = BeautifulSoup(export_brief(notes, "html", Urls(BASE)).data, "html.parser")
    warning = page.select_one("p.warning")
    assert warning is not None and "Check notes 1, 2" in warning.get_text()
    assert [li["data-status"] for li in page.select("ol.notes > li")] == ["changed", "missing"]


def test_docx_reopens_with_its_text_and_real_footnotes(bstore: BriefStore) -> None:
    notes = notes_for(bstore, BODY, ("day", "month", "year"))

    exported = export_brief(notes, "docx", Urls(BASE))

    assert exported.filename == "ports-roads.docx"
    document = docx.Document(io.BytesIO(exported.data))
    paragraphs = [(p.style.name if p.style else "", p.text) for p in document.paragraphs]
    assert paragraphs[0] == ("Title", "Ports <& roads>")
    assert ("Normal", "Putin: ports matter. Lavrov agreed.") in paragraphs
    assert ("Quote", "The report said so and again.") in paragraphs
    italic = [r.text for p in document.paragraphs for r in p.runs if r.italic]
    assert italic == ["ports"]
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    with zipfile.ZipFile(io.BytesIO(exported.data)) as archive:
        body = etree.fromstring(archive.read("word/document.xml"))
        footnotes = etree.fromstring(archive.read("word/footnotes.xml"))
        assert "footnotes.xml" in archive.read("word/_rels/document.xml.rels").decode()
    references = [r.get(f"{w}id") for r in body.iter(f"{w}footnoteReference")]
    assert references == ["1", "2", "3", "1"]
    texts = {
        f.get(f"{w}id"): "".join(t.text or "" for t in f.iter(f"{w}t")).strip()
        for f in footnotes.iter(f"{w}footnote")
        if int(f.get(f"{w}id") or 0) > 0
    }
    assert texts == {str(n.number): n.line for n in notes.notes}


def test_w3c_bundle_holds_each_cited_passage_in_note_order(bstore: BriefStore) -> None:
    notes = notes_for(bstore, "A [@{day}]. B [@{month}].", ("day", "month"))

    bundle = json.loads(export_brief(notes, "w3c", Urls(BASE)).data)

    assert bundle["type"] == "AnnotationCollection"
    assert bundle["total"] == 2
    items = bundle["first"]["items"]
    assert [i["dossier:note"] for i in items] == [1, 2]
    target = items[0]["target"]
    assert target["source"] == f"{BASE}/documents/day?version=1"
    quote, position = target["selector"]
    assert (quote["type"], quote["exact"]) == ("TextQuoteSelector", quote_of("day"))
    assert position == {
        "type": "TextPositionSelector",
        "start": 15,
        "end": 15 + len(quote_of("day")),
    }
    assert items[0]["motivation"] == "linking"
    assert items[0]["dossier:verification"]["status"] == "exact"
    jsonschema.validate(items[0], {"type": "object", "required": ["id", "type", "target", "body"]})


def test_an_unknown_format_is_refused_naming_the_ones_that_work(bstore: BriefStore) -> None:
    notes = notes_for(bstore, "", ())
    from annotations.errors import InvalidAnnotation

    with pytest.raises(InvalidAnnotation, match="use one of markdown, html, docx, w3c"):
        export_brief(notes, "pdf", Urls(BASE))
