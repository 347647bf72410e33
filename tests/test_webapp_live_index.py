"""A serving worker loads a changed index in the background and serves it once warm: no
request waits for the columns of a new index (webapp/live_index.py). Real store, real index,
real rebuilds and updates; the staleness notice is read at most once a second."""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from corpus.model import DocumentDraft
from indexer.build import build_index
from webapp import live_index, resources
from webapp.live_index import fingerprint
from webapp.resources import close_resources


@pytest.fixture(autouse=True)
def _unfreeze() -> Iterator[None]:
    """WARM_UP freezes start-up objects (gc.freeze): give them back after each test."""
    yield
    gc.unfreeze()


def _ids(client: Any, query: str) -> list[str]:
    response = client.get(f"/api/search?q={query}")
    assert response.status_code == 200
    return [hit["id"] for hit in response.get_json()["hits"]]


@pytest.fixture
def serving(make_app: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """An app that loads a changed index in the background, looking on every request; no
    request waits for a load unless the test sets ``FRESH_WAIT``."""
    monkeypatch.setattr(live_index, "CHECK_SECONDS", 0.0)
    monkeypatch.setattr(live_index, "FRESH_WAIT", 0.0)
    app = make_app(WARM_UP=True)
    yield app
    close_resources(app)


def test_a_changed_index_is_served_only_once_a_background_load_has_warmed_it(
    serving: Any, store: Any, catch_up: Callable[[], Any], caplog: pytest.LogCaptureFixture
) -> None:
    client, live = serving.test_client(), serving.extensions["dossier.index"]
    before, frozen = live.current(), gc.get_freeze_count()
    assert _ids(client, "zeppelin") == []
    store.put(DocumentDraft(text="A zeppelin was sighted.", id="late", kind="news"))
    catch_up()  # a commit to the live generation, as an ingest while serving makes
    with caplog.at_level(logging.INFO, logger="webapp.live_index"):
        # This request starts the load and is answered by the warm index it had.
        assert _ids(client, "zeppelin") == []
        live.wait()
        assert _ids(client, "zeppelin") == ["late"]
    after = live.current()
    assert after is not before
    assert after._table is not None and after._table.searcher is after._searcher  # warm
    assert any("warm in" in m and "serving it now" in m for m in caplog.messages)
    assert gc.get_freeze_count() > frozen  # its columns are out of full collections too


def test_the_request_that_finds_a_change_waits_a_moment_for_it(
    serving: Any, store: Any, catch_up: Callable[[], Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # An analyst ingests a document and searches for it at once: a small index loads in
    # milliseconds, so the search that notices the change waits for it (here as long as it
    # takes) and finds the document.
    monkeypatch.setattr(live_index, "FRESH_WAIT", 600.0)
    client, live = serving.test_client(), serving.extensions["dossier.index"]
    before = live.current()
    store.put(DocumentDraft(text="A zeppelin was sighted.", id="late", kind="news"))
    catch_up()
    assert _ids(client, "zeppelin") == ["late"]
    assert live.current() is not before


def test_a_rebuilt_generation_is_loaded_in_the_background_too(
    serving: Any, store: Any, index_dir: Path
) -> None:
    client, live = serving.test_client(), serving.extensions["dossier.index"]
    old = fingerprint(index_dir)
    store.put(DocumentDraft(text="The airship landed.", id="ship", kind="news"))
    build_index(store, index_dir, procs=1)  # a new generation swapped in
    assert fingerprint(index_dir) is not None and fingerprint(index_dir) != old
    assert _ids(client, "airship") == []
    live.wait()
    assert _ids(client, "airship") == ["ship"]


def test_without_warm_up_the_index_refreshes_on_the_request_path(
    make_app: Callable[..., Any], store: Any, catch_up: Callable[[], Any]
) -> None:
    app = make_app()  # TESTING: no background loads
    client = app.test_client()
    try:
        assert _ids(client, "zeppelin") == []
        store.put(DocumentDraft(text="A zeppelin was sighted.", id="late", kind="news"))
        catch_up()
        live = app.extensions["dossier.index"]
        live.current().refresh_seconds = 0  # look now, not a second later
        assert _ids(client, "zeppelin") == ["late"]
    finally:
        close_resources(app)


def test_the_staleness_notice_is_read_at_most_once_per_period(
    make_app: Callable[..., Any], store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(resources, "STALENESS_SECONDS", 3600.0)
    client = make_app().test_client()
    assert client.get("/api/search?q=talks").get_json()["notices"] == []
    store.put(DocumentDraft(text="A zeppelin was sighted.", id="late", kind="news"))
    assert client.get("/api/search?q=talks").get_json()["notices"] == []  # read a moment ago
    monkeypatch.setattr(resources, "STALENESS_SECONDS", 0.0)
    notices = client.get("/api/search?q=talks").get_json()["notices"]
    assert notices and "1 change behind the document store" in notices[0]
