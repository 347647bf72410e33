"""Stored mentions: each analysed document version's mentions, and the entity pages' queries.

- ``replace_mentions`` swaps a version's mentions for a new analysis in one transaction, so a
  reader sees the old set or the new one, never a mix. Old versions keep theirs.
- Each mention stores the sentence it falls in: the entities that co-occur with one are a single
  self-join on (document, version, sentence), not a loop over documents.
- Queries count current versions only, like the index.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from corpus.entity_store import EntityStore, InvalidEntity, read_revision, resolve, utc_now
from corpus.entity_tables import (
    entities,
    entity_analyses,
    entity_mentions,
    entity_redirects,
    entity_tags,
)
from corpus.errors import DocumentNotFound
from corpus.model import (
    ENTITY_TYPES,
    MENTION_SOURCES,
    Mention,
    PartialDate,
    Span,
    alias_key,
    alias_pieces,
)
from corpus.tables import document_versions, documents

SCAN_LIMIT = 20  # names per correction whose documents are found by scanning the texts
_M = entity_mentions.c
_D = documents.c
_CURRENT = (_D.id == _M.document_id) & (_D.current_version == _M.version)


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
    """An entity mentioned in the same sentence as another, in how many sentences."""

    entity_id: str
    name: str
    type: str
    sentences: int


def replace_mentions(
    store: EntityStore,
    document_id: str,
    version: int,
    mentions: Sequence[Mention],
    sentences: Sequence[int],
    *,
    tag_locations: Mapping[int, Span | None] | None = None,
) -> None:
    """Store an analysis of one version: its mentions (``sentences[i]`` is the sentence index
    of ``mentions[i]``) and where its tags were found (None: orphaned). Entity ids merged
    away meanwhile are followed; unknown ones are dropped. Raises ``InvalidEntity`` for
    overlapping or malformed mentions, ``DocumentNotFound`` for a missing version."""
    _check(mentions, sentences)
    where = (_M.document_id == document_id) & (_M.version == version)
    with store.connect(write=True) as conn:
        v = document_versions.c
        found = sa.select(v.version).where(v.document_id == document_id, v.version == version)
        if conn.scalar(found) is None:
            raise DocumentNotFound(f"Document {document_id!r} has no version {version}.")
        ids = _current_ids(conn, {m.entity_id for m in mentions if m.entity_id})
        conn.execute(entity_mentions.delete().where(where))
        rows = [
            {
                "document_id": document_id,
                "version": version,
                "start_offset": m.span.start,
                "end_offset": m.span.end,
                "type": m.type,
                "source": m.source,
                "confidence": float(m.confidence),
                "entity_id": ids.get(m.entity_id) if m.entity_id else None,
                "key": alias_key(m.text),
                "text": m.text,
                "sentence": n,
            }
            for m, n in zip(mentions, sentences, strict=True)
        ]
        if rows:
            conn.execute(entity_mentions.insert(), rows)
        a = entity_analyses.c
        conn.execute(
            entity_analyses.delete().where(a.document_id == document_id, a.version == version)
        )
        conn.execute(
            entity_analyses.insert().values(
                document_id=document_id,
                version=version,
                registry_revision=read_revision(conn),
                analysed_at=utc_now(),
            )
        )
        _record_tag_locations(conn, document_id, version, tag_locations or {})


def mentions(store: EntityStore, document_id: str, version: int | None = None) -> list[Mention]:
    """The stored mentions of a version (the current one by default), in text order."""
    stmt = sa.select(entity_mentions).order_by(_M.start_offset)
    if version is None:
        stmt = stmt.join(documents, _CURRENT).where(_D.id == document_id)
    else:
        stmt = stmt.where(_M.document_id == document_id, _M.version == version)
    with store.connect() as conn:
        rows = conn.execute(stmt).all()
    return [
        Mention(
            Span(r.start_offset, r.end_offset), r.type, r.text, r.source, r.confidence, r.entity_id
        )
        for r in rows
    ]


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


def documents_for_entity(store: EntityStore, entity_id: str) -> list[EntityDocument]:
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
        rows = conn.execute(stmt.where(_M.entity_id == resolve(conn, entity_id))).all()
    return [
        EntityDocument(
            r.id, r.current_version, r.title, r.kind, _date(r.date, r.date_precision), r.n
        )
        for r in rows
    ]


def timeline(store: EntityStore, entity_id: str, precision: str = "year") -> list[tuple[str, int]]:
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
    store: EntityStore, entity_id: str, *, limit: int = 20, offset: int = 0, width: int = 80
) -> list[Passage]:
    """Mentions of the entity in context, newest documents first; the database cuts the
    windows, so no whole text is read."""
    v, reach = document_versions.c, width + 1  # one more character tells a cut word
    start = sa.case((_M.start_offset > reach, _M.start_offset - reach), else_=0).label("ws")
    window = sa.func.substr(v.text, start + 1, _M.end_offset - start + reach).label("window")
    stmt = (
        sa.select(_M.document_id, _M.version, _M.start_offset, _M.end_offset, start, window)
        .add_columns(_D.title, _D.date, _D.date_precision)
        .join(documents, _CURRENT)
        .join(document_versions, (v.document_id == _M.document_id) & (v.version == _M.version))
        .order_by(_D.date.is_(None), _D.date.desc(), _M.document_id, _M.start_offset)
        .limit(limit)
        .offset(offset)
    )
    with store.connect() as conn:
        rows = conn.execute(stmt.where(_M.entity_id == resolve(conn, entity_id))).all()
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


def cooccurring(store: EntityStore, entity_id: str, *, limit: int = 20) -> list[Cooccurrence]:
    """Entities mentioned in the same sentences as ``entity_id``, by number of such sentences
    (current versions; one SQL query)."""
    a, b = entity_mentions.alias("a"), entity_mentions.alias("b")
    same_sentence = (
        (a.c.document_id == b.c.document_id)
        & (a.c.version == b.c.version)
        & (a.c.sentence == b.c.sentence)
    )
    current = (_D.id == a.c.document_id) & (_D.current_version == a.c.version)
    with store.connect() as conn:
        target = resolve(conn, entity_id)
        pairs = (
            sa.select(b.c.entity_id, a.c.document_id, a.c.sentence)
            .distinct()
            .select_from(a.join(b, same_sentence).join(documents, current))
            .where(a.c.entity_id == target, b.c.entity_id.is_not(None), b.c.entity_id != target)
            .subquery()
        )
        n = sa.func.count().label("n")
        e = entities.c
        stmt = (
            sa.select(e.id, e.name, e.type, n)
            .select_from(pairs.join(entities, e.id == pairs.c.entity_id))
            .group_by(e.id, e.name, e.type)
            .order_by(n.desc(), e.name, e.id)
            .limit(limit)
        )
        return [Cooccurrence(r.id, r.name, r.type, r.n) for r in conn.execute(stmt)]


def unanalysed(store: EntityStore, limit: int | None = None) -> list[tuple[str, int]]:
    """Current versions never analysed for entities, as (document id, version), by ``seq``."""
    a = entity_analyses.c
    done = (a.document_id == _D.id) & (a.version == _D.current_version)
    stmt = sa.select(_D.id, _D.current_version).where(~sa.exists().where(done)).order_by(_D.seq)
    with store.connect() as conn:
        return [(r.id, r.current_version) for r in conn.execute(stmt.limit(limit))]


def link_mentions(conn: Connection, entity_id: str, type: str, keys: Iterable[str]) -> None:
    """Link unlinked mentions of ``type`` whose text has one of ``keys`` to the entity."""
    m = entity_mentions.c
    stmt = entity_mentions.update().where(
        m.entity_id.is_(None), m.type == type, m.key.in_(sorted(set(keys)))
    )
    conn.execute(stmt.values(entity_id=entity_id))


def documents_mentioning(
    conn: Connection, *, entity_ids: Iterable[str] = (), keys: Iterable[str] = ()
) -> set[str]:
    """Documents whose current version has a mention of these entities or with these keys."""
    m = entity_mentions.c
    conditions = []
    if ids := sorted(set(entity_ids)):
        conditions.append(m.entity_id.in_(ids))
    if wanted := sorted(set(keys)):
        conditions.append(m.key.in_(wanted))
    if not conditions:
        return set()
    current = (documents.c.id == m.document_id) & (documents.c.current_version == m.version)
    stmt = sa.select(m.document_id).distinct().join(documents, current).where(sa.or_(*conditions))
    return set(conn.scalars(stmt))


def documents_containing(conn: Connection, names: Sequence[str]) -> tuple[set[str], bool]:
    """Documents whose current text may contain one of ``names``; True when that is all of them.

    A text is a candidate when it contains the longest word of a name, as written or folded
    (case-insensitively), so "Núñez" finds "Nunez" and "NÚÑEZ" (PostgreSQL) alike.
    """
    if len(names) > SCAN_LIMIT:
        return set(conn.scalars(sa.select(documents.c.id))), True
    words: set[str] = set()
    for name in names:
        pieces = alias_pieces(name)
        if pieces:
            key, start, end = max(pieces, key=lambda p: len(p[0]))
            words.update((key, name[start:end].lower()))
    if not words:
        return set(), False
    v = document_versions.c
    current = (documents.c.id == v.document_id) & (documents.c.current_version == v.version)
    found = sa.or_(*(v.text.icontains(w, autoescape=True) for w in sorted(words)))
    stmt = sa.select(v.document_id).join(documents, current).where(found)
    return set(conn.scalars(stmt)), False


def _check(mentions: Sequence[Mention], sentences: Sequence[int]) -> None:
    if len(mentions) != len(sentences):
        raise ValueError(f"{len(mentions)} mentions but {len(sentences)} sentence numbers")
    last_end = 0
    for m in sorted(mentions, key=lambda m: m.span):
        if m.type not in ENTITY_TYPES or m.source not in MENTION_SOURCES:
            raise InvalidEntity(
                f"Mention {m.text!r} at {m.span.start} has type {m.type!r} and source "
                f"{m.source!r}: types are {ENTITY_TYPES}, sources {MENTION_SOURCES}."
            )
        if not m.span or m.span.start < last_end:
            raise InvalidEntity(
                f"Mention {m.text!r} at [{m.span.start}, {m.span.end}) is empty or overlaps the "
                "one before it; merge overlapping mentions before storing them."
            )
        last_end = m.span.end


def _current_ids(conn: Connection, ids: Iterable[str]) -> dict[str, str]:
    """Each id that exists mapped to itself, each merged-away id to its target."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    found = {i: i for i in conn.scalars(sa.select(entities.c.id).where(entities.c.id.in_(wanted)))}
    r = entity_redirects.c
    moved = sa.select(r.old_id, r.new_id).where(r.old_id.in_([i for i in wanted if i not in found]))
    found.update((row.old_id, row.new_id) for row in conn.execute(moved))
    return found


def _record_tag_locations(
    conn: Connection, document_id: str, version: int, locations: Mapping[int, Span | None]
) -> None:
    t = entity_tags.c
    for tag_id, span in locations.items():
        stmt = entity_tags.update().where(t.id == tag_id, t.document_id == document_id)
        conn.execute(
            stmt.values(
                located_version=version,
                located_start=span.start if span else None,
                located_end=span.end if span else None,
                is_orphaned=span is None,
            )
        )


def _date(value: dt.date | None, precision: str | None) -> PartialDate | None:
    return PartialDate(value, precision) if value is not None else None  # type: ignore[arg-type]
