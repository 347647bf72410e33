"""The relevance model: BM25 with the Robertson/Sparck Jones idf, one place for its parameters.

Whoosh's BM25F takes idf as ``log(N / (df + 1)) + 1``: a word in every document still weighs
1, so in a long or OR-ed query "the", "of" and "in" add up and favour long documents. Here
idf is ``log(1 + (N - df + 0.5) / (df + 0.5))`` (Robertson and Sparck Jones, as Lucene's
BM25): near zero for a word in almost every document, the same order as Whoosh's for rare
words. ``Weighting`` hands it to Whoosh's own scorers too, so a query Whoosh ranks
(``indexer/search/ranking.py`` falls back to it) scores on the same scale.

Words are scored as BM25F proper (``indexer/search/words.py``): a word's frequency in the
title (weighted by the title field's boost) and in the text, each normalised by its field's
length, are added before saturation, so a word in both fields is not counted as two words.
"""

from __future__ import annotations

from math import log
from typing import Any

import numpy as np
from whoosh import scoring

__all__ = ["B", "K1", "Weighting", "idf", "saturated"]

# Chosen on the dev half of the relevance sets (``bench/tune_relevance.py``, docs/QUALITY.md):
# K1 barely matters there (0.720-0.724 for 0.6-2.0); B 0.9 ranks long texts' chance matches
# lower than the textbook 0.75 (0.734 against 0.724), and a title word counting as much as a
# text word does better than twice as much (0.737 with B 0.9).
K1 = 1.2  # how fast repeated occurrences stop adding to a word's score
B = 0.9  # how much a longer field lowers a word's weight (0: not at all, 1: in proportion)


def idf(doc_count: int, df: int) -> float:
    """How much a word in ``df`` of ``doc_count`` documents tells: never below zero."""
    return log(1 + (doc_count - df + 0.5) / (df + 0.5))


FIELD_WEIGHTS = {"text": 1.0, "title": 1.0}
FIELD_B: dict[str, float] = {}


def length_norm(lengths: np.ndarray, average: float, fieldname: str = "") -> np.ndarray:
    """BM25's divisor of a field's term frequency: 1 for a field of average length."""
    b = FIELD_B.get(fieldname, B)
    return (1 - b) + b * lengths / (average or 1.0)


def saturated(tf: np.ndarray) -> np.ndarray:
    """BM25's term-frequency saturation of normalised frequencies: 0 at 0, K1 + 1 at most."""
    return tf * (K1 + 1) / (tf + K1)


class Weighting(scoring.BM25F):
    """Whoosh's BM25F with this module's idf, for the searches Whoosh scores itself."""

    def __init__(self) -> None:
        super().__init__(B=B, K1=K1)

    def idf(self, searcher: Any, fieldname: str, text: str) -> float:
        parent = searcher.get_parent()
        return idf(parent.doc_count_all(), parent.doc_frequency(fieldname, text))
