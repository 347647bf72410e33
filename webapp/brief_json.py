"""Briefs, their citations and revisions as the JSON the API answers with (docs/API.md).

One presenter per shape, so the list, a single brief, the 412 body and the CLI's ``--json``
say the same thing. The body comes with its Markdown rendered and sanitized (``body_html``)
only where a page needs it; the API gives the Markdown.
"""

from __future__ import annotations

from typing import Any

from flask import url_for

from annotations import (
    Brief,
    BriefCitation,
    BriefRevision,
    CitedPassage,
    Notes,
    Verdict,
    Verification,
    body_html,
    notes_html,
)
from corpus import Document
from webapp.annotation_json import anchor_json, document_url
from webapp.brief_sources import Sourcing


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
        "cursor": brief.cursor,
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


def verification_json(found: Verification, *, viewer: str) -> dict[str, Any]:
    """A verified brief, a verdict per citation, the counts, and whether to warn."""
    return {
        "brief": brief_json(found.brief, viewer=viewer),
        "verdicts": [verdict_json(v) for v in found.verdicts],
        "counts": found.counts,
        "problems": len(found.problems),
    }


def verdict_json(verdict: Verdict) -> dict[str, Any]:
    """One citation's verdict; a changed one has the current words and a word diff."""
    located = verdict.located
    return {
        "citation_id": verdict.citation.id,
        "document_id": verdict.citation.document_id,
        "quote": verdict.citation.anchor.quote,
        "status": verdict.status,
        "score": verdict.score,
        "version": verdict.version,
        "located": {"start": located.start, "end": located.end} if located else None,
        "current": verdict.current,
        "diff": [{"op": change.op, "text": change.text} for change in verdict.diff],
    }


def sourcing_json(found: Sourcing) -> dict[str, Any]:
    """A hand-typed quote and the passages that hold it, each ready to cite."""
    return {
        "quote": found.quote.text,
        "start": found.quote.span.start,
        "end": found.quote.span.end,
        "unsourced": found.is_unsourced,
        "marked_unsourced": found.quote.is_marked_unsourced,
        "offers": [
            {
                "document_id": offer.document.id,
                "title": offer.document.title,
                "speaker": offer.document.speaker,
                "selection": {
                    "document_id": offer.selection.document_id,
                    "version": offer.selection.version,
                    "start": offer.selection.start,
                    "end": offer.selection.end,
                    "quote": offer.selection.quote,
                },
            }
            for offer in found.offers
        ],
    }


def notes_json(notes: Notes) -> dict[str, Any]:
    """A rendered brief: sanitized body HTML with note references, the notes as HTML and
    one by one, the markers that name no citation, and how many quotes need attention."""
    return {
        "id": notes.brief.id,
        "title": notes.brief.title,
        "revision": notes.brief.revision,
        "body_html": body_html(notes),
        "notes_html": notes_html(notes),
        "notes": [
            {
                "number": note.number,
                "citation_id": note.citation.id,
                "document_id": note.citation.document_id,
                "quote": note.citation.anchor.quote,
                "line": note.line,
                "link": note.source.link,
                "status": note.status,
                "warning": note.warning,
                "current": note.verdict.current,
                "diff": [{"op": c.op, "text": c.text} for c in note.verdict.diff],
            }
            for note in notes.notes
        ],
        "unknown_markers": list(notes.unknown),
        "problems": len(notes.problems),
    }


def cited_json(document: Document, passages: list[CitedPassage]) -> dict[str, Any]:
    """A document version's passages cited by briefs, each with the briefs citing it."""
    return {
        "document_id": document.id,
        "version": document.version,
        "passages": [
            {
                "start": p.span.start if p.span else None,
                "end": p.span.end if p.span else None,
                "quote": p.quote,
                "status": p.status,
                "briefs": [
                    {
                        "id": b.brief_id,
                        "title": b.title,
                        "owner": b.owner,
                        "visibility": b.visibility,
                        "citation_id": b.citation_id,
                        "needs_verification": b.needs_verification,
                        "url": url_for("briefs.brief", id=b.brief_id, _external=True),
                        "page": url_for("brief_pages.show", id=b.brief_id, _external=True),
                    }
                    for b in p.briefs
                ],
            }
            for p in passages
        ],
    }
