"""Stored speaker turns: each analysed document version's turns, written with its mentions.

- ``write_turns`` replaces the turns of the versions an analysis batch stores, inside that
  batch's transaction (``mentions.replace_many``), so turns and mentions never disagree.
- ``turns`` / ``turns_many`` read them back in text order; ``turn_at`` finds the turn a passage
  falls in, which is who said it (citations attribute a passage to its turn's speaker).
- ``speaker_ref`` names a turn's speaker the way the index and the facets do: the registry id,
  or an unlinked ref made from the name (as ``indexer/entities/refs.py`` makes them).
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from corpus.entities.directions import spoken, stage_directions
from corpus.entities.model import UNLINKED_PERSON as UNLINKED_PERSON  # re-exported
from corpus.entities.model import Turn, alias_key, speaker_ref
from corpus.entities.per_version import rows_per_version
from corpus.entities.store import EntityStore
from corpus.entities.tables import turns as turns_table
from corpus.model import Span
from corpus.tables import documents

_T = turns_table.c
_D = documents.c


def write_turns(
    conn: Connection,
    analysed: Iterable[tuple[str, int, Sequence[Turn]]],
    ids: Mapping[str, str],
) -> None:
    """Replace the turns of each (document id, version); entity ids go through ``ids`` (the
    ones that exist, merged-away ones mapped to their survivor; others are dropped)."""
    batch = list(analysed)
    if not batch:
        return
    d, v = sa.bindparam("d", type_=sa.String), sa.bindparam("v", type_=sa.Integer)
    keys = [{"d": doc, "v": version} for doc, version, _ in batch]
    conn.execute(turns_table.delete().where(_T.document_id == d, _T.version == v), keys)
    rows = [_row(doc, version, t, ids) for doc, version, found in batch for t in found]
    if rows:
        conn.execute(turns_table.insert(), rows)


def turns(store: EntityStore, document_id: str, version: int | None = None) -> list[Turn]:
    """The stored turns of a version (the current one by default), in text order."""
    stmt = sa.select(turns_table).order_by(_T.start_offset)
    if version is None:
        current = (_D.id == _T.document_id) & (_D.current_version == _T.version)
        stmt = stmt.join(documents, current).where(_D.id == document_id)
    else:
        stmt = stmt.where(_T.document_id == document_id, _T.version == version)
    with store.connect() as conn:
        return [_turn(r) for r in conn.execute(stmt)]


def turns_many(
    store: EntityStore, versions: Iterable[tuple[str, int]]
) -> dict[tuple[str, int], list[Turn]]:
    """Stored turns of many (document id, version) pairs; pairs without turns map to []."""
    return rows_per_version(store, turns_table, versions, _turn)


def turn_at(found: Sequence[Turn], offset: int) -> Turn | None:
    """The turn (of turns in text order) whose words hold ``offset``, or None."""
    i = bisect.bisect_right([t.span.start for t in found], offset) - 1
    if i >= 0 and found[i].span.start <= offset < found[i].span.end:
        return found[i]
    return None


@dataclass(frozen=True)
class Participant:
    """One speaker of a transcript: ``ref`` (``speaker_ref``; "" for the unnamed), how many
    turns they take, how many words they say and their share of all the turns' words."""

    speaker: str
    entity_id: str | None
    ref: str
    turns: int
    words: int
    share: float


def participants(
    text: str, found: Sequence[Turn], directions: Sequence[Span] | None = None
) -> list[Participant]:
    """The speakers of a document's turns, most words first; the unnamed (questioners, roles
    without a name) together as one with ``speaker`` "" and ``ref`` "". Stage directions
    ("(Applause.)") are not the speaker's words; pass ``directions`` when the caller already
    found them (the document view marks them too)."""
    turn_counts: Counter[str] = Counter()
    words: Counter[str] = Counter()
    first: dict[str, Turn] = {}
    if directions is None:
        directions = stage_directions(text, found)
    for t in found:
        ref = speaker_ref(t)
        first.setdefault(ref, t)
        turn_counts[ref] += 1
        words[ref] += sum(len(text[p.start : p.end].split()) for p in spoken(t.body, directions))
    total = sum(words.values()) or 1
    return sorted(
        (
            Participant(
                t.speaker, t.entity_id, ref, turn_counts[ref], words[ref], words[ref] / total
            )
            for ref, t in first.items()
        ),
        key=lambda p: (not p.ref, -p.words, p.speaker),
    )


def _row(document_id: str, version: int, t: Turn, ids: Mapping[str, str]) -> dict[str, object]:
    return {
        "document_id": document_id,
        "version": version,
        "start_offset": t.span.start,
        "end_offset": t.span.end,
        "label_end": t.label.end,
        "name_start": t.name.start if t.name else None,
        "name_end": t.name.end if t.name else None,
        "speaker": t.speaker,
        "key": alias_key(t.speaker),
        "entity_id": ids.get(t.entity_id) if t.entity_id else None,
    }


def _turn(r: sa.Row[Any]) -> Turn:
    name = Span(r.name_start, r.name_end) if r.name_start is not None else None
    return Turn(
        Span(r.start_offset, r.end_offset),
        Span(r.start_offset, r.label_end),
        r.speaker,
        name,
        r.entity_id,
    )
