"""How the index holds a document's turns: the ``said``, ``said_ids`` and ``said_names`` part of
``record()`` (``indexer/build.py``), the fields ``said:`` searches (docs/decisions/011).

Each named speaker's turns go into ``said`` as one segment per turn, the speaker's ref first
(``SaidAnalyzer`` makes ``<ref> <stem>`` terms of them); unnamed turns (questions, remarks) are
left out, and so are stage directions ("(Applause.)": ``corpus/entities/directions.py``), which
cut a turn into one segment per part, so a phrase does not run across one. ``said_names`` says,
per speaker, how many turns they take (with words of their own) and the name to show.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from corpus.entities.directions import spoken, spoken_text, stage_directions
from corpus.entities.model import Turn, speaker_ref
from indexer.schema import SaidAnalyzer


def said_fields(text: str, turns: Sequence[Turn], names: Mapping[str, str]) -> dict[str, Any]:
    """The turn fields of a record; none when no turn has a named speaker. ``names``: the
    registry's canonical name of each entity id."""
    segments: list[str] = []
    counts: Counter[str] = Counter()
    shown: dict[str, str] = {}
    directions = stage_directions(text, turns)
    for turn in turns:
        ref = speaker_ref(turn)
        said = spoken_text(text, spoken(turn.body, directions)) if ref else []
        if not said:
            continue
        segments.extend(
            f"{ref}{SaidAnalyzer.REF_END}{part.replace(SaidAnalyzer.TURN_SEPARATOR, ' ')}"
            for part in said
        )
        counts[ref] += 1
        name = names.get(turn.entity_id or "") or turn.speaker
        shown.setdefault(ref, " ".join(name.replace("\t", " ").split()))
    if not segments:
        return {}
    lines = "\n".join(f"{ref}\t{counts[ref]}\t{name}" for ref, name in shown.items())
    return {
        "said": SaidAnalyzer.TURN_SEPARATOR.join(segments),
        "said_ids": ",".join(shown),
        "said_names": lines.encode("utf-8"),
    }


def read_said_names(raw: bytes) -> list[tuple[str, int, str]]:
    """``said_names`` back as (ref, turns, name) per speaker."""
    out = []
    for line in raw.decode("utf-8").split("\n") if raw else ():
        ref, count, name = line.split("\t", 2)
        out.append((ref, int(count), name))
    return out
