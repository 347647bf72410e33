"""Re-analysis after corrections: the jobs of kind ``"reanalyse"`` in the jobs queue.

A correction queues the documents whose analysis it may change (``log_correction`` calls
``corpus.jobs.enqueue`` with ``REANALYSE``) in its own transaction; a worker re-analyses and
re-indexes them later (``indexer/entities/reanalysis.py``). The queue's rules (one waiting job
per document, leases, attempts, retries) are ``corpus/jobs/queue.py``'s; what is particular to
entities is here: which of the waiting documents an entity's page depends on.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from corpus.entities.store import EntityStore
from corpus.entities.tables import entity_analyses, entity_corrections, entity_mentions
from corpus.tables import documents, jobs

REANALYSE = "reanalyse"  # the job kind


def pending_for_entity(store: EntityStore, entity_id: str) -> int:
    """Documents still to re-analyse that mention the entity now, or that a correction of the
    entity queued: the documents whose re-analysis may change its page."""
    c, m, j = entity_corrections.c, entity_mentions.c, jobs.c
    corrected = sa.exists().where(c.id == j.correction_id, c.entity_id == entity_id)
    current = (documents.c.id == m.document_id) & (documents.c.current_version == m.version)
    mentioned = sa.exists().where(current, m.document_id == j.document_id, m.entity_id == entity_id)
    stmt = sa.select(sa.func.count(sa.distinct(j.document_id))).where(
        j.kind == REANALYSE, ~j.is_failed, corrected | mentioned
    )
    with store.connect() as conn:
        return conn.scalar(stmt) or 0


@dataclass(frozen=True)
class ReanalysisProgress:
    """How far re-analysis is after the corrections it is working on: ``done`` of ``total``
    documents, counted from the oldest correction with documents still waiting; ``failed`` of
    them gave up (not done); ``seconds_left`` at the pace since that correction (None before
    the first is done)."""

    done: int
    total: int
    failed: int = 0
    seconds_left: float | None = None


def reanalysis_progress(
    store: EntityStore, *, now: dt.datetime | None = None
) -> ReanalysisProgress | None:
    """Progress since the queue was last empty, or None when nothing a correction queued waits.

    Each correction logs how many documents it queued (``documents`` in its detail, or
    ``queued`` when some were waiting already: ``note_queued``). The total is that count summed
    over the corrections from the oldest one still waiting on. Not done: the documents still
    waiting for them that have not been analysed since they were queued (a worker analyses a
    whole claim before indexing it and deleting its jobs), and those that failed.
    """
    j, c, a, d = jobs.c, entity_corrections.c, entity_analyses.c, documents.c
    waiting = (j.kind == REANALYSE) & ~j.is_failed
    analysed = sa.exists().where(
        a.document_id == j.document_id,
        d.id == a.document_id,
        d.current_version == a.version,
        a.analysed_at >= j.enqueued_at,
    )
    with store.connect() as conn:
        oldest = conn.scalar(sa.select(sa.func.min(j.correction_id)).where(waiting))
        if oldest is None:
            return None
        since = j.correction_id >= oldest
        left_stmt = sa.select(sa.func.count()).where(waiting, since, ~analysed)
        left = conn.scalar(left_stmt) or 0  # jobs: a document being worked on may wait again
        failed_stmt = sa.select(sa.func.count()).where(j.kind == REANALYSE, j.is_failed, since)
        failed = conn.scalar(failed_stmt) or 0
        started = conn.scalar(sa.select(c.at).where(c.id == oldest))
        details = [json.loads(x) for x in conn.scalars(sa.select(c.detail).where(c.id >= oldest))]
    total = sum(int(x.get("queued", x.get("documents", 0))) for x in details)
    total = max(total, left + failed)  # corrections logged before counts were kept add none
    done = total - left - failed
    return ReanalysisProgress(done, total, failed, _seconds_left(done, left, started, now))


def _seconds_left(
    done: int, left: int, started: dt.datetime | None, now: dt.datetime | None
) -> float | None:
    """At the pace since ``started``: how long ``left`` documents take (None: no pace yet)."""
    if not done or started is None:
        return None
    elapsed = ((now or dt.datetime.now(dt.UTC)) - started).total_seconds()
    return round(max(elapsed, 0.0) * left / done, 1)


def note_queued(
    conn: Connection, correction_id: int, detail: Mapping[str, object], count: int
) -> Mapping[str, object]:
    """After a correction queued ``count`` documents: when some of them were waiting already
    (queued by an earlier correction, whose count has them), log how many it added
    (``queued``), so that progress counts each document once. Returns the detail logged."""
    j, c = jobs.c, entity_corrections.c
    added = conn.scalar(sa.select(sa.func.count()).where(j.correction_id == correction_id)) or 0
    if added >= count:
        return detail
    detail = {**detail, "queued": added}
    stmt = entity_corrections.update().where(c.id == correction_id)
    conn.execute(stmt.values(detail=json.dumps(detail, ensure_ascii=False)))
    return detail
