"""Decoded postings of frequent terms, kept between searches, one budget per index.

A phrase with "of" or "the" reads where those words stand in most documents, and a frequent
word's weights are read for every search that has it; decoding them (zlib and unpickling in
Whoosh's block reader, positions and all) was most of such a search's time, and the same few
words recur query after query. So a term in at least ``postings.HOT_DOCS`` documents of a
segment stays decoded: its positions (``term_postings``) and its ids and weights
(``term_weights``), the least recently used dropped past a budget.

Each ``SearchIndex`` has its own ``HotPostings`` and registers its segment readers with it
(``keep``): two indexes in one process (a server with two collections, a test next to a bench)
no longer evict each other's words (issue 15: a warm phrase p95 of 62 ms became 317 ms).
Readers nobody registered (tools, tests) share one default store. Keys hold their segment
reader weakly: a reader that is gone (the index moved on) is never asked for again, and its
entries age out.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from typing import Any

__all__ = ["HOT_BYTES", "HotPostings", "forget", "keep", "store_for"]

HOT_BYTES = 32 * 2**20  # the most each kind of decoded frequent term may take, per index


class LeastRecentlyUsed:
    """Values with a size, the least recently used dropped past ``budget``."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self._entries: OrderedDict[Any, tuple[Any, int]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: Any) -> Any | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            self._entries.move_to_end(key)
            return found[0]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._size = 0

    def put(self, key: Any, value: Any, size: int) -> None:
        if size > self.budget:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._size -= old[1]
            self._entries[key] = (value, size)
            self._size += size
            while self._size > self.budget:
                _, (_, dropped) = self._entries.popitem(last=False)
                self._size -= dropped


class HotPostings:
    """One index's decoded frequent terms: ``values`` (document -> encoded positions, for
    phrases) and ``weights`` (ids and weights arrays, for matching and ranking)."""

    def __init__(self, budget: int = HOT_BYTES) -> None:
        self.values = LeastRecentlyUsed(budget)
        self.weights = LeastRecentlyUsed(budget)
        _ALL.add(self)

    def clear(self) -> None:
        self.values.clear()
        self.weights.clear()


_ALL: weakref.WeakSet[HotPostings] = weakref.WeakSet()
_DEFAULT = HotPostings()
_STORES: weakref.WeakKeyDictionary[Any, HotPostings] = weakref.WeakKeyDictionary()


def keep(searcher: Any, hot: HotPostings) -> None:
    """Keep the frequent terms of ``searcher``'s segments in ``hot`` (its index's store)."""
    for sub, _ in searcher.leaf_searchers():
        _STORES[sub.reader()] = hot


def store_for(reader: Any) -> HotPostings:
    """The store of a segment reader's index (the default store if none was registered)."""
    return _STORES.get(reader, _DEFAULT)


def forget() -> None:
    """Drop every kept frequent term of every index, as after a start (the cold runs of
    ``bench/bench_search.py``)."""
    for hot in list(_ALL):
        hot.clear()
