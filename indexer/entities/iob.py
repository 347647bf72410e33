"""IOB2 corpora: reading ``token<TAB>tag`` files, mapping their types, scoring entity spans.

Scoring is entity-level exact match (as CoNLL's ``conlleval``): a predicted entity counts only when
its first token, last token and type all equal a gold entity's. An ``I-X`` that does not continue
an ``X`` entity starts a new one, so malformed predictions are scored, not rejected.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from indexer.errors import IobCorpusInvalid

# The GMB extract in ../shared/data/ner-train: its GEO is places, its GPE demonyms (see its
# README). TIM, ART, EVE and NAT are left out: dates come from rules, the rest is too rare.
GMB_TYPE_MAP: Mapping[str, str] = {
    "PER": "PERSON",
    "ORG": "ORGANIZATION",
    "GEO": "LOCATION",
    "GPE": "NORP",
}


@dataclass(frozen=True)
class Sentence:
    """One sentence of an IOB2 file: its tokens and their tags, in order."""

    words: tuple[str, ...]
    tags: tuple[str, ...]


@dataclass(frozen=True)
class Entity:
    """An entity as token positions ``[start, end)`` in a sentence, with its type."""

    start: int
    end: int
    type: str


@dataclass(frozen=True)
class TypeScores:
    """Counts and P/R/F1 for one entity type (or ``ALL``)."""

    type: str
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 0.0

    @property
    def recall(self) -> float:
        gold = self.true_positives + self.false_negatives
        return self.true_positives / gold if gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class Scores:
    """Entity-level exact-match scores over a corpus, overall and per type."""

    overall: TypeScores
    by_type: dict[str, TypeScores] = field(hash=False)
    sentences: int = 0
    tokens: int = 0
    ignored_types: tuple[str, ...] = ()


def read_iob(path: str | Path) -> Iterator[Sentence]:
    """Sentences of an IOB2 file; raises ``IobCorpusInvalid`` naming the first bad line."""
    path = Path(path)
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise IobCorpusInvalid(
            f'Cannot read the IOB2 corpus "{path}": {exc.strerror}. Give the path of a '
            "token<TAB>tag file."
        ) from exc
    words: list[str] = []
    tags: list[str] = []
    with handle:
        for number, line in enumerate(handle, 1):
            line = line.rstrip("\r\n")
            if not line.strip():
                if words:
                    yield Sentence(tuple(words), tuple(tags))
                    words, tags = [], []
                continue
            word, sep, tag = line.rpartition("\t")
            if not sep or not word or not _is_tag(tag):
                raise IobCorpusInvalid(
                    f'{path}:{number}: expected "token<TAB>tag" with an IOB2 tag (O, B-X, I-X), '
                    f"got {line[:80]!r}. Fix the line or convert the file to IOB2."
                )
            words.append(word)
            tags.append(tag)
    if words:
        yield Sentence(tuple(words), tuple(tags))


def parse_type_map(spec: str) -> dict[str, str]:
    """``"GEO=LOCATION,GPE=NORP"`` as a dict; raises ``ValueError`` quoting a bad pair."""
    mapping: dict[str, str] = {}
    for pair in filter(None, (p.strip() for p in spec.split(","))):
        source, sep, target = (part.strip() for part in pair.partition("="))
        if not sep or not source or not target:
            raise ValueError(
                f'Bad type mapping "{pair}" in "{spec}": write CORPUS_TYPE=OUR_TYPE pairs '
                "separated by commas, e.g. GEO=LOCATION,PER=PERSON."
            )
        mapping[source] = target
    return mapping


def map_tags(tags: Sequence[str], type_map: Mapping[str, str] | None) -> tuple[str, ...]:
    """Tags with types renamed by ``type_map``; types it does not name become ``O``.

    With ``type_map=None`` the tags are returned unchanged.
    """
    if type_map is None:
        return tuple(tags)
    out = []
    for tag in tags:
        new = type_map.get(tag[2:]) if tag != "O" else None
        out.append(f"{tag[:2]}{new}" if new else "O")
    return tuple(out)


def entities(tags: Sequence[str]) -> list[Entity]:
    """Entities of an IOB2 tag sequence (an ``I-X`` that continues nothing starts an entity)."""
    found: list[Entity] = []
    start, kind = -1, ""
    for i, tag in enumerate(tags):
        continues = tag.startswith("I-") and tag[2:] == kind
        if kind and not continues:
            found.append(Entity(start, i, kind))
            kind = ""
        if tag != "O" and not continues:
            start, kind = i, tag[2:]
    if kind:
        found.append(Entity(start, len(tags), kind))
    return found


def score(
    gold: Iterable[Sequence[str]],
    predicted: Iterable[Sequence[str]],
    *,
    types: Iterable[str] | None = None,
) -> Scores:
    """Score predicted tag sequences against gold ones, sentence by sentence.

    With ``types`` given, entities of other types (on either side) are left out of the counts and
    listed in ``Scores.ignored_types``.
    """
    wanted = set(types) if types is not None else None
    counts: dict[str, list[int]] = {}
    ignored: set[str] = set()
    n_sentences = n_tokens = 0
    for gold_tags, predicted_tags in zip(gold, predicted, strict=True):
        if len(gold_tags) != len(predicted_tags):
            raise ValueError(f"sentence {n_sentences + 1}: gold and predicted lengths differ")
        n_sentences += 1
        n_tokens += len(gold_tags)
        gold_set = set(entities(gold_tags))
        found_set = set(entities(predicted_tags))
        for entity in gold_set | found_set:
            if wanted is not None and entity.type not in wanted:
                ignored.add(entity.type)
                continue
            in_gold, in_found = entity in gold_set, entity in found_set
            row = counts.setdefault(entity.type, [0, 0, 0])
            row[0 if in_gold and in_found else 1 if in_found else 2] += 1
    by_type = {kind: TypeScores(kind, *row) for kind, row in sorted(counts.items())}
    overall = TypeScores("ALL", *(sum(row[i] for row in counts.values()) for i in range(3)))
    return Scores(overall, by_type, n_sentences, n_tokens, tuple(sorted(ignored)))


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes: identifies the corpus a model was trained on."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _is_tag(tag: str) -> bool:
    return tag == "O" or (len(tag) > 2 and tag[:2] in ("B-", "I-"))
