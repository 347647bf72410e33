"""The top of the ranking, scored with numpy over whole posting lists.

Whoosh's top-N search skips low-scoring blocks only for a single term: for ``Or(text:w,
title:w)`` it scores each matching document in Python, about 10 us each, so a word in 10,000
documents cost 45-100 ms on the bench index. Here a term's BM25F scores are computed as one
numpy expression over its postings (read a block at a time), bare words and exact phrases
score themselves (``indexer/search/words.py``, ``phrases.py``), and the parts combine through
And/Or/AndNot/Not as Whoosh combines them (sums of the matching parts). With the searcher's
``bm25.Weighting`` the same numbers come out as Whoosh's, so the order is the same; ``rank``
returns None for a query it does not cover, and the caller asks Whoosh.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import numpy as np
from whoosh import query as wq
from whoosh import scoring

from indexer.search.phrases import ExactPhrase
from indexer.search.postings import PostingCache, field_lengths, term_weights
from indexer.search.said_match import SaidWords
from indexer.search.words import Words

__all__ = ["rank"]

Scores = dict[int, float]


class _Unsupported(Exception):
    """A query part this module does not score: Whoosh ranks the query instead."""


def rank(
    searcher: Any,
    query: Any,
    docs: Collection[int],
    count: int,
    cache: PostingCache | None = None,
) -> list[tuple[int, float]] | None:
    """The best ``count`` of ``docs`` (documents ``query`` matches) by ``query``'s score, best
    first, ties by document number, as ``searcher.search`` orders them; None when some part
    of ``query`` is not covered here."""
    if not isinstance(searcher.weighting, scoring.BM25F):
        return None
    wanted = np.fromiter(docs, dtype=np.int64, count=len(docs))
    arrays = _score_arrays(searcher, query, cache)  # the common cases: no dict of every score
    if arrays is not None:
        values = _looked_up(*arrays, wanted)
    else:
        try:
            scores = _scores(searcher, query, cache)
        except _Unsupported:
            return None
        values = np.fromiter((scores.get(d, 0.0) for d in wanted.tolist()), dtype=np.float64)
    best = np.lexsort((wanted, -values))[:count]
    return [(int(wanted[i]), float(values[i])) for i in best]


def _looked_up(ids: np.ndarray, scores: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """The scores of ``wanted`` documents, given every scored document's (``ids``, ascending)
    score; 0 for a document not among them."""
    if not len(ids):
        return np.zeros(len(wanted), dtype=np.float64)
    at = np.minimum(np.searchsorted(ids, wanted), len(ids) - 1)
    return np.where(ids[at] == wanted, scores[at], 0.0)


def _scores(searcher: Any, query: Any, cache: PostingCache | None) -> Scores:
    """Document -> score over every live document ``query`` matches."""
    if isinstance(query, Words):
        return query.scores(searcher, cache)
    if isinstance(query, wq.Term):
        return _term(searcher, query, cache)
    if isinstance(query, SaidWords):
        return query.scores(searcher)
    if isinstance(query, ExactPhrase):
        if query.slop > 1:
            raise _Unsupported
        return query.scores(searcher)
    if getattr(query, "boost", 1.0) != 1.0:
        raise _Unsupported
    if isinstance(query, wq.And):
        parts = sorted((_scores(searcher, q, cache) for q in query.subqueries), key=len)
        if not parts:
            return {}
        common = set(parts[0]).intersection(*parts[1:])
        return {d: sum(part[d] for part in parts) for d in common}
    if isinstance(query, wq.Or) and not query.minmatch and query.scale is None:
        total: Scores = {}
        for part in (_scores(searcher, q, cache) for q in query.subqueries):
            for d, score in part.items():
                total[d] = total.get(d, 0.0) + score
        return total
    if isinstance(query, wq.AndNot):
        kept = _scores(searcher, query.a, cache)
        for d in _scores(searcher, query.b, cache):
            kept.pop(d, None)
        return kept
    if isinstance(query, wq.Not):
        excluded = _scores(searcher, query.query, cache)
        return {d: 1.0 for d in searcher.reader().all_doc_ids() if d not in excluded}
    if isinstance(query, wq.Every) and query.fieldname in (None, "", "*"):
        return dict.fromkeys(searcher.reader().all_doc_ids(), 1.0)
    if query is wq.NullQuery:
        return {}
    raise _Unsupported


def _score_arrays(
    searcher: Any, query: Any, cache: PostingCache | None
) -> tuple[np.ndarray, np.ndarray] | None:
    """Every matching document's score as two arrays (documents ascending, scores) for the
    shapes most searches have: bare words, an exact phrase, and an OR of terms and exact
    phrases (a prefix or a fuzzy word, up to 512 terms; a phrase in the text or the title),
    whose scores a dict per part added up in Python; None for other shapes. ``bincount``
    adds each document's parts in the order of the parts, as ``_scores`` does, so the sums
    are the same to the last bit."""
    if isinstance(query, Words):
        return query.score_arrays(searcher, cache)
    if isinstance(query, ExactPhrase):
        return query.score_arrays(searcher) if query.slop <= 1 else None
    if not (
        isinstance(query, wq.Or) and not query.minmatch and query.scale is None and query.boost == 1
    ):
        return None
    parts = []
    for part in query.subqueries:
        if isinstance(part, ExactPhrase) and part.slop <= 1:
            parts.append(part.score_arrays(searcher))
        elif type(part) is wq.Term:
            try:
                parts += _term_arrays(searcher, part, cache)
            except _Unsupported:
                return None
        else:
            return None
    if not parts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    docs, where = np.unique(np.concatenate([ids for ids, _ in parts]), return_inverse=True)
    scores = np.concatenate([scores for _, scores in parts])
    return docs, np.bincount(where, weights=scores, minlength=len(docs))


def _term(searcher: Any, term: wq.Term, cache: PostingCache | None) -> Scores:
    out: Scores = {}
    for ids, scores in _term_arrays(searcher, term, cache):
        out.update(zip(ids.tolist(), scores.tolist(), strict=True))
    return out


def _term_arrays(
    searcher: Any, term: wq.Term, cache: PostingCache | None
) -> list[tuple[np.ndarray, np.ndarray]]:
    """A term's documents (top-level numbers) and BM25F scores, per segment."""
    fieldname = term.fieldname
    if fieldname not in searcher.schema:
        return []
    field = searcher.schema[fieldname]
    if not field.scorable:
        raise _Unsupported
    btext = field.to_bytes(term.text) if isinstance(term.text, str) else term.text
    weighting = searcher.weighting
    b = weighting._field_B.get(fieldname, weighting.B)
    k1 = weighting.K1
    idf = None
    out = []
    for sub, offset in searcher.leaf_searchers():
        reader = sub.reader()
        if (fieldname, btext) not in reader:
            continue
        if idf is None:
            idf = searcher.idf(fieldname, term.text)
            avg = searcher.avg_field_length(fieldname) or 1
        ids, weights = term_weights(reader, fieldname, btext, cache)
        lengths = field_lengths(reader, fieldname)[ids]
        scores = idf * ((weights * (k1 + 1)) / (weights + k1 * ((1 - b) + b * lengths / avg)))
        if term.boost != 1.0:
            scores = scores * term.boost
        out.append((ids + offset, scores))
    return out
