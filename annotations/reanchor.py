"""Re-anchoring: when a document gets a new version, its annotations are found again in it.

Explicit steps, never a side effect of saving a document (STYLE §2):

1. ``queue_changed(astore)``: the catch-up rule (``annotations/catchup.py``, shared with
   briefs). ``annotation_state.anchored_seq`` records the store ``seq`` up to which changed
   documents have been looked at, as the index records the ``seq`` it has reached. In one
   write transaction, every document written after it that has annotations not yet placed in
   its current version gets a job of kind ``"re-anchor"`` (``corpus/jobs.py``) and the mark
   moves to the store's ``seq``. The pipeline runs this after
   every ingest; the web app and ``dossier annotations reanchor`` run it too, so what a crash
   or a stopped server left is caught up.
2. ``reanchor_queued(astore, ...)``: a worker claims the jobs (``corpus.jobs``) and each
   annotation of the claimed documents is placed in the current version: ``exact``, ``moved``,
   ``fuzzy`` (with its score) or ``orphaned``. An orphaned annotation keeps its anchor, stays
   listed with its quote and is tried again on the next version; nothing is deleted.

The write is conditional on the annotation still having the anchor and checked version it was
read with, so an analyst re-attaching it meanwhile always wins. Re-anchoring does not change an
annotation's revision: it is not an edit of the analyst's work.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa

from annotations.anchoring import freshest_anchor, place
from annotations.catchup import drain, queue_behind
from annotations.model import REANCHOR
from annotations.rows import annotation_of, located_values
from annotations.store import AnnotationStore
from annotations.tables import ANCHORED_SEQ, annotation_state, annotation_table
from corpus.jobs import QueuePolicy
from corpus.model import Document

log = logging.getLogger(__name__)

_A = annotation_table.c
_S = annotation_state.c


@dataclass(frozen=True)
class ReanchorReport:
    """What a drain did: documents done, annotations by new status, documents that failed."""

    documents: tuple[str, ...] = ()
    statuses: Mapping[str, int] = field(default_factory=dict)
    failures: tuple[tuple[str, str], ...] = ()

    def add(self, document_id: str, statuses: Mapping[str, int]) -> ReanchorReport:
        """This report with one more document done."""
        total = Counter(self.statuses)
        total.update(statuses)
        return ReanchorReport((*self.documents, document_id), dict(total), self.failures)

    def failed(self, document_id: str, error: str) -> ReanchorReport:
        """This report with one more document failed."""
        return ReanchorReport(self.documents, self.statuses, (*self.failures, (document_id, error)))


def anchored_seq(astore: AnnotationStore) -> int:
    """The store ``seq`` up to which changed documents have been queued for re-anchoring."""
    with astore.connect() as conn:
        return conn.execute(sa.select(_S.value).where(_S.name == ANCHORED_SEQ)).scalar_one()


def queue_changed(astore: AnnotationStore) -> int:
    """Queue a "re-anchor" job for every document written since ``anchored_seq`` whose
    annotations are not placed in its current version, and move the mark to the store's
    ``seq`` (one transaction, ``annotations.catchup``); returns how many documents wait
    because of this call."""
    with astore.connect(write=True) as conn:
        behind = queue_behind(conn, annotation_table, ANCHORED_SEQ, REANCHOR)
    if behind.document_ids:
        log.info(
            "queued %d documents for re-anchoring (seq %d to %d)",
            len(behind.document_ids), behind.since, behind.upto,
        )  # fmt: skip
    return behind.queued


def _placements(
    astore: AnnotationStore, document_id: str
) -> tuple[Counter[str], list[dict[str, object]]]:
    """Where each annotation of a document not placed in its current version is now, as the
    rows' new values (not written yet)."""
    current = astore.store.get(document_id)
    stmt = sa.select(annotation_table).where(
        _A.document_id == document_id, _A.checked_version != current.version
    )
    with astore.connect() as conn:
        rows = conn.execute(stmt).all()
    versions: dict[int, Document] = {current.version: current}
    updates = []
    statuses: Counter[str] = Counter()
    for row in rows:
        annotation = annotation_of(row._mapping, (), ())
        previous = None
        if annotation.located is not None and annotation.status in ("exact", "moved"):
            number = annotation.checked_version
            if number not in versions:
                versions[number] = astore.store.get(document_id, number)
            previous = versions[number]
        anchor = freshest_anchor(annotation.anchor, annotation.located, annotation.status, previous)
        placement = place(anchor, current)
        statuses[placement.status] += 1
        updates.append(
            {
                "b_id": annotation.id,
                "b_version": annotation.anchor.version,
                "b_start": annotation.anchor.start,
                "b_end": annotation.anchor.end,
                "b_checked": annotation.checked_version,
                **located_values(placement),
            }
        )
    return statuses, updates


def _write(astore: AnnotationStore, updates: list[dict[str, object]]) -> None:
    stmt = (
        annotation_table.update()
        .where(
            _A.id == sa.bindparam("b_id"),
            _A.anchor_version == sa.bindparam("b_version"),
            _A.anchor_start == sa.bindparam("b_start"),
            _A.anchor_end == sa.bindparam("b_end"),
            _A.checked_version == sa.bindparam("b_checked"),
        )
        .values(
            status=sa.bindparam("status"),
            score=sa.bindparam("score"),
            checked_version=sa.bindparam("checked_version"),
            located_start=sa.bindparam("located_start"),
            located_end=sa.bindparam("located_end"),
        )
    )
    with astore.connect(write=True) as conn:
        conn.execute(stmt, updates)


def reanchor_queued(
    astore: AnnotationStore,
    *,
    worker: str,
    policy: QueuePolicy,
    batch: int = 32,
    document_ids: Iterable[str] | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> ReanchorReport:
    """Work through the due "re-anchor" jobs (of ``document_ids`` only, if given) until none is
    left or ``should_stop()``. A document that fails is recorded in the queue (and retried by
    its policy) and reported, not raised; ``StoreUnavailable`` is raised when the queue itself
    cannot be read or written."""
    report = ReanchorReport()

    def done(results: Sequence[tuple[str, tuple[Counter[str], list[dict[str, object]]]]]) -> None:
        nonlocal report
        updates = [u for _, (_, found) in results for u in found]
        if updates:
            _write(astore, updates)  # one write transaction for the whole batch
        for document_id, (statuses, _) in results:
            report = report.add(document_id, statuses)

    failures = drain(
        astore.store, REANCHOR, lambda document_id: _placements(astore, document_id),
        worker=worker, policy=policy, batch=batch, document_ids=document_ids,
        should_stop=should_stop, done=done,
    )  # fmt: skip
    for document_id, error in failures:
        report = report.failed(document_id, error)
    return report
