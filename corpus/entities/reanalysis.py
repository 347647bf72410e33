"""Re-analysis after corrections: the jobs of kind ``"reanalyse"`` in the jobs queue.

A correction queues the documents whose analysis it may change (``log_correction`` calls
``corpus.jobs.enqueue`` with ``REANALYSE``) in its own transaction; a worker re-analyses and
re-indexes them later (``indexer/entities/reanalysis.py``). The queue's rules (one waiting job
per document, leases, attempts, retries) are ``corpus/jobs/queue.py``'s; what is particular to
entities is here: which of the waiting documents an entity's page depends on.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from corpus.entities.store import EntityStore
from corpus.entities.tables import entity_corrections, entity_mentions
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
    documents, counted from the oldest correction with documents still waiting."""

    done: int
    total: int


def reanalysis_progress(store: EntityStore) -> ReanalysisProgress | None:
    """Progress since the queue was last empty, or None when nothing a correction queued waits.

    Each correction logs how many documents it queued (``documents`` in its detail, or
    ``queued`` when some were waiting already: ``note_queued``). The total is that count summed
    over the corrections from the oldest one still waiting on; the documents still waiting for
    them are the rest. A failed document counts as done (the queue's status lists it).
    """
    j, c = jobs.c, entity_corrections.c
    waiting = (j.kind == REANALYSE) & ~j.is_failed
    with store.connect() as conn:
        oldest = conn.scalar(sa.select(sa.func.min(j.correction_id)).where(waiting))
        if oldest is None:
            return None
        left_stmt = sa.select(sa.func.count()).where(waiting, j.correction_id >= oldest)
        left = conn.scalar(left_stmt) or 0  # jobs: a document being worked on may wait again
        details = [json.loads(d) for d in conn.scalars(sa.select(c.detail).where(c.id >= oldest))]
    total = sum(int(d.get("queued", d.get("documents", 0))) for d in details)
    total = max(total, left)  # corrections logged before counts were kept add none
    return ReanalysisProgress(total - left, total)


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
