"""The entity registry in the store's database: entities, aliases, redirects, and reading it.

- An entity id is a slug of its name plus six hex digits of a hash of its type and normalised
  name (``vladimir-putin-1c2f3a``): readable in URLs and queries, and the same on every
  instance, so two teams that add the same name get the same id and shared watch-lists merge.
  The id never changes: a rename keeps it, a merge leaves a redirect from the old id.
- Aliases are keyed by ``alias_key``: one entity never holds two aliases with the same key, and
  two entities may share one ("Georgia" the country and the US state); the matcher decides.
- Writes are corrections, each logged with who and when: ``corpus/entity_corrections.py``
  (the registry), ``corpus/entity_tagging.py`` (suppressions and tags), ``corpus/entity_import.py``
  (many at once). Mentions: ``corpus/entity_mentions.py``; entity pages:
  ``corpus/entity_queries.py``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from corpus.anchors import Anchor
from corpus.entities.model import (
    ENTITY_TYPES,
    Entity,
    EntityCorrections,
    SpeakerCorrection,
    Suppression,
    TaggedSpan,
    alias_key,
)
from corpus.entities.tables import (
    ENTITY_ID_LENGTH,
    REVISION,
    entities,
    entity_aliases,
    entity_redirects,
    entity_suppressions,
    entity_tags,
    turn_speakers,
)
from corpus.errors import EntityNotFound, InvalidEntity
from corpus.model import Span
from corpus.store import Store
from corpus.tables import store_state

ID_PATTERN = re.compile(rf"[A-Za-z0-9][A-Za-z0-9._:-]{{0,{ENTITY_ID_LENGTH - 1}}}")
EXTERNAL_ID_PATTERN = re.compile(r"Q[1-9][0-9]{0,11}")  # a Wikidata item id
MAX_NAME_CHARS = 300
_SLUG_CHARS = 50


@dataclass(frozen=True)
class Registry:
    """Every entity at one ``revision`` of the registry: what an alias matcher is built from."""

    revision: int
    entities: tuple[Entity, ...]


class EntityStore:
    """The registry and its corrections, in the same database as the documents of ``store``."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.engine: Engine = store.engine

    # -- reading ----------------------------------------------------------------------------

    def revision(self) -> int:
        """The registry revision: it grows with every correction, so a cached matcher can tell."""
        with self.connect() as conn:
            return read_revision(conn)

    def registry(self) -> Registry:
        """All entities with their aliases, and the revision they are at (one snapshot)."""
        with self.connect() as conn:
            return Registry(read_revision(conn), tuple(read_entities(conn)))

    def get(self, entity_id: str) -> Entity:
        """The entity, following a merge's redirect; raises ``EntityNotFound``."""
        with self.connect() as conn:
            return read_entity(conn, resolve(conn, entity_id))

    def resolve(self, entity_id: str) -> str:
        """The id an entity id stands for now (itself, or its merge target)."""
        with self.connect() as conn:
            return resolve(conn, entity_id)

    def entities(self, type: str | None = None) -> list[Entity]:
        """Every entity (of one type, if given), ordered by name."""
        with self.connect() as conn:
            return read_entities(conn, type=type)

    def find(self, name: str, type: str | None = None) -> list[Entity]:
        """Entities whose name or an alias has the same normalised form as ``name``."""
        key = alias_key(name)
        with self.connect() as conn:
            ids = select_ids_by_key(conn, key)
            found = read_entities(conn, ids=ids, type=type) if ids else []
        return found

    def suppressions(self) -> list[Suppression]:
        """Every suppressed form, most recent first."""
        t = entity_suppressions
        stmt = sa.select(t).order_by(t.c.created_at.desc(), t.c.key, t.c.type)
        with self.connect() as conn:
            return [
                Suppression(r.key, r.type, r.surface, r.who, r.created_at)
                for r in conn.execute(stmt)
            ]

    def tags(
        self, document_id: str | None = None, *, is_orphaned: bool | None = None
    ) -> list[TaggedSpan]:
        """Tagged spans, of one document or all, optionally only (non-)orphaned ones."""
        stmt = sa.select(entity_tags).order_by(entity_tags.c.document_id, entity_tags.c.id)
        if document_id is not None:
            stmt = stmt.where(entity_tags.c.document_id == document_id)
        if is_orphaned is not None:
            stmt = stmt.where(entity_tags.c.is_orphaned == is_orphaned)
        with self.connect() as conn:
            return [tagged_span(row._mapping) for row in conn.execute(stmt)]

    def corrections_for(self, document_id: str) -> EntityCorrections:
        """What analysing ``document_id`` must apply: the suppressions and its tagged spans."""
        return self.corrections_for_many([document_id])[document_id]

    def corrections_for_many(self, document_ids: Iterable[str]) -> dict[str, EntityCorrections]:
        """``corrections_for`` of a batch of documents, in three queries per 500 ids."""
        wanted = sorted(set(document_ids))
        t, s, k = entity_tags.c, entity_suppressions.c, turn_speakers.c
        tagged: dict[str, list[TaggedSpan]] = {d: [] for d in wanted}
        speakers: dict[str, list[SpeakerCorrection]] = {d: [] for d in wanted}
        with self.connect() as conn:
            suppressed = frozenset((r.key, r.type) for r in conn.execute(sa.select(s.key, s.type)))
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                stmt = sa.select(entity_tags).where(t.document_id.in_(chunk)).order_by(t.id)
                for row in conn.execute(stmt):
                    tagged[row.document_id].append(tagged_span(row._mapping))
                stmt = sa.select(turn_speakers).where(k.document_id.in_(chunk)).order_by(k.key)
                for row in conn.execute(stmt):
                    speakers[row.document_id].append(speaker_correction(row._mapping))
        return {
            d: EntityCorrections(suppressed, tuple(tagged[d]), tuple(speakers[d])) for d in wanted
        }

    # -- plumbing shared with the correction and mention modules -----------------------------

    def connect(self, *, write: bool = False) -> AbstractContextManager[Connection]:
        """A connection in a transaction (a serialised writer's if ``write``): the store's."""
        return self.store.connect(write=write)


