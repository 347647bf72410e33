"""Draining the re-analysis queue: claim jobs of kind "reanalyse", re-analyse and re-index
their documents, and record what happened (``corpus/jobs/queue.py`` keeps the queue,
``corpus/jobs/drain.py`` the claim-work-complete loop every kind shares).

- ``drain`` works in batches: it claims up to ``batch`` jobs, re-analyses and re-indexes their
  documents with ``reindex_documents``, and deletes the jobs. The claims are renewed while it
  works, so a long batch never loses its lease; a crashed worker's claims run out and another
  worker takes them.
- When more are due, it claims them all at once (up to ``MAX_CLAIM``): re-analysis reads each
  version's stored tokens and model mentions (``layers.py``) and costs little, while each index
  update writes a new segment whose cost grows with the words of its documents, not their
  number, and most of the index changing means one rebuild with both cores
  (``catch_up_index``). 3,835 Kremlin documents in batches of 128: 30 updates of ~16 CPU-ms
  a document; at once: one rebuild of ~6 CPU-ms a document of the index.
- The index has one writer at a time. When another worker (or "dossier index") holds it, the
  mentions are already stored and only the index step is tried again, for ``INDEX_WAIT``
  seconds, before the attempt counts as failed.
- A batch that fails otherwise is retried in halves, down to single documents, so one bad
  document is recorded as failed (with its error) and the others go through.
- The web app's pipeline (``webapp/pipeline.py``) drains through here for its background
  worker, for corrections made in a request, and for "dossier entities reanalyse".
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from corpus.entities.reanalysis import REANALYSE
from corpus.entities.store import EntityStore
from corpus.errors import StoreUnavailable
from corpus.jobs import Job, QueuePolicy, queue_status, work_through
from indexer.build import update_records
from indexer.entities.extraction import ReindexReport, reindex_documents
from indexer.errors import IndexBusy, describe
from indexer.progress import Progress

if TYPE_CHECKING:
    from corpus.store import Store
    from indexer.entities.recogniser import Recogniser

log = logging.getLogger(__name__)

INDEX_WAIT = 60.0  # seconds to wait for another writer of the index before failing an attempt
MAX_CLAIM = 5_000  # jobs claimed at once when more than a batch is due
_INDEX_POLL = 0.2


class Reindex(Protocol):
    """What ``drain`` calls to re-analyse and re-index documents (``reindex_documents``)."""

    def __call__(
        self,
        store: Store,
        entity_store: EntityStore,
        index_dir: str | Path,
        doc_ids: Iterable[str] | None,
        recogniser: Recogniser | None,
        *,
        procs: int = ...,
        progress: Progress | None = ...,
    ) -> ReindexReport: ...


@dataclass(frozen=True)
class Failure:
    """A document whose attempt failed in this drain, and why."""

    document_id: str
    error: str
    attempts: int
    is_final: bool  # no attempts left: the job stays failed until retried


@dataclass(frozen=True)
class DrainReport:
    """What a drain did: documents re-analysed (with the mentions and index records that
    produced), and the failed attempts."""

    documents: tuple[str, ...] = ()
    mentions: int = 0
    indexed: int = 0
    has_index: bool = True
    has_model: bool = True
    failures: tuple[Failure, ...] = field(default_factory=tuple)
    working: int = 0  # of the batch in hand: documents analysed so far, not yet indexed

    def add(self, other: DrainReport) -> DrainReport:
        """Both reports as one (``working``: the other's)."""
        return DrainReport(
            self.documents + other.documents,
            self.mentions + other.mentions,
            self.indexed + other.indexed,
            self.has_index and other.has_index,
            self.has_model and other.has_model,
            self.failures + other.failures,
            other.working,
        )


def drain(
    store: Store,
    entity_store: EntityStore,
    index_dir: str | Path,
    recogniser: Recogniser | None,
    *,
    worker: str,
    policy: QueuePolicy,
    batch: int = 32,
    procs: int = 1,
    document_ids: Iterable[str] | None = None,
    should_stop: Callable[[], bool] = lambda: False,
    progress: Callable[[DrainReport], None] | None = None,
    index_wait: float = INDEX_WAIT,
    reindex: Reindex = reindex_documents,
) -> DrainReport:
    """Work through the due jobs (of ``document_ids`` only, if given), each at most once,
    until none is left or ``should_stop()``; ``progress(report so far)`` after each batch, and
    while a batch is analysed (its ``working`` count). Claims ``batch`` jobs at a time, or every
    due job (up to ``MAX_CLAIM``) when more are due. ``reindex`` is ``reindex_documents``
    unless a caller wraps it.

    Failed attempts are recorded in the queue and reported, not raised. Raises
    ``StoreUnavailable`` when the queue itself cannot be read or written.
    """
    report = DrainReport()

    def working(done: int, _total: int, _note: str = "", /, *, share: float | None = None) -> None:
        if progress is not None:
            progress(replace(report, working=done))

    run = _Batch(store, entity_store, Path(index_dir), recogniser, procs, index_wait, working)

    def work(claimed: Sequence[Job]) -> Mapping[str, str]:
        nonlocal report
        done = run.jobs(claimed, reindex, policy)
        report = report.add(done)
        if progress is not None:
            progress(report)
        return {f.document_id: f.error for f in done.failures}

    due = queue_status(entity_store, REANALYSE, failures=0).pending

    work_through(
        entity_store,
        REANALYSE,
        worker,
        policy,
        work,
        batch=max(batch, min(due, MAX_CLAIM)),
        document_ids=document_ids,
        should_stop=should_stop,
    )
    return report


@dataclass(frozen=True)
class _Batch:
    """Where and how a batch of documents is re-analysed."""

    store: Store
    entity_store: EntityStore
    index_dir: Path
    recogniser: Recogniser | None
    procs: int
    index_wait: float
    progress: Progress

    def jobs(self, jobs: Sequence[Job], reindex: Reindex, policy: QueuePolicy) -> DrainReport:
        """All the documents of the jobs together; in halves when that fails."""
        attempts = {j.document_id: j.attempts for j in jobs}

        def failure(document_id: str, error: str) -> Failure:
            tries = attempts[document_id]
            return Failure(document_id, error, tries, tries >= policy.max_attempts)

        return self.group(sorted(attempts), reindex, self.procs, failure)

    def group(
        self,
        ids: list[str],
        reindex: Reindex,
        procs: int,
        failure: Callable[[str, str], Failure],
    ) -> DrainReport:
        """Re-analyse and re-index ``ids``; when that fails, each half of them, so that the
        documents that fail are found in a few attempts and the others go through."""
        try:
            return self.reindex(ids, reindex, procs, failure)
        except (IndexBusy, StoreUnavailable) as exc:  # not the documents' fault: all wait
            log.warning("re-analysing %d documents failed: %s", len(ids), exc)
            return DrainReport(failures=tuple(failure(d, describe(exc)) for d in ids))
        except Exception as exc:  # the worker is an edge: the error is recorded
            log.warning("re-analysing %s failed", ", ".join(ids[:5]), exc_info=exc)
            if len(ids) == 1:
                return DrainReport(failures=(failure(ids[0], describe(exc)),))
        half = len(ids) // 2
        first = self.group(ids[:half], reindex, procs, failure)
        return first.add(self.group(ids[half:], reindex, procs, failure))

    def reindex(
        self, ids: list[str], reindex: Reindex, procs: int, failure: Callable[[str, str], Failure]
    ) -> DrainReport:
        """``reindex`` the documents; when the index is busy, wait for it and update only the
        index records (the mentions are stored by then). Documents whose analysis failed are
        reported as failures."""
        try:
            result = reindex(
                self.store,
                self.entity_store,
                self.index_dir,
                ids,
                self.recogniser,
                procs=procs,
                progress=self.progress,
            )
        except IndexBusy:
            deadline = time.monotonic() + self.index_wait
            while True:
                if time.monotonic() >= deadline:
                    raise
                time.sleep(_INDEX_POLL)
                try:
                    indexed = update_records(self.store, self.index_dir, ids, procs=procs)
                except IndexBusy:
                    continue
                has_model = self.recogniser is not None
                return DrainReport(tuple(ids), indexed=indexed, has_model=has_model)
        analysis = result.analysis
        failed = dict(analysis.failed)
        return DrainReport(
            tuple(d for d in ids if d not in failed),
            mentions=analysis.mentions,
            indexed=result.indexed,
            has_index=result.has_index,
            has_model=analysis.has_model,
            failures=tuple(failure(d, error) for d, error in failed.items()),
        )
