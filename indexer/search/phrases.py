"""Exact phrases, matched with numpy over whole posting lists.

Whoosh's own phrase query builds a ``Span`` object per position and walks them in Python, one
candidate document at a time: a phrase of two common words ("united nations", 11,000 documents)
took 200-700 ms on the 18k-document bench index, and "the of" 5 s. Here, per index segment,
the postings of every word are read a block at a time, the documents holding all the words are
intersected as sets, and their positions (``PositionsFormat`` stores them as raw little-endian
``uint32``) are compared as numpy arrays: each word's positions, shifted back by its place in
the phrase, must share a start. Phrases with slop ("a b"~3) use a per-document matcher.

A matched phrase scores as if it were a term of its own (BM25F with ``indexer/search/bm25.py``'s
idf of the number of documents holding the phrase, term frequency = occurrences of the phrase),
so it ranks and combines with words in the same way. Results are computed once per query
object and segment, so counting the matches and ranking the page (two passes in
``indexer/search/engine.py``) share them.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from typing import Any

import numpy as np
from whoosh import matching
from whoosh.matching import binary
from whoosh.matching.mcore import ListMatcher
from whoosh.matching.wrappers import WrappingMatcher
from whoosh.query import Phrase, Term
from whoosh.util import make_binary_tree

from indexer.search import bm25
from indexer.search.postings import field_lengths, term_postings

__all__ = ["ExactPhrase", "Scored", "phrase_at"]


class ExactPhrase(Phrase):
    """``whoosh.query.Phrase`` with a faster matcher (same matches)."""

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        fieldname = self.fieldname
        if fieldname not in searcher.schema:
            return matching.NullMatcher()
        field = searcher.schema[fieldname]
        if not field.format or not field.format.supports("positions"):
            return super().matcher(searcher, context)
        try:
            words = [field.to_bytes(word) for word in self.words]
        except ValueError:
            return matching.NullMatcher()
        if self.slop > 1 or not hasattr(field.format, "positions_array"):
            return _positional_matcher(searcher, context, fieldname, words, self.slop)
        results = self._results(searcher, fieldname, words)
        found = results.get(id(searcher.reader()))
        if found is None:
            return matching.NullMatcher()
        return Scored(found[0].tolist(), (found[1] * self.boost).tolist())

    def matching_docs(self, searcher: Any) -> set[int]:
        """The documents (top-level numbers) holding the phrase: what ``docs_for_query``
        gives, without walking a matcher."""
        top = searcher.get_parent()
        field = top.schema[self.fieldname] if self.fieldname in top.schema else None
        if field is None or self.slop > 1 or not hasattr(field.format, "positions_array"):
            return set(top.docs_for_query(self))
        try:
            words = [field.to_bytes(word) for word in self.words]
        except ValueError:
            return set()
        results = self._results(top, self.fieldname, words)
        out: set[int] = set()
        for sub, offset in top.leaf_searchers():
            if (found := results.get(id(sub.reader()))) is not None:
                out.update((found[0] + offset).tolist())
        return out

    def scores(self, searcher: Any) -> dict[int, float]:
        """Document (top-level number) -> score, for every document holding the phrase
        (slop 1 only; ``indexer/ranking.py`` ranks with it)."""
        docs, scores = self.score_arrays(searcher)
        return dict(zip(docs.tolist(), scores.tolist(), strict=True))

    def score_arrays(self, searcher: Any) -> tuple[np.ndarray, np.ndarray]:
        """``scores`` as two arrays: the documents (top-level numbers, ascending) and their
        scores, for ranking without a dict of every match ("general assembly": 32,000)."""
        top = searcher.get_parent()
        field = top.schema[self.fieldname] if self.fieldname in top.schema else None
        docs: list[np.ndarray] = []
        scores: list[np.ndarray] = []
        try:
            words = [field.to_bytes(word) for word in self.words] if field is not None else []
        except ValueError:
            words = []
        results = self._results(top, self.fieldname, words) if words else {}
        for sub, offset in top.leaf_searchers():
            if (found := results.get(id(sub.reader()))) is not None:
                docs.append(found[0] + offset)
                scores.append(found[1] * self.boost)
        if not docs:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        return np.concatenate(docs), np.concatenate(scores)

    def _results(
        self, searcher: Any, fieldname: str, words: list[bytes]
    ) -> dict[int, tuple[np.ndarray, np.ndarray]]:
        """Matches and scores in every segment of the top searcher, keyed by segment reader
        (a segment with no match has no entry)."""
        cached = self.__dict__.get("_cache")
        if cached is not None and cached[0] == (fieldname, tuple(words)):
            return cached[1]
        top = searcher.get_parent()
        found = [
            (sub.reader(), *_segment_matches(sub.reader(), fieldname, words))
            for sub, _ in top.leaf_searchers()
        ]
        df = sum(len(docs) for _, docs, _ in found)
        weighting = top.weighting
        k1 = float(getattr(weighting, "K1", 1.2))
        b = float(getattr(weighting, "B", 0.75))
        idf = bm25.idf(top.doc_count_all(), df)
        avg = top.avg_field_length(fieldname) or 1.0
        boost = top.schema[fieldname].format.field_boost
        out: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        for reader, docs, tf in found:
            if not len(docs):
                continue
            lengths = field_lengths(reader, fieldname)[docs]
            weight = tf * boost
            scores = idf * (weight * (k1 + 1)) / (weight + k1 * ((1 - b) + b * lengths / avg))
            out[id(reader)] = (docs, scores)
        self.__dict__["_cache"] = ((fieldname, tuple(words)), out)
        return out


class Scored(ListMatcher):
    """Precomputed document ids and scores, with a binary-search ``skip_to``."""

    def __init__(self, ids: list[int], scores: list[float], position: int = 0) -> None:
        super().__init__(ids, weights=scores, position=position)
        self._best = max(scores, default=0.0)

    def copy(self) -> Scored:
        return Scored(self._ids, self._weights, self._i)

    def max_quality(self) -> float:
        # Unions ask this at every step; ListMatcher scans the whole list each time.
        return self._best

    def block_max_weight(self) -> float:
        return self._best

    def skip_to(self, id: int) -> None:
        if self._i < len(self._ids) and self._ids[self._i] < id:
            self._i = bisect_left(self._ids, id, self._i)

    def score(self) -> float:
        return self._weights[self._i]

    def supports_block_quality(self) -> bool:
        return False


def _segment_matches(reader: Any, fieldname: str, words: list[bytes]) -> tuple[np.ndarray, Any]:
    """The segment's documents holding the phrase (sorted) and how often each holds it."""
    empty = np.zeros(0, dtype=np.int64)
    if any((fieldname, word) not in reader for word in words):
        return empty, empty
    distinct = sorted(set(words), key=lambda w: reader.doc_frequency(fieldname, w))
    postings = {w: term_postings(reader, fieldname, w) for w in distinct}
    docs = postings[distinct[0]].ids
    for word in distinct[1:]:
        docs = docs[postings[word].holds(docs)]
        if not len(docs):
            return empty, empty
    keyed = []
    for offset, word in enumerate(words):
        # Each occurrence as (candidate index << 32 | position - offset): sorted, since
        # candidates are in order and so are positions within a document.
        counts, found = postings[word].at(docs)
        positions = found.astype(np.int64) - offset
        keys = (np.repeat(np.arange(len(docs), dtype=np.int64), counts) << 32) | (
            positions & 0xFFFFFFFF
        )
        keyed.append(keys[positions >= 0])
    keyed.sort(key=len)
    starts = keyed[0]
    for keys in keyed[1:]:
        # Keep the starts every other word has too: a binary search of the (few) starts in
        # each longer sorted array, not a sort of both.
        if not len(starts) or not len(keys):
            return empty, empty
        at = np.searchsorted(keys, starts)
        at[at == len(keys)] = 0
        starts = starts[keys[at] == starts]
    if not len(starts):
        return empty, empty
    which, tf = np.unique(starts >> 32, return_counts=True)
    return docs[which], tf


