"""How the index holds a document's turns: the ``said_ids`` and ``said_names`` part of
``record()`` (``indexer/build.py``), what ``said:`` searches (docs/decisions/016).

The words themselves are only in ``text``: per named speaker, ``said_names`` keeps where their
words stand, as ranges of ``text`` token positions, one per part of a turn (a stage direction,
"(Applause.)": ``corpus/entities/directions.py``, cuts a turn into parts, so a phrase does not
run across one). ``said:putin "Far East"`` matches the phrase in ``text`` and keeps the
occurrences lying inside one of Putin's ranges (``indexer/search/said_match.py``). Unnamed
turns (questions, remarks) are left out. ``said_names`` also says how many turns each speaker
takes with words of their own, and the name to show; a speaker whose turns hold only
directions is listed with no turn and no range, so ``said:`` can say so by name.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from corpus.entities.directions import spoken, stage_directions
from corpus.entities.model import Turn, speaker_ref
from corpus.model import Span
from indexer.schema import WORD_RE


class SaidLine(NamedTuple):
    """One speaker of a document: ref, turns with words of theirs, name, and ``ranges``: their
    words as ``start-end`` ``text`` token positions (end excluded), space-separated."""

    ref: str
    turns: int
    name: str
    ranges: str


def said_fields(text: str, turns: Sequence[Turn], names: Mapping[str, str]) -> dict[str, Any]:
    """The turn fields of a record; none when no turn has a named speaker. ``names``: the
    registry's canonical name of each entity id."""
    counts: Counter[str] = Counter()
    ranges: dict[str, list[str]] = {}
    shown: dict[str, str] = {}
    directions = stage_directions(text, turns)
    starts: list[int] | None = None  # each token's first character, found once if needed
    for turn in turns:
        ref = speaker_ref(turn)
        if not ref:
            continue
        if starts is None:
            starts = [m.start() for m in WORD_RE.finditer(text)]
        found = _positions(starts, spoken(turn.body, directions))
        theirs = ranges.setdefault(ref, [])
        if found:
            theirs.extend(f"{start}-{end}" for start, end in found)
            counts[ref] += 1
        name = names.get(turn.entity_id or "") or turn.speaker
        shown.setdefault(ref, " ".join(name.replace("\t", " ").split()))
    if not shown:
        return {}
    lines = "\n".join(
        f"{ref}\t{counts[ref]}\t{name}\t{' '.join(ranges[ref])}" for ref, name in shown.items()
    )
    fields: dict[str, Any] = {"said_names": lines.encode("utf-8")}
    if counts:
        fields["said_ids"] = ",".join(ref for ref in shown if counts[ref])
    return fields


def _positions(starts: list[int], parts: Sequence[Span]) -> list[tuple[int, int]]:
    """The token positions of each part that holds a word: (first, one past the last)."""
    out = []
    for part in parts:
        first, end = bisect_left(starts, part.start), bisect_left(starts, part.end)
        if end > first:
            out.append((first, end))
    return out


def read_said_names(raw: bytes) -> list[SaidLine]:
    """``said_names`` back, one line per speaker."""
    out = []
    for line in raw.decode("utf-8").split("\n") if raw else ():
        ref, count, name, ranges = line.split("\t", 3)
        out.append(SaidLine(ref, int(count), name, ranges))
    return out


def read_ranges(ranges: str) -> list[tuple[int, int]]:
    """``SaidLine.ranges`` as (start, end) token positions."""
    out = []
    for pair in ranges.split():
        start, _, end = pair.partition("-")
        out.append((int(start), int(end)))
    return out
