"""Find every registry name in a text: a trie over word keys, walked from each word.

Built once per registry revision. At each word the walk follows the trie as far as the text
goes, keeping the longest form that ends there, so a text costs about one dictionary lookup
per word plus the length of the names that start in it, however many aliases there are.

Overlaps are resolved deterministically: the match covering most words wins (a title counts),
then the one starting first. When two entities share a form ("Georgia"), the one whose
canonical name it is wins, then the smaller id; such a match has confidence 0.9 rather than 1.
A PERSON form preceded by a title ("President Putin") takes the title into its span; a title
before the first or last word of exactly one PERSON's name ("President Xi") matches it with
confidence 0.8.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from corpus.entities.model import Entity
from corpus.model import Span
from indexer import analyse
from indexer.analyse import TokenizedSentence
from indexer.entities.aliases import (
    CAPITALISED,
    TITLE_KEYS,
    Word,
    form_words,
    forms_words,
    name_parts,
    person_key,
    required_shape,
    sentence_words,
    strip_title,
)

_END = ""  # trie key of a node's payload: never a word key
NAME_PART_CONFIDENCE = 0.8
SHARED_FORM_CONFIDENCE = 0.9
LOOKUP_CACHE = 100_000  # (text, type) answers of ``lookup`` a matcher keeps


@dataclass(frozen=True)
class AliasMatch:
    """A registry form found in a text: its exact span, the entity, and how sure."""

    span: Span
    entity_id: str
    type: str
    confidence: float


@dataclass(frozen=True)
class _Target:
    entity_id: str
    type: str
    shape: int  # the shape the text must have (aliases.required_shape)
    confidence: float


class AliasMatcher:
    """The registry's forms as a word trie; ``find(text)`` returns non-overlapping matches."""

    def __init__(self, entities: Iterable[Entity], revision: int = 0) -> None:
        self.revision = revision
        self.entities = {e.id: e for e in entities}
        self._trie: dict[str, Any] = {}
        self._titles: dict[str, Any] = {}  # titles reversed, word by word
        self._by_key: dict[tuple[str, str], str] = {}  # (key, type) -> entity id
        self._parts: dict[str, _Target] = {}
        self._lookups: dict[tuple[str, str], str | None] = {}  # lookup's answers, bounded
        self.size = 0
        for title in TITLE_KEYS:
            _insert(self._titles, tuple(reversed(title)), True)
        claims: dict[tuple[str, ...], list[tuple[bool, str, int]]] = {}
        part_claims: dict[str, set[str]] = {}
        forms = [(e, f) for e in self.entities.values() for f in e.forms()]
        person_forms: dict[str, list[tuple[str, ...]]] = {}
        for (entity, form), (keys, form_shape) in zip(
            forms, forms_words([f for _, f in forms]), strict=True
        ):
            if entity.type == "PERSON":
                person_forms.setdefault(entity.id, []).append(keys)
                keys = strip_title(keys)
            if keys:
                is_name = form == entity.name
                claims.setdefault(keys, []).append((not is_name, entity.id, form_shape))
        for entity_id, keys_list in person_forms.items():
            for part in name_parts(keys_list):
                part_claims.setdefault(part, set()).add(entity_id)
        for keys, found in claims.items():
            found.sort()
            _, entity_id, form_shape = found[0]
            entity = self.entities[entity_id]
            shared = len({e for _, e, _ in found}) > 1
            confidence = SHARED_FORM_CONFIDENCE if shared else 1.0
            target = _Target(entity_id, entity.type, required_shape(keys, form_shape), confidence)
            _insert(self._trie, keys, target)
            for _, other, _ in found:
                self._by_key.setdefault((" ".join(keys), self.entities[other].type), other)
            self.size += 1
        for part, ids in part_claims.items():
            if len(ids) == 1 and (part,) not in claims:
                (entity_id,) = ids
                self._parts[part] = _Target(entity_id, "PERSON", CAPITALISED, NAME_PART_CONFIDENCE)

    def __len__(self) -> int:
        """How many distinct forms the matcher knows."""
        return self.size

    def find(
        self, text: str, sentences: Sequence[TokenizedSentence] | None = None
    ) -> list[AliasMatch]:
        """Registry matches in ``text``, in text order; names never cross a sentence boundary.

        ``sentences`` (``analyse.tokenize(text)``) saves tokenizing twice when the caller
        already has them.
        """
        if sentences is None:
            sentences = analyse.tokenize(text)
        found: list[AliasMatch] = []
        for sentence in sentences:
            found.extend(self._find_in(sentence_words(sentence)))
        return found

    def lookup(self, text: str, type: str) -> str | None:
        """The entity a mention of ``type`` saying ``text`` stands for: one with the same form
        (titles aside, for a PERSON), or the one PERSON with that first or last name.

        Answers are cached (the same names recur in every document; tokenizing a name is
        what costs).
        """
        try:
            return self._lookups[text, type]
        except KeyError:
            pass
        key = person_key(text) if type == "PERSON" else " ".join(form_words(text)[0])
        found = self._by_key.get((key, type))
        if found is None and type == "PERSON" and key in self._parts:
            found = self._parts[key].entity_id  # "Mr. Putin", when one PERSON is a Putin
        if len(self._lookups) >= LOOKUP_CACHE:
            self._lookups.clear()
        self._lookups[text, type] = found
        return found

    def _find_in(self, sentence: list[Word]) -> list[AliasMatch]:
        """Longest match per starting word, then overlaps resolved by length and position."""
        candidates: list[tuple[int, int, int, _Target]] = []  # (-n words, first, last, target)
        trie, parts = self._trie, self._parts
        for i, (key, _, _, _) in enumerate(sentence):
            if key is None or (key not in trie and key not in parts):
                continue  # no form starts with this word
            hit = self._longest_at(sentence, i)
            if hit is not None:
                last, target = hit
                first = self._title_before(sentence, i) if target.type == "PERSON" else i
                candidates.append((first - last - 1, first, last, target))
        if not candidates:
            return []
        candidates.sort(key=lambda c: (c[0], c[1]))
        taken = [False] * len(sentence)
        kept: list[AliasMatch] = []
        for _, first, last, target in candidates:
            if any(taken[first : last + 1]):
                continue
            taken[first : last + 1] = [True] * (last + 1 - first)
            span = Span(sentence[first][1], sentence[last][2])
            kept.append(AliasMatch(span, target.entity_id, target.type, target.confidence))
        kept.sort(key=lambda m: m.span)
        return kept

    def _longest_at(self, sentence: list[Word], i: int) -> tuple[int, _Target] | None:
        node, best = self._trie, None
        for j in range(i, len(sentence)):
            key = sentence[j][0]
            if key is None or key not in node:
                break
            node = node[key]
            target = node.get(_END)
            if target is not None and (j > i or sentence[i][3] >= target.shape):
                best = (j, target)
        if best is None:
            part = self._parts.get(sentence[i][0] or _END)
            if (
                part is not None
                and sentence[i][3] >= part.shape
                and self._title_before(sentence, i) < i
            ):
                best = (i, part)
        return best

    def _title_before(self, sentence: list[Word], i: int) -> int:
        """The first word of a capitalised title ending just before word ``i`` (else ``i``)."""
        node, first = self._titles, i
        for j in range(i - 1, -1, -1):
            key = sentence[j][0]
            if key is None or key not in node:
                break
            node = node[key]
            if node.get(_END) and sentence[j][3] >= CAPITALISED:
                first = j
        return first


def _insert(trie: dict[str, Any], keys: Sequence[str], payload: object) -> None:
    node = trie
    for key in keys:
        node = node.setdefault(key, {})
    node.setdefault(_END, payload)
