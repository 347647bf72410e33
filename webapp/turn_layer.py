"""The turn layer of the document view: who speaks where, and reading one speaker's turns.

Each turn becomes two kinds of marks: a ``speaker`` mark on its label (the speaker's name as a
clear label, with the element id ``turn-<start>`` that "next turn" links to) and a ``turn``
mark over the whole turn, which the renderer splits into one per paragraph, so CSS can show
only the chosen speaker's paragraphs (``?turns=<ref>``: their marks carry ``data-chosen``).
Stage directions inside turns ("(Applause.)") get a ``direction`` mark: shown, but styled
apart from the speaker's words, which they are not counted among.
The text itself is never changed or cut: offsets, selections and tags keep working.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from corpus import Document, Span
from corpus.entities import (
    Entity,
    EntityStore,
    Participant,
    Turn,
    participants,
    speaker_ref,
    stage_directions,
    turn_at,
    turns,
)
from webapp.highlight import Mark

UNNAMED = "Unnamed speakers"


@dataclass(frozen=True)
class Speaker:
    """A participant as the page shows one: display name, entity page, share of the words."""

    name: str
    ref: str
    entity_id: str | None
    turns: int
    share: float


@dataclass(frozen=True)
class TurnLayer:
    """A document version's turns as marks, its speakers, and the one chosen to read alone."""

    marks: tuple[Mark, ...]
    speakers: tuple[Speaker, ...]
    labels: tuple[str, ...]  # the distinct labels, for the speaker correction form
    chosen: Speaker | None = None
    chosen_turns: tuple[str, ...] = ()  # element ids of the chosen speaker's turns shown
    before: int | None = None  # start of the chosen speaker's last turn before the part shown
    after: int | None = None  # start of their first turn after it


def turn_layer(
    text: str,
    turns: Sequence[Turn],
    names: Mapping[str, Entity],
    chosen: str = "",
    shown: Span | None = None,
) -> TurnLayer:
    """The layer of ``turns`` in the part ``shown`` (default: all the text); ``chosen`` is a
    speaker ref (``?turns=``) to read alone."""
    directions = stage_directions(text, turns)  # found once: for the shares and the marks
    speakers = tuple(_speaker(p, names) for p in participants(text, turns, directions))
    picked = next((s for s in speakers if chosen and s.ref == chosen), None)
    part = shown or Span(0, len(text))
    theirs = [t.span.start for t in turns if picked is not None and speaker_ref(t) == picked.ref]
    before = max((s for s in theirs if s < part.start), default=None)
    after = min((s for s in theirs if s >= part.end), default=None)
    marks: list[Mark] = []
    ids: list[str] = []
    for t in turns:
        if not t.span.overlaps(part):
            continue
        ref = speaker_ref(t)
        name = _name(t, names) or text[t.label.start : t.label.end]
        element_id = f"turn-{t.span.start}"
        attrs = {"data-speaker": ref, "title": f"{name} speaks"}
        is_chosen = picked is not None and ref == picked.ref
        if is_chosen and part.start <= t.label.start:
            ids.append(element_id)
            attrs["data-chosen"] = "true"
        if part.start <= t.label.start:
            marks.append(Mark(t.label, "speaker", attrs, element_id))
        inside = Span(max(t.span.start, part.start), min(t.span.end, part.end))
        marks.append(Mark(inside, "turn", {"data-speaker": ref, **_chosen(is_chosen)}))
    marks.extend(_direction_marks(directions, part))
    written = (" ".join(text[t.label.start : t.label.end].split()) for t in turns)
    labels = tuple(dict.fromkeys(written))
    return TurnLayer(tuple(marks), speakers, labels, picked, tuple(ids), before, after)


def said_by(text: str, turns: Sequence[Turn], names: Mapping[str, Entity], span: Span) -> str:
    """Who says the passage at ``span``: the speaker of the one turn that holds it (the
    entity's name, else the name in the label; an unnamed speaker as labelled, "Question"),
    or "" when the passage is outside the turns or runs from one turn into the next."""
    turn = turn_at(turns, span.start)
    if turn is None or span.end > turn.span.end:
        return ""
    return _name(turn, names) or " ".join(text[turn.label.start : turn.label.end].split())


def speaker_in(
    entity_store: EntityStore, names: Mapping[str, Entity], document: Document, span: Span
) -> str:
    """Who says the passage at ``span`` of ``document`` (a stored version), read from its
    stored turns: the one home of this for passage links, citation lines and briefs' notes."""
    return speakers_in(entity_store, names)(document, span)


def speakers_in(
    entity_store: EntityStore, names: Mapping[str, Entity]
) -> Callable[[Document, Span], str]:
    """``speaker_in`` for many passages (a brief's notes): each document version's turns are
    read once."""
    read: dict[tuple[str, int], list[Turn]] = {}

    def speaker(document: Document, span: Span) -> str:
        key = (document.id, document.version)
        if key not in read:
            read[key] = turns(entity_store, document.id, document.version)
        return said_by(document.text, read[key], names, span)

    return speaker


def _direction_marks(directions: Sequence[Span], part: Span) -> list[Mark]:
    """A ``direction`` mark on each stage direction of the part shown."""
    title = {"title": "Stage direction: not counted as the speaker's words"}
    return [Mark(d, "direction", title) for d in directions if d.overlaps(part)]


def _speaker(p: Participant, names: Mapping[str, Entity]) -> Speaker:
    entity = names.get(p.entity_id or "")
    name = entity.name if entity is not None else p.speaker or UNNAMED
    return Speaker(name, p.ref, entity.id if entity else None, p.turns, p.share)


def _name(t: Turn, names: Mapping[str, Entity]) -> str:
    entity = names.get(t.entity_id or "")
    return entity.name if entity is not None else t.speaker


def _chosen(is_chosen: bool) -> dict[str, str]:
    return {"data-chosen": "true"} if is_chosen else {}
