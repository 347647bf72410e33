"""How many documents a correction would re-analyse, found by running it and rolling it back.

A correction that touches thousands of documents (adding "Vladimir Putin" queues every
transcript that names him) costs minutes of re-analysis, so the web app and the command line
say how many and ask first (``CONFIRM_DOCUMENTS``). Which documents a correction affects is
decided inside it, from the registry as the correction leaves it (a new alias's matches, the
mentions a merge moves), so the only faithful count is the correction's own: ``preview`` runs
it with a flag set, ``log_correction`` raises ``_Counted`` with the count just before it
would log and queue anything, and the transaction rolls back. Nothing is written; the
registry's write lock is held for as long as the correction takes (10-100 ms).
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from corpus.tables import documents

_previewing: contextvars.ContextVar[bool] = contextvars.ContextVar("previewing", default=False)


@dataclass(frozen=True)
class Preview:
    """What a correction would do: how many documents it would queue for re-analysis."""

    documents: int
    is_everything: bool = False


class _Counted(Exception):
    """Raised inside a previewed correction's transaction, so that it rolls back."""

    def __init__(self, preview: Preview) -> None:
        super().__init__(f"previewed: {preview.documents} documents")
        self.preview = preview


def preview(correct: Callable[[], object]) -> Preview:
    """Run ``correct()`` (a correction with its arguments bound) without keeping anything:
    how many documents it would queue. Its refusals (``InvalidEntity``, ``EntityNotFound``)
    are raised as when it runs for real."""
    token = _previewing.set(True)
    try:
        correct()
    except _Counted as counted:
        return counted.preview
    finally:
        _previewing.reset(token)
    return Preview(0)  # a correction that logs nothing queues nothing


def queued_count(conn: Connection, affected: Iterable[str], is_everything: bool) -> int:
    """How many documents a correction queues: every document, or those it names."""
    if is_everything:
        return int(conn.scalar(sa.select(sa.func.count()).select_from(documents)) or 0)
    return len(set(affected))


def stop_if_previewing(count: int, is_everything: bool) -> None:
    """In ``preview``: end the correction here (rolled back), reporting ``count``."""
    if _previewing.get():
        raise _Counted(Preview(count, is_everything))
