"""Speaker turns in the entity analysis: who speaks, linked to the registry, and the label's
name as a PERSON mention.

- A turn's speaker is linked to the registry entity its name says (aliases, titles aside); the
  document's own speaker ("The President", "A") to the entity the document's speaker is.
  Analysts' speaker corrections (``corpus/entities/speakers.py``) win over both.
- The name in a label is a mention of its person, typed PERSON, exactly the name's words
  ("Vladimir Putin" of "President of Russia Vladimir Putin:"). Whatever else was found over
  the name or across the label's colon ("Vladimir Putin: Yes" as one name) is dropped; names
  before it in the label ("Russia", "Gazprom") stay.
"""

from __future__ import annotations

import bisect
import dataclasses
from collections.abc import Sequence

from corpus.entities.model import EntityCorrections, Mention, Turn, label_key
from corpus.model import Document
from indexer.entities.alias_matcher import AliasMatcher
from indexer.turns.detect import find_turns

LABEL_CONFIDENCE = 1.0


def speaker_turns(
    document: Document, matcher: AliasMatcher | None, corrections: EntityCorrections
) -> list[Turn]:
    """The document's turns with their speakers linked to the registry where it can tell."""
    text = document.text
    fixes = {label_key(c.label): c for c in corrections.speakers}
    found = find_turns(
        text,
        document_speaker=document.speaker,
        corrected={key: fix.is_turn for key, fix in fixes.items()},
    )
    own = " ".join(document.speaker.split())
    out = []
    for turn in found:
        fix = fixes.get(label_key(text[turn.label.start : turn.label.end]))
        if fix is not None:
            out.append(dataclasses.replace(turn, speaker=fix.speaker, entity_id=fix.entity_id))
        elif turn.speaker:
            named = own if turn.speaker == own else turn.speaker
            entity_id = _lookup(matcher, named) or _lookup(matcher, _name(text, turn))
            out.append(dataclasses.replace(turn, entity_id=entity_id))
        else:
            out.append(turn)
    return out


def label_mentions(text: str, turns: Sequence[Turn]) -> list[Mention]:
    """The PERSON mention of each label's name, linked as its turn's speaker is."""
    return [
        Mention(t.name, "PERSON", _name(text, t), "label", LABEL_CONFIDENCE, t.entity_id)
        for t in turns
        if t.name is not None
    ]


def outside_labels(mentions: Sequence[Mention], turns: Sequence[Turn]) -> list[Mention]:
    """The mentions that neither touch a label's name nor run across its colon."""
    if not turns:
        return list(mentions)
    starts = [t.label.start for t in turns]
    kept = []
    for m in mentions:
        i = bisect.bisect_right(starts, m.span.start) - 1
        near = [turns[j] for j in (i, i + 1) if 0 <= j < len(turns)]
        if not any(_touches(m, t) for t in near):
            kept.append(m)
    return kept


def _touches(m: Mention, turn: Turn) -> bool:
    """True when a mention overlaps the label's name, or the label and its colon without
    lying wholly before the name ("Russia" in "President of Russia Vladimir Putin:" stays)."""
    start, end = m.span.start, m.span.end
    label_end = turn.label.end + 1  # the colon
    if end <= turn.label.start or start >= label_end:
        return False
    if turn.name is not None and end <= turn.name.start and start >= turn.label.start:
        return False
    return not (turn.name is None and end <= turn.label.end and start >= turn.label.start)


def _name(text: str, turn: Turn) -> str:
    return text[turn.name.start : turn.name.end] if turn.name is not None else ""


def _lookup(matcher: AliasMatcher | None, name: str) -> str | None:
    if matcher is None or not matcher.size or not name:
        return None
    return matcher.lookup(name, "PERSON")
