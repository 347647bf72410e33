"""Posting lists read a block at a time, and the document set of a query computed with set
operations on them.

Whoosh answers ``docs_for_query`` by stepping matchers one posting at a time in Python (an id,
a next, a skip per posting: 30 ms for a word in 16,000 documents on the bench index). Search
needs the whole matching set for counts and facets, so ``matching_docs`` reads each word's
document ids per block (``itertools.accumulate`` over the stored deltas) and combines them as
Python sets. Only the whoosh3 codec's block layout is read this way; other matchers, and query
types not handled here, go through Whoosh's own matchers.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, W3PerDocReader, _lenfield
from whoosh.columns import NumericColumn
from whoosh.matching.wrappers import FilterMatcher
from whoosh.util.numeric import byte_to_length

from indexer.search import hot

__all__ = [
    "Positions",
    "PostingCache",
    "field_lengths",
    "forget_hot_postings",
    "matching_docs",
    "term_postings",
    "term_weights",
]

# (segment reader id, field, term) -> ids and weights: one search's postings, read once.
PostingCache = dict[tuple[int, str, bytes], tuple[np.ndarray, np.ndarray]]

# Per segment reader: field name -> each document's field length (BM25's length norm).
_LENGTHS: weakref.WeakKeyDictionary[Any, dict[str, np.ndarray]] = weakref.WeakKeyDictionary()


def matching_docs(searcher: Any, query: Any, cache: PostingCache | None = None) -> set[int]:
    """The live documents (top-level numbers) ``query`` matches, as ``docs_for_query``.

    ``cache`` keeps the postings read, for ``indexer/ranking.py`` to score the same terms."""
    # ``phrases`` and ``words`` import this module; imported here to keep the dependency one way.
    from indexer.search.phrases import ExactPhrase
    from indexer.search.said_match import SaidWords
    from indexer.search.words import Words

    if isinstance(query, Words):
        return query.matching_docs(searcher, cache)
    if isinstance(query, wq.Term):
        return _term_docs(searcher, query.fieldname, query.text, cache)
    if isinstance(query, wq.And):
        parts = sorted((matching_docs(searcher, q, cache) for q in query.subqueries), key=len)
        return parts[0].intersection(*parts[1:]) if parts else set()
    if isinstance(query, wq.Or) and not query.minmatch:
        terms = [q for q in query.subqueries if isinstance(q, wq.Term) and type(q) is wq.Term]
        if len(terms) == len(query.subqueries):  # a prefix's or a fuzzy word's terms
            found = [ids for term in terms for ids in _term_ids(searcher, term, cache)]
            return set(np.unique(np.concatenate(found)).tolist()) if found else set()
        return set().union(*(matching_docs(searcher, q, cache) for q in query.subqueries))
    if isinstance(query, wq.AndNot):
        return matching_docs(searcher, query.a, cache) - matching_docs(searcher, query.b, cache)
    if isinstance(query, wq.Not):
        return set(searcher.reader().all_doc_ids()) - matching_docs(searcher, query.query, cache)
    if isinstance(query, ExactPhrase | SaidWords) and query.boost > 0:
        return query.matching_docs(searcher)
    if query is wq.NullQuery:
        return set()
    return set(searcher.docs_for_query(query))


def _term_docs(searcher: Any, fieldname: str, text: Any, cache: PostingCache | None) -> set[int]:
    out: set[int] = set()
    for ids in _term_ids(searcher, wq.Term(fieldname, text), cache):
        out.update(ids.tolist())
    return out


def _term_ids(searcher: Any, term: wq.Term, cache: PostingCache | None) -> list[np.ndarray]:
    """The live documents (top-level numbers) holding a term, per segment."""
    fieldname, text = term.fieldname, term.text
    out = []
    for sub, offset in searcher.leaf_searchers():
        reader = sub.reader()
        field = reader.schema[fieldname] if fieldname in reader.schema else None
        if field is None:
            continue
        btext = field.to_bytes(text) if isinstance(text, str) else text
        if (fieldname, btext) not in reader:
            continue
        ids, _ = term_weights(reader, fieldname, btext, cache)
        out.append(ids + offset if offset else ids)
    return out


@dataclass(frozen=True)
class Positions:
    """A term's live postings in one segment with their positions, as arrays: ``ids``
    (ascending); document ``ids[i]``'s positions are ``positions[starts[i]:starts[i + 1]]``.

    Arrays rather than a dict of encoded values per document: a phrase of two frequent words
    ("general assembly", 32,000 documents at 60k) intersects the documents and gathers the
    candidates' positions with numpy, without a Python step per document, and a kept frequent
    term takes its positions' bytes and little more (a dict took ~150 bytes a document)."""

    ids: np.ndarray
    starts: np.ndarray
    positions: np.ndarray

    @property
    def nbytes(self) -> int:
        return int(self.ids.nbytes + self.starts.nbytes + self.positions.nbytes)

    def holds(self, docs: np.ndarray) -> np.ndarray:
        """Which of ``docs`` (ascending) hold the term, as a mask."""
        if not len(self.ids):
            return np.zeros(len(docs), dtype=bool)
        at = np.minimum(np.searchsorted(self.ids, docs), len(self.ids) - 1)
        return self.ids[at] == docs  # type: ignore[no-any-return]

    def at(self, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """How many positions each of ``docs`` (ascending, each holding the term) has, and
        those positions, one document after the other."""
        if len(docs) == len(self.ids):  # every document of the term: no gathering
            return np.diff(self.starts), self.positions
        rows = np.searchsorted(self.ids, docs)
        first, counts = self.starts[rows], self.starts[rows + 1] - self.starts[rows]
        ends = np.cumsum(counts)
        where = np.repeat(first - ends + counts, counts) + np.arange(
            int(ends[-1]) if len(ends) else 0
        )
        return counts, self.positions[where]

    def of(self, doc: int) -> np.ndarray:
        """One document's positions (it must hold the term)."""
        row = int(np.searchsorted(self.ids, doc))
        return self.positions[self.starts[row] : self.starts[row + 1]]  # type: ignore[no-any-return]


def term_postings(reader: Any, fieldname: str, btext: bytes) -> Positions:
    """Every live posting of a term in one segment reader, with its positions (a field whose
    format has ``positions_array``, as ``PositionsFormat``).

    The caller must not change the arrays: a frequent term's postings are shared (``hot.py``)."""
    return _kept(  # type: ignore[no-any-return]
        hot.store_for(reader).values,
        reader,
        fieldname,
        btext,
        _read_positions,
        lambda found: found.nbytes,
    )


def _kept(
    store: hot.LeastRecentlyUsed,
    reader: Any,
    fieldname: str,
    btext: bytes,
    read: Callable[[Any, str, bytes], Any],
    size: Callable[[Any], int],
) -> Any:
    """``read``'s answer for a term, kept in ``store`` (one of the index's ``hot.py`` stores)
    when the term is frequent: rare terms are cheaper to read again than to keep."""
    if reader.doc_frequency(fieldname, btext) < HOT_DOCS:
        return read(reader, fieldname, btext)
    key = (weakref.ref(reader), fieldname, btext)
    found = store.get(key)
    if found is None:
        found = read(reader, fieldname, btext)
        store.put(key, found, size(found))
    return found


HOT_DOCS = 1_000  # a term in this many documents of a segment stays decoded (``hot.py``)


def forget_hot_postings() -> None:
    """Drop every kept frequent term, as after a start (``bench/bench_search.py``'s cold runs)."""
    hot.forget()


def _read_positions(reader: Any, fieldname: str, btext: bytes) -> Positions:
    matcher = reader.postings(fieldname, btext)
    deleted: frozenset[int] = frozenset()
    if isinstance(matcher, FilterMatcher) and isinstance(matcher.child, W3LeafMatcher):
        deleted, matcher = reader.deleted_docs_set, matcher.child
    ids: list[int] = []
    values: list[bytes] = []
    if not isinstance(matcher, W3LeafMatcher):
        while matcher.is_active():
            ids.append(matcher.id())
            values.append(matcher.value())
            matcher.next()
    while isinstance(matcher, W3LeafMatcher) and matcher.is_active():
        if matcher._data is None:
            matcher._read_data()
        deltas = matcher._data[0]  # type: ignore[index]
        # Whoosh's _read_ids() adds up the deltas in a Python generator; accumulate is C.
        ids.extend(deltas if matcher._byteids else accumulate(deltas))
        matcher._read_values()
        values.extend(matcher._values or ())
        matcher._next_block()
    positions_array = reader.schema[fieldname].format.positions_array
    positions = positions_array(b"".join(values))
    counts = np.fromiter(map(len, values), dtype=np.int64, count=len(values)) // 4
    starts = np.zeros(len(values) + 1, dtype=np.int64)
    np.cumsum(counts, out=starts[1:])
    found = Positions(np.array(ids, dtype=np.int64), starts, positions)
    if deleted:
        live = found.ids[~np.isin(found.ids, np.fromiter(deleted, dtype=np.int64))]
        counts, positions = found.at(live)
        starts = np.zeros(len(live) + 1, dtype=np.int64)
        np.cumsum(counts, out=starts[1:])
        found = Positions(live, starts, positions)
    for array in (found.ids, found.starts, found.positions):
        array.flags.writeable = False
    return found


def field_lengths(reader: Any, fieldname: str) -> np.ndarray:
    """Every document's length in ``fieldname`` (as Whoosh stores it, for BM25), read once
    per segment reader."""
    per_field = _LENGTHS.setdefault(reader, {})
    lengths = per_field.get(fieldname)
    if lengths is None:
        lengths = _stored_lengths(reader, fieldname)
        if lengths is None:
            count = reader.doc_count_all()
            lengths = np.fromiter(
                (reader.doc_field_length(n, fieldname, 1) for n in range(count)),
                dtype=np.float64,
                count=count,
            )
        per_field[fieldname] = lengths
    return lengths


# A length byte's length, as ``byte_to_length``; a 0 byte (an empty field) reads as None
# through ``doc_field_length``, which numpy takes as nan.
_BYTE_LENGTHS = np.array([np.nan] + [byte_to_length(b) for b in range(1, 256)])


def _stored_lengths(reader: Any, fieldname: str) -> np.ndarray | None:
    """``doc_field_length`` of every document of a whoosh3 segment, from its length column
    read in one piece: asking document by document (a seek and a read each) was a quarter of
    a server's warm-up at 60,000 documents. None for a reader stored another way."""
    perdoc = getattr(reader, "_perdoc", None)
    if not isinstance(perdoc, W3PerDocReader):
        return None
    column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    count = reader.doc_count_all()
    if column is None:
        return np.ones(count, dtype=np.float64)  # no such column: the default, 1
    if not isinstance(column, NumericColumn.Reader) or column._fixedlen != 1:
        return None
    stored = min(column._count, count)
    codes = np.zeros(count, dtype=np.uint8)  # past the column's end: 0, as Whoosh reads it
    codes[:stored] = np.frombuffer(column._dbfile.get(column._basepos, stored), dtype=np.uint8)
    return _BYTE_LENGTHS[codes]  # type: ignore[no-any-return]


def term_weights(
    reader: Any, fieldname: str, btext: bytes, cache: PostingCache | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The live postings of a term in one segment: document ids and weights (term frequency
    times field boost), as arrays."""
    key = (id(reader), fieldname, btext)
    if cache is not None and key in cache:
        return cache[key]
    found = _hot_weights(reader, fieldname, btext)
    if cache is not None:
        cache[key] = found
    return found


def _hot_weights(reader: Any, fieldname: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
    """``_read_weights``, kept decoded for a frequent term (``hot.py``); read-only arrays."""
    return _kept(  # type: ignore[no-any-return]
        hot.store_for(reader).weights,
        reader,
        fieldname,
        btext,
        _read_shared_weights,
        lambda found: found[0].nbytes + found[1].nbytes,
    )


def _read_shared_weights(
    reader: Any, fieldname: str, btext: bytes
) -> tuple[np.ndarray, np.ndarray]:
    """``_read_weights``, read-only: a kept answer is shared by every later search."""
    found = _read_weights(reader, fieldname, btext)
    for array in found:
        array.flags.writeable = False
    return found


def _read_weights(reader: Any, fieldname: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
    matcher = reader.postings(fieldname, btext)
    deleted: frozenset[int] = frozenset()
    if isinstance(matcher, FilterMatcher) and isinstance(matcher.child, W3LeafMatcher):
        deleted, matcher = reader.deleted_docs_set, matcher.child
    ids: list[int] = []
    weights: list[float] = []
    if isinstance(matcher, W3LeafMatcher):
        while matcher.is_active():
            if matcher._data is None:
                matcher._read_data()
            deltas = matcher._data[0]  # type: ignore[index]
            ids.extend(deltas if matcher._byteids else accumulate(deltas))
            matcher._read_weights()
            weights.extend(matcher._weights or ())
            matcher._next_block()
    else:
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
    id_array = np.array(ids, dtype=np.int64)
    weight_array = np.array(weights, dtype=np.float64)
    if deleted:
        keep = ~np.isin(id_array, np.fromiter(deleted, dtype=np.int64))
        id_array, weight_array = id_array[keep], weight_array[keep]
    return id_array, weight_array
