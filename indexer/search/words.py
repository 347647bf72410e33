"""Bare words matched and ranked together, with numpy over whole posting lists.

Every bare word of a query part (``axis evil``, ``sanctions OR embargo``) becomes one ``Words``
query rather than an ``Or(text:w, title:w)`` per word, so that it can:

- score BM25F proper (``indexer/search/bm25.py``): a word's title and text frequencies are
  added before saturation, so a word in both fields is not counted as two words;
- count a word written twice twice (the query's term frequency; Whoosh's ``Or`` drops
  duplicates);
- match documents holding at least ``min_match`` of the words: all of them for the default
  AND, one for OR, and one too when an AND finds (almost) nothing and the engine falls back
  to ranked partial matching (``indexer/search/plan.py``). BM25 already ranks a document with
  more of the words higher, the rarer ones most; multiplying by the share of the words held
  (Lucene's old "coord") ranked worse on the relevance sets (docs/QUALITY.md).

Per index segment each word's postings are read once (``term_weights``, shared with the rest
of the search through the ``PostingCache``); frequencies and counts are added in arrays the
size of the segment. Results are kept on the query object, so matching and ranking (two passes
in ``indexer/search/engine.py``) compute them once.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from whoosh import matching
from whoosh import query as wq

from indexer.search import bm25
from indexer.search.phrases import Scored
from indexer.search.postings import PostingCache, field_lengths, term_weights

__all__ = ["BODY_FIELDS", "Term", "Words"]

BODY_FIELDS = ("text", "title")


@dataclass(frozen=True)
class Term:
    """One distinct word of the query: its ``text`` term, how often the query has it, and the
    word as typed (for notices)."""

    text: str
    count: int = 1
    label: str = ""


@dataclass(frozen=True)
class _Matches:
    """One segment's matching documents (segment numbers) and their scores."""

    docs: np.ndarray
    scores: np.ndarray


