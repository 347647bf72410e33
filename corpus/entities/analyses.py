"""Stored mentions: each analysed document version's mentions, and which documents a change
of the registry touches.

- ``replace_mentions`` swaps a version's mentions for a new analysis in one transaction, so a
  reader sees the old set or the new one, never a mix. Old versions keep theirs.
- Each mention stores the sentence it falls in, so the entities that co-occur with one are a
  single self-join (``corpus/entity_queries.py``), not a loop over documents.
- ``documents_containing`` finds the documents a new name may match by scanning current texts
  in the database for the name's longest word; past ``SCAN_LIMIT`` names it answers "all".
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from corpus.entities.dialogue import write_turns
from corpus.entities.layers import Layer, write_layers
from corpus.entities.model import (
    ENTITY_TYPES,
    MENTION_SOURCES,
    Mention,
    Turn,
    alias_key,
    alias_pieces,
)
from corpus.entities.per_version import rows_per_version
from corpus.entities.store import EntityStore, read_revision, utc_now
from corpus.entities.tables import (
    entities,
    entity_analyses,
    entity_mentions,
    entity_redirects,
    entity_tags,
)
from corpus.errors import DocumentNotFound, InvalidEntity
from corpus.model import Span
from corpus.tables import document_versions, documents

SCAN_LIMIT = 20  # names per correction whose documents are found by scanning the texts
_RANGES_PER_QUERY = 100  # offset ranges OR-ed in one query (4 parameters each)
_M = entity_mentions.c
_D = documents.c
_CURRENT = (_D.id == _M.document_id) & (_D.current_version == _M.version)


@dataclass(frozen=True)
class MentionSet:
    """The analysis of one version as stored: its mentions in text order, the sentence index
    of each, where its tags were found (None: orphaned), the version of the analysis that made
    it (``indexer.entities.analysis.ANALYSIS_VERSION``; 0 when not said) and its speaker
    turns."""

    document_id: str
    version: int
    mentions: Sequence[Mention]
    sentences: Sequence[int]
    tag_locations: Mapping[int, Span | None] = field(default_factory=dict, compare=False)
    analysis_version: int = 0
    turns: Sequence[Turn] = ()
    layer: Layer | None = None  # a new text layer to keep (``corpus/entities/layers.py``)


def replace_mentions(
    store: EntityStore,
    document_id: str,
    version: int,
    mentions: Sequence[Mention],
    sentences: Sequence[int],
    *,
    tag_locations: Mapping[int, Span | None] | None = None,
) -> None:
    """Store the analysis of one version (see ``replace_many``)."""
    found = MentionSet(document_id, version, mentions, sentences, tag_locations or {})
    replace_many(store, [found])


def replace_many(store: EntityStore, analyses: Iterable[MentionSet]) -> int:
    """Store analyses of many versions in one transaction (an ingest batch); returns how many.

    Each replaces all mentions of its version. Entity ids merged away meanwhile are followed;
    unknown ones are dropped. Raises ``InvalidEntity`` for overlapping or malformed mentions,
    ``DocumentNotFound`` for a missing version; then nothing is stored.
    """
    batch = list(analyses)
    for item in batch:
        _check(item.mentions, item.sentences)
    if not batch:
        return 0
    keys = [{"d": item.document_id, "v": item.version} for item in batch]
    with store.connect(write=True) as conn:
        _check_versions(conn, {(item.document_id, item.version) for item in batch})
        linked = {m.entity_id for i in batch for m in i.mentions if m.entity_id}
        linked |= {t.entity_id for i in batch for t in i.turns if t.entity_id}
        ids = _current_ids(conn, linked)
        d, v = sa.bindparam("d", type_=sa.String), sa.bindparam("v", type_=sa.Integer)
        conn.execute(entity_mentions.delete().where(_M.document_id == d, _M.version == v), keys)
        a = entity_analyses.c
        conn.execute(entity_analyses.delete().where(a.document_id == d, a.version == v), keys)
        rows = [
            _row(item, m, n, ids)
            for item in batch
            for m, n in zip(item.mentions, item.sentences, strict=True)
        ]
        if rows:
            conn.execute(entity_mentions.insert(), rows)
        write_turns(conn, [(i.document_id, i.version, i.turns) for i in batch], ids)
        write_layers(conn, [(i.document_id, i.version, i.layer) for i in batch if i.layer])
        revision, now = read_revision(conn), utc_now()
        done = [
            {
                "document_id": i.document_id,
                "version": i.version,
                "registry_revision": revision,
                "analysed_at": now,
                "analysis_version": i.analysis_version,
            }
            for i in batch
        ]
        conn.execute(entity_analyses.insert(), done)
        for item in batch:
            _record_tag_locations(conn, item.document_id, item.version, item.tag_locations)
    return len(batch)


def _row(item: MentionSet, m: Mention, sentence: int, ids: Mapping[str, str]) -> dict[str, object]:
    return {
        "document_id": item.document_id,
        "version": item.version,
        "start_offset": m.span.start,
        "end_offset": m.span.end,
        "type": m.type,
        "source": m.source,
        "confidence": float(m.confidence),
        "entity_id": ids.get(m.entity_id) if m.entity_id else None,
        "key": alias_key(m.text),
        "text": m.text,
        "sentence": sentence,
    }


def _check_versions(conn: Connection, wanted: set[tuple[str, int]]) -> None:
    """Raise ``DocumentNotFound`` unless every (document id, version) is stored."""
    v = document_versions.c
    found: set[tuple[str, int]] = set()
    documents_ids = sorted({d for d, _ in wanted})
    for start in range(0, len(documents_ids), 500):
        stmt = sa.select(v.document_id, v.version).where(
            v.document_id.in_(documents_ids[start : start + 500])
        )
        found.update((r.document_id, r.version) for r in conn.execute(stmt))
    missing = sorted(wanted - found)
    if missing:
        document_id, version = missing[0]
        raise DocumentNotFound(
            f"Document {document_id!r} has no version {version} ({len(missing)} analysed "
            "versions are not in the store); nothing was stored."
        )


def mentions(store: EntityStore, document_id: str, version: int | None = None) -> list[Mention]:
    """The stored mentions of a version (the current one by default), in text order."""
    stmt = sa.select(entity_mentions).order_by(_M.start_offset)
    if version is None:
        stmt = stmt.join(documents, _CURRENT).where(_D.id == document_id)
    else:
        stmt = stmt.where(_M.document_id == document_id, _M.version == version)
    with store.connect() as conn:
        rows = conn.execute(stmt).all()
    return [_mention(r) for r in rows]


@dataclass(frozen=True)
class MentionCount:
    """How often a document version mentions one name: its type, linked entity and text."""

    type: str
    entity_id: str | None
    text: str
    count: int


def mention_counts(store: EntityStore, document_id: str, version: int) -> list[MentionCount]:
    """How often a version mentions each (type, entity, text), counted by the database: a
    document page's entity panel needs the counts, not the 70,000 mentions of a long text."""
    stmt = (
        sa.select(_M.type, _M.entity_id, _M.text, sa.func.count())
        .where(_M.document_id == document_id, _M.version == version)
        .group_by(_M.type, _M.entity_id, _M.text)
    )
    with store.connect() as conn:
        return [MentionCount(*row) for row in conn.execute(stmt)]


