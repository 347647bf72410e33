"""The re-analysis queue: documents a correction asked to re-analyse and re-index.

- A correction enqueues the documents it affects in its own transaction (``log_correction``
  calls ``enqueue``), so the correction and its follow-up commit together: a crash can lose
  neither. The work itself (``indexer/reanalysis.py``) runs later, in a worker.
- Workers ``claim`` jobs. A claim is a lease (``claimed_by``, ``claimed_until``) that the
  worker renews while it works (``renew``); a finished job is deleted (``complete``). A job
  whose lease ran out (its worker crashed) is claimed again. On PostgreSQL the claim selects
  with ``FOR UPDATE SKIP LOCKED``, so concurrent workers take different rows without waiting;
  SQLite serialises writers (``BEGIN IMMEDIATE``), so its conditional UPDATE cannot race.
- Each claim counts an attempt. A failed attempt (``fail``) records its error and waits
  ``retry_seconds`` (doubling) before the next; after ``max_attempts`` the job stays, marked
  failed, until ``retry_failed``, a new correction of its document, or a later success.
- One waiting (unclaimed) job per document: enqueuing it again keeps the waiting job, locked
  by the enqueuing transaction so no worker claims it before that correction commits. A
  document being worked on gets a new job, since the worker may have read the old registry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from corpus.entities.store import EntityStore, utc_now
from corpus.entities.tables import entity_corrections, entity_mentions, reanalysis_jobs
from corpus.tables import documents

_J = reanalysis_jobs.c
_CHUNK = 500  # ids per IN (...) list
MAX_ERROR_CHARS = 2000


@dataclass(frozen=True)
class QueuePolicy:
    """How long a claim lasts unrenewed, how often a document is tried, how long between."""

    lease_seconds: float = 60.0  # renewed every third of it while a worker works
    max_attempts: int = 3
    retry_seconds: float = 30.0  # before the second attempt; doubles after each failure

    def retry_delay(self, attempts: int) -> dt.timedelta:
        """The wait after the ``attempts``-th failed attempt."""
        return dt.timedelta(seconds=self.retry_seconds * 2 ** max(attempts - 1, 0))


@dataclass(frozen=True)
class Job:
    """A claimed job: which document, and which attempt this is."""

    id: int
    document_id: str
    attempts: int


@dataclass(frozen=True)
class JobFailure:
    """A document whose last attempt failed: retried at ``retry_at``, or given up."""

    document_id: str
    attempts: int
    error: str
    is_failed: bool
    retry_at: dt.datetime | None


@dataclass(frozen=True)
class QueueStatus:
    """What the queue holds, counted in documents."""

    pending: int  # still to re-analyse: waiting, or being worked on
    in_progress: int  # claimed by a worker whose lease has not run out
    failed: int  # given up after the last attempt
    oldest: dt.datetime | None  # when the oldest pending job was enqueued
    failures: tuple[JobFailure, ...]  # the latest failed attempts (given up or retrying)


def enqueue(
    conn: Connection,
    document_ids: Iterable[str] | None,
    *,
    correction_id: int | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Queue documents in the caller's write transaction (``None``: every document); returns
    how many are now waiting because of this call, counting those that already were."""
    now = now or utc_now()
    if document_ids is None:
        chunks: list[list[str] | None] = [None]
    else:
        ids = sorted(set(document_ids))
        chunks = [ids[start : start + _CHUNK] for start in range(0, len(ids), _CHUNK)]
    total = 0
    for chunk in chunks:
        waiting = sa.select(_J.id).where(_J.claimed_by.is_(None), ~_J.is_failed)
        if chunk is not None:
            waiting = waiting.where(_J.document_id.in_(chunk))
        total += len(conn.execute(waiting.with_for_update()).all())  # no claim before commit
        known = sa.select(documents.c.id)
        if chunk is not None:
            known = known.where(documents.c.id.in_(chunk))
        is_waiting = (_J.document_id == documents.c.id) & _J.claimed_by.is_(None) & ~_J.is_failed
        fresh = known.where(~sa.exists().where(is_waiting)).add_columns(
            sa.literal(correction_id, sa.Integer),
            sa.literal(now, reanalysis_jobs.c.enqueued_at.type),
            sa.literal(now, reanalysis_jobs.c.available_at.type),
            sa.literal(0),
            sa.literal(False),
            sa.literal(""),
        )
        columns = ["document_id", "correction_id", "enqueued_at", "available_at"]
        columns += ["attempts", "is_failed", "error"]
        insert = reanalysis_jobs.insert().from_select(columns, fresh).returning(_J.id)
        total += len(conn.execute(insert).all())
    return total


