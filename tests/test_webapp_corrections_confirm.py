"""Corrections at collection scale in the web app (CSRF on, real store and index): one that
would re-analyse more than CONFIRM_DOCUMENTS documents answers with a page that says how many
and posts the form again, confirmed; the pages and ``GET /api/reanalysis`` then count the
documents as they are re-analysed ("n of N"). Registry and rules only (no model)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from werkzeug.datastructures import MultiDict

from corpus.entities import corrections
from corpus.entities.store import EntityStore
from corpus.jobs import QueuePolicy
from corpus.store import Store
from indexer.build import build_index
from indexer.entities.extraction import analyse_documents
from indexer.entities.reanalysis import drain

TASS = "tass-report"
RUSSIA = {"name": "Russia", "type": "LOCATION", "next": f"/documents/{TASS}?at=120"}


@pytest.fixture
def client(make_app: Callable[..., Any], store: Store, index_dir: Path) -> Any:
    """The test corpus analysed and indexed; an app that asks above 2 documents and leaves
    re-analysis to the queue (so the test decides when documents are done)."""
    analyse_documents(store, EntityStore(store), recogniser=None, procs=1)
    build_index(store, index_dir, procs=1)
    return make_app(CONFIRM_DOCUMENTS=2, REANALYSIS="queue").test_client()


def soup(response: Any) -> BeautifulSoup:
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def token(client: Any) -> str:
    found = soup(client.get("/entities")).select_one("input[name=csrf_token]")
    assert found is not None
    return str(found["value"])


def resend(client: Any, page: BeautifulSoup) -> Any:
    """Press "Apply" on a confirmation page: post its form as a browser would."""
    form = page.select_one("form.confirm-form")
    assert form is not None
    data = [(str(i["name"]), str(i["value"])) for i in form.select("input[type=hidden]")]
    return client.post(str(form["action"]), data=MultiDict(data))


def flashes(page: BeautifulSoup) -> list[str]:
    return [p.get_text() for p in page.select(".flash p")]


def progress_of(page: BeautifulSoup) -> str | None:
    found = page.select_one(".reanalysis-pending [data-reanalysis-progress]")
    return None if found is None else found.get_text(strip=True)


def test_a_large_correction_asks_first_then_applies_when_confirmed(
    client: Any, store: Store
) -> None:
    entity_store = EntityStore(store)
    asked = soup(client.post("/entities", data={"csrf_token": token(client), **RUSSIA}))
    assert asked.select_one("h1").get_text() == "Re-analyse 4 documents?"  # type: ignore[union-attr]
    shown = [dd.get_text() for dd in asked.select(".confirm-fields dd")]
    assert shown == ["Russia", "Place"]  # the form's fields, without its plumbing
    cancel = asked.select_one(".confirm-form a")
    assert cancel is not None and cancel["href"] == RUSSIA["next"]
    assert entity_store.entities() == [] and corrections.history(entity_store) == []

    done = resend(client, asked)
    assert done.status_code == 303 and done.headers["Location"] == RUSSIA["next"]
    page = soup(client.get("/entities"))
    assert flashes(page) == [
        "Added Russia (Place) to the registry. Queued 4 documents for re-analysis: run "
        '"dossier entities reanalyse" to bring them up to date.'
    ]
    assert [e.name for e in entity_store.entities()] == ["Russia"]


def test_the_confirmation_needs_the_sessions_csrf_token(client: Any, store: Store) -> None:
    asked = soup(client.post("/entities", data={"csrf_token": token(client), **RUSSIA}))
    assert asked.select_one("input[name=confirmed]")["value"] == "4"  # type: ignore[index]
    forged = client.post("/entities", data={**RUSSIA, "confirmed": "4"})
    assert forged.status_code == 400
    assert EntityStore(store).entities() == []


def test_small_corrections_and_refusals_never_ask(client: Any, store: Store) -> None:
    valdai = {"name": "Valdai", "type": "LOCATION", "csrf_token": token(client)}
    assert client.post("/entities", data=valdai).status_code == 303  # one document: no question
    again = client.post("/entities", data=valdai)  # refused: it exists
    assert again.status_code == 303
    assert flashes(soup(client.get("/entities")))[-1].startswith("'Valdai' is already the name")


def test_pages_and_the_api_count_documents_as_they_are_re_analysed(
    client: Any, store: Store, index_dir: Path
) -> None:
    asked = soup(client.post("/entities", data={"csrf_token": token(client), **RUSSIA}))
    resend(client, asked)
    first = client.get("/api/reanalysis").get_json()["progress"]
    assert (first["done"], first["total"], first["failed"], first["seconds_left"]) == (
        0,
        4,
        0,
        None,
    )
    assert first["text"] == "0 of 4 documents re-analysed"
    assert progress_of(soup(client.get("/entities"))) == "0 of 4 documents re-analysed"
    document = soup(client.get(f"/documents/{TASS}"))
    notice = document.select_one(".reanalysis-pending")
    assert notice is not None and notice["data-reanalysis-document"] == TASS
    assert notice.p.get_text() == (  # type: ignore[union-attr]
        "This document waits to be re-analysed after a correction: its entities and its "
        "search results may change."
    )

    entity_store = EntityStore(store)
    policy = QueuePolicy()
    drain(store, entity_store, index_dir, None, worker="w", policy=policy, document_ids=[TASS])
    then = client.get("/api/reanalysis").get_json()["progress"]
    assert (then["done"], then["total"], then["failed"]) == (1, 4, 0)
    assert then["seconds_left"] >= 0 and then["text"].startswith(
        "1 of 4 documents re-analysed, about "
    )
    shown = progress_of(soup(client.get("/entities")))
    assert shown is not None and shown.startswith("1 of 4 documents re-analysed, about ")
    assert soup(client.get(f"/documents/{TASS}")).select_one(".reanalysis-pending") is None
    drain(store, entity_store, index_dir, None, worker="w", policy=policy)
    assert client.get("/api/reanalysis").get_json()["progress"] is None
    assert progress_of(soup(client.get("/entities"))) is None