class Words(wq.Query):
    """Documents holding at least ``min_match`` of ``words`` (all by default) in the title or
    the text, scored by BM25F."""

    def __init__(self, words: Sequence[Term], min_match: int | None = None) -> None:
        self.words = tuple(words)
        wanted = len(self.words) if min_match is None else min_match
        self.min_match = max(1, min(wanted, len(self.words)))
        self.boost = 1.0
        self._found: tuple[int, dict[int, _Matches], tuple[int, ...]] | None = None

    def __eq__(self, other: object) -> bool:
        return (
            type(other) is Words and other.words == self.words and other.min_match == self.min_match
        )

    def __hash__(self) -> int:
        return hash((Words, self.words, self.min_match))

    def __repr__(self) -> str:
        words = " ".join(t.text + (f"^{t.count}" if t.count > 1 else "") for t in self.words)
        return f"Words({words!r}, min_match={self.min_match})"

    def __unicode__(self) -> str:
        return repr(self)

    def has_terms(self) -> bool:
        return True

    def terms(self, phrases: bool = False) -> Iterator[tuple[str, str]]:
        """The (field, term) pairs searched, as Whoosh's queries list theirs."""
        return ((field, word.text) for word in self.words for field in BODY_FIELDS)

    def estimate_size(self, ixreader: Any) -> int:
        """At most the documents holding any of the words (Whoosh orders And's parts by it)."""
        return sum(ixreader.doc_frequency(f, w.text) for w in self.words for f in BODY_FIELDS)

    @property
    def is_partial(self) -> bool:
        """True when a document may lack some of the words (OR, or a fallback)."""
        return self.min_match < len(self.words)

    def with_min_match(self, min_match: int) -> Words:
        """The same words, matching documents that hold at least ``min_match`` of them."""
        return Words(self.words, min_match)

    def missing(self, searcher: Any, cache: PostingCache | None = None) -> list[Term]:
        """The words no document holds."""
        _, df = self._results(searcher, cache)
        return [term for term, n in zip(self.words, df, strict=True) if not n]

    def matching_docs(self, searcher: Any, cache: PostingCache | None = None) -> set[int]:
        """The live documents (top-level numbers) the query matches."""
        top = searcher.get_parent()
        found, _ = self._results(top, cache)
        out: set[int] = set()
        for sub, offset in top.leaf_searchers():
            matches = found.get(id(sub.reader()))
            if matches is not None:
                out.update((matches.docs + offset).tolist())
        return out

    def scores(self, searcher: Any, cache: PostingCache | None = None) -> dict[int, float]:
        """Document (top-level number) -> score, for every document the query matches."""
        top = searcher.get_parent()
        found, _ = self._results(top, cache)
        out: dict[int, float] = {}
        for sub, offset in top.leaf_searchers():
            matches = found.get(id(sub.reader()))
            if matches is not None:
                docs = (matches.docs + offset).tolist()
                out.update(zip(docs, (matches.scores * self.boost).tolist(), strict=True))
        return out

    def score_arrays(
        self, searcher: Any, cache: PostingCache | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """``scores`` as two arrays: the matching documents (top-level numbers, ascending) and
        their scores, for ranking without a dict of every match."""
        top = searcher.get_parent()
        found, _ = self._results(top, cache)
        docs, scores = [], []
        for sub, offset in top.leaf_searchers():
            matches = found.get(id(sub.reader()))
            if matches is not None:
                docs.append(matches.docs + offset)
                scores.append(matches.scores * self.boost)
        if not docs:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        return np.concatenate(docs), np.concatenate(scores)

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        """For the searches Whoosh runs itself: the precomputed scores of this segment."""
        found, _ = self._results(searcher, None)
        matches = found.get(id(searcher.reader()))
        if matches is None or not len(matches.docs):
            return matching.NullMatcher()
        return Scored(matches.docs.tolist(), (matches.scores * self.boost).tolist())

    def _results(
        self, searcher: Any, cache: PostingCache | None
    ) -> tuple[dict[int, _Matches], tuple[int, ...]]:
        """Each segment's matches (keyed by its reader's id) and each word's document
        frequency, computed once per top-level searcher."""
        top = searcher.get_parent()
        if self._found is not None and self._found[0] == id(top):
            return self._found[1], self._found[2]
        readers = [sub.reader() for sub, _ in top.leaf_searchers()]
        postings = [[_Postings.of(top, r, t.text, cache) for t in self.words] for r in readers]
        df = tuple(sum(per_term[i].df for per_term in postings) for i in range(len(self.words)))
        count = top.doc_count_all()
        weights = [t.count * bm25.idf(count, n) for t, n in zip(self.words, df, strict=True)]
        segment = self._all_of if self.min_match == len(self.words) > 1 else self._some_of
        found = {
            id(reader): segment(reader.doc_count_all(), per_term, weights)
            for reader, per_term in zip(readers, postings, strict=True)
        }
        self._found = (id(top), found, df)
        return found, df

    def _some_of(self, size: int, per_term: list[_Postings], weights: list[float]) -> _Matches:
        """The documents holding at least ``min_match`` of the words: every word's postings
        added up in arrays the size of the segment."""
        held = np.zeros(size, dtype=np.int32)
        scores = np.zeros(size, dtype=np.float64)
        for postings, weight in zip(per_term, weights, strict=True):
            ids, tf = postings.frequencies()
            held[ids] += 1
            scores[ids] += weight * bm25.saturated(tf)
        docs = np.flatnonzero(held >= self.min_match)
        return _Matches(docs, scores[docs])

    @staticmethod
    def _all_of(size: int, per_term: list[_Postings], weights: list[float]) -> _Matches:
        """The documents holding every word: the rarest word's documents, kept while each
        next rarest holds them, and only those scored. A frequent word of an AND ("said
        sanctions embargo") is looked up at a few candidates instead of having its tens of
        thousands of postings normalised, merged and added up (the same sums, term by term
        in the query's order, as ``_some_of``: the same scores to the last bit)."""
        order = sorted(range(len(per_term)), key=lambda i: per_term[i].df)
        docs = per_term[order[0]].frequencies()[0]
        for i in order[1:]:
            if not len(docs):
                break
            docs = docs[per_term[i].holds(docs)]
        scores = np.zeros(len(docs), dtype=np.float64)
        if len(docs):
            for postings, weight in zip(per_term, weights, strict=True):
                scores += weight * bm25.saturated(postings.frequencies_at(docs))
        return _Matches(docs, scores)


@dataclass(frozen=True)
class _Field:
    """A word's postings in one body field of one segment: document ids (ascending), weights,
    and what turns a weight into BM25F's frequency (the field's length norm and weight)."""

    ids: np.ndarray
    weights: np.ndarray
    lengths: np.ndarray  # the field's length in every document of the segment
    average: float
    name: str
    scale: float

    def frequencies(self, at: np.ndarray | slice = slice(None)) -> np.ndarray:
        """BM25F's normalised frequency of the postings ``at`` (all by default)."""
        ids = self.ids[at]
        norm = bm25.length_norm(self.lengths[ids], self.average, self.name)
        return self.weights[at] * self.scale / norm  # type: ignore[no-any-return]

    def find(self, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Which of ``docs`` (ascending) hold the word in this field, and where their
        postings are."""
        at = np.minimum(np.searchsorted(self.ids, docs), max(len(self.ids) - 1, 0))
        present = self.ids[at] == docs if len(self.ids) else np.zeros(len(docs), dtype=bool)
        return present, at[present]


@dataclass(frozen=True)
class _Postings:
    """One word's postings in one segment, in the title and the text."""

    fields: tuple[_Field, ...]
    df: int  # documents holding the word in either field

    @classmethod
    def of(cls, top: Any, reader: Any, text: str, cache: PostingCache | None) -> _Postings:
        fields = []
        for fieldname in BODY_FIELDS:
            field = reader.schema[fieldname] if fieldname in reader.schema else None
            if field is None:
                continue
            btext = field.to_bytes(text)
            if (fieldname, btext) not in reader:
                continue
            ids, weights = term_weights(reader, fieldname, btext, cache)
            fields.append(
                _Field(
                    ids,
                    weights,
                    field_lengths(reader, fieldname),
                    top.avg_field_length(fieldname),
                    fieldname,
                    bm25.FIELD_WEIGHTS[fieldname] / field.format.field_boost,
                )
            )
        df = sum(len(f.ids) for f in fields)
        if len(fields) == 2:  # less the documents holding it in both
            smaller, larger = sorted(fields, key=lambda f: len(f.ids))
            df -= int(np.count_nonzero(larger.find(smaller.ids)[0]))
        return cls(tuple(fields), df)

    def frequencies(self) -> tuple[np.ndarray, np.ndarray]:
        """The documents holding the word, ascending, and BM25F's frequency of it in each:
        each field's weight over its length norm, added."""
        if not self.fields:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        if len(self.fields) == 1:
            return self.fields[0].ids, self.fields[0].frequencies()
        ids = np.concatenate([f.ids for f in self.fields])
        tf = np.concatenate([f.frequencies() for f in self.fields])
        docs, where = np.unique(ids, return_inverse=True)
        return docs, np.bincount(where, weights=tf, minlength=len(docs))

    def holds(self, docs: np.ndarray) -> np.ndarray:
        """Which of ``docs`` (ascending) hold the word, as a mask."""
        found = np.zeros(len(docs), dtype=bool)
        for f in self.fields:
            found |= f.find(docs)[0]
        return found

    def frequencies_at(self, docs: np.ndarray) -> np.ndarray:
        """``frequencies`` at ``docs`` (ascending, each holding the word): added field by
        field in the same order, so the same numbers as ``frequencies`` gives."""
        tf = np.zeros(len(docs), dtype=np.float64)
        for f in self.fields:
            present, at = f.find(docs)
            tf[present] += f.frequencies(at)
        return tf
