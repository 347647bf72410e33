"""Briefs: an analyst's write-up that quotes passages through citations, each kept verifiable.

Values in ``model``; storing, revisions and citing in ``store``. A citation holds the same
``corpus.anchors.Anchor`` as an annotation, so a quote is always checked against the words of
its document, never trusted as typed. The exports (``export``, ``formats``: the Markdown
renderer and python-docx) load on first use, so ``dossier search`` never loads them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from annotations.briefs.backlinks import (
    CitedPassage,
    CitingBrief,
    annotation_backlinks,
    cited_passages,
)
from annotations.briefs.jobs import VerifyReport, queue_cited_changed, verify_queued
from annotations.briefs.model import (
    CHECKS,
    VERIFY_BRIEFS,
    Brief,
    BriefChanges,
    BriefCitation,
    BriefDraft,
    BriefRevision,
    CitationDraft,
    Insertion,
    markers,
)
from annotations.briefs.notes import Note, Notes, note_brief
from annotations.briefs.quotes import TypedQuote, find_in_text, search_phrase, typed_quotes
from annotations.briefs.store import BriefStore
from annotations.briefs.verify import (
    Verdict,
    Verification,
    WordChange,
    check,
    text_diff,
    verify_brief,
    word_diff,
)

if TYPE_CHECKING:
    from annotations.briefs.export import (
        body_html,
        notes_html,
        to_markdown,
        to_print_html,
        to_w3c,
    )
    from annotations.briefs.formats import EXPORT_FORMATS, Exported, export_brief

__all__ = [
    "CHECKS",
    "EXPORT_FORMATS",
    "VERIFY_BRIEFS",
    "Brief",
    "BriefChanges",
    "BriefCitation",
    "BriefDraft",
    "BriefRevision",
    "BriefStore",
    "CitationDraft",
    "CitedPassage",
    "CitingBrief",
    "Exported",
    "Insertion",
    "Note",
    "Notes",
    "TypedQuote",
    "Verdict",
    "Verification",
    "VerifyReport",
    "WordChange",
    "annotation_backlinks",
    "body_html",
    "check",
    "cited_passages",
    "export_brief",
    "find_in_text",
    "markers",
    "note_brief",
    "notes_html",
    "queue_cited_changed",
    "search_phrase",
    "to_markdown",
    "to_print_html",
    "to_w3c",
    "typed_quotes",
    "verify_brief",
    "verify_queued",
    "text_diff",
    "word_diff",
]

# Public names loaded on first use, from the module that defines them.
_LAZY = {
    **dict.fromkeys(
        ("body_html", "notes_html", "to_markdown", "to_print_html", "to_w3c"), "export"
    ),
    **dict.fromkeys(("EXPORT_FORMATS", "Exported", "export_brief"), "formats"),
}

if not TYPE_CHECKING:  # mypy reads the imports above, and so catches a misspelt name

    def __getattr__(name: str) -> Any:
        """Load a public name of ``_LAZY`` from its module on first use."""
        if name not in _LAZY:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
        globals()[name] = value
        return value
