"""Reading many annotations: filtered pages, a document's annotations, counts and tags.

Every read is for a viewer, who sees their own annotations and the team's. Lists are read in
a fixed number of queries whatever their length (rows, then their tags and replies).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from annotations.model import (
    Annotation,
    AnnotationFilter,
    AnnotationPage,
    Counts,
    TagCount,
    tag_key,
)
from annotations.rows import read_annotations, select_visible, visible
from annotations.store import AnnotationStore
from annotations.tables import annotation_table, annotation_tags
from corpus.tables import documents

_A = annotation_table.c
_T = annotation_tags.c
_CHUNK = 500
MAX_PER_PAGE = 200
TO_REVIEW = ("fuzzy", "orphaned")


def list_annotations(astore: AnnotationStore, query: AnnotationFilter) -> AnnotationPage:
    """One page of the annotations ``query`` selects, and how many it selects in all."""
    where = _conditions(query)
    per_page = max(1, min(query.per_page, MAX_PER_PAGE))
    page = max(1, query.page)
    stmt = select_visible(query.viewer).where(*where)
    if query.kinds:
        stmt = stmt.join(documents, documents.c.id == _A.document_id)
    ordered = stmt.order_by(*_order(query.sort)).limit(per_page).offset((page - 1) * per_page)
    count = sa.select(sa.func.count()).select_from(stmt.subquery())
    with astore.connect() as conn:
        total = conn.scalar(count) or 0
        found = read_annotations(conn, conn.execute(ordered).all(), query.viewer)
    return AnnotationPage(tuple(found), total, page, per_page)


def document_annotations(
    astore: AnnotationStore, document_id: str, *, viewer: str
) -> list[Annotation]:
    """Every annotation of a document the viewer may see, in text order (orphaned last)."""
    stmt = select_visible(viewer).where(_A.document_id == document_id)
    with astore.connect() as conn:
        rows = conn.execute(stmt.order_by(*_order("text"))).all()
        return read_annotations(conn, rows, viewer)


def annotations_of(
    astore: AnnotationStore, document_ids: Iterable[str], *, viewer: str
) -> dict[str, list[Annotation]]:
    """The annotations the viewer may see of many documents (those with any), each
    document's in text order: one query per 500 documents."""
    wanted = sorted(set(document_ids))
    found: dict[str, list[Annotation]] = {}
    with astore.connect() as conn:
        for start in range(0, len(wanted), _CHUNK):
            stmt = select_visible(viewer).where(_A.document_id.in_(wanted[start : start + _CHUNK]))
            rows = conn.execute(stmt.order_by(*_order("text"))).all()
            for annotation in read_annotations(conn, rows, viewer):
                found.setdefault(annotation.document_id, []).append(annotation)
    return found


def counts(
    astore: AnnotationStore, document_ids: Iterable[str], *, viewer: str
) -> dict[str, Counts]:
    """Per document (those with any): the annotations the viewer may see, and how many of
    them need review (fuzzy or orphaned)."""
    wanted = sorted(set(document_ids))
    by_document: dict[str, dict[str, int]] = {}
    with astore.connect() as conn:
        for start in range(0, len(wanted), _CHUNK):
            stmt = (
                sa.select(_A.document_id, _A.status, sa.func.count())
                .where(visible(_A.author, _A.visibility, viewer))
                .where(_A.document_id.in_(wanted[start : start + _CHUNK]))
                .group_by(_A.document_id, _A.status)
            )
            for document_id, status, n in conn.execute(stmt):
                by_document.setdefault(document_id, {})[status] = n
    return {
        document_id: Counts(
            total=sum(statuses.values()),
            to_review=sum(statuses.get(s, 0) for s in TO_REVIEW),
            by_status=statuses,
        )
        for document_id, statuses in by_document.items()
    }


def documents_with(
    astore: AnnotationStore,
    *,
    viewer: str,
    note: str | None = None,
    author: str | None = None,
    tag: str | None = None,
) -> set[str]:
    """Ids of the documents with an annotation the viewer may see (whose note holds ``note``,
    by ``author``, tagged ``tag``, when given: all must hold for one annotation)."""
    stmt = sa.select(_A.document_id).where(visible(_A.author, _A.visibility, viewer)).distinct()
    if note is not None:
        stmt = stmt.where(_A.note.icontains(note.strip(), autoescape=True))
    if author is not None:
        stmt = stmt.where(_A.author == author.strip())
    if tag is not None:
        stmt = stmt.where(sa.exists().where(_T.annotation_id == _A.id, _T.key == tag_key(tag)))
    with astore.connect() as conn:
        return set(conn.scalars(stmt))


def tag_suggestions(
    astore: AnnotationStore, prefix: str, *, viewer: str, limit: int = 20
) -> list[TagCount]:
    """Tags the viewer can see that start with ``prefix`` (case ignored), most used first."""
    key = tag_key(prefix)
    uses = sa.func.count()
    stmt = (
        sa.select(sa.func.min(_T.tag), uses)
        .join(annotation_table, _A.id == _T.annotation_id)
        .where(visible(_A.author, _A.visibility, viewer))
        .group_by(_T.key)
        .order_by(uses.desc(), _T.key)
        .limit(max(1, min(limit, 100)))
    )
    if key:
        stmt = stmt.where(_T.key.startswith(key, autoescape=True))
    with astore.connect() as conn:
        return [TagCount(tag, n) for tag, n in conn.execute(stmt)]


def _conditions(query: AnnotationFilter) -> list[Any]:
    where: list[Any] = []
    if query.document_ids:
        where.append(_A.document_id.in_(query.document_ids))
    for tag in query.tags:
        where.append(sa.exists().where(_T.annotation_id == _A.id, _T.key == tag_key(tag)))
    if query.authors:
        where.append(_A.author.in_(query.authors))
    if query.statuses:
        where.append(_A.status.in_(query.statuses))
    if query.kinds:
        where.append(documents.c.kind.in_(query.kinds))
    if query.text.strip():
        words = query.text.strip()
        where.append(
            _A.note.icontains(words, autoescape=True) | _A.quote.icontains(words, autoescape=True)
        )
    if query.created_from is not None:
        where.append(_A.created_at >= query.created_from)
    if query.created_to is not None:
        where.append(_A.created_at < query.created_to)
    return where


def _order(sort: str) -> list[Any]:
    if sort == "text":
        position = sa.func.coalesce(_A.located_start, _A.anchor_start)
        return [_A.document_id, _A.located_start.is_(None), position, _A.created_at, _A.id]
    if sort == "oldest":
        return [_A.created_at, _A.id]
    return [_A.created_at.desc(), _A.id]