def _positional_matcher(
    searcher: Any, context: Any, fieldname: str, words: list[bytes], slop: int
) -> Any:
    reader = searcher.reader()
    if any((fieldname, word) not in reader for word in words):
        return matching.NullMatcher()
    order = sorted(range(len(words)), key=lambda i: reader.doc_frequency(fieldname, words[i]))
    matchers = [Term(fieldname, words[i]).matcher(searcher, context) for i in order]
    return _PhraseMatcher(matchers, order, slop)


class _PhraseMatcher(WrappingMatcher):
    """Walks the intersection of the words' postings and stops where the phrase occurs."""

    def __init__(self, matchers: list[Any], order: list[int], slop: int) -> None:
        self.matchers = matchers
        self.order = order
        self.slop = slop
        # Where each phrase word's postings are among ``matchers`` (which are rarest first).
        self.slots = [order.index(i) for i in range(len(order))]
        super().__init__(make_binary_tree(binary.IntersectionMatcher, matchers))
        self._find_next()

    def copy(self) -> _PhraseMatcher:
        return _PhraseMatcher([m.copy() for m in self.matchers], self.order, self.slop)

    def _replacement(self, newchild: Any) -> Any:
        return self

    def replace(self, minquality: float = 0) -> Any:
        return self if self.is_active() else matching.NullMatcher()

    def supports_block_quality(self) -> bool:
        return False

    def _find_next(self) -> None:
        child, matchers = self.child, self.matchers
        while child.is_active() and not phrase_at(
            [matchers[slot].value_as("positions") for slot in self.slots], self.slop
        ):
            child.next()

    def next(self) -> None:
        self.child.next()
        self._find_next()

    def skip_to(self, id: int) -> None:
        self.child.skip_to(id)
        self._find_next()

    def all_ids(self) -> Any:
        while self.is_active():
            yield self.id()
            self.next()

    def spans(self) -> list[Any]:
        return []


def phrase_at(positions: Sequence[Sequence[int]], slop: int = 1) -> bool:
    """Whether the words, given each one's sorted positions, occur in order with each at most
    ``slop`` positions after the previous one."""
    if slop <= 1:
        # Shift each word's positions back by its place in the phrase: a common value is a start.
        starts = set(positions[0])
        for offset, later in enumerate(positions[1:], 1):
            starts.intersection_update(map((-offset).__add__, later))
            if not starts:
                return False
        return True
    ends = list(positions[0])
    for later in positions[1:]:
        kept = []
        for p in later:
            # Some earlier end e with p - slop <= e <= p - 1.
            i = bisect_left(ends, p - slop)
            if i < len(ends) and ends[i] <= p - 1:
                kept.append(p)
        if not kept:
            return False
        ends = kept
    return True
