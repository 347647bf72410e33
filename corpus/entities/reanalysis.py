"""Re-analysis after corrections: the jobs of kind ``"reanalyse"`` in the jobs queue.

A correction queues the documents whose analysis it may change (``log_correction`` calls
``corpus.jobs.enqueue`` with ``REANALYSE``) in its own transaction; a worker re-analyses and
re-indexes them later (``indexer/entities/reanalysis.py``). The queue's rules (one waiting job
per document, leases, attempts, retries) are ``corpus/jobs/queue.py``'s; what is particular to
entities is here: which of the waiting documents an entity's page depends on.
"""

from __future__ import annotations

import sqlalchemy as sa

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
