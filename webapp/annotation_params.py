"""Requests of the annotations API, parsed into the package's values.

A body must be a JSON object; every field is checked for its type here (the package checks the
values), and an unknown field is refused rather than ignored, so a typo ("notes") never looks
like a saved edit. Messages name the field and say what works; nothing here becomes a 500.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any, cast

from flask import request
from werkzeug.datastructures import MultiDict

from annotations import (
    AnnotationDraft,
    AnnotationFilter,
    Changes,
    InvalidAnnotation,
    RevisionRequired,
    Selection,
    Visibility,
)
from webapp.params import choice, period, repeated, shorten, whole_number

SORTS = ("newest", "oldest", "text")
MAX_PER_PAGE = 200
CHANGE_FIELDS = ("note", "tags", "colour", "visibility")
_ETAG = re.compile(r'\s*(?:W/)?"?rev-(\d{1,9})"?\s*')


def json_body(allowed: tuple[str, ...]) -> dict[str, Any]:
    """The request's JSON object; raises ``InvalidAnnotation`` for anything else, or for a
    field not in ``allowed``."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidAnnotation(
            "Send a JSON object as the request body, with Content-Type: application/json."
        )
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        raise InvalidAnnotation(
            f"Unknown field {unknown[0]!r}. This request takes: {', '.join(allowed)}."
        )
    return body


def selection_of(body: Mapping[str, Any]) -> Selection:
    """The selection a body describes: document_id, version, start, end and quote."""
    return Selection(
        document_id=text_field(body, "document_id", required=True),
        version=_number(body, "version", minimum=1),
        start=_number(body, "start", minimum=0),
        end=_number(body, "end", minimum=0),
        quote=text_field(body, "quote", required=True),
    )


def draft_of(body: Mapping[str, Any]) -> AnnotationDraft:
    """A new annotation: the selection plus note, tags, colour, visibility and client key."""
    fields: dict[str, Any] = {"selection": selection_of(body)}
    fields.update(_changes(body))
    if "client_key" in body:
        fields["client_key"] = text_field(body, "client_key")
    return AnnotationDraft(**fields)


def changes_of(body: Mapping[str, Any]) -> Changes:
    """An edit: any of note, tags, colour and visibility."""
    return Changes(**_changes(body))


def revision_of(body: Mapping[str, Any], *, required: bool) -> int | None:
    """The revision an edit was made on: ``If-Match: "rev-N"`` or ``revision`` in the body.

    Raises ``RevisionRequired`` (428) when ``required`` and neither is given, and
    ``InvalidAnnotation`` when they disagree or cannot be read.
    """
    header = request.headers.get("If-Match", "").strip()
    from_header = None
    if header:
        match = _ETAG.fullmatch(header)
        if match is None:
            raise InvalidAnnotation(
                f'If-Match must be the ETag of the annotation, such as "rev-3", not {header!r}.'
            )
        from_header = int(match.group(1))
    from_body = _number(body, "revision", minimum=1) if "revision" in body else None
    if from_header is not None and from_body is not None and from_header != from_body:
        raise InvalidAnnotation(
            f"If-Match says revision {from_header} but the body says {from_body}: send one."
        )
    found = from_header if from_header is not None else from_body
    if found is None and required:
        raise RevisionRequired(
            'Say which revision the edit was made on: send If-Match: "rev-N" (the ETag of the '
            'annotation) or "revision": N, so that a newer edit is never overwritten.'
        )
    return found


def filter_of(args: MultiDict[str, str], *, viewer: str) -> AnnotationFilter:
    """The list the query string asks for (docs/API.md, ``GET /api/annotations``)."""
    documents = repeated(args, "document")
    default_sort = "text" if len(documents) == 1 else "newest"
    first, last = period(args, "from"), period(args, "to")
    return AnnotationFilter(
        viewer=viewer,
        document_ids=documents,
        tags=repeated(args, "tag"),
        authors=repeated(args, "author"),
        statuses=repeated(args, "status"),
        kinds=repeated(args, "kind"),
        text=args.get("q", "").strip(),
        created_from=_start(first.value) if first else None,
        created_to=_start(last.last_day() + dt.timedelta(days=1)) if last else None,
        sort=cast(Any, choice(args, "sort", SORTS, default=default_sort)),
        page=whole_number(args, "page", default=1, maximum=10_000),
        per_page=whole_number(args, "per_page", default=50, maximum=MAX_PER_PAGE),
    )


def _changes(body: Mapping[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name in ("note", "colour", "visibility"):
        if name in body:
            fields[name] = text_field(body, name)
    if "visibility" in fields:
        fields["visibility"] = cast(Visibility, fields["visibility"])
    if "tags" in body:
        tags = body["tags"]
        if isinstance(tags, str):
            tags = tags.split(",")
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise InvalidAnnotation(
                f'"tags" must be a list of strings such as ["energy", "DPRK-labour"], not '
                f"{shorten(repr(tags))}."
            )
        fields["tags"] = tuple(tags)
    return fields


def text_field(body: Mapping[str, Any], name: str, *, required: bool = False) -> str:
    """A text field of a body (\"\" when absent, unless ``required``)."""
    value = body.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value):
        raise InvalidAnnotation(
            f'"{name}" must be {"non-empty " if required else ""}text, not {shorten(repr(value))}.'
        )
    return value


def _number(body: Mapping[str, Any], name: str, *, minimum: int) -> int:
    value = body.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value < 2**31:
        raise InvalidAnnotation(
            f'"{name}" must be a whole number of at least {minimum}, not {shorten(repr(value))}.'
        )
    return value


def _start(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
