"""Analysts' corrections to the registry and to analysis, each logged with who and when.

Every correction runs in one write transaction that bumps the registry revision, applies what
it can to stored mentions at once (a merge moves them, a retype retypes them, a suppression
deletes them), logs itself, queues the documents whose analysis may change for re-analysis
(jobs of kind ``"reanalyse"``, ``corpus/entities/reanalysis.py``) and returns their ids
(``is_everything``: all documents). A worker re-analyses and re-indexes just those; as the
queue commits with the correction, a crash loses neither. Documents that may newly match a
name (an added entity or alias, a rename, a lifted suppression) are found by scanning current
texts (``documents_containing``).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from corpus.entities.analyses import documents_containing, documents_mentioning, link_mentions
from corpus.entities.dry_run import queued_count, stop_if_previewing
from corpus.entities.model import Correction, Entity, alias_key
from corpus.entities.reanalysis import REANALYSE, note_queued
from corpus.entities.store import (
    EntityStore,
    InvalidEntity,
    bump_revision,
    check_external_id,
    check_id,
    check_name,
    check_type,
    is_id_taken,
    new_entity_id,
    read_entity,
    resolve,
    utc_now,
)
from corpus.entities.tables import (
    entities,
    entity_aliases,
    entity_corrections,
    entity_mentions,
    entity_redirects,
    entity_tags,
    turn_speakers,
    turns,
)
from corpus.jobs import enqueue

LOCAL = "local"  # who, in single-user mode


@dataclass(frozen=True)
class CorrectionResult:
    """A logged correction, the entity it left (if any) and the documents to re-analyse."""

    correction: Correction
    affected: frozenset[str]
    entity: Entity | None = None
    is_everything: bool = False


def check_who(who: str) -> str:
    """Who made a correction: any non-empty name of up to 200 characters."""
    who = who.strip()
    if not who or len(who) > 200:
        raise InvalidEntity(f"Who made the correction? {who!r} is not a usable name.")
    return who


@contextlib.contextmanager
def writing(store: EntityStore) -> Iterator[Connection]:
    """A write transaction that bumps the registry revision first (and so holds its lock)."""
    with store.connect(write=True) as conn:
        bump_revision(conn)
        yield conn


def log_correction(
    conn: Connection,
    kind: str,
    who: str,
    entity_id: str,
    detail: Mapping[str, object],
    *,
    affected: Iterable[str] | None = None,
    is_everything: bool = False,
) -> Correction:
    """Append one correction to the log and queue the documents it affects for re-analysis
    (``is_everything``: every document), in the correction's own transaction.

    A caller that does not say what it affects (``affected=None``) gets the documents its
    detail names: a tag's document; for a suppression, those whose text may hold the form.
    The log keeps how many documents it affects (``documents`` in the detail), which
    re-analysis progress counts against (``reanalysis.note_queued``). Under
    ``dry_run.preview`` it stops before writing anything, with the count.
    """
    if affected is None:
        affected, is_everything = _named_by(conn, kind, detail, is_everything)
    count = queued_count(conn, affected, is_everything)
    stop_if_previewing(count, is_everything)
    if count:  # what the progress "n of N" counts against
        detail = {**detail, "documents": count}
    at = utc_now()
    values = {"kind": kind, "who": who, "at": at, "entity_id": entity_id}
    stmt = entity_corrections.insert().values(detail=json.dumps(detail, ensure_ascii=False))
    row_id = conn.execute(stmt.values(values).returning(entity_corrections.c.id)).scalar_one()
    if count:
        enqueue(conn, REANALYSE, None if is_everything else affected, correction_id=row_id, now=at)
        detail = note_queued(conn, row_id, detail, count)
    return Correction(row_id, kind, who, at, entity_id, dict(detail))


def _named_by(
    conn: Connection, kind: str, detail: Mapping[str, object], is_everything: bool
) -> tuple[set[str], bool]:
    """The documents a correction's detail names (see ``log_correction``)."""
    if kind in ("tag", "untag"):
        return {str(detail["document_id"])}, is_everything
    if kind in ("suppress", "unsuppress"):
        found, everything = documents_containing(conn, [str(detail["surface"])])
        return found | documents_mentioning(conn, keys=[str(detail["key"])]), everything
    return set(), is_everything


