"""The jobs queue: work that a worker must do on a document, by kind, until it is done.

One table (``corpus.tables.jobs``, migration 0005) holds every kind: ``"reanalyse"`` (a
correction changed what a document's analysis would find; ``corpus/entities/reanalysis.py``),
and whatever other packages add (annotations: ``"re-anchor"``). Each kind has its own drain,
which claims jobs of that kind only (``indexer/entities/reanalysis.py`` for re-analysis).

- The code that makes work enqueues it in its own transaction (``enqueue(conn, ...)``), so the
  change and its follow-up commit together: a crash can lose neither.
- Workers ``claim`` jobs. A claim is a lease (``claimed_by``, ``claimed_until``) that the
  worker renews while it works (``renew``; ``corpus/jobs/drain.py`` does it for a drain); a
  finished job is deleted (``complete``). A job whose lease ran out (its worker crashed) is
  claimed again. On PostgreSQL the claim selects with ``FOR UPDATE SKIP LOCKED``, so concurrent
  workers take different rows without waiting; SQLite serialises writers (``BEGIN
  IMMEDIATE``), so its conditional UPDATE cannot race.
- Each claim counts an attempt. A failed attempt (``fail``) records its error and waits
  ``retry_seconds`` (doubling) before the next; after ``max_attempts`` the job stays, marked
  failed, until ``retry_failed``, new work on its document, or a later success.
- One waiting (unclaimed) job per document and kind: enqueuing it again keeps the waiting job,
  locked by the enqueuing transaction so no worker claims it before that transaction commits.
  A document being worked on gets a new job, since the worker may have read the old state.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from corpus.database import Connectable
from corpus.tables import documents, jobs

_J = jobs.c
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
    """A claimed job: its kind, which document, and which attempt this is."""

    id: int
    kind: str
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
    """What the queue holds of one kind, counted in documents."""

    pending: int  # still to do: waiting, or being worked on
    in_progress: int  # claimed by a worker whose lease has not run out
    failed: int  # given up after the last attempt
    oldest: dt.datetime | None  # when the oldest pending job was enqueued
    failures: tuple[JobFailure, ...]  # the latest failed attempts (given up or retrying)


def enqueue(
    conn: Connection,
    kind: str,
    document_ids: Iterable[str] | None,
    *,
    correction_id: int | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Queue documents for ``kind`` in the caller's write transaction (``None``: every
    document); returns how many are now waiting because of this call, counting those that
    already were."""
    now = now or _now()
    if document_ids is None:
        chunks: list[list[str] | None] = [None]
    else:
        ids = sorted(set(document_ids))
        chunks = [ids[start : start + _CHUNK] for start in range(0, len(ids), _CHUNK)]
    total = 0
    for chunk in chunks:
        waiting = sa.select(_J.id).where(_J.kind == kind, _J.claimed_by.is_(None), ~_J.is_failed)
        if chunk is not None:
            waiting = waiting.where(_J.document_id.in_(chunk))
        total += len(conn.execute(waiting.with_for_update()).all())  # no claim before commit
        known = sa.select(documents.c.id)
        if chunk is not None:
            known = known.where(documents.c.id.in_(chunk))
        is_waiting = (
            (_J.document_id == documents.c.id)
            & (_J.kind == kind)
            & _J.claimed_by.is_(None)
            & ~_J.is_failed
        )
        fresh = known.where(~sa.exists().where(is_waiting)).add_columns(
            sa.literal(kind, _J.kind.type),
            sa.literal(correction_id, sa.Integer),
            sa.literal(now, _J.enqueued_at.type),
            sa.literal(now, _J.available_at.type),
            sa.literal(0),
            sa.literal(False),
            sa.literal(""),
        )
        columns = ["document_id", "kind", "correction_id", "enqueued_at", "available_at"]
        columns += ["attempts", "is_failed", "error"]
        insert = jobs.insert().from_select(columns, fresh).returning(_J.id)
        total += len(conn.execute(insert).all())
    return total


def claim(
    db: Connectable,
    kind: str,
    worker: str,
    limit: int,
    policy: QueuePolicy,
    *,
    document_ids: Iterable[str] | None = None,
    skip: Iterable[int] = (),
    now: dt.datetime | None = None,
) -> list[Job]:
    """Claim up to ``limit`` jobs of ``kind`` that are due (of ``document_ids`` only, if given;
    not the job ids in ``skip``), oldest first, for ``lease_seconds``. Jobs whose worker died
    on their last attempt are marked failed instead."""
    now = now or _now()
    lease = now + dt.timedelta(seconds=policy.lease_seconds)
    free = _J.claimed_by.is_(None) | (_J.claimed_until < now)
    with db.connect(write=True) as conn:
        conn.execute(
            jobs.update()
            .where(_J.kind == kind, _J.claimed_until < now, ~_J.is_failed)
            .where(_J.attempts >= policy.max_attempts)
            .values(
                is_failed=True,
                claimed_by=None,
                claimed_until=None,
                error=sa.func.coalesce(_J.claimed_by, "")
                + f" stopped during the last attempt (its lease ran out); after "
                f"{policy.max_attempts} attempts the document is left as failed.",
            )
        )
        due = sa.select(_J.id).where(_J.kind == kind, ~_J.is_failed, _J.available_at <= now, free)
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
            jobs.update()
            .where(_J.id.in_(ids), free)
            .values(claimed_by=worker, claimed_until=lease, attempts=_J.attempts + 1)
        )
        mine = sa.select(_J.id, _J.kind, _J.document_id, _J.attempts).where(
            _J.id.in_(ids), _J.claimed_by == worker, _J.claimed_until == lease
        )
        return [Job(*row) for row in conn.execute(mine.order_by(_J.id))]


