"""How well turns are found: the hand-labelled set (``tests/data/turns-gold.json``) read with
its texts from the shared collections, and precision and recall against it.

- Boundaries: a found turn is right when its start and end are a labelled turn's.
- Speakers: over turns with a named speaker, a found one is right when a labelled turn starts
  at the same place with the same speaker (names compared without case or extra spaces);
  anonymous turns on both sides are right too, and counted apart.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from corpus.demo import corpus_drafts
from corpus.drafts import normalise_text
from corpus.entities.model import Turn
from indexer import analyse
from indexer.turns.detect import find_turns


@dataclass(frozen=True)
class GoldTurn:
    """A labelled turn: offsets, the label's text and the speaker ("" anonymous)."""

    start: int
    end: int
    label: str
    speaker: str


@dataclass(frozen=True)
class GoldDocument:
    """A labelled document with its text, id and speaker, as the collection gives them."""

    file: str
    id: str
    text: str
    speaker: str
    turns: tuple[GoldTurn, ...]


@dataclass(frozen=True)
class Score:
    """Counts of one measure, and its precision and recall."""

    right: int
    found: int
    expected: int

    @property
    def precision(self) -> float:
        """Right / found (1.0 when nothing was found)."""
        return self.right / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        """Right / expected (1.0 when nothing was expected)."""
        return self.right / self.expected if self.expected else 1.0


@dataclass(frozen=True)
class TurnScores:
    """Boundaries, named speakers and anonymous turns over a set, and the misses per document."""

    boundaries: Score
    speakers: Score
    anonymous: Score
    documents: int
    errors: dict[str, list[str]] = field(default_factory=dict, compare=False)


def read_gold(path: Path | str, data_dir: Path | str) -> list[GoldDocument]:
    """The labelled documents with their texts; raises ``ValueError`` when a text is not the
    one that was labelled (its SHA-256 differs) and ``FileNotFoundError`` when one is missing."""
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    wanted: dict[str, set[str]] = {}
    for item in raw["documents"]:
        wanted.setdefault(item["file"], set()).add(item["id"])
    texts = {f: dict(_read_collection(f, ids, Path(data_dir))) for f, ids in wanted.items()}
    out = []
    for item in raw["documents"]:
        text, speaker = texts[item["file"]][item["id"]]
        if hashlib.sha256(text.encode("utf-8")).hexdigest() != item["sha256"]:
            raise ValueError(f"{item['file']} {item['id']}: the text changed since it was labelled")
        labels = item["labels"]
        turns = tuple(GoldTurn(s, e, *labels[i]) for s, e, i in item["turns"])
        out.append(GoldDocument(item["file"], item["id"], text, speaker, turns))
    return out


def score(documents: Iterable[GoldDocument]) -> TurnScores:
    """Find the turns of each document and compare them with its labels."""
    counts = [0] * 9
    errors: dict[str, list[str]] = {}
    n = 0
    for doc in documents:
        n += 1
        found = find_turns(doc.text, document_speaker=doc.speaker)
        for i, value in enumerate(_compare(doc, found, errors.setdefault(doc.id, []))):
            counts[i] += value
    return TurnScores(
        Score(*counts[0:3]),
        Score(*counts[3:6]),
        Score(*counts[6:9]),
        n,
        {k: v for k, v in errors.items() if v},
    )


def _compare(doc: GoldDocument, found: list[Turn], errors: list[str]) -> list[int]:
    gold_spans = {(t.start, t.end) for t in doc.turns}
    by_start = {t.start: t for t in doc.turns}
    spans = {(t.span.start, t.span.end) for t in found}
    right_spans = len(spans & gold_spans)
    named = [t for t in found if t.speaker]
    right_named = sum(1 for t in named if _speaker_at(by_start, t.span.start) == _key(t.speaker))
    gold_named = [t for t in doc.turns if t.speaker]
    anonymous = [t for t in found if not t.speaker]
    gold_anonymous = {t.start for t in doc.turns if not t.speaker}
    right_anonymous = sum(1 for t in anonymous if t.span.start in gold_anonymous)
    text = doc.text
    for t in found:
        g = by_start.get(t.span.start)
        said = text[t.label.start : t.label.end]
        if g is None:
            errors.append(f"false turn at {t.span.start}: {said!r}")
        elif (g.start, g.end) != (t.span.start, t.span.end):
            errors.append(f"turn at {g.start} ends at {t.span.end}, not {g.end}")
        elif _key(g.speaker) != _key(t.speaker):
            errors.append(f"{said!r} at {g.start}: speaker {t.speaker!r}, not {g.speaker!r}")
    starts = {t.span.start for t in found}
    errors.extend(f"missed {g.label!r} at {g.start}" for g in doc.turns if g.start not in starts)
    return [
        right_spans,
        len(spans),
        len(gold_spans),
        right_named,
        len(named),
        len(gold_named),
        right_anonymous,
        len(anonymous),
        len(gold_anonymous),
    ]


def _speaker_at(by_start: dict[int, GoldTurn], start: int) -> str | None:
    gold = by_start.get(start)
    return _key(gold.speaker) if gold is not None and gold.speaker else None


def _key(name: str) -> str:
    return " ".join(name.casefold().split())


def _read_collection(
    file: str, ids: set[str], data_dir: Path
) -> Iterator[tuple[str, tuple[str, str]]]:
    """(id, (text, speaker)) of the wanted documents of one labelled file."""
    if file.startswith("nltk:"):
        corpus = file.removeprefix("nltk:")
        folder = analyse.resource_dir(f"corpora/{corpus}")
        for draft in corpus_drafts({corpus: folder}):
            if draft.id in ids:
                yield draft.id, (draft.text, draft.speaker)
        return
    path = data_dir / file
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            if any(f'"{i}"' in line[:200] for i in ids):
                item = json.loads(line)
                if item["id"] in ids:
                    text = normalise_text(item["text"])
                    yield item["id"], (text, item.get("speaker_or_author") or "")