def history(store: EntityStore, entity_id: str | None = None, limit: int = 100) -> list[Correction]:
    """The latest corrections, newest first (of one entity id, if given)."""
    c = entity_corrections.c
    stmt = sa.select(entity_corrections).order_by(c.id.desc()).limit(limit)
    if entity_id is not None:
        stmt = stmt.where(c.entity_id == entity_id)
    with store.connect() as conn:
        return [
            Correction(r.id, r.kind, r.who, r.at, r.entity_id, json.loads(r.detail))
            for r in conn.execute(stmt)
        ]


# -- shared steps ---------------------------------------------------------------------------


def refuse_duplicate(conn: Connection, name: str, type: str, other_than: str = "") -> None:
    """Raise ``InvalidEntity`` if another entity of ``type`` already has this name's key."""
    e = entities.c
    stmt = sa.select(e.id).where(e.key == alias_key(name), e.type == type, e.id != other_than)
    existing = conn.scalar(stmt)
    if existing is not None:
        raise InvalidEntity(
            f"{name!r} is already the name of {type} entity {existing!r}. Add an alias to it, "
            "merge the two, or choose a distinguishing name."
        )


def insert_entity(conn: Connection, entity: Entity) -> Entity:
    """Insert a checked entity; aliases repeating the name or each other are dropped."""
    now = utc_now()
    conn.execute(
        entities.insert().values(
            id=entity.id,
            name=entity.name,
            key=alias_key(entity.name),
            type=entity.type,
            description=entity.description,
            external_id=entity.external_id,
            created_at=now,
            updated_at=now,
        )
    )
    kept = insert_aliases(conn, entity.id, alias_key(entity.name), entity.aliases, set())
    return Entity(entity.id, entity.name, entity.type, kept, entity.description, entity.external_id)


def insert_aliases(
    conn: Connection, entity_id: str, name_key: str, aliases: Iterable[str], have: set[str]
) -> tuple[str, ...]:
    """Insert aliases whose key is neither the name's nor in ``have`` (which grows)."""
    kept: list[str] = []
    for alias in aliases:
        key = alias_key(alias)
        if key and key != name_key and key not in have:
            have.add(key)
            kept.append(alias)
    if kept:
        rows = [{"entity_id": entity_id, "key": alias_key(a), "alias": a} for a in kept]
        conn.execute(entity_aliases.insert(), rows)
    return tuple(kept)


# -- the registry corrections ----------------------------------------------------------------


def add_entity(
    store: EntityStore,
    name: str,
    type: str,
    *,
    aliases: Sequence[str] = (),
    description: str = "",
    external_id: str = "",
    id: str | None = None,
    who: str = LOCAL,
) -> CorrectionResult:
    """Add an entity to the registry; raises ``InvalidEntity`` (bad field, duplicate, id taken)."""
    name, type, who = check_name(name), check_type(type), check_who(who)
    aliases = [check_name(a, "alias") for a in aliases]
    external_id = check_external_id(external_id)
    with writing(store) as conn:
        refuse_duplicate(conn, name, type)
        if id is not None and is_id_taken(conn, check_id(id)):
            raise InvalidEntity(f"Entity id {id!r} is taken; choose another or leave it out.")
        entity_id = id or new_entity_id(conn, name, type)
        draft = Entity(entity_id, name, type, tuple(aliases), description.strip(), external_id)
        entity = insert_entity(conn, draft)
        keys = [alias_key(f) for f in entity.forms()]
        link_mentions(conn, entity_id, type, keys)
        affected, everything = documents_containing(conn, entity.forms())
        affected |= documents_mentioning(conn, keys=keys)
        detail = {"name": name, "type": type, "aliases": list(entity.aliases)}
        correction = log_correction(
            conn, "add", who, entity_id, detail, affected=affected, is_everything=everything
        )
    return CorrectionResult(correction, frozenset(affected), entity, everything)


def add_alias(store: EntityStore, entity_id: str, alias: str, who: str = LOCAL) -> CorrectionResult:
    """Add an alias; raises ``InvalidEntity`` when the entity already has that form."""
    alias, who = check_name(alias, "alias"), check_who(who)
    with writing(store) as conn:
        entity = read_entity(conn, resolve(conn, entity_id))
        key = alias_key(alias)
        if key in {alias_key(f) for f in entity.forms()}:
            raise InvalidEntity(f"{entity.name!r} ({entity.id}) already matches {alias!r}.")
        insert_aliases(conn, entity.id, alias_key(entity.name), [alias], set())
        link_mentions(conn, entity.id, entity.type, [key])
        affected, everything = documents_containing(conn, [alias])
        affected |= documents_mentioning(conn, keys=[key])
        detail = {"alias": alias}
        correction = log_correction(
            conn, "alias", who, entity.id, detail, affected=affected, is_everything=everything
        )
        entity = read_entity(conn, entity.id)
    return CorrectionResult(correction, frozenset(affected), entity, everything)


