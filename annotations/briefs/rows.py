"""Rows of the brief tables to values and back; reading briefs with their citations in one
extra query for any number of briefs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from annotations.briefs.model import Brief, BriefCitation, BriefRevision, Check
from annotations.briefs.tables import brief_citations, brief_revisions, briefs
from annotations.model import Visibility
from annotations.rows import anchor_of, visible
from corpus.model import Span

_B = briefs.c
_C = brief_citations.c
_CHUNK = 500


def citation_of(row: Mapping[Any, Any]) -> BriefCitation:
    """A citation from its row."""
    located = None
    if row["located_start"] is not None:
        located = Span(row["located_start"], row["located_end"])
    return BriefCitation(
        id=row["id"],
        brief_id=row["brief_id"],
        document_id=row["document_id"],
        anchor=anchor_of(row),
        position=row["position"],
        created=row["created_at"],
        annotation_id=row["annotation_id"],
        status=cast(Check, row["status"]),
        score=row["score"],
        checked_version=row["checked_version"],
        located=located,
    )


def brief_of(row: Mapping[Any, Any], citations: Sequence[BriefCitation]) -> Brief:
    """A brief from its row and its citations."""
    return Brief(
        id=row["id"],
        title=row["title"],
        body=row["body"],
        owner=row["owner"],
        visibility=cast(Visibility, row["visibility"]),
        created=row["created_at"],
        modified=row["modified_at"],
        revision=row["revision"],
        needs_verification=bool(row["needs_verification"]),
        verified=row["verified_at"],
        citations=tuple(citations),
        client_key=row["client_key"] or "",
        cursor=row["cursor"],
    )


def revision_of(row: Mapping[Any, Any]) -> BriefRevision:
    """A saved state of a brief from its row."""
    return BriefRevision(
        brief_id=row["brief_id"],
        revision=row["revision"],
        title=row["title"],
        body=row["body"],
        visibility=cast(Visibility, row["visibility"]),
        author=row["author"],
        saved=row["saved_at"],
    )


def revision_row(brief: Brief, author: str) -> dict[str, Any]:
    """The ``brief_revisions`` row that keeps the brief's current state."""
    return {
        "brief_id": brief.id,
        "revision": brief.revision,
        "title": brief.title,
        "body": brief.body,
        "visibility": brief.visibility,
        "author": author,
        "saved_at": brief.modified,
    }


def read_briefs(conn: Connection, rows: Sequence[sa.Row[Any]]) -> list[Brief]:
    """Whole briefs (citations in order) for rows of ``briefs``."""
    ids = [row.id for row in rows]
    found: dict[str, list[BriefCitation]] = {i: [] for i in ids}
    for start in range(0, len(ids), _CHUNK):
        stmt = sa.select(brief_citations).where(_C.brief_id.in_(ids[start : start + _CHUNK]))
        for row in conn.execute(stmt.order_by(_C.brief_id, _C.position)):
            found[row.brief_id].append(citation_of(row._mapping))
    return [brief_of(row._mapping, found[row.id]) for row in rows]


def select_visible(viewer: str) -> sa.Select[Any]:
    """Every brief row the viewer may see (their own and the team's)."""
    return sa.select(briefs).where(visible(_B.owner, _B.visibility, viewer))


def select_revisions(brief_id: str) -> sa.Select[Any]:
    """A brief's saved states, newest first."""
    stmt = sa.select(brief_revisions).where(brief_revisions.c.brief_id == brief_id)
    return stmt.order_by(brief_revisions.c.revision.desc())