def mentions_many(
    store: EntityStore, versions: Iterable[tuple[str, int]]
) -> dict[tuple[str, int], list[Mention]]:
    """Stored mentions of many (document id, version) pairs, for building index records in
    batches; pairs without mentions map to []."""
    return rows_per_version(store, entity_mentions, versions, _mention)


def mentions_starting_in(
    store: EntityStore,
    ranges: Mapping[str, Sequence[Span]],
    versions: Mapping[str, int] | None = None,
) -> dict[str, list[Mention]]:
    """Stored mentions of a version of each document that start inside one of its ranges (the
    snippets of a page of hits), in text order; documents without any map to []. The version
    is the one ``versions`` names (the one the hit was found in), else the current one.

    At most one query for the current versions and one for the mentions, whose every condition
    is an equality on (document id, version) and a range of start offsets: a range scan of the
    primary key, however many mentions a long document has.
    """
    found: dict[str, list[Mention]] = {document_id: [] for document_id in ranges}
    by_start: dict[tuple[str, int], Mention] = {}
    wanted = sorted(d for d, spans in ranges.items() if spans)
    if not wanted:
        return found
    with store.connect() as conn:
        if versions is None:
            stmt = sa.select(_D.id, _D.current_version).where(_D.id.in_(wanted))
            versions = dict(conn.execute(stmt).all())
        wheres = [(d, versions[d], s) for d in wanted if d in versions for s in ranges[d]]
        for start in range(0, len(wheres), _RANGES_PER_QUERY):
            chunk = wheres[start : start + _RANGES_PER_QUERY]
            values: dict[str, object] = {}
            for n, (document_id, version, span) in enumerate(chunk):
                values |= {f"d{n}": document_id, f"v{n}": version}
                values |= {f"a{n}": span.start, f"b{n}": span.end}
            for r in conn.execute(_ranges_query(len(chunk)), values):
                by_start[(r.document_id, r.start_offset)] = _mention(r)  # ranges may overlap
    for (document_id, _), mention in sorted(by_start.items()):
        found[document_id].append(mention)
    return found


