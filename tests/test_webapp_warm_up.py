"""A web worker loads the search index's columns when it starts, before any request, then
freezes what start-up built out of the garbage collector's reach."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from webapp.config import ConfigError
from webapp.resources import close_resources


@pytest.fixture(autouse=True)
def _unfreeze() -> Iterator[None]:
    """Give the test process's objects back to the collector after each test."""
    yield
    gc.unfreeze()


def _warm_index(app: Any) -> Any:
    live = app.extensions.get("dossier.index")  # webapp/live_index.py
    return None if live is None else live.current()


def test_a_worker_with_warm_up_has_its_columns_loaded_before_the_first_request(
    make_app: Callable[..., Any],
) -> None:
    app = make_app(WARM_UP=True)
    try:
        index = _warm_index(app)
        assert index is not None
        assert index._table is not None  # the facet and date columns
        assert index._table.searcher is index._searcher
        response = app.test_client().get("/api/search?q=security")
        assert response.status_code == 200
        assert _warm_index(app) is index  # the request used the warm one
    finally:
        close_resources(app)


def test_a_warmed_worker_leaves_start_up_objects_out_of_full_collections(
    make_app: Callable[..., Any],
) -> None:
    gc.unfreeze()
    app = make_app()  # TESTING: nothing frozen
    close_resources(app)
    assert gc.get_freeze_count() == 0
    app = make_app(WARM_UP=True)
    try:
        assert gc.get_freeze_count() > 10_000  # the modules, the app, the index's columns
        assert app.test_client().get("/api/search?q=security").status_code == 200
    finally:
        close_resources(app)


def test_tests_and_workers_without_warm_up_open_the_index_on_first_use(
    make_app: Callable[..., Any],
) -> None:
    app = make_app()  # TESTING: off unless asked
    try:
        assert _warm_index(app) is None
        assert app.test_client().get("/api/search?q=security").status_code == 200
        assert _warm_index(app) is not None
    finally:
        close_resources(app)


def test_warm_up_without_an_index_starts_the_worker_and_searches_say_503(
    make_app: Callable[..., Any], tmp_path: Path
) -> None:
    app = make_app(WARM_UP=True, INDEX_DIR=str(tmp_path / "no-index"))
    try:
        assert _warm_index(app) is None
        assert app.test_client().get("/api/search?q=security").status_code == 503
    finally:
        close_resources(app)


def test_warm_up_must_be_true_or_false(make_app: Callable[..., Any]) -> None:
    with pytest.raises(ConfigError, match="WARM_UP must be true or false, not 'yes'"):
        make_app(WARM_UP="yes")
