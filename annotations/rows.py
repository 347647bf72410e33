"""Rows of the annotation tables to values and back, and reading whole annotations.

An annotation is read with its tags and the replies the viewer may see, in two extra
queries for any number of annotations (never one per annotation).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping, Sequence
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from annotations.anchoring import Placement
from annotations.model import Annotation, Located, Passage, Reply, Status, Visibility, tag_key
from annotations.tables import annotation_replies, annotation_table, annotation_tags
from corpus.anchors import Anchor
from corpus.model import Span

_A = annotation_table.c
_T = annotation_tags.c
_R = annotation_replies.c
_CHUNK = 500  # ids per IN (...) list


def new_id() -> str:
    """A fresh id: 16 lower-case hex digits (64 random bits), safe in URLs and file names."""
    return secrets.token_hex(8)


def now() -> dt.datetime:
    """The current time in UTC (every stored time is aware UTC)."""
    return dt.datetime.now(dt.UTC)


def visible(author: sa.ColumnElement[Any], visibility: sa.ColumnElement[Any], viewer: str) -> Any:
    """SQL condition: a row the viewer may see (their own, or the team's)."""
    return (author == viewer) | (visibility == "team")


def anchor_values(anchor: Anchor) -> dict[str, Any]:
    """The anchor columns of a row."""
    return {
        "quote": anchor.quote,
        "prefix": anchor.prefix,
        "suffix": anchor.suffix,
        "anchor_start": anchor.start,
        "anchor_end": anchor.end,
        "anchor_version": anchor.version,
    }


def anchor_of(row: Mapping[Any, Any]) -> Anchor:
    """The anchor stored in a row of ``annotations`` or ``passages``."""
    return Anchor(
        quote=row["quote"],
        prefix=row["prefix"],
        suffix=row["suffix"],
        start=row["anchor_start"],
        end=row["anchor_end"],
        version=row["anchor_version"],
    )


def located_values(placement: Placement) -> dict[str, Any]:
    """The columns that say where re-anchoring last found an annotation, in which version."""
    located = placement.located
    return {
        "status": placement.status,
        "score": placement.score,
        "checked_version": placement.version,
        "located_start": located.span.start if located else None,
        "located_end": located.span.end if located else None,
    }


def tag_rows(annotation_id: str, tags: Sequence[str]) -> list[dict[str, Any]]:
    """``annotation_tags`` rows for an annotation's tags, in order."""
    return [
        {"annotation_id": annotation_id, "key": tag_key(tag), "tag": tag, "position": i}
        for i, tag in enumerate(tags)
    ]


def reply_of(row: Mapping[Any, Any]) -> Reply:
    """A reply from its row."""
    return Reply(
        id=row["id"],
        annotation_id=row["annotation_id"],
        body=row["body"],
        author=row["author"],
        visibility=cast(Visibility, row["visibility"]),
        created=row["created_at"],
        modified=row["modified_at"],
        revision=row["revision"],
    )


def passage_of(row: Mapping[Any, Any]) -> Passage:
    """A passage link from its row."""
    return Passage(
        id=row["id"],
        document_id=row["document_id"],
        anchor=anchor_of(row),
        owner=row["owner"],
        visibility=cast(Visibility, row["visibility"]),
        created=row["created_at"],
    )


def annotation_of(
    row: Mapping[Any, Any], tags: Sequence[str], replies: Sequence[Reply]
) -> Annotation:
    """An annotation from its row, its tags and the replies the viewer may see."""
    located = None
    if row["located_start"] is not None:
        span = Span(row["located_start"], row["located_end"])
        located = Located(row["checked_version"], span)
    return Annotation(
        id=row["id"],
        document_id=row["document_id"],
        anchor=anchor_of(row),
        author=row["author"],
        visibility=cast(Visibility, row["visibility"]),
        created=row["created_at"],
        modified=row["modified_at"],
        note=row["note"],
        tags=tuple(tags),
        colour=row["colour"],
        revision=row["revision"],
        checked_version=row["checked_version"],
        status=cast(Status, row["status"]),
        score=row["score"],
        located=located,
        replies=tuple(replies),
        client_key=row["client_key"] or "",
    )


def read_annotations(
    conn: Connection, rows: Sequence[sa.Row[Any]], viewer: str
) -> list[Annotation]:
    """Whole annotations (tags, the viewer's visible replies) for rows of ``annotations``."""
    ids = [row.id for row in rows]
    tags: dict[str, list[str]] = {i: [] for i in ids}
    replies: dict[str, list[Reply]] = {i: [] for i in ids}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        stmt = sa.select(_T.annotation_id, _T.tag).where(_T.annotation_id.in_(chunk))
        for annotation_id, tag in conn.execute(stmt.order_by(_T.annotation_id, _T.position)):
            tags[annotation_id].append(tag)
        stmt_r = sa.select(annotation_replies).where(
            _R.annotation_id.in_(chunk), visible(_R.author, _R.visibility, viewer)
        )
        for reply_row in conn.execute(stmt_r.order_by(_R.created_at, _R.id)):
            replies[reply_row.annotation_id].append(reply_of(reply_row._mapping))
    return [annotation_of(row._mapping, tags[row.id], replies[row.id]) for row in rows]


def select_visible(viewer: str) -> sa.Select[Any]:
    """Every annotation row the viewer may see."""
    return sa.select(annotation_table).where(visible(_A.author, _A.visibility, viewer))