def remove_alias(
    store: EntityStore, entity_id: str, alias: str, who: str = LOCAL
) -> CorrectionResult:
    """Remove an alias (not the name: rename instead); its mentions are unlinked."""
    who = check_who(who)
    with writing(store) as conn:
        entity = read_entity(conn, resolve(conn, entity_id))
        key, a = alias_key(alias), entity_aliases.c
        gone = conn.execute(entity_aliases.delete().where(a.entity_id == entity.id, a.key == key))
        if not gone.rowcount:
            raise InvalidEntity(
                f"{alias!r} is not an alias of {entity.name!r} ({entity.id}); its aliases are "
                f"{list(entity.aliases)}."
            )
        affected = documents_mentioning(conn, entity_ids=[entity.id])
        m = entity_mentions.c
        unlink = entity_mentions.update().where(m.entity_id == entity.id, m.key == key)
        conn.execute(unlink.values(entity_id=None))
        detail = {"alias": alias}
        correction = log_correction(conn, "unalias", who, entity.id, detail, affected=affected)
        entity = read_entity(conn, entity.id)
    return CorrectionResult(correction, frozenset(affected), entity)


def rename(store: EntityStore, entity_id: str, name: str, who: str = LOCAL) -> CorrectionResult:
    """Give an entity a new canonical name; the old name stays as an alias, the id stays."""
    name, who = check_name(name), check_who(who)
    with writing(store) as conn:
        entity = read_entity(conn, resolve(conn, entity_id))
        apply_rename(conn, entity, name)
        affected, everything = documents_containing(conn, [name])
        affected |= documents_mentioning(conn, entity_ids=[entity.id])
        detail = {"from": entity.name, "to": name}
        correction = log_correction(
            conn, "rename", who, entity.id, detail, affected=affected, is_everything=everything
        )
        entity = read_entity(conn, entity.id)
    return CorrectionResult(correction, frozenset(affected), entity, everything)


def apply_rename(conn: Connection, entity: Entity, name: str) -> None:
    """Rename in an open transaction (the old name becomes an alias)."""
    refuse_duplicate(conn, name, entity.type, other_than=entity.id)
    new_key, a = alias_key(name), entity_aliases.c
    conn.execute(entity_aliases.delete().where(a.entity_id == entity.id, a.key == new_key))
    have = {alias_key(x) for x in entity.aliases}
    insert_aliases(conn, entity.id, new_key, [entity.name], have)
    stmt = entities.update().where(entities.c.id == entity.id)
    conn.execute(stmt.values(name=name, key=new_key, updated_at=utc_now()))


def retype(store: EntityStore, entity_id: str, type: str, who: str = LOCAL) -> CorrectionResult:
    """Change an entity's type; its stored mentions and tags change type with it."""
    type, who = check_type(type), check_who(who)
    with writing(store) as conn:
        entity = read_entity(conn, resolve(conn, entity_id))
        apply_retype(conn, entity, type)
        affected = documents_mentioning(conn, entity_ids=[entity.id])
        detail = {"from": entity.type, "to": type}
        correction = log_correction(conn, "retype", who, entity.id, detail, affected=affected)
        entity = read_entity(conn, entity.id)
    return CorrectionResult(correction, frozenset(affected), entity)


def apply_retype(conn: Connection, entity: Entity, type: str) -> None:
    """Retype in an open transaction, with the entity's stored mentions and tags."""
    refuse_duplicate(conn, entity.name, type, other_than=entity.id)
    stmt = entities.update().where(entities.c.id == entity.id)
    conn.execute(stmt.values(type=type, updated_at=utc_now()))
    for table in (entity_mentions, entity_tags):
        conn.execute(table.update().where(table.c.entity_id == entity.id).values(type=type))


def describe(
    store: EntityStore,
    entity_id: str,
    *,
    description: str | None = None,
    external_id: str | None = None,
    who: str = LOCAL,
) -> CorrectionResult:
    """Change the description or the external id (no document changes)."""
    who = check_who(who)
    values: dict[str, object] = {}
    if description is not None:
        values["description"] = description.strip()
    if external_id is not None:
        values["external_id"] = check_external_id(external_id)
    with writing(store) as conn:
        entity = read_entity(conn, resolve(conn, entity_id))
        stmt = entities.update().where(entities.c.id == entity.id)
        conn.execute(stmt.values(**values, updated_at=utc_now()))
        correction = log_correction(conn, "describe", who, entity.id, dict(values), affected=())
        entity = read_entity(conn, entity.id)
    return CorrectionResult(correction, frozenset(), entity)


