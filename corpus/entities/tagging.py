"""Corrections to what analysis finds in texts: "not an entity" and "tag this span".

- A suppression names a surface form by its ``alias_key``, for one type or for all: analysis
  drops every mention of that form from every source except analysts' tags, everywhere.
  Stored mentions of the form are deleted at once.
- A tag records one span of one document version as an anchor (``corpus/anchors.py``: the
  offsets, the exact quote and its context), so that analysis of a later version can find it
  again (``indexer/entities/analysis.py``). A tag that cannot be found is kept and shown as
  orphaned, never deleted. A new tag replaces the older tags it
  overlaps in the same version.
"""

from __future__ import annotations

import sqlalchemy as sa

from corpus.anchors import anchor_at
from corpus.entities.analyses import documents_containing, documents_mentioning
from corpus.entities.corrections import LOCAL, CorrectionResult, check_who, log_correction, writing
from corpus.entities.model import alias_key
from corpus.entities.store import (
    EntityStore,
    InvalidEntity,
    check_type,
    read_entity,
    resolve,
    utc_now,
)
from corpus.entities.tables import entity_mentions, entity_suppressions, entity_tags
from corpus.errors import InvalidAnchor
from corpus.model import Span


def suppress(
    store: EntityStore, surface: str, type: str = "", who: str = LOCAL
) -> CorrectionResult:
    """Mark a surface form as "not an entity" (of ``type``, or of any type when "")."""
    who, key = check_who(who), alias_key(surface)
    if type:
        check_type(type)
    if not key:
        raise InvalidEntity(f"{surface!r} has no letters or digits: there is nothing to suppress.")
    with writing(store) as conn:
        s = entity_suppressions.c
        exists = (
            sa.select(sa.func.count())
            .select_from(entity_suppressions)
            .where(s.key == key, s.type == type)
        )
        if conn.scalar(exists):
            raise InvalidEntity(
                f"{surface!r} is already suppressed{f' as {type}' if type else ''}."
            )
        conn.execute(
            entity_suppressions.insert().values(
                key=key, type=type, surface=surface.strip(), who=who, created_at=utc_now()
            )
        )
        m = entity_mentions.c
        where = [m.key == key] + ([m.type == type] if type else [])
        stale = [m.source != "analyst", *where]
        affected = documents_mentioning(conn, keys=[key])
        conn.execute(entity_mentions.delete().where(*stale))
        detail = {"surface": surface.strip(), "key": key, "type": type}
        correction = log_correction(conn, "suppress", who, "", detail)
    return CorrectionResult(correction, frozenset(affected))


def unsuppress(
    store: EntityStore, surface: str, type: str = "", who: str = LOCAL
) -> CorrectionResult:
    """Lift a suppression; documents that contain the form are affected again."""
    who, key = check_who(who), alias_key(surface)
    with writing(store) as conn:
        s = entity_suppressions.c
        gone = conn.execute(entity_suppressions.delete().where(s.key == key, s.type == type))
        if not gone.rowcount:
            raise InvalidEntity(
                f"{surface!r} is not suppressed{f' as {type}' if type else ' for all types'}; "
                'list suppressions with "dossier entities suppressions".'
            )
        affected, everything = documents_containing(conn, [surface])
        detail = {"surface": surface.strip(), "key": key, "type": type}
        correction = log_correction(conn, "unsuppress", who, "", detail)
    return CorrectionResult(correction, frozenset(affected), is_everything=everything)


def tag(
    store: EntityStore,
    document_id: str,
    span: Span,
    *,
    type: str | None = None,
    entity_id: str | None = None,
    version: int | None = None,
    who: str = LOCAL,
) -> CorrectionResult:
    """Tag a span of a document version (current by default) as a mention the model missed.

    Give a ``type``, an ``entity_id``, or both (they must agree). Raises ``InvalidEntity`` for a
    span outside the text or covering only spaces, ``DocumentNotFound`` for a bad document.
    """
    who = check_who(who)
    document = store.store.get(document_id, version)
    try:
        anchor = anchor_at(document.text, span, version=document.version)
    except InvalidAnchor as exc:
        raise InvalidEntity(
            f"Span [{span.start}, {span.end}) of {document_id!r} version {document.version} "
            f"(length {len(document.text)}) covers no text to tag."
        ) from exc
    with writing(store) as conn:
        if entity_id is not None:
            entity = read_entity(conn, resolve(conn, entity_id))
            if type is not None and type != entity.type:
                raise InvalidEntity(f"{entity.name!r} is a {entity.type}, not a {type}.")
            type, entity_id = entity.type, entity.id
        if type is None:
            raise InvalidEntity("Tag the span with a type, an entity, or both.")
        check_type(type)
        t = entity_tags.c
        same = (t.document_id == document_id) & (t.located_version == document.version)
        overlapping = same & (t.located_start < span.end) & (t.located_end > span.start)
        replaced = list(conn.scalars(sa.select(t.id).where(overlapping)))
        if replaced:
            conn.execute(entity_tags.delete().where(t.id.in_(replaced)))
        tag_id = conn.execute(
            entity_tags.insert()
            .values(
                document_id=document_id,
                version=document.version,
                start_offset=span.start,
                end_offset=span.end,
                quote=anchor.quote,
                prefix=anchor.prefix,
                suffix=anchor.suffix,
                type=type,
                entity_id=entity_id,
                who=who,
                created_at=utc_now(),
                located_version=document.version,
                located_start=span.start,
                located_end=span.end,
                is_orphaned=False,
            )
            .returning(t.id)
        ).scalar_one()
        detail = {
            "tag": tag_id,
            "document_id": document_id,
            "version": document.version,
            "start": span.start,
            "end": span.end,
            "quote": anchor.quote,
            "type": type,
            "replaced": replaced,
        }
        correction = log_correction(conn, "tag", who, entity_id or "", detail)
    return CorrectionResult(correction, frozenset({document_id}))


def untag(store: EntityStore, tag_id: int, who: str = LOCAL) -> CorrectionResult:
    """Delete a tag (orphaned or not); its document is affected."""
    who = check_who(who)
    with writing(store) as conn:
        t = entity_tags.c
        row = conn.execute(entity_tags.select().where(t.id == tag_id)).first()
        if row is None:
            raise InvalidEntity(
                f"No tag with id {tag_id}; list a document's tags with "
                '"dossier entities tags DOCUMENT_ID".'
            )
        conn.execute(entity_tags.delete().where(t.id == tag_id))
        detail = {"tag": tag_id, "document_id": row.document_id, "quote": row.quote}
        correction = log_correction(conn, "untag", who, row.entity_id or "", detail)
    return CorrectionResult(correction, frozenset({row.document_id}))
