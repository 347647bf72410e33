"""The quick read-only SQLite store (``corpus/reading.py``): the same documents as ``Store``,
the same refusal of a database at another schema revision, and the full store behind it."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from corpus.errors import StoreUnavailable
from corpus.migrations import VERSION_TABLE, head_revision
from corpus.model import DocumentDraft, PartialDate
from corpus.reading import VERSION_TABLE as READER_VERSION_TABLE
from corpus.reading import QuickStore
from corpus.store import Store


@pytest.fixture
def stored(tmp_path: Path) -> tuple[str, Path]:
    """A SQLite store with an edited document (two versions), an undated one with a derived
    title and tags, and one dated to a month."""
    path = tmp_path / "dossier.db"
    url = f"sqlite:///{path}"
    with Store.open(url) as store:
        store.put(DocumentDraft(text="First words.", id="a", origin="/src/a.md"))
        store.put(
            DocumentDraft(
                text="Second words, ünïcode.",
                id="a",
                origin="/src/a.md",
                date=PartialDate(dt.date(2013, 6, 5)),
                speaker="Vladimir Putin",
                kind="speech",
            )
        )
        store.put(
            DocumentDraft(
                text="Untitled text.",
                id="b",
                tags=("x", "y"),
                title="Untitled",
                is_title_derived=True,
            )
        )
        store.put(
            DocumentDraft(text="Monthly.", id="c", date=PartialDate(dt.date(2016, 2, 1), "month"))
        )
    return url, path


def test_it_reads_every_version_as_the_store_does(stored: tuple[str, Path]) -> None:
    url, path = stored
    pairs = [("a", 2), ("b", 1), ("a", 1), ("c", 1), ("missing", 1), ("a", 3)]
    with Store.open(url) as store:
        expected = store.get_versions(pairs)
    with QuickStore(url, path) as quick:
        found = quick.get_versions(pairs)
    assert list(found) == [("a", 2), ("b", 1), ("a", 1), ("c", 1)]
    assert found == expected
    assert found[("a", 1)].is_current is False and found[("a", 2)].is_current is True
    ingested_at = found[("a", 2)].ingested_at
    assert ingested_at is not None and ingested_at.tzinfo is not None


def test_a_page_longer_than_one_query_comes_back_whole_and_in_order(tmp_path: Path) -> None:
    path = tmp_path / "dossier.db"
    url = f"sqlite:///{path}"
    with Store.open(url) as store:
        store.put_many([DocumentDraft(text=f"Text {n}.", id=f"d{n}") for n in range(600)])
    wanted = [(f"d{n}", 1) for n in reversed(range(600))]
    with QuickStore(url, path) as quick:
        assert [d.id for d in quick.get_versions(wanted).values()] == [i for i, _ in wanted]


def test_it_refuses_a_database_at_another_revision_as_the_store_does(
    stored: tuple[str, Path],
) -> None:
    url, path = stored
    assert READER_VERSION_TABLE == VERSION_TABLE
    with sqlite3.connect(path) as conn:
        conn.execute(f"UPDATE {VERSION_TABLE} SET version_num = '0001'")
    with pytest.raises(StoreUnavailable) as quick:
        QuickStore(url, path)
    with pytest.raises(StoreUnavailable) as full:
        Store.open(url, migrate=False)
    assert str(quick.value) == str(full.value)
    assert f"needs {head_revision()}" in str(quick.value)


def test_anything_else_is_asked_of_the_full_store_opened_on_first_use(
    stored: tuple[str, Path],
) -> None:
    url, path = stored
    with QuickStore(url, path) as quick:
        assert quick._store is None  # get_versions alone never opens it
        quick.get_versions([("a", 1)])
        assert quick._store is None
        assert quick.count() == 3
        assert isinstance(quick.full(), Store) and quick.full() is quick._store


def test_it_never_writes(stored: tuple[str, Path]) -> None:
    url, path = stored
    with QuickStore(url, path) as quick, pytest.raises(sqlite3.OperationalError, match="readonly"):
        quick._conn.execute("DELETE FROM documents")


def _plan(path: Path, sql: str, parameters: Any = ()) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}", parameters)]


def test_a_page_of_versions_is_looked_up_by_key_not_by_a_scan(stored: tuple[str, Path]) -> None:
    """A results page reads ten texts: scanning every version's row for them cost a rare
    word's search most of its time on an 18,000-document store (``Store._pairs``)."""
    url, path = stored
    pairs = [("a", 2), ("c", 1)]
    statements: list[tuple[str, Any]] = []

    def seen(conn: object, cursor: object, sql: str, parameters: Any, *_: object) -> None:
        statements.append((sql, parameters))

    with Store.open(url) as store:
        sa.event.listen(store.engine, "before_cursor_execute", seen)
        assert list(store.get_versions(pairs)) == pairs
    with QuickStore(url, path) as quick:
        traced: list[str] = []
        quick._conn.set_trace_callback(traced.append)
        assert list(quick.get_versions(pairs)) == pairs
    reads = [s for s in statements if "document_versions" in s[0]]
    reads += [(sql, ()) for sql in traced if "document_versions" in sql]
    assert len(reads) == 2
    for sql, parameters in reads:
        plan = _plan(path, sql, parameters)
        assert any("USING INDEX" in step for step in plan), plan
        assert not any(step.startswith("SCAN") for step in plan), plan