def has_work(db: Connectable, kind: str, *, now: dt.datetime | None = None) -> bool:
    """True when some job of ``kind`` is due and unclaimed (a read, so idle workers never
    take a lock)."""
    now = now or _now()
    free = _J.claimed_by.is_(None) | (_J.claimed_until < now)
    due = (_J.kind == kind) & ~_J.is_failed & (_J.available_at <= now) & free
    with db.connect() as conn:
        return conn.scalar(sa.select(_J.id).where(due).limit(1)) is not None


def renew(
    db: Connectable,
    worker: str,
    claimed: Sequence[Job],
    policy: QueuePolicy,
    *,
    now: dt.datetime | None = None,
) -> int:
    """Extend the lease of these jobs while ``worker`` still holds them; returns how many."""
    lease = (now or _now()) + dt.timedelta(seconds=policy.lease_seconds)
    stmt = jobs.update().where(_J.id.in_([j.id for j in claimed]), _J.claimed_by == worker)
    with db.connect(write=True) as conn:
        return conn.execute(stmt.values(claimed_until=lease)).rowcount


def complete(db: Connectable, worker: str, claimed: Sequence[Job]) -> int:
    """Delete finished jobs (if ``worker`` still holds them) and the failed jobs of the same
    documents and kind, which this success supersedes; returns how many of ``claimed`` were
    deleted."""
    if not claimed:
        return 0
    with db.connect(write=True) as conn:
        mine = _J.id.in_([j.id for j in claimed]) & (_J.claimed_by == worker)
        done = conn.execute(jobs.delete().where(mine)).rowcount
        for kind in sorted({j.kind for j in claimed}):
            ids = sorted({j.document_id for j in claimed if j.kind == kind})
            stale = (_J.kind == kind) & _J.document_id.in_(ids) & _J.is_failed
            conn.execute(jobs.delete().where(stale))
    return done


def fail(
    db: Connectable,
    worker: str,
    claimed: Sequence[Job],
    error: str,
    policy: QueuePolicy,
    *,
    now: dt.datetime | None = None,
) -> None:
    """Record a failed attempt: retry after the policy's delay, or give up after the last."""
    now = now or _now()
    error = error[:MAX_ERROR_CHARS]
    with db.connect(write=True) as conn:
        for job in claimed:
            is_last = job.attempts >= policy.max_attempts
            stmt = jobs.update().where(_J.id == job.id, _J.claimed_by == worker)
            conn.execute(
                stmt.values(
                    claimed_by=None,
                    claimed_until=None,
                    error=error,
                    is_failed=is_last,
                    available_at=now + policy.retry_delay(job.attempts),
                )
            )


def retry_failed(db: Connectable, kind: str, *, now: dt.datetime | None = None) -> int:
    """Make every failed job of ``kind`` due again with fresh attempts; returns how many
    documents."""
    failed = (_J.kind == kind) & _J.is_failed
    with db.connect(write=True) as conn:
        document_ids = set(conn.scalars(sa.select(_J.document_id).where(failed)))
        stmt = jobs.update().where(failed)
        conn.execute(stmt.values(is_failed=False, attempts=0, available_at=now or _now()))
    return len(document_ids)


def queue_status(
    db: Connectable, kind: str, *, failures: int = 20, now: dt.datetime | None = None
) -> QueueStatus:
    """How many documents are pending, in progress and failed for ``kind``; the latest
    failures."""
    now = now or _now()
    documents_count = sa.func.count(sa.distinct(_J.document_id))
    of_kind = _J.kind == kind
    live = of_kind & _J.claimed_by.is_not(None) & (_J.claimed_until >= now) & ~_J.is_failed
    latest = (
        sa.select(_J.document_id, _J.attempts, _J.error, _J.is_failed, _J.available_at)
        .where(of_kind, _J.error != "")
        .order_by(_J.available_at.desc(), _J.id.desc())
        .limit(failures)
    )
    with db.connect() as conn:
        pending = conn.scalar(sa.select(documents_count).where(of_kind, ~_J.is_failed)) or 0
        in_progress = conn.scalar(sa.select(documents_count).where(live)) or 0
        failed = conn.scalar(sa.select(documents_count).where(of_kind, _J.is_failed)) or 0
        oldest = conn.scalar(sa.select(sa.func.min(_J.enqueued_at)).where(of_kind, ~_J.is_failed))
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


def pending_documents(db: Connectable, kind: str, document_ids: Iterable[str]) -> set[str]:
    """Those of ``document_ids`` with work of ``kind`` still to do (waiting or in progress,
    not failed)."""
    wanted = sorted(set(document_ids))
    found: set[str] = set()
    with db.connect() as conn:
        for start in range(0, len(wanted), _CHUNK):
            stmt = sa.select(_J.document_id).where(
                _J.kind == kind, _J.document_id.in_(wanted[start : start + _CHUNK]), ~_J.is_failed
            )
            found.update(conn.scalars(stmt))
    return found


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
