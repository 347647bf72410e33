"""Working through the jobs of one kind: claim a batch, keep its lease while the work runs,
then complete the jobs that succeeded and record the failed ones (``corpus/jobs/queue.py``).

Every kind's drain runs on this loop (``indexer/entities/reanalysis.py`` for "reanalyse"), so
leases, attempts and retries behave the same for all of them. The work itself is the caller's:
``work(jobs)`` does what the kind asks for the jobs' documents and returns the documents that
failed, with their errors.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence

from corpus.database import Connectable
from corpus.errors import StoreUnavailable
from corpus.jobs.queue import Job, QueuePolicy, claim, complete, fail, renew

log = logging.getLogger(__name__)

Work = Callable[[Sequence[Job]], Mapping[str, str]]
"""Does a batch's work; returns {document id: error} for the documents that failed."""


def work_through(
    db: Connectable,
    kind: str,
    worker: str,
    policy: QueuePolicy,
    work: Work,
    *,
    batch: int = 32,
    document_ids: Iterable[str] | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> None:
    """Claim due jobs of ``kind`` (of ``document_ids`` only, if given) ``batch`` at a time and
    run ``work`` on each batch, until none is left or ``should_stop()``. A job that fails is
    not tried again in this call (a later one retries it, after the policy's delay).

    Raises ``StoreUnavailable`` when the queue itself cannot be read or written.
    """
    wanted = None if document_ids is None else sorted(set(document_ids))
    tried: set[int] = set()
    while not should_stop():
        claimed = claim(db, kind, worker, batch, policy, document_ids=wanted, skip=tried)
        if not claimed:
            return
        with Heartbeat(db, worker, claimed, policy):
            failed = work(claimed)
        for document_id, error in failed.items():
            theirs = [j for j in claimed if j.document_id == document_id]
            fail(db, worker, theirs, error, policy)
            tried.update(j.id for j in theirs)
        complete(db, worker, [j for j in claimed if j.document_id not in failed])


class Heartbeat:
    """Renews the claims of a batch every third of a lease while the batch runs, so a long
    batch never loses its lease; a crashed worker's claims run out and another takes them."""

    def __init__(
        self, db: Connectable, worker: str, claimed: Sequence[Job], policy: QueuePolicy
    ) -> None:
        self._args = (db, worker, claimed, policy)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="jobs-heartbeat", daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()

    def _beat(self) -> None:
        db, worker, claimed, policy = self._args
        while not self._stop.wait(policy.lease_seconds / 3):
            try:
                renew(db, worker, claimed, policy)
            except StoreUnavailable as exc:  # the batch notices too; the claim may run out
                log.warning("could not renew the claims of %s: %s", worker, exc)
