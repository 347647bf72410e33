"""The jobs queue on SQLite and PostgreSQL (``store_url``): one waiting job per document and
kind; claims, leases, failures and retries; draining with ``work_through``; and the migration
that turned the re-analysis queue into the jobs table."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence

import pytest
import sqlalchemy as sa
from alembic import command

from corpus import jobs as queue
from corpus.jobs import Job, QueuePolicy, work_through
from corpus.migrations import MIGRATIONS, head_revision
from corpus.model import DocumentDraft
from corpus.store import Store
from corpus.tables import jobs

POLICY = QueuePolicy(lease_seconds=300, max_attempts=2, retry_seconds=60)
NOW = dt.datetime(2026, 1, 5, 12, 0, tzinfo=dt.UTC)
R = "reanalyse"
A = "re-anchor"


@pytest.fixture
def db(store_url: str) -> Iterator[Store]:
    with Store.open(store_url) as store:
        store.put_many([DocumentDraft(f"Text of {id}.", id=id) for id in ("a", "b", "c")])
        yield store


def rows(db: Store) -> list[tuple[str, int | None, int, str | None, bool]]:
    """(document, correction, attempts, claimed_by, is_failed) of every job, by id."""
    j = jobs.c
    stmt = sa.select(j.document_id, j.correction_id, j.attempts, j.claimed_by, j.is_failed)
    with db.connect() as conn:
        return [tuple(r) for r in conn.execute(stmt.order_by(j.id))]  # type: ignore[misc]


def enqueue(db: Store, *ids: str, kind: str = R) -> int:
    with db.connect(write=True) as conn:
        return queue.enqueue(conn, kind, ids, now=NOW)


# -- enqueuing -----------------------------------------------------------------------------


def test_a_waiting_document_is_queued_once_but_one_in_progress_again(db: Store) -> None:
    assert enqueue(db, "a", "b") == 2
    assert enqueue(db, "a") == 1
    assert [d for d, *_ in rows(db)] == ["a", "b"]
    (claimed,) = queue.claim(db, R, "w1", 1, POLICY, now=NOW)
    assert claimed.document_id == "a"
    enqueue(db, "a", "b")
    assert [(d, by) for d, _, _, by, _ in rows(db)] == [("a", "w1"), ("b", None), ("a", None)]


def test_everything_queues_every_document(db: Store) -> None:
    with db.connect(write=True) as conn:
        assert queue.enqueue(conn, R, None) == 3
    assert sorted(d for d, *_ in rows(db)) == ["a", "b", "c"]


# -- claims, leases and failures -----------------------------------------------------------


def test_two_workers_claim_different_jobs_oldest_first(db: Store) -> None:
    enqueue(db, "a", "b", "c")
    first = queue.claim(db, R, "w1", 2, POLICY, now=NOW)
    second = queue.claim(db, R, "w2", 2, POLICY, now=NOW)
    assert [j.document_id for j in first] == ["a", "b"]
    assert [j.document_id for j in second] == ["c"]
    assert queue.claim(db, R, "w3", 2, POLICY, now=NOW) == []
    assert {j.attempts for j in first + second} == {1}


def test_a_claim_can_be_limited_to_some_documents(db: Store) -> None:
    enqueue(db, "a", "b", "c")
    assert [j.document_id for j in queue.claim(db, R, "w", 5, POLICY, document_ids=["c"])] == ["c"]


def test_a_crashed_workers_jobs_are_claimed_again_when_its_lease_runs_out(db: Store) -> None:
    enqueue(db, "a")
    queue.claim(db, R, "crashed", 5, POLICY, now=NOW)
    assert queue.claim(db, R, "w2", 5, POLICY, now=NOW + dt.timedelta(seconds=299)) == []
    (again,) = queue.claim(db, R, "w2", 5, POLICY, now=NOW + dt.timedelta(seconds=301))
    assert (again.document_id, again.attempts) == ("a", 2)


def test_a_renewed_lease_keeps_the_claim(db: Store) -> None:
    enqueue(db, "a")
    claimed = queue.claim(db, R, "w1", 5, POLICY, now=NOW)
    assert queue.renew(db, "w1", claimed, POLICY, now=NOW + dt.timedelta(seconds=200)) == 1
    assert queue.claim(db, R, "w2", 5, POLICY, now=NOW + dt.timedelta(seconds=301)) == []
    assert queue.renew(db, "w2", claimed, POLICY) == 0  # not w2's to renew


def test_a_worker_dying_on_the_last_attempt_leaves_the_job_failed(db: Store) -> None:
    enqueue(db, "a")
    queue.claim(db, R, "w1", 5, POLICY, now=NOW)
    queue.claim(db, R, "w2", 5, POLICY, now=NOW + dt.timedelta(seconds=301))
    assert queue.claim(db, R, "w3", 5, POLICY, now=NOW + dt.timedelta(seconds=700)) == []
    status = queue.queue_status(db, R, now=NOW + dt.timedelta(seconds=700))
    (failure,) = status.failures
    assert (status.pending, status.failed, failure.attempts, failure.is_failed) == (0, 1, 2, True)
    assert failure.error.startswith("w2 stopped during the last attempt")


def test_a_failure_is_recorded_retried_after_a_delay_then_given_up(db: Store) -> None:
    enqueue(db, "a", "b")
    first = queue.claim(db, R, "w", 1, POLICY, now=NOW)
    queue.fail(db, "w", first, "ValueError: bad text", POLICY, now=NOW)
    status = queue.queue_status(db, R, now=NOW)
    assert status.failures == (
        queue.JobFailure("a", 1, "ValueError: bad text", False, NOW + dt.timedelta(seconds=60)),
    )
    later = NOW + dt.timedelta(seconds=30)
    others = queue.claim(db, R, "w", 5, POLICY, now=later)
    assert [j.document_id for j in others] == ["b"]  # "a" waits for its retry
    queue.complete(db, "w", others)
    (second,) = queue.claim(db, R, "w", 5, POLICY, now=NOW + dt.timedelta(seconds=61))
    assert (second.document_id, second.attempts) == ("a", 2)
    queue.fail(db, "w", [second], "ValueError: still bad", POLICY, now=NOW)
    assert queue.claim(db, R, "w", 5, POLICY, now=NOW + dt.timedelta(days=1)) == []
    status = queue.queue_status(db, R, now=NOW)
    assert (status.pending, status.in_progress, status.failed) == (0, 0, 1)
    assert status.failures[0].is_failed and status.failures[0].error == "ValueError: still bad"


def test_retrying_failed_jobs_gives_them_fresh_attempts(db: Store) -> None:
    enqueue(db, "a")
    for attempt in range(2):
        claimed = queue.claim(db, R, "w", 1, POLICY, now=NOW + dt.timedelta(hours=attempt))
        queue.fail(db, "w", claimed, "OSError: disk full", POLICY, now=NOW)
    assert queue.retry_failed(db, R, now=NOW) == 1
    (job,) = queue.claim(db, R, "w", 1, POLICY, now=NOW)
    assert job.attempts == 1


def test_completing_deletes_the_jobs_and_failures_of_the_same_documents(db: Store) -> None:
    enqueue(db, "a")
    for attempt in range(2):
        claimed = queue.claim(db, R, "w", 1, POLICY, now=NOW + dt.timedelta(hours=attempt))
        queue.fail(db, "w", claimed, "OSError: disk full", POLICY, now=NOW)
    enqueue(db, "a", "b")
    claimed = queue.claim(db, R, "w", 5, POLICY)
    assert queue.complete(db, "other", claimed) == 0  # only the claimant completes
    assert queue.complete(db, "w", claimed) == 2
    assert rows(db) == []


# -- kinds -----------------------------------------------------------------------------------


def test_a_document_waits_once_per_kind(db: Store) -> None:
    assert enqueue(db, "a", "b") == 2
    assert enqueue(db, "a", kind=A) == 1
    assert enqueue(db, "a", kind=A) == 1
    assert sorted((d, k) for d, k in kinds(db)) == [("a", A), ("a", R), ("b", R)]


def kinds(db: Store) -> list[tuple[str, str]]:
    with db.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.select(jobs.c.document_id, jobs.c.kind))]  # type: ignore[misc]


def test_a_worker_claims_and_sees_only_the_kind_it_asks_for(db: Store) -> None:
    enqueue(db, "a", "b")
    enqueue(db, "c", kind=A)
    assert queue.has_work(db, A, now=NOW) and queue.has_work(db, R, now=NOW)
    (anchor,) = queue.claim(db, A, "w", 5, POLICY, now=NOW)
    assert (anchor.kind, anchor.document_id) == (A, "c")
    assert not queue.has_work(db, A, now=NOW)
    assert [j.document_id for j in queue.claim(db, R, "w", 5, POLICY, now=NOW)] == ["a", "b"]
    assert queue.queue_status(db, A, now=NOW).pending == 1
    assert queue.pending_documents(db, A, ["a", "b", "c"]) == {"c"}


def test_completing_one_kind_leaves_the_failures_of_another(db: Store) -> None:
    enqueue(db, "a")
    enqueue(db, "a", kind=A)
    for attempt in range(2):
        claimed = queue.claim(db, A, "w", 1, POLICY, now=NOW + dt.timedelta(hours=attempt))
        queue.fail(db, "w", claimed, "OSError: disk full", POLICY, now=NOW)
    assert queue.queue_status(db, A).failed == 1
    queue.complete(db, "w", queue.claim(db, R, "w", 1, POLICY))
    assert queue.queue_status(db, A).failed == 1
    assert queue.retry_failed(db, R) == 0
    assert queue.retry_failed(db, A) == 1


# -- draining with work_through --------------------------------------------------------------


def test_work_through_completes_what_worked_and_records_what_failed(db: Store) -> None:
    enqueue(db, "a", "b", "c")
    batches: list[list[str]] = []

    def work(claimed: Sequence[Job]) -> Mapping[str, str]:
        batches.append([j.document_id for j in claimed])
        return {"b": "ValueError: bad text"} if "b" in batches[-1] else {}

    work_through(db, R, "w", POLICY, work, batch=2)
    assert batches == [["a", "b"], ["c"]]  # "b" is not tried again in the same drain
    status = queue.queue_status(db, R)
    assert (status.pending, status.failed) == (1, 0)
    assert [(f.document_id, f.error, f.is_failed) for f in status.failures] == [
        ("b", "ValueError: bad text", False)
    ]
    assert [d for d, *_ in rows(db)] == ["b"]


def test_work_through_stops_when_asked_and_keeps_to_its_documents(db: Store) -> None:
    enqueue(db, "a", "b", "c")
    seen: list[str] = []

    def work(claimed: Sequence[Job]) -> Mapping[str, str]:
        seen.extend(j.document_id for j in claimed)
        return {}

    work_through(db, R, "w", POLICY, work, batch=1, document_ids=["c", "b"])
    assert seen == ["b", "c"]
    work_through(db, R, "w", POLICY, work, should_stop=lambda: True)
    assert [d for d, *_ in rows(db)] == ["a"]


# -- the migration from the re-analysis queue ---------------------------------------------


def test_migrating_from_0004_turns_queued_reanalyses_into_jobs(store_url: str) -> None:
    with Store.open(store_url) as store:
        store.put_many([DocumentDraft("One.", id="a"), DocumentDraft("Two.", id="b")])
        with store.engine.begin() as conn:  # back to the schema of 0004, then queue as it did
            command.downgrade(MIGRATIONS.config(conn), "0004")
            later = NOW + dt.timedelta(minutes=5)
            conn.execute(
                sa.text(
                    "INSERT INTO reanalysis_jobs (id, document_id, correction_id, enqueued_at, "
                    "available_at, attempts, claimed_by, claimed_until, is_failed, error) VALUES "
                    "(7, 'a', NULL, :now, :now, 0, NULL, NULL, false, ''), "
                    "(9, 'b', NULL, :now, :later, 2, NULL, NULL, true, 'OSError: disk full')"
                ),
                {"now": NOW, "later": later},
            )
    with Store.open(store_url) as store:  # opening migrates to head
        with store.engine.connect() as conn:
            assert MIGRATIONS.current(conn) == head_revision()
            assert not sa.inspect(conn).has_table("reanalysis_jobs")
        status = queue.queue_status(store, R, now=NOW)
        assert (status.pending, status.failed, status.oldest) == (1, 1, NOW)
        assert status.failures[0].error == "OSError: disk full"
        (job,) = queue.claim(store, R, "w", 5, POLICY, now=NOW)
        assert (job.id, job.kind, job.document_id, job.attempts) == (7, R, "a", 1)
        assert enqueue(store, "a", kind=A) == 1  # new ids continue after the copied ones
        with store.connect() as conn:
            assert conn.scalar(sa.select(sa.func.max(jobs.c.id))) == 10


def test_downgrading_to_0004_keeps_the_reanalysis_jobs(db: Store) -> None:
    enqueue(db, "a")
    enqueue(db, "b", kind=A)
    with db.engine.begin() as conn:
        command.downgrade(MIGRATIONS.config(conn), "0004")
        left = conn.execute(sa.text("SELECT id, document_id FROM reanalysis_jobs")).all()
        assert [tuple(r) for r in left] == [(1, "a")]
