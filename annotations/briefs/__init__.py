"""Briefs: an analyst's write-up that quotes passages through citations, each kept verifiable.

Values in ``model``; storing, revisions and citing in ``store``. A citation holds the same
``corpus.anchors.Anchor`` as an annotation, so a quote is always checked against the words of
its document, never trusted as typed.
"""

from __future__ import annotations

from annotations.briefs.model import (
    CHECKS,
    VERIFY_BRIEFS,
    Brief,
    BriefChanges,
    BriefCitation,
    BriefDraft,
    BriefRevision,
    CitationDraft,
    markers,
)
from annotations.briefs.store import BriefStore

__all__ = [
    "CHECKS",
    "VERIFY_BRIEFS",
    "Brief",
    "BriefChanges",
    "BriefCitation",
    "BriefDraft",
    "BriefRevision",
    "BriefStore",
    "CitationDraft",
    "markers",
]