def read_revision(conn: Connection) -> int:
    """The registry revision as this transaction sees it."""
    stmt = sa.select(store_state.c.value).where(store_state.c.name == REVISION)
    return int(conn.execute(stmt).scalar_one())


def bump_revision(conn: Connection) -> int:
    """Add one to the registry revision; the row lock serialises registry writers."""
    c = store_state.c
    conn.execute(store_state.update().where(c.name == REVISION).values(value=c.value + 1))
    return read_revision(conn)


def resolve(conn: Connection, entity_id: str) -> str:
    """``entity_id`` if it exists, else its redirect target; raises ``EntityNotFound``."""
    if conn.scalar(sa.select(entities.c.id).where(entities.c.id == entity_id)) is not None:
        return entity_id
    r = entity_redirects.c
    target = conn.scalar(sa.select(r.new_id).where(r.old_id == entity_id))
    if target is None:
        raise EntityNotFound(
            f"No entity with id {entity_id!r}. Ids are case-sensitive; list them with "
            '"dossier entities list", or find one by name.'
        )
    return str(target)


def read_entity(conn: Connection, entity_id: str) -> Entity:
    """One entity by its current id; raises ``EntityNotFound``."""
    found = read_entities(conn, ids=[entity_id])
    if not found:
        raise EntityNotFound(f"No entity with id {entity_id!r}.")
    return found[0]


def read_entities(
    conn: Connection, *, ids: Iterable[str] | None = None, type: str | None = None
) -> list[Entity]:
    """Entities with their aliases, both sorted by key then text: sorted here rather than in
    SQL, whose collation differs between SQLite and PostgreSQL."""
    e, a = entities.c, entity_aliases.c
    stmt = sa.select(entities)
    alias_stmt = sa.select(a.entity_id, a.alias, a.key)
    if ids is not None:
        wanted = sorted(set(ids))
        stmt = stmt.where(e.id.in_(wanted))
        alias_stmt = alias_stmt.where(a.entity_id.in_(wanted))
    if type is not None:
        stmt = stmt.where(e.type == type)
    rows = sorted(conn.execute(stmt), key=lambda r: (r.key, r.id))
    aliases: dict[str, list[tuple[str, str]]] = {}
    for row in conn.execute(alias_stmt):
        aliases.setdefault(row.entity_id, []).append((row.key, row.alias))
    return [
        Entity(
            r.id,
            r.name,
            r.type,
            tuple(alias for _, alias in sorted(aliases.get(r.id, ()))),
            r.description,
            r.external_id,
        )
        for r in rows
    ]


