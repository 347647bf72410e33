"""Analysts' corrections of who speaks: one speaker label of one document at a time.

A correction names a label as it is written at the start of a line before a colon
("Question", "The President", "Kirill Kleimenov") and says whose turns it marks: a registry
entity, a name not in the registry yet, nobody named (an anonymous questioner), or that it is
no speaker's label at all ("The message reads, in part"). It holds for every turn with that
label in every version of the document, is logged with who and when like every correction
(kinds "speaker" and "unspeaker"), and queues the document for re-analysis, which applies it.
"""

from __future__ import annotations

import re

import sqlalchemy as sa

from corpus.entities.corrections import CorrectionResult, check_who, log_correction, writing
from corpus.entities.model import SpeakerCorrection, label_key
from corpus.entities.store import EntityStore, read_entity, resolve, utc_now
from corpus.entities.tables import turn_speakers
from corpus.errors import DocumentNotFound, InvalidEntity
from corpus.tables import document_versions, documents

MAX_LABEL_CHARS = 120


def correct_speaker(
    store: EntityStore,
    document_id: str,
    label: str,
    *,
    entity_id: str | None = None,
    speaker: str | None = None,
    is_turn: bool = True,
    who: str,
) -> CorrectionResult:
    """Say whose turns ``label`` marks in a document: ``entity_id`` (a registry entity),
    else ``speaker`` (a name; "" for nobody named), or with ``is_turn=False`` that it marks
    none. Replaces an earlier correction of the same label.

    Raises ``DocumentNotFound``, ``EntityNotFound``, or ``InvalidEntity`` for a label that
    starts no line of the document's current text before a colon.
    """
    who = check_who(who)
    with writing(store) as conn:
        label = _check_label(conn, document_id, label)
        name = " ".join((speaker or "").split())
        if entity_id is not None:
            entity = read_entity(conn, resolve(conn, entity_id))
            entity_id, name = entity.id, entity.name
        if not is_turn:
            entity_id, name = None, ""
        key, k = label_key(label), turn_speakers.c
        conn.execute(turn_speakers.delete().where(k.document_id == document_id, k.key == key))
        values = {"document_id": document_id, "key": key, "label": label, "is_turn": is_turn}
        values |= {"speaker": name, "entity_id": entity_id, "who": who, "created_at": utc_now()}
        conn.execute(turn_speakers.insert().values(values))
        detail = {"document_id": document_id, "label": label, "speaker": name, "is_turn": is_turn}
        correction = log_correction(
            conn, "speaker", who, entity_id or "", detail, affected={document_id}
        )
    return CorrectionResult(correction, frozenset({document_id}))


def undo_speaker(store: EntityStore, document_id: str, label: str, *, who: str) -> CorrectionResult:
    """Drop the correction of ``label`` in a document: its turns are found as analysis finds
    them again. Raises ``InvalidEntity`` when the label has no correction."""
    who = check_who(who)
    with writing(store) as conn:
        k = turn_speakers.c
        where = (k.document_id == document_id) & (k.key == label_key(label))
        row = conn.execute(sa.select(turn_speakers).where(where)).first()
        if row is None:
            raise InvalidEntity(
                f'No speaker correction of "{label}" in document {document_id!r} to undo; '
                '"dossier entities speakers DOCUMENT_ID" lists them.'
            )
        conn.execute(turn_speakers.delete().where(where))
        detail = {"document_id": document_id, "label": row.label, "speaker": row.speaker}
        correction = log_correction(
            conn, "unspeaker", who, row.entity_id or "", detail, affected={document_id}
        )
    return CorrectionResult(correction, frozenset({document_id}))


def speaker_corrections(store: EntityStore, document_id: str) -> list[SpeakerCorrection]:
    """The speaker corrections of a document, by label."""
    return list(store.corrections_for(document_id).speakers)


def _check_label(conn: sa.Connection, document_id: str, label: str) -> str:
    """The label as the current text writes it (spaces as given are not required)."""
    d, v = documents.c, document_versions.c
    stmt = sa.select(v.text).join(
        documents, (d.id == v.document_id) & (d.current_version == v.version)
    )
    text = conn.execute(stmt.where(d.id == document_id)).scalar_one_or_none()
    if text is None:
        raise DocumentNotFound(f"No document with id {document_id!r}.")
    words = label.split()
    if not words or len(label) > MAX_LABEL_CHARS:
        raise InvalidEntity(f"{label!r} is not a speaker label: give the words before the colon.")
    pattern = r"[ \t]*".join(map(re.escape, words))
    found = re.search(rf"(?im)^[ \t]*({pattern})[ \t]*:", text)
    if found is None:
        raise InvalidEntity(
            f'"{label}" does not start a line before a colon in document {document_id!r}. '
            'Give the label as the document writes it, e.g. "Question" for "Question: …".'
        )
    return found.group(1)
