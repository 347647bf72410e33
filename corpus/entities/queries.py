"""What the registry knows about one entity, over current versions: the entity page's data.

Each is one SQL query (plus a redirect lookup): counts, the documents and their dates (for
the documents-over-time chart), passages in keyword-in-context form cut by the database, and
the entities mentioned in the same sentences. The subject is an entity id, or an
``UnlinkedName``: a name the model or the rules found that no registry entity claims, so that
every name on a page has a page (a fresh instance's registry is empty).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from corpus.entities.store import EntityStore, resolve
from corpus.entities.tables import entities, entity_mentions
from corpus.entities.unlinked import UnlinkedName
from corpus.model import PartialDate, Span
from corpus.tables import document_versions, documents

_M = entity_mentions.c
_D = documents.c
_CURRENT = (_D.id == _M.document_id) & (_D.current_version == _M.version)


Subject = str | UnlinkedName  # an entity id (merged ids followed), or a name not in the registry


@dataclass(frozen=True)
class EntityDocument:
    """A document whose current version mentions an entity, and how often."""

    document_id: str
    version: int
    title: str
    kind: str
    date: PartialDate | None
    mentions: int


@dataclass(frozen=True)
class Passage:
    """A mention in keyword-in-context form: ``before`` + ``match`` + ``after``."""

    document_id: str
    version: int
    title: str
    date: PartialDate | None
    span: Span
    before: str
    match: str
    after: str


@dataclass(frozen=True)
class Cooccurrence:
    """An entity (or a name not in the registry: ``entity_id`` None) mentioned in the same
    sentence as another, in how many sentences."""

    entity_id: str | None
    name: str
    type: str
    sentences: int


def entity_mention_counts(store: EntityStore, type: str | None = None) -> dict[str, int]:
    """Mentions per entity id in current versions, most mentioned first."""
    n = sa.func.count().label("n")
    stmt = (
        sa.select(_M.entity_id, n)
        .join(documents, _CURRENT)
        .where(_M.entity_id.is_not(None))
        .group_by(_M.entity_id)
        .order_by(n.desc(), _M.entity_id)
    )
    if type is not None:
        stmt = stmt.where(_M.type == type)
    with store.connect() as conn:
        return {row.entity_id: row.n for row in conn.execute(stmt)}


def documents_for_entity(store: EntityStore, entity_id: Subject) -> list[EntityDocument]:
    """Documents mentioning the entity (or one merged into it), oldest first, undated last."""
    n = sa.func.count().label("n")
    columns = (_D.id, _D.current_version, _D.title, _D.kind, _D.date, _D.date_precision)
    stmt = (
        sa.select(*columns, n)
        .join(documents, _CURRENT)
        .group_by(*columns)
        .order_by(_D.date.is_(None), _D.date, _D.id)
    )
    with store.connect() as conn:
        rows = conn.execute(stmt.where(_of(conn, entity_mentions, entity_id))).all()
    return [
        EntityDocument(
            r.id, r.current_version, r.title, r.kind, _date(r.date, r.date_precision), r.n
        )
        for r in rows
    ]


def timeline(
    store: EntityStore, entity_id: Subject, precision: str = "year"
) -> list[tuple[str, int]]:
    """Documents mentioning the entity per year (or month), every period from the first to the
    last included so a chart has no gaps. Undated documents, and year-only dates when counting
    months, are left out (``documents_for_entity`` lists them)."""
    if precision not in ("year", "month"):
        raise ValueError(f"precision must be 'year' or 'month', not {precision!r}")
    counts: dict[tuple[int, int], int] = {}
    for doc in documents_for_entity(store, entity_id):
        if doc.date is None or (precision == "month" and doc.date.precision == "year"):
            continue
        key = (doc.date.value.year, doc.date.value.month if precision == "month" else 1)
        counts[key] = counts.get(key, 0) + 1
    return gapless_periods(counts, precision)


def gapless_periods(counts: dict[tuple[int, int], int], precision: str) -> list[tuple[str, int]]:
    """(label, count) for every year (or month) from the first counted to the last, so a chart
    has no gaps; ``counts`` is keyed by (year, month), month 1 when counting years."""
    if not counts:
        return []
    (year, month), last = min(counts), max(counts)
    out: list[tuple[str, int]] = []
    while (year, month) <= last:
        label = f"{year:04d}-{month:02d}" if precision == "month" else f"{year:04d}"
        out.append((label, counts.get((year, month), 0)))
        year, month = (
            (year + month // 12, month % 12 + 1) if precision == "month" else (year + 1, 1)
        )
    return out


def passages(
    store: EntityStore, entity_id: Subject, *, limit: int = 20, offset: int = 0, width: int = 80
) -> list[Passage]:
    """Mentions of the entity in context, newest documents first; not the speaker labels of
    its own turns (``statements`` lists those). The database picks the page of mentions
    first, then cuts a window of each text: no whole text is read or sorted."""
    reach = width + 1  # one more character tells whether a word was cut
    order = (_D.date.is_(None), _D.date.desc(), _M.document_id, _M.start_offset)
    with store.connect() as conn:
        page = (
            sa.select(_M.document_id, _M.version, _M.start_offset, _M.end_offset)
            .add_columns(
                _D.title,
                _D.date,
                _D.date_precision,
                sa.func.row_number().over(order_by=order).label("n"),
            )
            .join(documents, _CURRENT)
            .where(_of(conn, entity_mentions, entity_id), _M.source != "label")
            .order_by(*order)
            .limit(limit)
            .offset(offset)
            .subquery()
        )
        p, v = page.c, document_versions.c
        start = sa.case((p.start_offset > reach, p.start_offset - reach), else_=0).label("ws")
        window = sa.func.substr(v.text, start + 1, p.end_offset - start + reach).label("window")
        stmt = (
            sa.select(page, start, window)
            .join(document_versions, (v.document_id == p.document_id) & (v.version == p.version))
            .order_by(p.n)
        )
        rows = conn.execute(stmt).all()
    out = []
    for r in rows:
        cut, end = r.start_offset - r.ws, r.end_offset - r.ws
        before, after = r.window[:cut], r.window[end:]
        if len(before) == reach:
            before = before[1:] if before[0].isspace() else _drop_first_word(before[1:])
        if len(after) == reach:
            after = after[:-1] if after[-1].isspace() else _drop_last_word(after[:-1])
        date = _date(r.date, r.date_precision)
        span = Span(r.start_offset, r.end_offset)
        match = r.window[cut:end]
        out.append(
            Passage(
                r.document_id,
                r.version,
                r.title,
                date,
                span,
                _tidy(before).lstrip(),
                match,
                _tidy(after).rstrip(),
            )
        )
    return out


def _drop_first_word(text: str) -> str:
    """``text`` without its first word, which the window cut (all of it, if one word)."""
    if text[:1].isspace():
        return text
    parts = text.split(None, 1)
    return text[len(text) - len(parts[1]) - 1 :] if len(parts) == 2 else ""


def _drop_last_word(text: str) -> str:
    if text[-1:].isspace():
        return text
    parts = text.rsplit(None, 1)
    return text[: len(parts[0]) + 1] if len(parts) == 2 else ""


def _tidy(text: str) -> str:
    """Runs of white space (newlines too) as one space, kept at either end."""
    inner = " ".join(text.split())
    if not inner:
        return " " if text else ""
    return (" " if text[0].isspace() else "") + inner + (" " if text[-1].isspace() else "")


def cooccurring(
    store: EntityStore,
    entity_id: Subject,
    *,
    limit: int = 20,
    unlinked_types: Sequence[str] = (),
) -> list[Cooccurrence]:
    """Entities mentioned in the same sentences as ``entity_id``, by number of such sentences
    (current versions; one SQL query); names not in the registry too, of ``unlinked_types``
    (a fresh registry is empty: without them, nothing would show)."""
    a, b = entity_mentions.alias("a"), entity_mentions.alias("b")
    same_sentence = (
        (a.c.document_id == b.c.document_id)
        & (a.c.version == b.c.version)
        & (a.c.sentence == b.c.sentence)
    )
    current = (_D.id == a.c.document_id) & (_D.current_version == a.c.version)
    e = entities.c
    key = sa.case((b.c.entity_id.is_(None), b.c.key), else_="").label("k")
    n = sa.func.count(sa.distinct(a.c.document_id + ":" + sa.cast(a.c.sentence, sa.String)))
    with store.connect() as conn:
        if isinstance(entity_id, UnlinkedName):
            other = ~_of(conn, b, entity_id)
        else:  # NULL != target is not true: say "or not linked"
            target = resolve(conn, entity_id)
            other = b.c.entity_id.is_(None) | (b.c.entity_id != target)
        wanted = b.c.entity_id.is_not(None) | (b.c.type.in_(list(unlinked_types)))
        stmt = (
            sa.select(
                b.c.entity_id,
                b.c.type,
                key,
                sa.func.max(sa.func.coalesce(e.name, b.c.text)).label("name"),
                n.label("n"),
            )
            .select_from(
                a.join(b, same_sentence)
                .join(documents, current)
                .outerjoin(entities, e.id == b.c.entity_id)
            )
            .where(_of(conn, a, entity_id), other, wanted)
            .group_by(b.c.entity_id, b.c.type, key)
            .order_by(sa.desc("n"), sa.asc("name"))
            .limit(limit)
        )
        rows = conn.execute(stmt).all()
    return [Cooccurrence(r.entity_id, " ".join(r.name.split()), r.type, r.n) for r in rows]


def _date(value: dt.date | None, precision: str | None) -> PartialDate | None:
    return PartialDate(value, precision) if value is not None else None  # type: ignore[arg-type]


def _of(conn: Connection, table: sa.FromClause, subject: Subject) -> sa.ColumnElement[bool]:
    """The condition on ``table``'s mention rows that they are mentions of ``subject``."""
    c = table.c
    if isinstance(subject, UnlinkedName):
        return c.entity_id.is_(None) & (c.type == subject.type) & (c.key == subject.key)
    return c.entity_id == resolve(conn, subject)
