"""Draining the re-analysis queue on a real store (SQLite and PostgreSQL) and a real index:
corrections become searchable, concurrent workers share the work, failures are recorded and
retried, and a crashed worker's jobs are taken over. Registry and rules only (no model)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from corpus import jobs as queue
from corpus.entities.analyses import mentions
from corpus.entities.corrections import add_entity
from corpus.entities.reanalysis import REANALYSE
from corpus.entities.store import EntityStore
from corpus.ingestion import ingest
from corpus.jobs import QueuePolicy
from corpus.store import Store
from indexer.build import build_index
from indexer.entities import extraction
from indexer.entities.extraction import ReindexReport, analyse_documents, reindex_documents
from indexer.entities.reanalysis import DrainReport, Failure, drain
from indexer.errors import IndexBusy
from indexer.lock import index_lock
from indexer.search.engine import SearchIndex, SearchRequest

CORPUS_IDS = [
    "analyst-notes",
    "fixture-eastern-forum-2019",
    "fixture-news-pipeline-2018",
    "fixture-no-date",
    "fixture-un-statement-2017",
    "fixture-valdai-2017",
    "tass-report",
]
TASS = "tass-report"
POLICY = QueuePolicy(lease_seconds=300, max_attempts=2, retry_seconds=0)


@pytest.fixture
def instance(store_url: str, corpus_dir: Path, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """The test corpus analysed (rules only) and indexed, on SQLite or PostgreSQL."""
    with Store.open(store_url) as store:
        assert not ingest([corpus_dir], store).failed
        entity_store = EntityStore(store)
        analyse_documents(store, entity_store, recogniser=None, procs=1)
        index_dir = tmp_path / "index"
        build_index(store, index_dir, procs=1)
        yield {"store": store, "entity_store": entity_store, "index_dir": index_dir}


def run(instance: dict[str, Any], worker: str = "w1", **options: Any) -> DrainReport:
    options.setdefault("policy", POLICY)
    return drain(
        instance["store"],
        instance["entity_store"],
        instance["index_dir"],
        None,
        worker=worker,
        **options,
    )


def queue_everything(entity_store: EntityStore) -> None:
    with entity_store.connect(write=True) as conn:
        queue.enqueue(conn, REANALYSE, None)


def entity_hits(instance: dict[str, Any], entity_id: str) -> list[str]:
    index = SearchIndex.open(instance["index_dir"], refresh_seconds=0)
    try:
        request = SearchRequest(query="", entities=(entity_id,), per_page=50)
        result = index.search(request, instance["store"])
    finally:
        index.close()
    return sorted(hit.id for hit in result.hits)


def test_draining_makes_a_correction_searchable(instance: dict[str, Any]) -> None:
    entity_store = instance["entity_store"]
    result = add_entity(entity_store, "Sergey Lavrov", "PERSON", aliases=["Lavrov"])
    assert result.entity is not None
    lavrov = result.entity.id
    assert entity_hits(instance, lavrov) == []  # queued, not yet re-analysed
    report = run(instance)
    assert report.documents == tuple(sorted(result.affected))
    assert report.failures == ()
    assert entity_hits(instance, lavrov) == [TASS]
    assert [m.text for m in mentions(entity_store, TASS) if m.entity_id == lavrov] == [
        "Lavrov",
        "Foreign Minister Sergey Lavrov",
    ]
    assert queue.queue_status(entity_store, REANALYSE).pending == 0


def test_more_documents_than_a_batch_are_analysed_together_then_indexed_once(
    instance: dict[str, Any],
) -> None:
    queue_everything(instance["entity_store"])
    seen: list[DrainReport] = []
    report = run(instance, batch=2, progress=seen.append)
    assert report.documents == tuple(CORPUS_IDS)
    assert [len(r.documents) for r in seen if not r.working] == [len(CORPUS_IDS)]  # one claim
    assert max(r.working for r in seen) == len(CORPUS_IDS)  # counted while analysing
    assert queue.queue_status(instance["entity_store"], REANALYSE).pending == 0


def test_two_workers_draining_together_never_take_the_same_document(
    instance: dict[str, Any],
) -> None:
    queue_everything(instance["entity_store"])
    start = threading.Barrier(2)
    reports: dict[str, DrainReport] = {}

    def work(name: str) -> None:
        start.wait()
        reports[name] = run(instance, name, batch=1)

    threads = [threading.Thread(target=work, args=(name,)) for name in ("w1", "w2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    first, second = reports["w1"].documents, reports["w2"].documents
    assert sorted(first + second) == CORPUS_IDS
    assert not set(first) & set(second)
    assert reports["w1"].failures == reports["w2"].failures == ()
    assert queue.queue_status(instance["entity_store"], REANALYSE).pending == 0


def failing_on(document_id: str) -> Any:
    """``reindex_documents``, except that any batch holding ``document_id`` fails."""

    def reindex(
        store: Store,
        entity_store: EntityStore,
        index_dir: str | Path,
        doc_ids: Iterable[str] | None,
        recogniser: Any,
        *,
        procs: int = 1,
        progress: Any = None,
    ) -> ReindexReport:
        ids = list(doc_ids or ())
        if document_id in ids:
            raise ValueError(f"cannot analyse {document_id}")
        return reindex_documents(
            store, entity_store, index_dir, ids, recogniser, procs=procs, progress=progress
        )

    return reindex


def test_a_failing_document_is_recorded_and_retried_while_the_rest_proceed(
    instance: dict[str, Any],
) -> None:
    entity_store = instance["entity_store"]
    queue_everything(entity_store)
    report = run(instance, batch=10, reindex=failing_on(TASS))
    assert report.documents == tuple(i for i in CORPUS_IDS if i != TASS)
    assert report.failures == (Failure(TASS, f"ValueError: cannot analyse {TASS}", 1, False),)
    status = queue.queue_status(entity_store, REANALYSE)
    assert (status.pending, status.failed) == (1, 0)
    assert [(f.document_id, f.attempts, f.is_failed) for f in status.failures] == [(TASS, 1, False)]
    again = run(instance)  # the cause is gone: the retry succeeds
    assert (again.documents, again.failures) == ((TASS,), ())
    assert queue.queue_status(entity_store, REANALYSE).failures == ()


def test_a_document_whose_analysis_fails_inside_the_step_is_recorded_not_completed(
    instance: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = extraction.analyse_document

    def failing_on_tass(document: Any, *args: Any, **kwargs: Any) -> Any:
        if document.id == TASS:
            raise RecursionError("too deep")
        return real(document, *args, **kwargs)

    monkeypatch.setattr(extraction, "analyse_document", failing_on_tass)
    entity_store = instance["entity_store"]
    queue_everything(entity_store)
    report = run(instance, batch=10)
    assert report.documents == tuple(i for i in CORPUS_IDS if i != TASS)
    assert report.failures == (Failure(TASS, "RecursionError: too deep", 1, False),)
    status = queue.queue_status(entity_store, REANALYSE)
    assert (status.pending, [f.document_id for f in status.failures]) == (1, [TASS])
    monkeypatch.setattr(extraction, "analyse_document", real)  # the cause is gone
    again = run(instance)
    assert (again.documents, again.failures) == ((TASS,), ())


def test_a_document_that_keeps_failing_is_left_failed_after_the_last_attempt(
    instance: dict[str, Any],
) -> None:
    entity_store = instance["entity_store"]
    add_entity(entity_store, "Pyongyang", "LOCATION")
    broken = failing_on(TASS)
    first = run(instance, reindex=broken)
    second = run(instance, reindex=broken)
    assert [f.is_final for f in first.failures + second.failures] == [False, True]
    assert run(instance).documents == ()  # not tried again by itself
    status = queue.queue_status(entity_store, REANALYSE)
    assert (status.pending, status.failed) == (0, 1)
    assert queue.retry_failed(entity_store, REANALYSE) == 1
    assert run(instance).documents == (TASS,)
    assert queue.queue_status(entity_store, REANALYSE).failed == 0


def test_the_jobs_of_a_crashed_worker_are_taken_over_when_its_lease_runs_out(
    instance: dict[str, Any],
) -> None:
    entity_store = instance["entity_store"]
    an_hour_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    with entity_store.connect(write=True) as conn:
        queue.enqueue(conn, REANALYSE, CORPUS_IDS[:3], now=an_hour_ago)
    crashed = queue.claim(entity_store, REANALYSE, "crashed", 10, POLICY, now=an_hour_ago)
    assert len(crashed) == 3
    with entity_store.connect(write=True) as conn:
        queue.enqueue(conn, REANALYSE, [TASS])
    live = queue.claim(entity_store, REANALYSE, "alive", 10, POLICY, document_ids=[TASS])
    assert [j.document_id for j in live] == [TASS]
    report = run(instance, "w2")
    assert report.documents == tuple(CORPUS_IDS[:3])
    status = queue.queue_status(entity_store, REANALYSE)
    assert status.in_progress == 1  # the live claim is left alone


def test_a_busy_index_is_waited_for(instance: dict[str, Any]) -> None:
    add_entity(instance["entity_store"], "Sergey Lavrov", "PERSON", aliases=["Lavrov"])
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with index_lock(instance["index_dir"]):
            held.set()
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(10)
    threading.Timer(0.5, release.set).start()
    report = run(instance, index_wait=30)
    holder.join(10)
    assert (report.documents, report.failures) == ((TASS,), ())


def test_an_index_busy_for_too_long_fails_the_attempt_without_losing_the_mentions(
    instance: dict[str, Any],
) -> None:
    entity_store = instance["entity_store"]
    lavrov = add_entity(entity_store, "Sergey Lavrov", "PERSON").entity
    assert lavrov is not None
    with index_lock(instance["index_dir"]):
        report = run(instance, index_wait=0)
    (failure,) = report.failures
    assert (failure.document_id, failure.error.split(":")[0]) == (TASS, IndexBusy.__name__)
    assert any(m.entity_id == lavrov.id for m in mentions(entity_store, TASS))
    assert run(instance).documents == (TASS,)
    assert entity_hits(instance, lavrov.id) == [TASS]
