"""Fixture chain: corpus_dir -> store -> index -> make_app -> app -> client, plus runner and
catch_up (the index after a test wrote to the store).

Real components only: a SQLite (or PostgreSQL) store in tmp_path, a real Whoosh index, real NLTK
data, Flask's test client and click's CliRunner.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

TESTS_DIR = Path(__file__).parent
REPO_DIR = TESTS_DIR.parent
SHARED_DIR = REPO_DIR.parent / "shared"

# Offline NLTK data: CI and the Makefile set NLTK_DATA; a checkout next to shared/ finds it too.
if "NLTK_DATA" not in os.environ and (SHARED_DIR / "nltk_data").is_dir():
    os.environ["NLTK_DATA"] = str(SHARED_DIR / "nltk_data")


@pytest.fixture(autouse=True)
def _nltk_data_per_test(monkeypatch: pytest.MonkeyPatch) -> None:
    """``load_config`` adds an instance's recorded NLTK folders to ``NLTK_DATA`` for the rest of
    the process (a command's lifetime); in the one long test process, undo that after each test
    so no later test, or the commands it starts, sees another test's folders."""
    value = os.environ.get("NLTK_DATA")
    if value is None:
        monkeypatch.delenv("NLTK_DATA", raising=False)
    else:
        monkeypatch.setenv("NLTK_DATA", value)


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The small real corpus written for the tests (read-only)."""
    return TESTS_DIR / "data"


@pytest.fixture(scope="session")
def shared_data_dir() -> Path:
    """../shared/data: real collections; tests that need them skip outside CI when absent."""
    path = Path(os.environ.get("DOSSIER_SHARED_DATA", SHARED_DIR / "data"))
    if not path.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"shared data folder {path} is missing in CI")
        pytest.skip(f"shared data folder {path} not present")
    return path


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """A fresh SQLite database per test."""
    return f"sqlite:///{tmp_path / 'dossier.db'}"


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Any]:
    """A throw-away PostgreSQL cluster (tests/pgserver.py): skips if absent, but fails in CI."""
    from pgserver import PostgresServer, PostgresUnavailable

    try:
        server = PostgresServer()
        server.start()
    except PostgresUnavailable as exc:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required in CI: {exc}")
        pytest.skip(f"no PostgreSQL server available: {exc}")
    yield server
    server.stop()


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database URL per test: SQLite in tmp_path, then a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'dossier.db'}"
    server = request.getfixturevalue("postgres_server")
    return str(server.create_schema())


@pytest.fixture
def empty_store(database_url: str) -> Iterator[Any]:
    """A migrated, empty store."""
    from corpus.store import Store

    store = Store.open(database_url)
    yield store
    store.close()


@pytest.fixture
def store(empty_store: Any, corpus_dir: Path) -> Any:
    """A store holding the test corpus."""
    from corpus.ingestion import ingest

    report = ingest([corpus_dir], empty_store)
    assert not report.failed, report.failed
    return empty_store


@pytest.fixture
def index_dir(store: Any, tmp_path: Path) -> Path:
    """A Whoosh index built from ``store``."""
    from indexer.build import build_index

    path = tmp_path / "index"
    build_index(store, path, procs=1)
    return path


@pytest.fixture
def catch_up(store: Any, index_dir: Path) -> Callable[[], Any]:
    """Brings ``index_dir`` up to date with ``store`` after a test wrote documents: the app
    never builds or catches up the index itself (``dossier serve`` and ``setup`` do)."""
    from indexer.build import catch_up_index

    return lambda: catch_up_index(store, index_dir, procs=1)


@pytest.fixture
def index_of(empty_store: Any, tmp_path: Path) -> Iterator[Callable[..., Any]]:
    """Factory: store these drafts in ``empty_store``, index them, and return a kept
    ``SearchIndex`` on them (closed after the test)."""
    from indexer.build import build_index
    from indexer.search import SearchIndex

    opened: list[Any] = []

    def _index(*drafts: Any) -> Any:
        empty_store.put_many(drafts)
        build_index(empty_store, tmp_path / "small-index", procs=1)
        opened.append(SearchIndex.open(tmp_path / "small-index"))
        return opened[-1]

    yield _index
    for index in opened:
        index.close()


@pytest.fixture
def make_app(tmp_path: Path, database_url: str, index_dir: Path) -> Callable[..., Any]:
    """Factory for apps on the test store and index; keyword overrides go into the config."""
    from webapp import create_app

    def _make(**overrides: Any) -> Any:
        config = {
            "TESTING": True,
            "HOME": str(tmp_path),
            "DATABASE_URL": database_url,
            "INDEX_DIR": str(index_dir),
            "SECRET_KEY": "test",
            "DEMO_CORPUS": False,
        }
        config.update(overrides)
        return create_app(config)

    return _make


@pytest.fixture
def app(make_app: Callable[..., Any]) -> Iterator[Any]:
    from webapp.resources import close_resources

    app = make_app()
    yield app
    close_resources(app)


@pytest.fixture
def client(app: Any) -> Any:
    return app.test_client()


@pytest.fixture
def api(client: Any, store: Any) -> Any:
    """The test client as a page's script calls the JSON API: with this session's CSRF token,
    and the fixture document's text as ``api.text`` to select quotes in (``json_api.py``)."""
    from json_api import DOC, with_csrf

    with_csrf(client)
    client.text = store.get(DOC).text
    return client


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """CliRunner on a fresh instance folder."""
    from click.testing import CliRunner

    monkeypatch.setenv("DOSSIER_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("DOSSIER_DATABASE_URL", raising=False)
    monkeypatch.delenv("DOSSIER_NER_TRAIN_CORPUS", raising=False)  # make sets it; setup trains
    return CliRunner()


@pytest.fixture(scope="session")
def trained_recogniser(shared_data_dir: Path, request: pytest.FixtureRequest) -> Any:
    """A small entity model: the first 200k tokens of gmb.train.tsv, 2 passes (~10 s), cached
    in pytest's cache under the corpus hash and the model code's hash (read-only)."""
    import hashlib

    from indexer.entities import augment, casing, features, perceptron, recogniser
    from indexer.entities.iob import file_sha256

    corpus = shared_data_dir / "ner-train" / "gmb.train.tsv"
    code = hashlib.sha256()
    for module in (recogniser, perceptron, features, augment, casing):
        code.update(Path(module.__file__ or "").read_bytes())
    key = f"{file_sha256(corpus)[:16]}-{code.hexdigest()[:16]}-200000-2"
    cache = getattr(request.config, "cache", None)  # absent with -p no:cacheprovider
    if cache is not None:
        folder = cache.mkdir("dossier-entity-models")
    else:
        folder = request.getfixturevalue("tmp_path_factory").mktemp("models")
    path = folder / f"{key}.json.gz"
    if path.is_file():
        return recogniser.Recogniser.load(path)
    for stale in folder.glob("*.json.gz"):
        stale.unlink()
    model = recogniser.train(corpus, passes=2, seed=0, max_tokens=200_000)
    model.save(path)
    return model
