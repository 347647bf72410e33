"""The export formats of a brief, by name: what each is made by, its media type and suffix.

One table for the API, the CLI and the tests. Every export is made from ``Notes`` checked
against the current versions of the sources, so a changed or missing quote is flagged in the
file itself; the callers also warn before exporting one (``Notes.problems``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from annotations.briefs.docx import to_docx
from annotations.briefs.export import to_markdown, to_print_html, to_w3c
from annotations.briefs.notes import Notes
from annotations.errors import InvalidAnnotation, UnverifiedQuotes
from annotations.w3c import Urls

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
W3C_TYPE = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
EXPORT_FORMATS: dict[str, tuple[str, str]] = {
    "markdown": ("text/markdown; charset=utf-8", "md"),
    "html": ("text/html; charset=utf-8", "html"),
    "docx": (DOCX_TYPE, "docx"),
    "w3c": (W3C_TYPE, "jsonld"),
}


@dataclass(frozen=True)
class Exported:
    """An exported brief: the file's bytes, its media type and a file name."""

    data: bytes
    media_type: str
    filename: str


def export_brief(notes: Notes, fmt: str, urls: Urls, *, force: bool = True) -> Exported:
    """The brief in format ``fmt`` (``EXPORT_FORMATS``); raises ``InvalidAnnotation`` for
    another name, and, unless ``force``, ``UnverifiedQuotes`` when a quote changed or went
    missing in its source (the file would flag it, but the analyst should know first)."""
    if fmt not in EXPORT_FORMATS:
        raise InvalidAnnotation(
            f"Unknown export format {fmt!r}: use one of {', '.join(EXPORT_FORMATS)}."
        )
    if notes.problems and not force:
        numbers = tuple(n.number for n in notes.problems)
        listed = ", ".join(f"{n.number} ({n.status})" for n in notes.problems)
        raise UnverifiedQuotes(
            f"Notes {listed} quote words that changed or are no longer in their sources. "
            "Verify the brief and fix those quotes, or export anyway (force) to get a file "
            "that flags them.",
            numbers,
        )
    if fmt == "markdown":
        data = to_markdown(notes).encode("utf-8")
    elif fmt == "html":
        data = to_print_html(notes).encode("utf-8")
    elif fmt == "docx":
        data = to_docx(notes)
    else:
        data = json.dumps(to_w3c(notes, urls), indent=2, ensure_ascii=False).encode("utf-8")
    media_type, suffix = EXPORT_FORMATS[fmt]
    return Exported(data, media_type, f"{file_stem(notes.brief.title)}.{suffix}")


def file_stem(title: str) -> str:
    """A safe file name from a title: letters, digits and hyphens, at most 60 characters."""
    stem = "".join(c if c.isalnum() else "-" for c in title.casefold())
    return "-".join(filter(None, stem.split("-")))[:60] or "brief"
