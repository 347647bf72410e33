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
from itertools import accumulate
from typing import Any

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher

__all__ = ["field_lengths", "matching_docs", "term_postings"]

# Per segment reader: field name -> each document's field length (BM25's length norm).
_LENGTHS: weakref.WeakKeyDictionary[Any, dict[str, np.ndarray]] = weakref.WeakKeyDictionary()


def matching_docs(searcher: Any, query: Any) -> set[int]:
    """The live documents (top-level numbers) ``query`` matches, as ``docs_for_query``."""
    # ``phrases`` imports this module; imported here to keep the dependency one way.
    from .phrases import ExactPhrase

    if isinstance(query, wq.Term):
        return _term_docs(searcher, query.fieldname, query.text)
    if isinstance(query, wq.And):
        parts = sorted((matching_docs(searcher, q) for q in query.subqueries), key=len)
        return parts[0].intersection(*parts[1:]) if parts else set()
    if isinstance(query, wq.Or) and not query.minmatch:
        return set().union(*(matching_docs(searcher, q) for q in query.subqueries))
    if isinstance(query, wq.AndNot):
        return matching_docs(searcher, query.a) - matching_docs(searcher, query.b)
    if isinstance(query, wq.Not):
        return set(searcher.reader().all_doc_ids()) - matching_docs(searcher, query.query)
    if isinstance(query, ExactPhrase) and query.boost > 0:
        return query.matching_docs(searcher)
    if query is wq.NullQuery:
        return set()
    return set(searcher.docs_for_query(query))


def _term_docs(searcher: Any, fieldname: str, text: Any) -> set[int]:
    out: set[int] = set()
    for sub, offset in searcher.leaf_searchers():
        reader = sub.reader()
        field = reader.schema[fieldname] if fieldname in reader.schema else None
        if field is None:
            continue
        btext = field.to_bytes(text) if isinstance(text, str) else text
        if (fieldname, btext) not in reader:
            continue
        ids = term_postings(reader, fieldname, btext, values=False)
        out.update(ids if not offset else (n + offset for n in ids))
    return out


def term_postings(reader: Any, fieldname: str, btext: bytes, *, values: bool = True) -> Any:
    """Document id -> encoded value (``values=True``) or the set of document ids of every live
    posting of a term in one segment reader."""
    matcher = reader.postings(fieldname, btext)
    deleted: frozenset[int] = frozenset()
    if isinstance(matcher, FilterMatcher) and isinstance(matcher.child, W3LeafMatcher):
        deleted, matcher = reader.deleted_docs_set, matcher.child
    if not isinstance(matcher, W3LeafMatcher):
        found: dict[int, Any] = {}
        while matcher.is_active():
            found[matcher.id()] = matcher.value() if values else None
            matcher.next()
        return found if values else set(found)
    pairs: dict[int, bytes] = {}
    ids: set[int] = set()
    while matcher.is_active():
        if matcher._data is None:
            matcher._read_data()
        deltas = matcher._data[0]  # type: ignore[index]
        # Whoosh's _read_ids() adds up the deltas in a Python generator; accumulate is C.
        block = deltas if matcher._byteids else accumulate(deltas)
        if values:
            matcher._read_values()
            pairs.update(zip(block, matcher._values or (), strict=True))
        else:
            ids.update(block)
        matcher._next_block()
    if values:
        for docnum in deleted:
            pairs.pop(docnum, None)
        return pairs
    return ids - deleted if deleted else ids


def field_lengths(reader: Any, fieldname: str) -> np.ndarray:
    """Every document's length in ``fieldname`` (as Whoosh stores it, for BM25), read once
    per segment reader."""
    per_field = _LENGTHS.setdefault(reader, {})
    lengths = per_field.get(fieldname)
    if lengths is None:
        count = reader.doc_count_all()
        lengths = np.fromiter(
            (reader.doc_field_length(n, fieldname, 1) for n in range(count)),
            dtype=np.float64,
            count=count,
        )
        per_field[fieldname] = lengths
    return lengths


def term_weights(reader: Any, fieldname: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
    """The live postings of a term in one segment: document ids and weights (term frequency
    times field boost), as arrays."""
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
