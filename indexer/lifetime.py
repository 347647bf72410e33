"""Worker processes die with the process that started them, however it dies.

A ``kill -9`` of ``dossier index`` or ``dossier ingest`` kills that process alone: its index
workers (Whoosh's writer, forked while the index lock is held: ``indexer/lock.py``) and its
entity analysis workers (``indexer/entities/extraction.py``'s pool) would live on, orphaned,
waiting for work that never comes. Each calls ``die_with_parent`` as it starts: on Linux the
kernel kills it when the parent dies (``PR_SET_PDEATHSIG``; strictly, when the parent's thread
that forked it ends: both fork from the thread that waits for their work); elsewhere a thread
watches the parent and ends the worker when it is gone.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

__all__ = ["die_with_parent"]

_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
WATCH_SECONDS = 1.0  # how often a watching thread looks at its parent (not on Linux)


def die_with_parent(parent: int) -> None:
    """Tie this process's life to ``parent``'s (its parent's pid, as the parent saw it before
    forking); exits at once if the parent is already gone."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the signal was set up
            os._exit(1)
        return
    threading.Thread(
        target=_watch_parent, args=(parent,), name="dossier-parent-watch", daemon=True
    ).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(WATCH_SECONDS)
    os._exit(1)