def merge(store: EntityStore, entity_id: str, into: str, who: str = LOCAL) -> CorrectionResult:
    """Merge ``entity_id`` into ``into``: its name and aliases, mentions and tags move, and its
    id redirects to ``into`` from now on. The surviving entity keeps its own name and type."""
    who = check_who(who)
    with writing(store) as conn:
        old = read_entity(conn, resolve(conn, entity_id))
        new = read_entity(conn, resolve(conn, into))
        if old.id == new.id:
            raise InvalidEntity(f"{entity_id!r} and {into!r} are already the same entity.")
        affected = documents_mentioning(conn, entity_ids=[old.id])
        have = {alias_key(a) for a in new.aliases}
        insert_aliases(conn, new.id, alias_key(new.name), old.forms(), have)
        for table in (entity_mentions, entity_tags):
            moved = table.update().where(table.c.entity_id == old.id)
            conn.execute(moved.values(entity_id=new.id, type=new.type))
        for spoken in (turns, turn_speakers):  # turns said by the merged entity are the other's
            moved = spoken.update().where(spoken.c.entity_id == old.id)
            conn.execute(moved.values(entity_id=new.id))
        r = entity_redirects.c
        conn.execute(entity_redirects.update().where(r.new_id == old.id).values(new_id=new.id))
        conn.execute(entity_redirects.insert().values(old_id=old.id, new_id=new.id))
        conn.execute(entity_aliases.delete().where(entity_aliases.c.entity_id == old.id))
        conn.execute(entities.delete().where(entities.c.id == old.id))
        kept = {
            "description": new.description or old.description,
            "external_id": new.external_id or old.external_id,
            "updated_at": utc_now(),
        }
        conn.execute(entities.update().where(entities.c.id == new.id).values(**kept))
        detail = {"merged": old.id, "name": old.name, "type": old.type}
        correction = log_correction(conn, "merge", who, new.id, detail, affected=affected)
        entity = read_entity(conn, new.id)
    return CorrectionResult(correction, frozenset(affected), entity)


def split(
    store: EntityStore,
    entity_id: str,
    aliases: Sequence[str],
    name: str,
    *,
    type: str | None = None,
    id: str | None = None,
    who: str = LOCAL,
) -> CorrectionResult:
    """Move some aliases of an entity to a new entity called ``name`` (same type unless given).

    Mentions linked through the moved forms follow them; the documents of every mention of the
    old entity are affected, since title forms ("President X") only resolve on re-analysis.
    """
    name, who = check_name(name), check_who(who)
    with writing(store) as conn:
        old = read_entity(conn, resolve(conn, entity_id))
        type = check_type(type or old.type)
        by_key = {alias_key(a): a for a in old.aliases}
        moving = [alias_key(a) for a in aliases]
        unknown = [a for a, k in zip(aliases, moving, strict=True) if k not in by_key]
        if unknown or not moving:
            raise InvalidEntity(
                f"Split {old.name!r} ({old.id}) by moving some of its aliases {list(old.aliases)}"
                f"; {unknown or 'none'} are not among them."
            )
        if alias_key(name) == alias_key(old.name):
            raise InvalidEntity(f"The new entity needs a name other than {old.name!r}.")
        refuse_duplicate(conn, name, type)
        if id is not None and is_id_taken(conn, check_id(id)):
            raise InvalidEntity(f"Entity id {id!r} is taken; choose another or leave it out.")
        new_id = id or new_entity_id(conn, name, type)
        a = entity_aliases.c
        conn.execute(entity_aliases.delete().where(a.entity_id == old.id, a.key.in_(moving)))
        draft = Entity(new_id, name, type, tuple(by_key[k] for k in moving))
        entity = insert_entity(conn, draft)
        m = entity_mentions.c
        forms = [*moving, alias_key(name)]
        follow = entity_mentions.update().where(m.entity_id == old.id, m.key.in_(forms))
        conn.execute(follow.values(entity_id=new_id, type=type))
        affected = documents_mentioning(conn, entity_ids=[old.id, new_id])
        detail = {"new_id": new_id, "name": name, "aliases": list(draft.aliases)}
        correction = log_correction(conn, "split", who, old.id, detail, affected=affected)
    return CorrectionResult(correction, frozenset(affected), entity)