def claim(
    store: EntityStore,
    worker: str,
    limit: int,
    policy: QueuePolicy,
    *,
    document_ids: Iterable[str] | None = None,
    skip: Iterable[int] = (),
    now: dt.datetime | None = None,
) -> list[Job]:
    """Claim up to ``limit`` jobs that are due (of ``document_ids`` only, if given; not the
    job ids in ``skip``), oldest first, for ``lease_seconds``. Jobs whose worker died on their
    last attempt are marked failed instead."""
    now = now or utc_now()
    lease = now + dt.timedelta(seconds=policy.lease_seconds)
    free = _J.claimed_by.is_(None) | (_J.claimed_until < now)
    with store.connect(write=True) as conn:
        conn.execute(
            reanalysis_jobs.update()
            .where(_J.claimed_until < now, _J.attempts >= policy.max_attempts, ~_J.is_failed)
            .values(
                is_failed=True,
                claimed_by=None,
                claimed_until=None,
                error=sa.func.coalesce(_J.claimed_by, "")
                + f" stopped during the last attempt (its lease ran out); after "
                f"{policy.max_attempts} attempts the document is left as failed.",
            )
        )
        due = sa.select(_J.id).where(~_J.is_failed, _J.available_at <= now, free)
        wanted = sorted(set(document_ids)) if document_ids is not None else []
        if document_ids is not None and len(wanted) <= _CHUNK:  # else: any job will do
            due = due.where(_J.document_id.in_(wanted))
        if skipped := sorted(set(skip)):
            due = due.where(_J.id.not_in(skipped))
        due = due.order_by(_J.id).limit(limit).with_for_update(skip_locked=True)
        ids = list(conn.scalars(due))
        if not ids:
            return []
        conn.execute(
            reanalysis_jobs.update()
            .where(_J.id.in_(ids), free)
            .values(claimed_by=worker, claimed_until=lease, attempts=_J.attempts + 1)
        )
        mine = sa.select(_J.id, _J.document_id, _J.attempts).where(
            _J.id.in_(ids), _J.claimed_by == worker, _J.claimed_until == lease
        )
        return [Job(r.id, r.document_id, r.attempts) for r in conn.execute(mine.order_by(_J.id))]


def has_work(store: EntityStore, *, now: dt.datetime | None = None) -> bool:
    """True when some job is due and unclaimed (a read, so idle workers never take a lock)."""
    now = now or utc_now()
    free = _J.claimed_by.is_(None) | (_J.claimed_until < now)
    stmt = sa.select(_J.id).where(~_J.is_failed, _J.available_at <= now, free).limit(1)
    with store.connect() as conn:
        return conn.scalar(stmt) is not None


def renew(
    store: EntityStore,
    worker: str,
    jobs: Sequence[Job],
    policy: QueuePolicy,
    *,
    now: dt.datetime | None = None,
) -> int:
    """Extend the lease of these jobs while ``worker`` still holds them; returns how many."""
    lease = (now or utc_now()) + dt.timedelta(seconds=policy.lease_seconds)
    stmt = reanalysis_jobs.update().where(_J.id.in_([j.id for j in jobs]), _J.claimed_by == worker)
    with store.connect(write=True) as conn:
        return conn.execute(stmt.values(claimed_until=lease)).rowcount


def complete(store: EntityStore, worker: str, jobs: Sequence[Job]) -> int:
    """Delete finished jobs (if ``worker`` still holds them) and the failed jobs of the same
    documents, which this success supersedes; returns how many of ``jobs`` were deleted."""
    if not jobs:
        return 0
    with store.connect(write=True) as conn:
        mine = _J.id.in_([j.id for j in jobs]) & (_J.claimed_by == worker)
        done = conn.execute(reanalysis_jobs.delete().where(mine)).rowcount
        stale = _J.document_id.in_(sorted({j.document_id for j in jobs})) & _J.is_failed
        conn.execute(reanalysis_jobs.delete().where(stale))
    return done


