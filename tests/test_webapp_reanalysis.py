"""Re-analysis after corrections in the web app (CSRF on): what the pages and the API say while
documents wait, the background worker, ``dossier entities reanalyse``, ``/api/search?entity=``
and the snippets' entity layer. Registry and rules only (no model)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from corpus import jobs as queue
from corpus.entities.corrections import add_entity
from corpus.entities.reanalysis import REANALYSE
from corpus.entities.store import EntityStore
from corpus.jobs import QueuePolicy
from corpus.model import DocumentDraft
from corpus.store import Store
from indexer.build import build_index
from indexer.entities.extraction import analyse_documents
from indexer.entities.reanalysis import drain
from indexer.search.engine import SearchIndex, SearchRequest
from webapp.cli.commands import cli
from webapp.config import ConfigError
from webapp.entity_layer import hit_mentions, snippet_marks, snippet_mentions
from webapp.jobs import stop_worker

TASS = "tass-report"
FORUM = "fixture-eastern-forum-2019"
DEADLINE = 60.0  # seconds a background worker gets to finish (it takes well under one here)


@pytest.fixture
def pyongyang(store: Store, index_dir: Path) -> str:
    """The test corpus analysed with a registry of one place, and indexed; its entity id."""
    entity_store = EntityStore(store)
    entity = add_entity(entity_store, "Pyongyang", "LOCATION").entity
    assert entity is not None
    analyse_documents(store, entity_store, recogniser=None, procs=1)
    drain(store, entity_store, index_dir, None, worker="setup", policy=QueuePolicy())
    build_index(store, index_dir, procs=1)
    return entity.id


@pytest.fixture
def apps(make_app: Callable[..., Any]) -> Iterator[Callable[..., Any]]:
    """``make_app``, stopping every background worker it started afterwards."""
    made: list[Any] = []

    def _make(**overrides: Any) -> Any:
        made.append(make_app(**overrides))
        return made[-1]

    yield _make
    for app in made:
        stop_worker(app)


def soup(response: Any) -> BeautifulSoup:
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def add_lavrov(client: Any) -> BeautifulSoup:
    """Add "Sergey Lavrov" (alias "Lavrov") from the registry page's form; the page it leads to."""
    form = soup(client.get("/entities")).select_one("input[name=csrf_token]")
    assert form is not None
    response = client.post(
        "/entities",
        data={
            "csrf_token": form["value"],
            "name": "Sergey Lavrov",
            "type": "PERSON",
            "aliases": "Lavrov",
        },
    )
    assert response.status_code == 303
    return soup(client.get(response.headers["Location"]))


def flashes(page: BeautifulSoup) -> list[str]:
    return [p.get_text() for p in page.select(".flash p")]


def pending_notice(page: BeautifulSoup) -> tuple[str, str] | None:
    found = page.select_one(".reanalysis-pending")
    if found is None:
        return None
    return str(found["data-reanalysis-pending"]), found.p.get_text(strip=True)  # type: ignore[union-attr]


def entity_hits(client: Any, entity_id: str) -> list[str]:
    body = client.get("/api/search", query_string={"entity": entity_id}).get_json()
    return sorted(hit["id"] for hit in body["hits"])


