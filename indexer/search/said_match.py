"""``said:`` matching: a word or phrase of ``text`` kept where it stands inside the speakers'
turns (docs/decisions/016).

The index keeps, per document, where each named speaker's words stand as ranges of ``text``
token positions (``indexer/turns/fields.py``). ``SpokenRanges`` gathers the ranges of the
speakers a query names, for the whole searcher, as two sorted numpy arrays of
``document << 32 | position`` keys; ``SaidWords`` reads its words' postings in ``text`` (only
in documents where those speakers speak), finds each occurrence as ``phrases.py`` does (each
word's positions shifted back by its place, a common value is a start) and keeps those whose
first and last word lie in one range: one ``searchsorted`` for all of them. It scores as
``ExactPhrase`` does, BM25 over the occurrences kept, so it ranks and combines like a word.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from whoosh import matching
from whoosh import query as wq

from indexer.search import bm25
from indexer.search.phrases import Scored, phrase_at
from indexer.search.postings import Positions, field_lengths, term_postings

__all__ = ["SaidWords", "SpokenRanges"]

FIELD = "text"
_EMPTY = np.zeros(0, dtype=np.int64)


@dataclass(frozen=True, eq=False)
class SpokenRanges:
    """Where the speakers ``refs`` speak: per document (top-level number) their ranges of
    token positions, sorted, each (first, one past the last)."""

    refs: tuple[str, ...]
    by_doc: Mapping[int, Sequence[tuple[int, int]]]
    firsts: np.ndarray = field(init=False)  # doc << 32 | first position, sorted
    lasts: np.ndarray = field(init=False)  # doc << 32 | last position, in the same order

    def __post_init__(self) -> None:
        docs = sorted(self.by_doc)
        counts = [len(self.by_doc[d]) for d in docs]
        pairs = np.array([r for d in docs for r in self.by_doc[d]], dtype=np.int64).reshape(-1, 2)
        keys = np.repeat(np.array(docs, dtype=np.int64), counts) << 32
        object.__setattr__(self, "firsts", keys | pairs[:, 0])
        object.__setattr__(self, "lasts", keys | (pairs[:, 1] - 1))

    def inside(self, firsts: np.ndarray, lasts: np.ndarray) -> np.ndarray:
        """Which occurrences (keys of their first and last word) lie inside one range."""
        at = np.searchsorted(self.firsts, firsts, side="right") - 1
        ok = at >= 0
        ok[ok] = lasts[ok] <= self.lasts[at[ok]]
        return ok


class SaidWords(wq.Query):
    """``words`` (``text`` terms: one word, or a phrase's with ``slop`` as ``ExactPhrase``'s)
    where they stand inside the ``ranges`` of the speakers named."""

    def __init__(self, words: Sequence[str], ranges: SpokenRanges, slop: int = 1) -> None:
        self.fieldname = FIELD
        self.words = tuple(words)
        self.ranges = ranges
        self.slop = slop
        self.boost = 1.0

    def __repr__(self) -> str:
        return f"SaidWords({self.words!r}, {self.ranges.refs!r}, slop={self.slop})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SaidWords) and (other.words, other.slop, other.ranges) == (
            self.words,
            self.slop,
            self.ranges,
        )

    def __hash__(self) -> int:
        return hash((SaidWords, self.words, self.slop, id(self.ranges)))

    def estimate_size(self, ixreader: Any) -> int:
        return min(ixreader.doc_frequency(FIELD, w) for w in self.words)

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        ids, scores = self._results(searcher).get(id(searcher.reader()), ([], []))
        return Scored(ids, scores) if ids else matching.NullMatcher()

    def matching_docs(self, searcher: Any) -> set[int]:
        """The documents (top-level numbers) where the speakers said the words."""
        return set(self.scores(searcher))

    def scores(self, searcher: Any) -> dict[int, float]:
        """Document (top-level number) -> BM25 score of the occurrences inside the ranges."""
        top = searcher.get_parent()
        results = self._results(top)
        out: dict[int, float] = {}
        for sub, offset in top.leaf_searchers():
            ids, scores = results.get(id(sub.reader()), ([], []))
            out.update(zip((n + offset for n in ids), scores, strict=True))
        return out

    def _results(self, searcher: Any) -> dict[int, tuple[list[int], list[float]]]:
        """Per segment reader: its documents (own numbers) holding the words in the ranges,
        and their scores; computed once per query object."""
        cached = self.__dict__.get("_cache")
        if cached is not None:
            return cached  # type: ignore[no-any-return]
        top = searcher.get_parent()
        found = [
            (sub.reader(), *self._segment(sub.reader(), offset))
            for sub, offset in top.leaf_searchers()
        ]
        df = sum(len(docs) for _, docs, _ in found)
        idf = bm25.idf(top.doc_count_all(), df)
        avg = top.avg_field_length(FIELD) or 1.0
        out: dict[int, tuple[list[int], list[float]]] = {}
        for reader, docs, tf in found:
            if len(docs):
                norm = bm25.length_norm(field_lengths(reader, FIELD)[docs], avg, FIELD)
                scores = idf * bm25.saturated(tf / norm)
                out[id(reader)] = (docs.tolist(), scores.tolist())
        self.__dict__["_cache"] = out
        return out

    def _segment(self, reader: Any, offset: int) -> tuple[np.ndarray, np.ndarray]:
        """The segment's documents holding the words inside the ranges (sorted, own
        numbers) and how often each does."""
        field = reader.schema[FIELD]
        words = [field.to_bytes(w) for w in self.words]
        if any((FIELD, w) not in reader for w in words):
            return _EMPTY, _EMPTY
        distinct = sorted(set(words), key=lambda w: reader.doc_frequency(FIELD, w))
        postings = {w: term_postings(reader, FIELD, w) for w in distinct}
        by_doc = self.ranges.by_doc
        first = postings[distinct[0]].ids
        docs = np.fromiter((n for n in first.tolist() if n + offset in by_doc), dtype=np.int64)
        for word in distinct[1:]:
            docs = docs[postings[word].holds(docs)]
        if not len(docs):
            return _EMPTY, _EMPTY
        if self.slop > 1:
            return self._with_slop(postings, words, docs.tolist(), offset)
        starts = _starts(postings, words, docs, offset)
        kept = starts[self.ranges.inside(starts, starts + len(words) - 1)]
        docs, tf = np.unique(kept >> 32, return_counts=True)
        return docs - offset, tf.astype(np.float64)

    def _with_slop(
        self,
        postings: Mapping[bytes, Positions],
        words: list[bytes],
        ordered: list[int],
        offset: int,
    ) -> tuple[np.ndarray, np.ndarray]:
        """A phrase with slop, a document at a time: in how many ranges the words occur in
        order, each within ``slop`` positions of the previous one."""
        docs, tf = [], []
        for n in ordered:
            each = [postings[w].of(n) for w in words]
            hits = 0
            for first, end in self.ranges.by_doc[n + offset]:
                inside = [p[(p >= first) & (p < end)].tolist() for p in each]
                hits += all(inside) and phrase_at(inside, self.slop)
            if hits:
                docs.append(n)
                tf.append(hits)
        return np.array(docs, dtype=np.int64), np.array(tf, dtype=np.float64)


def _starts(
    postings: Mapping[bytes, Positions], words: list[bytes], docs: np.ndarray, offset: int
) -> np.ndarray:
    """Where the words occur one after the other in the ``docs`` (ascending, each holding
    every word): keys ``(offset + document) << 32 | position of the first word``, sorted."""
    keyed = []
    top = docs + offset
    for place, word in enumerate(words):
        counts, found = postings[word].at(docs)
        positions = found.astype(np.int64) - place
        keys = (np.repeat(top, counts) << 32) | (positions & 0xFFFFFFFF)
        keyed.append(keys[positions >= 0])
    keyed.sort(key=len)
    starts = keyed[0]
    for keys in keyed[1:]:
        if not len(starts) or not len(keys):
            return _EMPTY
        at = np.searchsorted(keys, starts)
        at[at == len(keys)] = 0
        starts = starts[keys[at] == starts]
    return starts
