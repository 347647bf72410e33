"""The re-analysis queue on SQLite and PostgreSQL (``store_url``): corrections enqueue in their
own transaction; claims, leases, failures and retries; what pages ask of it; and the snippet
query that reads mentions by offset range."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from corpus.entities import corrections, tagging
from corpus.entities import mentions as stored
from corpus.entities import reanalysis as queue
from corpus.entities.model import Mention
from corpus.entities.reanalysis import QueuePolicy
from corpus.entities.store import EntityStore
from corpus.entities.tables import reanalysis_jobs
from corpus.model import DocumentDraft, Span
from corpus.store import Store

TEXT = "President Putin met Kim Jong-un in Pyongyang on Monday. Putin spoke of Russia."
OTHER = "Kim Jong-un inspected a missile. Russia was not mentioned by Pyongyang."
QUIET = "Nothing of note happened on the coast."
POLICY = QueuePolicy(lease_seconds=300, max_attempts=2, retry_seconds=60)
NOW = dt.datetime(2026, 1, 5, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def es(store_url: str) -> Iterator[EntityStore]:
    with Store.open(store_url) as store:
        store.put_many(
            [
                DocumentDraft(TEXT, id="a"),
                DocumentDraft(OTHER, id="b"),
                DocumentDraft(QUIET, id="c"),
            ]
        )
        yield EntityStore(store)


def jobs(es: EntityStore) -> list[tuple[str, int | None, int, str | None, bool]]:
    """(document, correction, attempts, claimed_by, is_failed) of every job, by id."""
    j = reanalysis_jobs.c
    stmt = sa.select(j.document_id, j.correction_id, j.attempts, j.claimed_by, j.is_failed)
    with es.connect() as conn:
        return [tuple(r) for r in conn.execute(stmt.order_by(j.id))]  # type: ignore[misc]


def enqueue(es: EntityStore, *ids: str) -> int:
    with es.connect(write=True) as conn:
        return queue.enqueue(conn, ids, now=NOW)


# -- enqueuing -----------------------------------------------------------------------------


def test_a_correction_queues_the_documents_it_affects_with_its_id(es: EntityStore) -> None:
    result = corrections.add_entity(es, "Pyongyang", "LOCATION")
    assert result.affected == {"a", "b"}
    number = result.correction.id
    assert jobs(es) == [("a", number, 0, None, False), ("b", number, 0, None, False)]


def test_the_queue_commits_or_rolls_back_with_the_correction(es: EntityStore) -> None:
    with pytest.raises(RuntimeError), corrections.writing(es) as conn:
        corrections.log_correction(conn, "alias", "anna", "x", {"alias": "X"}, affected=["a"])
        assert len(jobs_in(conn)) == 1  # queued in the correction's own transaction
        raise RuntimeError("the process dies before the commit")
    assert jobs(es) == []
    assert corrections.history(es) == []


def jobs_in(conn: sa.Connection) -> list[str]:
    return list(conn.scalars(sa.select(reanalysis_jobs.c.document_id)))


def test_a_refused_correction_queues_nothing(es: EntityStore) -> None:
    corrections.add_entity(es, "Pyongyang", "LOCATION")
    before = jobs(es)
    with pytest.raises(corrections.InvalidEntity):
        corrections.add_entity(es, "Pyongyang", "LOCATION")
    assert jobs(es) == before


def test_tags_and_suppressions_queue_the_documents_they_name(es: EntityStore) -> None:
    tagged = tagging.tag(es, "c", Span(22, 31), type="LOCATION")
    assert [(d, c) for d, c, *_ in jobs(es)] == [("c", tagged.correction.id)]
    suppressed = tagging.suppress(es, "Pyongyang")
    assert [(d, c) for d, c, *_ in jobs(es)][1:] == [
        ("a", suppressed.correction.id),
        ("b", suppressed.correction.id),
    ]


def test_a_waiting_document_is_queued_once_but_one_in_progress_again(es: EntityStore) -> None:
    assert enqueue(es, "a", "b") == 2
    assert enqueue(es, "a") == 1
    assert [d for d, *_ in jobs(es)] == ["a", "b"]
    (claimed,) = queue.claim(es, "w1", 1, POLICY, now=NOW)
    assert claimed.document_id == "a"
    enqueue(es, "a", "b")
    assert [(d, by) for d, _, _, by, _ in jobs(es)] == [("a", "w1"), ("b", None), ("a", None)]


def test_everything_queues_every_document(es: EntityStore) -> None:
    with es.connect(write=True) as conn:
        assert queue.enqueue(conn, None) == 3
    assert sorted(d for d, *_ in jobs(es)) == ["a", "b", "c"]


# -- claims, leases and failures -----------------------------------------------------------


def test_two_workers_claim_different_jobs_oldest_first(es: EntityStore) -> None:
    enqueue(es, "a", "b", "c")
    first = queue.claim(es, "w1", 2, POLICY, now=NOW)
    second = queue.claim(es, "w2", 2, POLICY, now=NOW)
    assert [j.document_id for j in first] == ["a", "b"]
    assert [j.document_id for j in second] == ["c"]
    assert queue.claim(es, "w3", 2, POLICY, now=NOW) == []
    assert {j.attempts for j in first + second} == {1}


def test_a_claim_can_be_limited_to_some_documents(es: EntityStore) -> None:
    enqueue(es, "a", "b", "c")
    assert [j.document_id for j in queue.claim(es, "w", 5, POLICY, document_ids=["c"])] == ["c"]


def test_a_crashed_workers_jobs_are_claimed_again_when_its_lease_runs_out(es: EntityStore) -> None:
    enqueue(es, "a")
    queue.claim(es, "crashed", 5, POLICY, now=NOW)
    assert queue.claim(es, "w2", 5, POLICY, now=NOW + dt.timedelta(seconds=299)) == []
    (again,) = queue.claim(es, "w2", 5, POLICY, now=NOW + dt.timedelta(seconds=301))
    assert (again.document_id, again.attempts) == ("a", 2)


def test_a_renewed_lease_keeps_the_claim(es: EntityStore) -> None:
    enqueue(es, "a")
    claimed = queue.claim(es, "w1", 5, POLICY, now=NOW)
    assert queue.renew(es, "w1", claimed, POLICY, now=NOW + dt.timedelta(seconds=200)) == 1
    assert queue.claim(es, "w2", 5, POLICY, now=NOW + dt.timedelta(seconds=301)) == []
    assert queue.renew(es, "w2", claimed, POLICY) == 0  # not w2's to renew


def test_a_worker_dying_on_the_last_attempt_leaves_the_job_failed(es: EntityStore) -> None:
    enqueue(es, "a")
    queue.claim(es, "w1", 5, POLICY, now=NOW)
    queue.claim(es, "w2", 5, POLICY, now=NOW + dt.timedelta(seconds=301))
    assert queue.claim(es, "w3", 5, POLICY, now=NOW + dt.timedelta(seconds=700)) == []
    status = queue.queue_status(es, now=NOW + dt.timedelta(seconds=700))
    (failure,) = status.failures
    assert (status.pending, status.failed, failure.attempts, failure.is_failed) == (0, 1, 2, True)
    assert failure.error.startswith("w2 stopped during the last attempt")


def test_a_failure_is_recorded_retried_after_a_delay_then_given_up(es: EntityStore) -> None:
    enqueue(es, "a", "b")
    first = queue.claim(es, "w", 1, POLICY, now=NOW)
    queue.fail(es, "w", first, "ValueError: bad text", POLICY, now=NOW)
    status = queue.queue_status(es, now=NOW)
    assert status.failures == (
        queue.JobFailure("a", 1, "ValueError: bad text", False, NOW + dt.timedelta(seconds=60)),
    )
    later = NOW + dt.timedelta(seconds=30)
    others = queue.claim(es, "w", 5, POLICY, now=later)
    assert [j.document_id for j in others] == ["b"]  # "a" waits for its retry
    queue.complete(es, "w", others)
    (second,) = queue.claim(es, "w", 5, POLICY, now=NOW + dt.timedelta(seconds=61))
    assert (second.document_id, second.attempts) == ("a", 2)
    queue.fail(es, "w", [second], "ValueError: still bad", POLICY, now=NOW)
    assert queue.claim(es, "w", 5, POLICY, now=NOW + dt.timedelta(days=1)) == []
    status = queue.queue_status(es, now=NOW)
    assert (status.pending, status.in_progress, status.failed) == (0, 0, 1)
    assert status.failures[0].is_failed and status.failures[0].error == "ValueError: still bad"


def test_retrying_failed_jobs_gives_them_fresh_attempts(es: EntityStore) -> None:
    enqueue(es, "a")
    for attempt in range(2):
        claimed = queue.claim(es, "w", 1, POLICY, now=NOW + dt.timedelta(hours=attempt))
        queue.fail(es, "w", claimed, "OSError: disk full", POLICY, now=NOW)
    assert queue.retry_failed(es, now=NOW) == 1
    (job,) = queue.claim(es, "w", 1, POLICY, now=NOW)
    assert job.attempts == 1


def test_completing_deletes_the_jobs_and_failures_of_the_same_documents(es: EntityStore) -> None:
    enqueue(es, "a")
    for attempt in range(2):
        claimed = queue.claim(es, "w", 1, POLICY, now=NOW + dt.timedelta(hours=attempt))
        queue.fail(es, "w", claimed, "OSError: disk full", POLICY, now=NOW)
    enqueue(es, "a", "b")
    claimed = queue.claim(es, "w", 5, POLICY)
    assert queue.complete(es, "other", claimed) == 0  # only the claimant completes
    assert queue.complete(es, "w", claimed) == 2
    assert jobs(es) == []


def test_status_counts_documents_and_pages_ask_about_theirs(es: EntityStore) -> None:
    putin = corrections.add_entity(es, "Vladimir Putin", "PERSON", aliases=["Putin"]).entity
    assert putin is not None
    assert queue.pending_documents(es, ["a", "b", "c"]) == {"a"}
    assert queue.pending_for_entity(es, putin.id) == 1  # queued by a correction of Putin
    assert queue.pending_for_entity(es, "someone-else") == 0
    enqueue(es, "b")
    claimed = queue.claim(es, "w", 1, POLICY)
    status = queue.queue_status(es)
    assert (status.pending, status.in_progress, status.failed) == (2, 1, 0)
    assert status.oldest is not None and status.oldest.tzinfo is not None
    queue.complete(es, "w", claimed)  # "a", queued by the correction
    assert queue.pending_for_entity(es, putin.id) == 0
    kim = Mention(Span(0, 11), "PERSON", "Kim Jong-un", "model", 0.9, putin.id)
    stored.replace_mentions(es, "b", 1, [kim], [0])
    assert queue.pending_for_entity(es, putin.id) == 1  # "b" is pending and mentions him


# -- the snippet query ---------------------------------------------------------------------


def mention(start: int, end: int, type: str = "PERSON") -> Mention:
    return Mention(Span(start, end), type, TEXT[start:end], "model", 0.9)


def test_mentions_starting_in_reads_only_the_mentions_of_the_ranges(es: EntityStore) -> None:
    found = [mention(10, 15), mention(20, 31), mention(35, 44, "LOCATION"), mention(57, 62)]
    stored.replace_mentions(es, "a", 1, found, [0, 0, 0, 1])
    ranges = {"a": [Span(0, 12), Span(33, 60)], "b": [Span(0, 50)], "c": []}
    assert stored.mentions_starting_in(es, ranges) == {
        "a": [found[0], found[2], found[3]],
        "b": [],
        "c": [],
    }


def test_mentions_starting_in_reads_the_current_version(es: EntityStore) -> None:
    stored.replace_mentions(es, "a", 1, [mention(10, 15)], [0])
    es.store.put(DocumentDraft(TEXT + " More.", id="a"))
    assert stored.mentions_starting_in(es, {"a": [Span(0, 80)]}) == {"a": []}


def test_the_snippet_query_is_a_range_scan_of_the_primary_key(database_url: str) -> None:
    with Store.open(database_url) as store:
        store.put(DocumentDraft(TEXT, id="a"))
        seen: list[tuple[str, Any]] = []
        sa.event.listen(
            store.engine,
            "before_cursor_execute",
            lambda _c, _cur, statement, parameters, *_: seen.append((statement, parameters)),
        )
        stored.mentions_starting_in(EntityStore(store), {"a": [Span(0, 10), Span(40, 60)]})
        statement, parameters = seen[-1]
        assert "FROM entity_mentions" in statement
        with store.engine.connect() as conn:
            plan = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
    details = [str(row[-1]) for row in plan]
    assert details == [
        "MULTI-INDEX OR",
        "INDEX 1",
        "SEARCH entity_mentions USING INDEX sqlite_autoindex_entity_mentions_1 "
        "(document_id=? AND version=? AND start_offset>? AND start_offset<?)",
        "INDEX 2",
        "SEARCH entity_mentions USING INDEX sqlite_autoindex_entity_mentions_1 "
        "(document_id=? AND version=? AND start_offset>? AND start_offset<?)",
    ]