def wait_until(check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    pytest.fail(f"{what} did not happen within {DEADLINE:.0f} s")


def test_queued_documents_show_as_pending_until_the_queue_is_drained(
    apps: Callable[..., Any], pyongyang: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = apps(REANALYSIS="queue").test_client()
    page = add_lavrov(client)
    assert flashes(page) == [
        "Added Sergey Lavrov (Person) to the registry. Queued 1 document for re-analysis: "
        'run "dossier entities reanalyse" to bring them up to date.'
    ]
    notice = "Re-analysing 1 document after a correction: the counts and passages on this page "
    assert pending_notice(page) == ("1", notice + "may change.")
    assert page.select_one("[data-reanalysis-progress]").get_text() == (  # type: ignore[union-attr]
        "0 of 1 document re-analysed"
    )
    document = soup(client.get(f"/documents/{TASS}"))
    assert pending_notice(document) == (
        "1",
        "This document waits to be re-analysed after a correction: its entities and its "
        "search results may change.",
    )
    assert pending_notice(soup(client.get(f"/documents/{FORUM}"))) is None
    assert pending_notice(soup(client.get("/entities")))[0] == "1"  # type: ignore[index]
    status = client.get(f"/api/reanalysis?document={TASS}&document={FORUM}").get_json()
    assert {k: status[k] for k in ("mode", "worker", "pending", "failed", "documents")} == {
        "mode": "queue",
        "worker": None,
        "pending": 1,
        "failed": 0,
        "documents": {TASS: True, FORUM: False},
    }
    lavrov = str(page.select_one("[data-entity-id]")["data-entity-id"])  # type: ignore[index]
    assert entity_hits(client, lavrov) == []

    monkeypatch.setenv("DOSSIER_HOME", str(tmp_path))  # the app's instance folder
    result = CliRunner().invoke(cli, ["entities", "reanalyse"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Re-analysed 1 document (5 mentions); re-indexed 1 document; registry and rules only "
        "(no trained model).",
        "Queue: empty.",
    ]
    assert pending_notice(soup(client.get(f"/documents/{TASS}"))) is None
    assert pending_notice(soup(client.get(f"/entities/{lavrov}"))) is None
    assert client.get("/api/reanalysis").get_json()["pending"] == 0
    wait_until(lambda: entity_hits(client, lavrov) == [TASS], "the search following")


def test_the_background_worker_reanalyses_after_a_correction(
    apps: Callable[..., Any], pyongyang: str
) -> None:
    app = apps(REANALYSIS="background")
    client = app.test_client()
    page = add_lavrov(client)
    assert flashes(page) == [
        "Added Sergey Lavrov (Person) to the registry. Re-analysing 1 document in the "
        "background: their entities and search results change as each is done."
    ]
    status = client.get("/api/reanalysis").get_json()
    assert status["mode"] == "background" and status["worker"]
    lavrov = str(page.select_one("[data-entity-id]")["data-entity-id"])  # type: ignore[index]
    wait_until(lambda: client.get("/api/reanalysis").get_json()["pending"] == 0, "draining")
    wait_until(lambda: entity_hits(client, lavrov) == [TASS], "the search following")
    assert pending_notice(soup(client.get(f"/entities/{lavrov}"))) is None


def test_the_worker_takes_over_what_a_crashed_process_left(
    apps: Callable[..., Any], pyongyang: str, store: Store
) -> None:
    entity_store = EntityStore(store)
    lavrov = add_entity(entity_store, "Sergey Lavrov", "PERSON", aliases=["Lavrov"]).entity
    assert lavrov is not None
    policy = QueuePolicy(lease_seconds=1)
    claimed = queue.claim(entity_store, REANALYSE, "crashed", 5, policy)
    assert [j.document_id for j in claimed] == [TASS]
    client = apps(REANALYSIS="background", REANALYSIS_LEASE_SECONDS=1).test_client()
    wait_until(lambda: client.get("/api/reanalysis").get_json()["pending"] == 0, "take-over")
    wait_until(lambda: entity_hits(client, lavrov.id) == [TASS], "the search following")


def test_the_api_filters_by_entity_like_the_search_page(client: Any, pyongyang: str) -> None:
    assert entity_hits(client, pyongyang) == [
        "fixture-eastern-forum-2019",
        "fixture-un-statement-2017",
        TASS,
    ]
    both = client.get(
        "/api/search", query_string={"q": "Thursday", "entity": [pyongyang, "nobody-123456"]}
    ).get_json()
    assert [hit["id"] for hit in both["hits"]] == [TASS]
    too_many = client.get("/api/search", query_string={"entity": [f"e{n}" for n in range(21)]})
    assert too_many.status_code == 400
    assert too_many.get_json() == {
        "error": 'Parameter "entity" is given 21 times; the limit is 20.',
        "status": 400,
    }


def test_snippets_read_only_the_mentions_they_show_and_colour_the_same(
    app: Any, pyongyang: str, store: Store, index_dir: Path
) -> None:
    index = SearchIndex.open(index_dir)
    try:
        result = index.search(SearchRequest(query="Pyongyang"), store)
    finally:
        index.close()
    entity_store = EntityStore(store)
    every = hit_mentions(entity_store, [hit.id for hit in result.hits])
    shown = snippet_mentions(entity_store, result.hits)
    names = {e.id: e for e in entity_store.entities()}
    with app.test_request_context():
        for hit in result.hits:
            ranges = [(s.start, s.start + len(s.text)) for s in hit.snippets]
            inside = [m for m in every[hit.id] if any(a <= m.span.start < b for a, b in ranges)]
            assert shown[hit.id] == inside
            for snippet in hit.snippets:
                marks = snippet_marks(snippet, shown[hit.id], names)
                assert marks == snippet_marks(snippet, every[hit.id], names)
                assert marks  # every snippet of "Pyongyang" shows the place


def test_an_unknown_reanalysis_mode_is_refused(make_app: Callable[..., Any]) -> None:
    with pytest.raises(ConfigError, match="REANALYSIS must be one of background, inline, queue"):
        make_app(REANALYSIS="sometimes")
    with pytest.raises(ConfigError, match="REANALYSIS_MAX_ATTEMPTS must be a number of at least"):
        make_app(REANALYSIS_MAX_ATTEMPTS=0)


def test_reanalyse_status_reports_an_empty_queue_as_json(
    runner: Any, tmp_path: Path, corpus_dir: Path
) -> None:
    assert runner.invoke(cli, ["ingest", str(corpus_dir / "tass-report.html")]).exit_code == 0
    result = runner.invoke(cli, ["entities", "reanalyse", "--status", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "status": {
            "pending": 0,
            "in_progress": 0,
            "failed": 0,
            "oldest_queued_at": None,
            "failures": [],
        }
    }


def test_snippets_found_before_an_ingest_keep_the_mentions_of_their_version(
    app: Any, pyongyang: str, store: Store, index_dir: Path
) -> None:
    index = SearchIndex.open(index_dir)
    try:
        result = index.search(SearchRequest(query="Pyongyang"), store)
    finally:
        index.close()
    entity_store = EntityStore(store)
    before = snippet_mentions(entity_store, result.hits)
    for hit in result.hits:  # a new version of each, its mentions 9 characters further on
        old = store.get(hit.id)
        store.put(DocumentDraft(f"Updated. {old.text}", hit.id, title=old.title), replace=True)
    analyse_documents(store, entity_store, recogniser=None, procs=1)

    after = snippet_mentions(entity_store, result.hits)

    assert after == before
    names = {e.id: e for e in entity_store.entities()}
    with app.test_request_context():
        for hit in result.hits:
            assert hit.version == 1
            for snippet in hit.snippets:
                assert snippet.text in store.get(hit.id, hit.version).text
                assert snippet_marks(snippet, after[hit.id], names)  # Pyongyang is coloured
