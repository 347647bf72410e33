"""A brief as Markdown with footnotes, as sanitized HTML, and as a standalone page to print.

Every format is built from the same ``Notes`` (``annotations/briefs/notes.py``), so the
numbers, the house style and the warnings agree everywhere. The body's HTML comes from the
one Markdown renderer (``annotations.markdown``, sanitized by nh3); markers are replaced in
its output by note references made here from numbers only, and everything else this module
adds (titles, note lines, links) is escaped, so no analyst or source text becomes markup.
"""

from __future__ import annotations

import html
from importlib import resources
from typing import Any

from annotations.briefs.model import NOTE_REF
from annotations.briefs.notes import Note, Notes
from annotations.briefs.quotes import UNSOURCED_FLAG
from annotations.citations import format_date
from annotations.markdown import render_markdown
from annotations.w3c import CONTEXT, Urls, collection, passage_target
from corpus.model import PartialDate

UNKNOWN_NOTE = "[missing citation]"
UNSOURCED_HTML = (
    ' <span class="unsourced-flag" title="Quoted without a source in the corpus">unsourced</span>'
)


def to_markdown(notes: Notes) -> str:
    """The brief as Markdown: its title, the body with footnote references (``[^1]``) and
    the footnotes, each with its warning."""
    body = NOTE_REF.sub(lambda m: _footnote_ref(notes, m.group(1)), notes.brief.body).rstrip()
    lines = [f"# {notes.brief.title}", "", body, ""] if body else [f"# {notes.brief.title}", ""]
    for note in notes.notes:
        warning = f" **{note.warning}**" if note.warning else ""
        lines.append(f"[^{note.number}]: {note.line}{warning}")
    return "\n".join(lines).rstrip() + "\n"


def body_html(notes: Notes) -> str:
    """The body as sanitized HTML, each marker a numbered note reference linking to its note,
    each quote marked ``[unsourced]`` flagged as such."""
    rendered = render_markdown(notes.brief.body)
    rendered = UNSOURCED_FLAG.sub(UNSOURCED_HTML, rendered)
    return NOTE_REF.sub(lambda m: _html_ref(notes, m.group(1)), rendered)


def notes_html(notes: Notes) -> str:
    """The notes as an ordered list; each links to its passage in Dossier and back to the text."""
    items = [_note_item(note) for note in notes.notes]
    return '<ol class="notes">\n' + "\n".join(items) + "\n</ol>" if items else ""


def to_print_html(notes: Notes) -> str:
    """A standalone page (no script, no remote resource) to print or archive."""
    brief = notes.brief
    style = resources.files("annotations.briefs").joinpath("print.css").read_text("utf-8")
    warning = ""
    if notes.problems:
        numbers = ", ".join(str(n.number) for n in notes.problems)
        warning = (
            f'<p class="warning">Check notes {numbers}: their quotes changed or are missing '
            "in the current version of their sources.</p>\n"
        )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(brief.title)}</title>\n<style>\n{style}</style>\n</head>\n<body>\n"
        f"<article>\n<h1>{html.escape(brief.title)}</h1>\n"
        f'<p class="byline">{html.escape(brief.owner)}, '
        f"{format_date(PartialDate(brief.modified.date(), 'day'))}</p>\n{warning}"
        f"{body_html(notes)}\n<h2>Notes</h2>\n{notes_html(notes)}\n</article>\n</body>\n</html>\n"
    )


def to_w3c(notes: Notes, urls: Urls) -> dict[str, Any]:
    """The cited passages as a W3C Web Annotation collection, in note order: each a
    ``linking`` annotation from the brief to the passage (the same target as an annotation's),
    with its note number and what verification found under the ``dossier:`` prefix."""
    brief = notes.brief
    brief_iri = f"{urls.base}/api/briefs/{brief.id}"
    items = []
    for note in notes.notes:
        citation, verdict = note.citation, note.verdict
        found: dict[str, Any] = {"status": verdict.status, "version": verdict.version}
        if verdict.located is not None:
            found.update(start=verdict.located.start, end=verdict.located.end)
        item: dict[str, Any] = {
            "@context": CONTEXT,
            "id": f"{brief_iri}/citations/{citation.id}",
            "type": "Annotation",
            "motivation": "linking",
            "created": citation.created.isoformat().replace("+00:00", "Z"),
            "body": {"id": brief_iri, "type": "Text", "purpose": "linking"},
            "target": passage_target(citation.document_id, citation.anchor, urls),
            "dossier:note": note.number,
            "dossier:citationLine": note.line,
            "dossier:verification": found,
        }
        if citation.annotation_id:
            item["dossier:annotation"] = urls.annotation(citation.annotation_id)
        items.append(item)
    label = f"Passages cited in the brief “{brief.title}”"
    return collection(items, urls, label=label, collection_id=f"{brief_iri}/export?format=w3c")


def _footnote_ref(notes: Notes, citation_id: str) -> str:
    number = notes.number_of(citation_id)
    return f"[^{number}]" if number is not None else f" {UNKNOWN_NOTE}"


def _html_ref(notes: Notes, citation_id: str) -> str:
    number = notes.number_of(citation_id)
    if number is None:
        return f' <sup class="note-ref missing">{UNKNOWN_NOTE}</sup>'
    return f'<sup class="note-ref"><a href="#note-{number}">{number}</a></sup>'


def _note_item(note: Note) -> str:
    """One note: the citation line with its URLs as links, the status, the warning."""
    line = html.escape(note.line)
    link = html.escape(note.source.link)
    if note.source.link and line.endswith(link):
        line = line[: -len(link)] + f'<a class="passage" href="{link}">{link}</a>'
    url = html.escape(note.source.source_url)
    if url and f" {url} " in f" {line} ":
        line = line.replace(url, f'<a class="source" href="{url}">{url}</a>', 1)
    warning = (
        f' <strong class="warning">{html.escape(note.warning)}</strong>' if note.warning else ""
    )
    return (
        f'<li id="note-{note.number}" data-status="{note.status}" '
        f'data-citation="{html.escape(note.citation.id)}">{line}{warning}</li>'
    )
