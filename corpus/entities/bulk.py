"""Merging many entities into the registry in one transaction (for registry imports).

Each entity is matched by id (following merge redirects), else by normalised name and type.
A match is updated: renamed and retyped to the row when matched by id, aliases added,
description and external id taken when the row gives them. Anything else is added, under the
row's id if it has one. A row that cannot be applied (its id taken by another entity, a rename
onto another entity's name) is skipped with its reason; the others still go in together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from corpus.entities.analyses import documents_containing, documents_mentioning, link_mentions
from corpus.entities.corrections import (
    apply_rename,
    apply_retype,
    check_who,
    insert_aliases,
    insert_entity,
    log_correction,
    writing,
)
from corpus.entities.model import Entity, alias_key
from corpus.entities.store import (
    EntityStore,
    is_id_taken,
    new_entity_id,
    read_entity,
    resolve,
    utc_now,
)
from corpus.entities.tables import entities
from corpus.errors import EntityNotFound, InvalidEntity


@dataclass(frozen=True)
class SkippedRow:
    """A row left out of an import: where it is in the file, and why."""

    where: str
    reason: str


@dataclass(frozen=True)
class ImportReport:
    """What an import did: entity ids added, updated and unchanged; rows skipped; documents
    to re-analyse (``is_everything``: all of them)."""

    added: tuple[str, ...]
    updated: tuple[str, ...]
    unchanged: tuple[str, ...]
    skipped: tuple[SkippedRow, ...]
    affected: frozenset[str]
    is_everything: bool = False


def upsert_entities(
    store: EntityStore,
    rows: Sequence[tuple[str, Entity]],
    skipped: Sequence[SkippedRow] = (),
    *,
    who: str,
    source: str = "",
) -> ImportReport:
    """Add or update each ``(where, entity)`` (an entity id "" means none given), logged as
    one "import" correction that queues the documents it affects for re-analysis, as every
    correction does; ``skipped`` rows found earlier are reported with the rest."""
    who = check_who(who)
    outcome: dict[str, list[str]] = {"added": [], "updated": [], "unchanged": []}
    left_out = list(skipped)
    names: list[str] = []
    with writing(store) as conn:
        for where, entity in rows:
            try:
                with conn.begin_nested():
                    status, entity_id = _merge_row(conn, entity)
            except (InvalidEntity, EntityNotFound) as exc:
                left_out.append(SkippedRow(where, str(exc)))
                continue
            outcome[status].append(entity_id)
            if status != "unchanged":
                names.extend(entity.forms())
        changed = outcome["added"] + outcome["updated"]
        affected, everything = documents_containing(conn, names)
        affected |= documents_mentioning(conn, entity_ids=changed)
        counts = {k: len(v) for k, v in outcome.items()} | {"skipped": len(left_out)}
        detail = {"source": source, **counts}
        log_correction(conn, "import", who, "", detail, affected=affected, is_everything=everything)
    return ImportReport(
        tuple(outcome["added"]),
        tuple(outcome["updated"]),
        tuple(outcome["unchanged"]),
        tuple(left_out),
        frozenset(affected),
        everything,
    )


def _merge_row(conn: Connection, row: Entity) -> tuple[str, str]:
    """Add or update one entity in the open transaction; returns (status, entity id)."""
    existing = _match(conn, row)
    if existing is None:
        entity_id = row.id or new_entity_id(conn, row.name, row.type)
        draft = Entity(entity_id, row.name, row.type, row.aliases, row.description, row.external_id)
        entity = insert_entity(conn, draft)
        link_mentions(conn, entity_id, entity.type, [alias_key(f) for f in entity.forms()])
        return "added", entity_id
    if row.id and alias_key(row.name) != alias_key(existing.name):
        apply_rename(conn, existing, row.name)
    if row.type != existing.type:
        apply_retype(conn, existing, row.type)
    current = read_entity(conn, existing.id)
    have = {alias_key(f) for f in current.aliases}
    added = insert_aliases(conn, current.id, alias_key(current.name), row.aliases, have)
    values = {}
    if row.description and row.description != current.description:
        values["description"] = row.description
    if row.external_id and row.external_id != current.external_id:
        values["external_id"] = row.external_id
    if values:
        stmt = entities.update().where(entities.c.id == current.id)
        conn.execute(stmt.values(**values, updated_at=utc_now()))
    if added:
        link_mentions(conn, current.id, row.type, [alias_key(a) for a in added])
    changed = added or values or read_entity(conn, current.id) != current or current != existing
    return ("updated" if changed else "unchanged"), current.id


def _match(conn: Connection, row: Entity) -> Entity | None:
    """The entity a row updates: by id (or its redirect), else by name key and type."""
    if row.id:
        try:
            return read_entity(conn, resolve(conn, row.id))
        except EntityNotFound:
            pass
    e = entities.c
    stmt = sa.select(e.id).where(e.key == alias_key(row.name), e.type == row.type)
    found = conn.scalar(stmt)
    if found is None:
        if row.id and is_id_taken(conn, row.id):
            raise InvalidEntity(f"id {row.id!r} is taken")
        return None
    return read_entity(conn, found)
