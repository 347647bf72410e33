"""Requests of the briefs API, parsed into the package's values (as ``annotation_params``
does for annotations: unknown fields are refused, every type checked, nothing becomes a 500).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from annotations import (
    BriefChanges,
    BriefDraft,
    CitationDraft,
    Insertion,
    InvalidAnnotation,
    Visibility,
)
from webapp.annotation_params import selection_of, text_field
from webapp.params import shorten

CREATE = ("title", "body", "visibility", "client_key")
EDIT = ("title", "body", "visibility", "cursor", "revision")
SELECTION = ("document_id", "version", "start", "end", "quote")
PLACING = ("append", "insert", "at", "marker_only")
CITE = (*SELECTION, "annotation_id", *PLACING, "revision")


def brief_draft_of(body: Mapping[str, Any]) -> BriefDraft:
    """A new brief: its title, and optionally body, visibility and client key."""
    return BriefDraft(
        title=text_field(body, "title", required=True),
        body=text_field(body, "body"),
        visibility=cast(Visibility, text_field(body, "visibility") or "private"),
        client_key=text_field(body, "client_key"),
    )


def brief_changes_of(body: Mapping[str, Any]) -> BriefChanges:
    """An edit: any of title, body, visibility and the editor's caret (``cursor``)."""
    fields: dict[str, Any] = {
        name: text_field(body, name) for name in ("title", "body", "visibility") if name in body
    }
    if body.get("cursor") is not None:
        fields["cursor"] = _offset(body, "cursor")
    return BriefChanges(**fields)


def citation_draft_of(body: Mapping[str, Any], *, revision: int | None) -> CitationDraft:
    """A passage to cite: a selection (document_id, version, start, end, quote) or an
    ``annotation_id``; where its quote and marker go: ``append`` (the end), ``insert`` (the
    saved caret) or ``at`` (an offset of the body at ``revision``, which it then needs), and
    ``marker_only``."""
    placing = {name: _flag(body, name) for name in ("append", "insert", "marker_only")}
    insertion = None
    if "at" in body:
        if revision is None:
            raise InvalidAnnotation(
                '"at" is an offset into the body of one revision: send "revision" (or '
                "If-Match) with it."
            )
        insertion = Insertion(at=_offset(body, "at"), marker_only=placing["marker_only"])
    elif placing["insert"] or placing["marker_only"]:
        insertion = Insertion(marker_only=placing["marker_only"])
    if "annotation_id" in body:
        if any(name in body for name in SELECTION):
            raise InvalidAnnotation(
                'Cite either a selection or an "annotation_id", not both: send one of them.'
            )
        return CitationDraft(
            annotation_id=text_field(body, "annotation_id", required=True),
            append=placing["append"],
            insertion=insertion,
        )
    return CitationDraft(
        selection=selection_of(body), append=placing["append"], insertion=insertion
    )


def _flag(body: Mapping[str, Any], name: str) -> bool:
    value = body.get(name, False)
    if not isinstance(value, bool):
        raise InvalidAnnotation(f'"{name}" must be true or false, not {shorten(repr(value))}.')
    return value


def _offset(body: Mapping[str, Any], name: str) -> int:
    value = body.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**31:
        raise InvalidAnnotation(
            f'"{name}" must be a character offset (0 or more), not {shorten(repr(value))}.'
        )
    return value