def select_ids_by_key(conn: Connection, key: str) -> list[str]:
    """Ids of entities whose name or an alias normalises to ``key``."""
    by_name = sa.select(entities.c.id).where(entities.c.key == key)
    by_alias = sa.select(entity_aliases.c.entity_id).where(entity_aliases.c.key == key)
    return sorted(set(conn.scalars(by_name)) | set(conn.scalars(by_alias)))


def speaker_correction(m: sa.RowMapping) -> SpeakerCorrection:
    """A ``turn_speakers`` row as the value analysis applies."""
    return SpeakerCorrection(
        m["label"], m["speaker"], m["entity_id"], bool(m["is_turn"]), m["who"], m["created_at"]
    )


def tagged_span(m: sa.RowMapping) -> TaggedSpan:
    """A ``TaggedSpan`` from an ``entity_tags`` row."""
    located = None
    if m["located_start"] is not None and not m["is_orphaned"]:
        located = Span(m["located_start"], m["located_end"])
    return TaggedSpan(
        id=m["id"],
        document_id=m["document_id"],
        anchor=Anchor(
            quote=m["quote"],
            prefix=m["prefix"],
            suffix=m["suffix"],
            start=m["start_offset"],
            end=m["end_offset"],
            version=m["version"],
        ),
        type=m["type"],
        entity_id=m["entity_id"],
        who=m["who"],
        at=m["created_at"],
        located=located,
        located_version=m["located_version"],
        is_orphaned=m["is_orphaned"],
    )


def new_entity_id(conn: Connection, name: str, type: str) -> str:
    """``slug-hash6``: the same for the same name and type everywhere, unless already taken."""
    key = alias_key(name)
    slug = "-".join(key.encode("ascii", "ignore").decode().split())[:_SLUG_CHARS].strip("-")
    for attempt in range(1000):
        seed = f"{type}\x1f{key}" + (f"\x1f{attempt}" if attempt else "")
        candidate = f"{slug or 'entity'}-{hashlib.sha256(seed.encode()).hexdigest()[:6]}"
        if not is_id_taken(conn, candidate):
            return candidate
    raise InvalidEntity(f"Could not find a free id for {name!r}; give the entity an id.")


def is_id_taken(conn: Connection, entity_id: str) -> bool:
    """True when an entity or a redirect uses ``entity_id``."""
    e = conn.scalar(sa.select(entities.c.id).where(entities.c.id == entity_id))
    r = entity_redirects.c
    return (
        e is not None or conn.scalar(sa.select(r.old_id).where(r.old_id == entity_id)) is not None
    )


def check_type(type: str) -> str:
    """``type`` if it is one of ``ENTITY_TYPES``; raises ``InvalidEntity``."""
    if type not in ENTITY_TYPES:
        raise InvalidEntity(f"Unknown entity type {type!r}: use one of {', '.join(ENTITY_TYPES)}.")
    return type


def check_name(name: str, what: str = "name") -> str:
    """The name stripped; raises ``InvalidEntity`` if it is empty, too long or all punctuation."""
    name = " ".join(name.split())
    if not name:
        raise InvalidEntity(f"The {what} is empty: give the entity a {what}.")
    if len(name) > MAX_NAME_CHARS:
        raise InvalidEntity(
            f"The {what} {name[:40]!r}... has {len(name)} characters; the limit is "
            f"{MAX_NAME_CHARS}."
        )
    if not alias_key(name):
        raise InvalidEntity(f"The {what} {name!r} has no letters or digits, so it cannot match.")
    if "|" in name:
        raise InvalidEntity(
            f"The {what} {name!r} contains '|', which separates aliases in registry CSV files."
        )
    return name


def check_external_id(external_id: str) -> str:
    """A Wikidata QID such as ``Q7747``, or ""; raises ``InvalidEntity``."""
    external_id = external_id.strip()
    if external_id and not EXTERNAL_ID_PATTERN.fullmatch(external_id):
        raise InvalidEntity(
            f"External id {external_id!r} is not a Wikidata item id: use Q followed by digits, "
            "like Q7747."
        )
    return external_id


def check_id(entity_id: str) -> str:
    """An acceptable entity id; raises ``InvalidEntity``."""
    if not ID_PATTERN.fullmatch(entity_id):
        raise InvalidEntity(
            f"Unusable entity id {entity_id!r}: use 1 to {ENTITY_ID_LENGTH} ASCII letters, "
            "digits, '.', '_', ':' or '-', starting with a letter or digit."
        )
    return entity_id


def utc_now() -> dt.datetime:
    """Now, in UTC (one clock for every correction)."""
    return dt.datetime.now(dt.UTC)
