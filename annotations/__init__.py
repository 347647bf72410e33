"""Analyst annotations, their anchors, passage links and citations.

Reads ``corpus``; never imports ``indexer`` or ``webapp``. The tables live in the documents'
database with their own migration history, run after the corpus's (``annotations/migrations``).
Annotations are the analysts' own work: nothing here deletes one except an explicit delete by
its author, and re-anchoring never puts one on words that are not its quote (it reports it
fuzzy, to review, or orphaned). The web app uses only the names listed in ``__all__``.
The Markdown renderer (``markdown_it``, ``nh3``) is loaded on first use: ``dossier search``
needs the store, not the renderer.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from annotations.anchoring import Placement, as_seen_in, place
from annotations.briefs import (
    CHECKS,
    VERIFY_BRIEFS,
    Brief,
    BriefChanges,
    BriefCitation,
    BriefDraft,
    BriefRevision,
    BriefStore,
    CitationDraft,
    CitedPassage,
    CitingBrief,
    Insertion,
    Note,
    Notes,
    TypedQuote,
    Verdict,
    Verification,
    VerifyReport,
    WordChange,
    annotation_backlinks,
    cited_passages,
    find_in_text,
    markers,
    note_brief,
    queue_cited_changed,
    search_phrase,
    text_diff,
    typed_quotes,
    verify_brief,
    verify_queued,
    word_diff,
)
from annotations.citations import Citation, citation_line, cite, format_date
from annotations.errors import (
    AnnotationError,
    AnnotationNotFound,
    BriefConflict,
    BriefNotFound,
    InvalidAnnotation,
    InvalidImport,
    NotYourAnnotation,
    NotYourBrief,
    PassageNotFound,
    RevisionConflict,
    RevisionRequired,
    UnverifiedQuotes,
)
from annotations.interchange import (
    FORMATS,
    ImportReport,
    all_annotations,
    export_w3c,
    import_items,
    read_w3c,
    stamp,
)
from annotations.listing import (
    annotations_of,
    counts,
    document_annotations,
    documents_with,
    list_annotations,
    tag_suggestions,
)
from annotations.model import (
    COLOURS,
    LOCAL_USER,
    REANCHOR,
    STATUSES,
    VISIBILITIES,
    Annotation,
    AnnotationDraft,
    AnnotationFilter,
    AnnotationPage,
    Changes,
    Counts,
    Located,
    Passage,
    Reply,
    Selection,
    TagCount,
    Visibility,
    tag_key,
)
from annotations.passages import get_passage, link_passage, locate_passage
from annotations.reanchor import ReanchorReport, anchored_seq, queue_changed, reanchor_queued
from annotations.replies import add_reply, delete_reply, update_reply
from annotations.store import AnnotationStore
from annotations.tabular import export_csv, parse_row, read_csv
from annotations.w3c import Urls

if TYPE_CHECKING:
    from annotations.briefs import EXPORT_FORMATS, Exported, body_html, export_brief, notes_html
    from annotations.markdown import render_markdown

__all__ = [
    "CHECKS",
    "COLOURS",
    "EXPORT_FORMATS",
    "FORMATS",
    "LOCAL_USER",
    "REANCHOR",
    "STATUSES",
    "VERIFY_BRIEFS",
    "VISIBILITIES",
    "Annotation",
    "AnnotationDraft",
    "AnnotationError",
    "AnnotationFilter",
    "AnnotationNotFound",
    "AnnotationPage",
    "AnnotationStore",
    "Brief",
    "BriefChanges",
    "BriefCitation",
    "BriefConflict",
    "BriefDraft",
    "BriefNotFound",
    "BriefRevision",
    "BriefStore",
    "Changes",
    "Citation",
    "CitationDraft",
    "CitedPassage",
    "CitingBrief",
    "Counts",
    "Exported",
    "ImportReport",
    "Insertion",
    "InvalidAnnotation",
    "InvalidImport",
    "Located",
    "NotYourAnnotation",
    "NotYourBrief",
    "Note",
    "Notes",
    "Passage",
    "PassageNotFound",
    "Placement",
    "ReanchorReport",
    "Reply",
    "RevisionConflict",
    "RevisionRequired",
    "Selection",
    "TagCount",
    "TypedQuote",
    "UnverifiedQuotes",
    "Urls",
    "Verdict",
    "Verification",
    "VerifyReport",
    "Visibility",
    "WordChange",
    "add_reply",
    "all_annotations",
    "annotation_backlinks",
    "anchored_seq",
    "annotations_of",
    "as_seen_in",
    "body_html",
    "citation_line",
    "cite",
    "cited_passages",
    "counts",
    "delete_reply",
    "document_annotations",
    "documents_with",
    "export_brief",
    "export_csv",
    "export_w3c",
    "find_in_text",
    "format_date",
    "get_passage",
    "import_items",
    "link_passage",
    "list_annotations",
    "locate_passage",
    "markers",
    "note_brief",
    "notes_html",
    "parse_row",
    "place",
    "queue_changed",
    "queue_cited_changed",
    "read_csv",
    "read_w3c",
    "reanchor_queued",
    "render_markdown",
    "search_phrase",
    "stamp",
    "tag_key",
    "tag_suggestions",
    "typed_quotes",
    "update_reply",
    "verify_brief",
    "verify_queued",
    "text_diff",
    "word_diff",
]

_LAZY = {
    "render_markdown": "markdown",
    **dict.fromkeys(
        ("EXPORT_FORMATS", "Exported", "body_html", "export_brief", "notes_html"), "briefs"
    ),
}


if not TYPE_CHECKING:  # mypy reads the imports above, and so catches a misspelt name

    def __getattr__(name: str) -> Any:
        """Load a public name of ``_LAZY`` from its module on first use."""
        if name not in _LAZY:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
        globals()[name] = value
        return value
