"""Error handling at the web edge: status codes, the JSON error shape, pages, CSRF, stale index."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask import Blueprint, Flask

from corpus.errors import (
    CorpusError,
    EntityNotFound,
    IdConflict,
    InvalidEntity,
    StoreUnavailable,
)
from corpus.model import DocumentDraft
from indexer.errors import IndexerError, IobCorpusInvalid
from webapp.csrf import csrf_token
from webapp.errors import APOLOGY, PACKAGE_ERRORS


class BrewingRefused(CorpusError):
    """An error class the web app has never heard of: only its ``status`` says what it is."""

    status = 418


RAISED: dict[str, type[Exception]] = {
    "EntityNotFound": EntityNotFound,
    "InvalidEntity": InvalidEntity,
    "IdConflict": IdConflict,
    "StoreUnavailable": StoreUnavailable,
    "IobCorpusInvalid": IobCorpusInvalid,
    "CorpusError": CorpusError,
    "BrewingRefused": BrewingRefused,
}


def _failing_routes() -> Blueprint:
    """Routes that exist only in these tests: one that breaks, one that accepts a write."""
    bp = Blueprint("test_routes", __name__)

    @bp.get("/api/test/broken")
    @bp.get("/test/broken")
    def broken() -> str:
        raise RuntimeError("disk on fire")

    @bp.get("/api/test/raise/<name>")
    def raise_package_error(name: str) -> str:
        raise RAISED[name](f"{name} was raised on purpose")

    @bp.get("/test/token")
    def token() -> str:
        return csrf_token()

    @bp.post("/test/write")
    def write() -> str:
        return "written"

    return bp


def text_of(response: Any, selector: str) -> str:
    """The text of the one element ``selector`` finds in an HTML response."""
    found = BeautifulSoup(response.get_data(as_text=True), "html.parser").select_one(selector)
    assert found is not None, selector
    return found.get_text(strip=True)


@pytest.fixture
def test_app(make_app: Callable[..., Any]) -> Flask:
    app: Flask = make_app()
    app.register_blueprint(_failing_routes())
    return app


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("get", "/api/search?q=AND", 400),
        ("get", "/api/search?q=talks&page=abc", 400),
        ("get", "/api/documents/nope", 404),
        ("get", "/api/no-such-endpoint", 404),
        ("post", "/api/search", 405),
        ("delete", "/api/documents/tass-report", 405),
        ("get", "/api/test/broken", 500),
    ],
)
def test_api_errors_have_exactly_the_error_and_status_keys(
    test_app: Flask, method: str, url: str, status: int
) -> None:
    response = getattr(test_app.test_client(), method)(url)
    body = response.get_json()
    assert response.status_code == status
    assert response.mimetype == "application/json"
    assert set(body) == {"error", "status"}
    assert body["status"] == status
    assert isinstance(body["error"], str) and body["error"]


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("EntityNotFound", 404),
        ("InvalidEntity", 400),
        ("IdConflict", 409),
        ("StoreUnavailable", 503),
        ("IobCorpusInvalid", 400),
        ("BrewingRefused", 418),
    ],
)
def test_a_package_error_answers_with_the_status_it_declares(
    test_app: Flask, name: str, status: int
) -> None:
    response = test_app.test_client().get(f"/api/test/raise/{name}")
    assert response.status_code == status
    assert response.get_json() == {"error": f"{name} was raised on purpose", "status": status}


def test_a_base_error_is_a_500_with_the_apology(test_app: Flask) -> None:
    body = test_app.test_client().get("/api/test/raise/CorpusError").get_json()
    assert body == {"error": APOLOGY, "status": 500}


def _subclasses(base: type[Exception]) -> list[type[Exception]]:
    found = []
    for sub in base.__subclasses__():
        if sub.__module__.split(".")[0] in ("corpus", "indexer", "annotations"):
            found += [sub, *_subclasses(sub)]
    return found


@pytest.mark.parametrize(
    "error",
    [e for base in PACKAGE_ERRORS for e in _subclasses(base)],
    ids=lambda e: e.__name__,
)
def test_every_package_error_declares_a_client_or_unavailable_status(
    error: type[Exception],
) -> None:
    # 403, 412 and 428: an annotation that is someone else's, changed meanwhile, or edited
    # without saying which revision the edit was made on.
    assert getattr(error, "status", None) in (400, 403, 404, 409, 412, 428, 503), error


def test_the_package_bases_are_500() -> None:
    assert {CorpusError, IndexerError} <= set(PACKAGE_ERRORS)
    assert {getattr(base, "status", None) for base in PACKAGE_ERRORS} == {500}


def test_an_unexpected_error_shows_an_apology_and_logs_the_traceback(
    test_app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="webapp.errors"):
        response = test_app.test_client().get("/test/broken")
    assert response.status_code == 500
    assert text_of(response, ".error-message") == APOLOGY
    assert "disk on fire" not in response.get_data(as_text=True)
    (record,) = [r for r in caplog.records if r.name == "webapp.errors"]
    assert record.exc_info is not None and str(record.exc_info[1]) == "disk on fire"


def test_api_500_hides_the_exception(test_app: Flask) -> None:
    body = test_app.test_client().get("/api/test/broken").get_json()
    assert body == {"error": APOLOGY, "status": 500}


def test_an_unknown_page_is_an_html_404(client: Any) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert text_of(response, "h1") == "Not found"


def test_a_deleted_index_is_a_503_naming_the_command_that_rebuilds_it(
    make_app: Callable[..., Any], index_dir: Path
) -> None:
    app = make_app()
    shutil.rmtree(index_dir)
    client = app.test_client()
    api = client.get("/api/search?q=talks")
    assert api.status_code == 503
    assert api.get_json() == {
        "error": f'No index found at {index_dir}. Run "dossier index --rebuild" to build it.',
        "status": 503,
    }
    page = client.get("/?q=talks")
    assert page.status_code == 503
    assert "dossier index --rebuild" in BeautifulSoup(page.data, "html.parser").get_text()


def test_the_app_never_builds_a_missing_index_and_says_how_to(
    make_app: Callable[..., Any], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    fresh = tmp_path / "fresh-index"
    client = make_app(INDEX_DIR=str(fresh)).test_client()
    assert not fresh.exists()
    assert f'No search index at {fresh}: run "dossier index" to build it.' in caplog.messages
    response = client.get("/api/search?q=Pyongyang")
    assert response.status_code == 503
    assert "dossier index --rebuild" in response.get_json()["error"]


def test_an_index_behind_the_store_is_left_for_the_pipeline_to_catch_up(
    store: Any, make_app: Callable[..., Any], catch_up: Callable[[], Any]
) -> None:
    store.put(DocumentDraft(text="A zeppelin was sighted.", id="late", kind="news"))
    client = make_app().test_client()
    body = client.get("/api/search?q=zeppelin").get_json()
    assert (body["hits"], len(body["notices"])) == ([], 1)
    catch_up()
    body = make_app().test_client().get("/api/search?q=zeppelin").get_json()
    assert [h["id"] for h in body["hits"]] == ["late"]
    assert body["notices"] == []


def test_documents_written_while_serving_are_not_hidden_silently(
    store: Any, make_app: Callable[..., Any]
) -> None:
    client = make_app().test_client()
    store.put(DocumentDraft(text="A zeppelin was sighted.", id="late", kind="news"))
    body = client.get("/api/search?q=talks").get_json()
    assert body["notices"] == [
        "The search index is 1 change behind the document store, so these results may miss "
        'recent documents. Run "dossier index" to bring it up to date.'
    ]
    assert text_of(client.get("/?q=talks"), ".stale") == body["notices"][0]


def test_a_write_without_the_session_token_is_refused(test_app: Flask) -> None:
    client = test_app.test_client()
    client.get("/test/token")
    for data, headers in (({}, {}), ({"csrf_token": "forged"}, {}), ({}, {"X-CSRF-Token": "x"})):
        response = client.post("/test/write", data=data, headers=headers)
        assert response.status_code == 400
        assert text_of(response, ".error-message") == (
            "This form has expired or did not come from this site. Reload the page and try again."
        )


def test_a_write_with_the_session_token_goes_through(test_app: Flask) -> None:
    client = test_app.test_client()
    token = client.get("/test/token").get_data(as_text=True)
    assert client.post("/test/write", data={"csrf_token": token}).data == b"written"
    assert client.post("/test/write", headers={"X-CSRF-Token": token}).data == b"written"


def test_a_token_from_another_session_is_refused(test_app: Flask) -> None:
    other = test_app.test_client().get("/test/token").get_data(as_text=True)
    client = test_app.test_client()
    client.get("/test/token")
    assert client.post("/test/write", data={"csrf_token": other}).status_code == 400
