"""Catching up with documents' new versions: the one queueing rule and drain loop shared by
re-anchoring annotations (``annotations/reanchor.py``) and re-verifying briefs' citations
(``annotations/briefs/jobs.py``).

Each keeps rows anchored in documents (annotations, citations) with the version they were last
checked in (``checked_version``) and a mark in ``annotation_state``: the store ``seq`` up to
which written documents have been looked at. ``queue_behind`` queues a job of its kind for every
document written since the mark whose rows lag its current version, and moves the mark, in the
caller's write transaction. ``drain`` works through the queued jobs one document at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from annotations.errors import AnnotationError
from annotations.tables import annotation_state
from corpus.errors import CorpusError, StoreUnavailable
from corpus.jobs import Job, QueuePolicy, enqueue, work_through
from corpus.store import Store
from corpus.tables import documents, store_state

_S = annotation_state.c


@dataclass(frozen=True)
class Behind:
    """What ``queue_behind`` did: the documents queued (new jobs: ``queued``) and the store
    ``seq`` range looked at."""

    document_ids: tuple[str, ...] = ()
    queued: int = 0
    since: int = 0
    upto: int = 0


def queue_behind(conn: sa.Connection, rows: sa.Table, mark: str, kind: str) -> Behind:
    """Queue a ``kind`` job for every document written after the ``mark`` whose ``rows``
    (a table with ``document_id`` and ``checked_version``) were checked in an older version,
    and move the mark to the store's ``seq``; run inside the caller's write transaction."""
    upto = conn.execute(
        sa.select(store_state.c.value).where(store_state.c.name == "seq")
    ).scalar_one()
    since = conn.execute(sa.select(_S.value).where(_S.name == mark).with_for_update()).scalar_one()
    if upto == since:
        return Behind(since=since, upto=upto)
    behind = (
        sa.select(rows.c.document_id)
        .join(documents, documents.c.id == rows.c.document_id)
        .where(documents.c.seq > since, documents.c.seq <= upto)
        .where(rows.c.checked_version != documents.c.current_version)
        .distinct()
    )
    ids = tuple(conn.scalars(behind))
    queued = enqueue(conn, kind, ids) if ids else 0
    conn.execute(annotation_state.update().where(_S.name == mark).values(value=upto))
    return Behind(ids, queued, since, upto)


def drain(
    store: Store,
    kind: str,
    do: Callable[[str], Any],
    *,
    worker: str,
    policy: QueuePolicy,
    batch: int,
    document_ids: Iterable[str] | None,
    should_stop: Callable[[], bool],
    done: Callable[[Sequence[tuple[str, Any]]], None] = lambda _: None,
) -> list[tuple[str, str]]:
    """Work through the due ``kind`` jobs (of ``document_ids`` only, if given) until none is
    left or ``should_stop()``: ``do(document_id)`` for each claimed document, then ``done``
    with each batch's results (to write them together). A document whose ``do`` fails is
    recorded in the queue (retried by its policy) and returned with its error, not raised;
    ``StoreUnavailable`` is raised when the queue cannot be read or written."""
    failures: list[tuple[str, str]] = []

    def work(claimed: Sequence[Job]) -> Mapping[str, str]:
        failed: dict[str, str] = {}
        results: list[tuple[str, Any]] = []
        for job in claimed:
            try:
                results.append((job.document_id, do(job.document_id)))
            except StoreUnavailable:
                raise
            except (CorpusError, AnnotationError) as exc:
                failed[job.document_id] = f"{type(exc).__name__}: {exc}"[:500]
                failures.append((job.document_id, failed[job.document_id]))
        done(results)
        return failed

    work_through(
        store, kind, worker, policy, work, batch=batch, document_ids=document_ids,
        should_stop=should_stop,
    )  # fmt: skip
    return failures