@functools.cache
def _ranges_query(count: int) -> sa.Select[Any]:
    """Mentions starting in ``count`` ranges, as bound parameters ``d0 v0 a0 b0 ...``: built
    once per count, so SQLAlchemy's statement cache skips compiling it again."""
    return sa.select(entity_mentions).where(
        sa.or_(
            *(
                (_M.document_id == sa.bindparam(f"d{n}"))
                & (_M.version == sa.bindparam(f"v{n}"))
                & (_M.start_offset >= sa.bindparam(f"a{n}"))
                & (_M.start_offset < sa.bindparam(f"b{n}"))
                for n in range(count)
            )
        )
    )


def _mention(r: sa.Row[Any]) -> Mention:
    span = Span(r.start_offset, r.end_offset)
    return Mention(span, r.type, r.text, r.source, r.confidence, r.entity_id)


def unanalysed(
    store: EntityStore, limit: int | None = None, *, analysis_version: int = 0
) -> list[tuple[str, int]]:
    """Current versions never analysed for entities, or analysed by a version of the analysis
    older than ``analysis_version``, as (document id, version), by ``seq``."""
    a = entity_analyses.c
    done = (
        (a.document_id == _D.id)
        & (a.version == _D.current_version)
        & (a.analysis_version >= analysis_version)
    )
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

    A text is a candidate for a name when it contains each of the name's words, as written or
    folded (case-insensitively), so "Núñez" finds "Nunez" and, on PostgreSQL, "NÚÑEZ".
    """
    if len(names) > SCAN_LIMIT:
        return set(conn.scalars(sa.select(documents.c.id))), True
    v = document_versions.c
    found = []
    for name in names:
        words = [(key, name[start:end].lower()) for key, start, end in alias_pieces(name)]
        if words:
            found.append(
                sa.and_(
                    *(
                        sa.or_(*(v.text.icontains(w, autoescape=True) for w in sorted(set(pair))))
                        for pair in words
                    )
                )
            )
    if not found:
        return set(), False
    current = (documents.c.id == v.document_id) & (documents.c.current_version == v.version)
    stmt = sa.select(v.document_id).join(documents, current).where(sa.or_(*found))
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
