"""Briefs, their citations and revisions as the JSON the API answers with (docs/API.md).

One presenter per shape, so the list, a single brief, the 412 body and the CLI's ``--json``
say the same thing. The body comes with its Markdown rendered and sanitized (``body_html``)
only where a page needs it; the API gives the Markdown.
"""

from __future__ import annotations

from typing import Any

from flask import url_for

from annotations import Brief, BriefCitation, BriefRevision
from webapp.annotation_json import anchor_json, document_url


def brief_json(brief: Brief, *, viewer: str, citations: bool = True) -> dict[str, Any]:
    """One brief; with its citations unless ``citations`` is False (lists)."""
    found: dict[str, Any] = {
        "id": brief.id,
        "title": brief.title,
        "body": brief.body,
        "owner": brief.owner,
        "editable": brief.owner == viewer,
        "visibility": brief.visibility,
        "revision": brief.revision,
        "needs_verification": brief.needs_verification,
        "verified": brief.verified.isoformat() if brief.verified else None,
        "created": brief.created.isoformat(),
        "modified": brief.modified.isoformat(),
        "citation_count": len(brief.citations),
        "url": url_for("briefs.brief", id=brief.id, _external=True),
    }
    if citations:
        found["citations"] = [citation_json(c) for c in brief.citations]
    return found


def citation_json(citation: BriefCitation) -> dict[str, Any]:
    """One citation: its anchor, where verification last found it, and its marker."""
    located = citation.located
    return {
        "id": citation.id,
        "marker": citation.marker,
        "position": citation.position,
        "document_id": citation.document_id,
        "version": citation.anchor.version,
        "anchor": anchor_json(citation.anchor),
        "annotation_id": citation.annotation_id,
        "status": citation.status,
        "score": citation.score,
        "checked_version": citation.checked_version,
        "located": {"start": located.start, "end": located.end} if located else None,
        "created": citation.created.isoformat(),
        "document_url": document_url(citation.document_id),
    }


def revision_json(revision: BriefRevision) -> dict[str, Any]:
    """One saved state of a brief."""
    return {
        "revision": revision.revision,
        "title": revision.title,
        "body": revision.body,
        "visibility": revision.visibility,
        "author": revision.author,
        "saved": revision.saved.isoformat(),
    }
