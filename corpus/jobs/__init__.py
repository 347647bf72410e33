"""The jobs queue: work a worker must do on a document, by kind, until it is done.

``queue`` keeps the table's rules (enqueue in the caller's transaction, claims with renewed
leases, attempts, retries with a growing wait; one waiting job per document and kind);
``drain`` is the loop every kind's drain runs on (``work_through``). Kinds: "reanalyse"
(``corpus.entities``), and what other packages add ("re-anchor" for annotations).
"""

from __future__ import annotations

from corpus.jobs.drain import Heartbeat, Work, work_through
from corpus.jobs.queue import (
    Job,
    JobFailure,
    QueuePolicy,
    QueueStatus,
    claim,
    complete,
    enqueue,
    fail,
    has_work,
    pending_documents,
    queue_status,
    renew,
    retry_failed,
)

__all__ = [
    "Heartbeat",
    "Job",
    "JobFailure",
    "QueuePolicy",
    "QueueStatus",
    "Work",
    "claim",
    "complete",
    "enqueue",
    "fail",
    "has_work",
    "pending_documents",
    "queue_status",
    "renew",
    "retry_failed",
    "work_through",
]
