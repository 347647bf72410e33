"""Requests of the briefs API, parsed into the package's values (as ``annotation_params``
does for annotations: unknown fields are refused, every type checked, nothing becomes a 500).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from annotations import BriefChanges, BriefDraft, CitationDraft, InvalidAnnotation, Visibility
from webapp.annotation_params import selection_of, text_field

CREATE = ("title", "body", "visibility", "client_key")
EDIT = ("title", "body", "visibility", "revision")
SELECTION = ("document_id", "version", "start", "end", "quote")
CITE = (*SELECTION, "annotation_id", "append", "revision")


def brief_draft_of(body: Mapping[str, Any]) -> BriefDraft:
    """A new brief: its title, and optionally body, visibility and client key."""
    return BriefDraft(
        title=text_field(body, "title", required=True),
        body=text_field(body, "body"),
        visibility=cast(Visibility, text_field(body, "visibility") or "private"),
        client_key=text_field(body, "client_key"),
    )


def brief_changes_of(body: Mapping[str, Any]) -> BriefChanges:
    """An edit: any of title, body and visibility."""
    fields = {
        name: text_field(body, name) for name in ("title", "body", "visibility") if name in body
    }
    return BriefChanges(**fields)  # type: ignore[arg-type]


def citation_draft_of(body: Mapping[str, Any]) -> CitationDraft:
    """A passage to cite: a selection (document_id, version, start, end, quote) or an
    ``annotation_id``; ``append`` (a boolean) adds its quote and marker to the body."""
    append = body.get("append", False)
    if not isinstance(append, bool):
        raise InvalidAnnotation(f'"append" must be true or false, not {append!r:.40}.')
    if "annotation_id" in body:
        if any(name in body for name in SELECTION):
            raise InvalidAnnotation(
                'Cite either a selection or an "annotation_id", not both: send one of them.'
            )
        return CitationDraft(
            annotation_id=text_field(body, "annotation_id", required=True), append=append
        )
    return CitationDraft(selection=selection_of(body), append=append)
