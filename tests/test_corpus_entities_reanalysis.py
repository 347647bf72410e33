"""Re-analysis jobs on SQLite and PostgreSQL (``store_url``): corrections enqueue them in their
own transaction, and what entity pages ask of them; and the snippet query that reads mentions
by offset range. The queue's own rules are tested in ``test_corpus_jobs.py``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from corpus import jobs as queue
from corpus.entities import analyses as stored
from corpus.entities import corrections, tagging
from corpus.entities.dry_run import Preview, preview
from corpus.entities.model import Mention
from corpus.entities.reanalysis import (
    REANALYSE,
    ReanalysisProgress,
    pending_for_entity,
    reanalysis_progress,
)
from corpus.entities.store import EntityStore
from corpus.model import DocumentDraft, Span
from corpus.store import Store
from corpus.tables import jobs as jobs_table

TEXT = "President Putin met Kim Jong-un in Pyongyang on Monday. Putin spoke of Russia."
OTHER = "Kim Jong-un inspected a missile. Russia was not mentioned by Pyongyang."
QUIET = "Nothing of note happened on the coast."
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
    j = jobs_table.c
    stmt = sa.select(j.document_id, j.correction_id, j.attempts, j.claimed_by, j.is_failed)
    with es.connect() as conn:
        return [tuple(r) for r in conn.execute(stmt.order_by(j.id))]  # type: ignore[misc]


def enqueue(es: EntityStore, *ids: str) -> int:
    with es.connect(write=True) as conn:
        return queue.enqueue(conn, REANALYSE, ids, now=NOW)


# -- corrections enqueue ------------------------------------------------------------------


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
    return list(conn.scalars(sa.select(jobs_table.c.document_id)))


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


def test_status_counts_documents_and_pages_ask_about_theirs(es: EntityStore) -> None:
    putin = corrections.add_entity(es, "Vladimir Putin", "PERSON", aliases=["Putin"]).entity
    assert putin is not None
    assert queue.pending_documents(es, REANALYSE, ["a", "b", "c"]) == {"a"}
    assert pending_for_entity(es, putin.id) == 1  # queued by a correction of Putin
    assert pending_for_entity(es, "someone-else") == 0
    enqueue(es, "b")
    claimed = queue.claim(es, REANALYSE, "w", 1, queue.QueuePolicy())
    status = queue.queue_status(es, REANALYSE)
    assert (status.pending, status.in_progress, status.failed) == (2, 1, 0)
    assert status.oldest is not None and status.oldest.tzinfo is not None
    queue.complete(es, "w", claimed)  # "a", queued by the correction
    assert pending_for_entity(es, putin.id) == 0
    kim = Mention(Span(0, 11), "PERSON", "Kim Jong-un", "model", 0.9, putin.id)
    stored.replace_mentions(es, "b", 1, [kim], [0])
    assert pending_for_entity(es, putin.id) == 1  # "b" is pending and mentions him


# -- how many a correction would queue, and how far re-analysis is ---------------------------


def test_a_preview_counts_the_documents_and_keeps_nothing(es: EntityStore) -> None:
    found = preview(lambda: corrections.add_entity(es, "Pyongyang", "LOCATION"))
    assert found == Preview(2)
    assert (jobs(es), corrections.history(es), es.entities()) == ([], [], [])
    assert preview(lambda: tagging.suppress(es, "Putin")) == Preview(1)
    with pytest.raises(corrections.InvalidEntity):  # refused in a preview as for real
        preview(lambda: corrections.add_entity(es, " ", "LOCATION"))
    added = corrections.add_entity(es, "Pyongyang", "LOCATION")  # the preview left no lock
    assert added.correction.detail["documents"] == 2 and len(jobs(es)) == 2


def test_progress_counts_from_the_oldest_correction_still_waiting(es: EntityStore) -> None:
    assert reanalysis_progress(es) is None
    corrections.add_entity(es, "Pyongyang", "LOCATION")  # a, b
    corrections.add_entity(es, "Russia", "LOCATION")  # a, b again: the waiting jobs stay
    assert reanalysis_progress(es) == ReanalysisProgress(0, 2)
    claimed = queue.claim(es, REANALYSE, "w", 1, queue.QueuePolicy())
    corrections.add_entity(es, "Kim Jong-un", "PERSON")  # a (being worked on: a new job), b
    assert reanalysis_progress(es) == ReanalysisProgress(0, 3)
    queue.complete(es, "w", claimed)
    found = reanalysis_progress(es)
    assert found is not None and (found.done, found.total, found.failed) == (1, 3, 0)
    queue.complete(es, "w", queue.claim(es, REANALYSE, "w", 5, queue.QueuePolicy()))
    assert reanalysis_progress(es) is None  # the queue is empty: nothing to show
    corrections.add_entity(es, "Korea", "LOCATION")  # nowhere
    corrections.add_entity(es, "coast", "LOCATION")
    assert reanalysis_progress(es) == ReanalysisProgress(0, 1)  # counted afresh


def test_progress_counts_a_document_analysed_since_it_was_queued_and_not_a_failed_one(
    es: EntityStore,
) -> None:
    added = corrections.add_entity(es, "Pyongyang", "LOCATION")  # a, b
    assert reanalysis_progress(es) == ReanalysisProgress(0, 2)
    claimed = queue.claim(es, REANALYSE, "w", 5, queue.QueuePolicy())
    assert len(claimed) == 2
    stored.replace_many(es, [stored.MentionSet("a", 1, [], [])])  # a is analysed, not indexed
    later = added.correction.at + dt.timedelta(seconds=30)
    found = reanalysis_progress(es, now=later)
    assert found == ReanalysisProgress(1, 2, 0, 30.0)  # one done in 30 s: one left, 30 s
    no_retries = queue.QueuePolicy(max_attempts=1)
    queue.fail(es, "w", [j for j in claimed if j.document_id == "b"], "broken", no_retries)
    found = reanalysis_progress(es, now=later)
    assert found == ReanalysisProgress(1, 2, 1, 0.0)  # a failed document is not done
    queue.complete(es, "w", [j for j in claimed if j.document_id == "a"])
    assert reanalysis_progress(es) is None  # only a failed one is left: nothing waits


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