def fail(
    store: EntityStore,
    worker: str,
    jobs: Sequence[Job],
    error: str,
    policy: QueuePolicy,
    *,
    now: dt.datetime | None = None,
) -> None:
    """Record a failed attempt: retry after the policy's delay, or give up after the last."""
    now = now or utc_now()
    error = error[:MAX_ERROR_CHARS]
    with store.connect(write=True) as conn:
        for job in jobs:
            is_last = job.attempts >= policy.max_attempts
            stmt = reanalysis_jobs.update().where(_J.id == job.id, _J.claimed_by == worker)
            conn.execute(
                stmt.values(
                    claimed_by=None,
                    claimed_until=None,
                    error=error,
                    is_failed=is_last,
                    available_at=now + policy.retry_delay(job.attempts),
                )
            )


def retry_failed(store: EntityStore, *, now: dt.datetime | None = None) -> int:
    """Make every failed job due again with fresh attempts; returns how many documents."""
    with store.connect(write=True) as conn:
        documents_ids = set(conn.scalars(sa.select(_J.document_id).where(_J.is_failed)))
        stmt = reanalysis_jobs.update().where(_J.is_failed)
        conn.execute(stmt.values(is_failed=False, attempts=0, available_at=now or utc_now()))
    return len(documents_ids)


def queue_status(
    store: EntityStore, *, failures: int = 20, now: dt.datetime | None = None
) -> QueueStatus:
    """How many documents are pending, in progress and failed; the latest failures."""
    now = now or utc_now()
    documents_count = sa.func.count(sa.distinct(_J.document_id))
    live = _J.claimed_by.is_not(None) & (_J.claimed_until >= now) & ~_J.is_failed
    latest = (
        sa.select(_J.document_id, _J.attempts, _J.error, _J.is_failed, _J.available_at)
        .where(_J.error != "")
        .order_by(_J.available_at.desc(), _J.id.desc())
        .limit(failures)
    )
    with store.connect() as conn:
        pending = conn.scalar(sa.select(documents_count).where(~_J.is_failed)) or 0
        in_progress = conn.scalar(sa.select(documents_count).where(live)) or 0
        failed = conn.scalar(sa.select(documents_count).where(_J.is_failed)) or 0
        oldest = conn.scalar(sa.select(sa.func.min(_J.enqueued_at)).where(~_J.is_failed))
        rows = conn.execute(latest).all()
    return QueueStatus(
        pending=pending,
        in_progress=in_progress,
        failed=failed,
        oldest=oldest,
        failures=tuple(
            JobFailure(
                r.document_id,
                r.attempts,
                r.error,
                r.is_failed,
                None if r.is_failed else r.available_at,
            )
            for r in rows
        ),
    )


def pending_documents(store: EntityStore, document_ids: Iterable[str]) -> set[str]:
    """Those of ``document_ids`` still to re-analyse (waiting or in progress, not failed)."""
    wanted = sorted(set(document_ids))
    found: set[str] = set()
    with store.connect() as conn:
        for start in range(0, len(wanted), _CHUNK):
            stmt = sa.select(_J.document_id).where(
                _J.document_id.in_(wanted[start : start + _CHUNK]), ~_J.is_failed
            )
            found.update(conn.scalars(stmt))
    return found


def pending_for_entity(store: EntityStore, entity_id: str) -> int:
    """Documents still to re-analyse that mention the entity now, or that a correction of the
    entity queued: the documents whose re-analysis may change its page."""
    c, m = entity_corrections.c, entity_mentions.c
    corrected = sa.exists().where(c.id == _J.correction_id, c.entity_id == entity_id)
    current = (documents.c.id == m.document_id) & (documents.c.current_version == m.version)
    mentioned = sa.exists().where(
        current, m.document_id == _J.document_id, m.entity_id == entity_id
    )
    stmt = sa.select(sa.func.count(sa.distinct(_J.document_id))).where(
        ~_J.is_failed, corrected | mentioned
    )
    with store.connect() as conn:
        return conn.scalar(stmt) or 0
