"""A web worker's search index, switched to a new index only once that one is warm.

The first search of a freshly opened index loads its columns: about 2 s at 60,000 documents
(docs/PERFORMANCE.md). ``SearchIndex`` reopens itself on the request path when the index
changes (a rebuild, an ingest, a correction), so after every change one user of each worker
waited those seconds. Here, when serving (``WARM_UP``), requests keep the index they have
while a background thread opens and warms the changed one, and the next request after that
gets the new one. The request that notices the change waits for the load up to
``FRESH_WAIT`` seconds, so that an analyst who has just ingested a document finds it on the
next search (a small index loads in milliseconds); past that it is answered by the index it
had, and nobody waits the whole load of a big one. Loads run one at a time, so a long ingest that
commits often costs each worker at most one load in flight (and two indexes in memory while
it lasts). A request keeps the index it started with (``acquire``/``release``, through the
app context); the one a load replaced is closed when the last request using it ends.

Without ``WARM_UP`` (tests, scripts) ``SearchIndex`` refreshes itself on the request path as
before, so a change shows on the next search.
"""

from __future__ import annotations

import gc
import logging
import os
import re
import threading
import time
from pathlib import Path

from indexer.generations import current_generation
from indexer.search import SearchIndex
from indexer.search.engine import REFRESH_SECONDS

log = logging.getLogger(__name__)

CHECK_SECONDS = 1.0  # how often a request looks for a changed index (one read, one listing)
FRESH_WAIT = 1.0  # seconds the request that finds a change waits for its load (60k: 0.5-0.8 s)
_TOC = re.compile(r"_MAIN_(\d+)\.toc")
Fingerprint = tuple[str, int]


def fingerprint(index_dir: Path) -> Fingerprint | None:
    """What changes when the live index does: its generation (a rebuild or a compaction
    swaps it) and the number of its last Whoosh commit (an update); None without one."""
    generation = current_generation(index_dir)
    if generation is None:
        return None
    try:
        names = os.listdir(index_dir / generation)
    except OSError:
        return None
    commits = [int(m.group(1)) for m in map(_TOC.fullmatch, names) if m]
    return (generation, max(commits)) if commits else None


class LiveIndex:
    """This process's ``SearchIndex``: ``current()`` is the one to search now."""

    def __init__(self, index_dir: Path, *, background: bool) -> None:
        self.index_dir = index_dir
        self.background = background
        self._seen = fingerprint(index_dir) if background else None
        # With background loads, the index never reopens itself on a request.
        refresh = float("inf") if background else REFRESH_SECONDS
        self._index = SearchIndex.open(index_dir, refresh_seconds=refresh)
        self._checked = time.monotonic()
        self._loading: threading.Thread | None = None
        self._lock = threading.RLock()
        self._users: dict[int, int] = {}  # id of an index -> requests using it
        self._retired: list[SearchIndex] = []  # replaced, still in use

    def current(self) -> SearchIndex:
        """The warm index to search; starts loading a changed one in the background (at most
        one check per ``CHECK_SECONDS``, one load at a time) and waits up to ``FRESH_WAIT``
        seconds for it."""
        if self.background and time.monotonic() - self._checked >= CHECK_SECONDS:
            loading = self._check()
            if loading is not None:  # outside the lock: the load takes it to swap
                loading.join(FRESH_WAIT)
        return self._index

    def acquire(self) -> SearchIndex:
        """``current()``, kept open until ``release``: a request's index."""
        index = self.current()
        with self._lock:
            # A load may swap (and close) ``index`` here unless it is counted as in use:
            # count the one current now, which is at least as new.
            index = self._index
            self._users[id(index)] = self._users.get(id(index), 0) + 1
        return index

    def release(self, index: SearchIndex) -> None:
        """A request is done with ``index``: close it if a load replaced it and no other
        request uses it."""
        with self._lock:
            left = self._users.get(id(index), 0) - 1
            if left > 0:
                self._users[id(index)] = left
                return
            self._users.pop(id(index), None)
            if index in self._retired:
                self._retired.remove(index)
                index.close()

    def wait(self, timeout: float | None = None) -> None:
        """Wait for a load in flight to finish (tests; an orderly shutdown)."""
        loading = self._loading
        if loading is not None:
            loading.join(timeout)

    def close(self) -> None:
        """Release the files of the current index and of replaced ones still in use (waits
        for a load in flight, then closes what it loaded)."""
        self.wait()
        with self._lock:
            for index in (self._index, *self._retired):
                index.close()
            self._retired.clear()

    def _check(self) -> threading.Thread | None:
        """Start loading a changed index; returns the load this request started, if any."""
        with self._lock:
            self._checked = time.monotonic()
            if self._loading is not None and self._loading.is_alive():
                return None
            seen = fingerprint(self.index_dir)
            if seen is None or seen == self._seen:
                return None
            self._loading = threading.Thread(
                target=self._load, args=(seen,), name="dossier-index-load", daemon=True
            )
            self._loading.start()
            return self._loading

    def _load(self, seen: Fingerprint) -> None:
        """Open and warm the changed index, then hand it to the next request. A failure
        (a half-written index, say) is logged and tried again at the next change."""
        try:
            index = SearchIndex.open(self.index_dir, refresh_seconds=float("inf"))
            seconds = index.warm()
        except Exception:
            log.exception("could not load the changed search index at %s", self.index_dir)
            self._seen = seen
            return
        with self._lock:
            old, self._index, self._seen = self._index, index, seen
            if self._users.get(id(old)):
                self._retired.append(old)
            else:
                old.close()
        # As at start-up (resources._freeze_start_up): the new columns out of the collector's
        # reach. The replaced index is still freed, by reference counting (it has no cycles).
        gc.collect()
        gc.freeze()
        log.info(
            "search index %s commit %d warm in %.1f s (process %d): serving it now",
            *seen,
            seconds,
            os.getpid(),
        )
