"""Reading stored documents: the one row-to-``Document`` mapping, and a quick read-only way
into a SQLite store that needs neither SQLAlchemy nor Alembic.

``dossier search`` shows a page of hits from the versions the index was built from: that is
one query on ``document_versions``. Importing SQLAlchemy for it would cost more CPU than the
rest of the command together (docs/PERFORMANCE.md, "CLI start-up"), so ``QuickStore`` answers
``get_versions`` through the standard library's ``sqlite3`` and opens the full ``Store`` only
when something else is asked of it (an ``entity:`` or ``said:`` filter reads the registry, a
``note:`` filter the annotations). It checks, as ``Store.open(migrate=False)`` does, that the
database is at the schema this Dossier knows. A test keeps its answers equal to the
``Store``'s (tests/test_corpus_reading.py).
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from corpus.errors import StoreUnavailable
from corpus.model import Document, PartialDate
from corpus.revisions import head_of

if TYPE_CHECKING:
    from corpus.store import Store

VERSION_TABLE = "corpus_alembic_version"  # as corpus/migrations names it
_PAIRS = 250  # (id, version) pairs a query: 500 parameters, under SQLite's limit
# An OR of pairs, not ``(v.document_id, v.version) IN (VALUES ...)``: SQLite scans the whole
# table for that, and looks each pair up by primary key for this (corpus/store.py ``_pairs``).
_SELECT = (
    "SELECT v.*, d.current_version FROM document_versions v "
    "JOIN documents d ON d.id = v.document_id WHERE {}"
)


def document_from_row(m: Mapping[Any, Any]) -> Document:
    """A ``Document`` from a version row joined with its document's ``current_version``."""
    date = PartialDate(m["date"], m["date_precision"]) if m["date"] is not None else None
    return Document(
        id=m["document_id"],
        version=m["version"],
        text=m["text"],
        kind=m["kind"],
        title=m["title"],
        date=date,
        speaker=m["speaker"],
        source=m["source"],
        url=m["url"],
        language=m["language"],
        tags=tuple(json.loads(m["tags"])),
        licence=m["licence"],
        content_hash=m["content_hash"],
        ingested_at=m["ingested_at"],
        seq=m["seq"],
        is_current=m["version"] == m["current_version"],
        is_title_derived=bool(m["title_derived"]),
        extra={"origin": m["origin"]} if m["origin"] else {},
    )


class QuickStore:
    """A SQLite store opened for reading: ``get_versions`` through ``sqlite3``; every other
    attribute is the full ``Store``'s, opened (read-only: no migration) on first use."""

    def __init__(self, url: str, path: Path) -> None:
        self.url, self.path = url, path
        self._store: Store | None = None
        try:
            self._conn = sqlite3.connect(path, timeout=30, check_same_thread=False)
            self._conn.execute("PRAGMA query_only = ON")
            self._check_head()
        except sqlite3.Error as exc:
            raise StoreUnavailable(
                f"Cannot open the database {url}: {exc}. Check that it exists and that the "
                "server is running."
            ) from exc

    def _check_head(self) -> None:
        head = head_of(Path(__file__).parent / "migrations")
        exists = self._conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (VERSION_TABLE,)
        ).fetchone()
        query = f"SELECT version_num FROM {VERSION_TABLE}"
        row = self._conn.execute(query).fetchone() if exists else None
        current = row[0] if row else None
        if current != head:
            self._conn.close()
            raise StoreUnavailable(
                f"The database {self.url} is at schema revision {current or 'none'}; this "
                f'Dossier needs {head}. Run "dossier setup" to upgrade it.'
            )

    def get_versions(self, pairs: Iterable[tuple[str, int]]) -> dict[tuple[str, int], Document]:
        """As ``Store.get_versions``: the given versions, in the order asked; pairs not stored
        are left out."""
        wanted = list(dict.fromkeys(pairs))
        found: dict[tuple[str, int], Document] = {}
        self._conn.row_factory = sqlite3.Row
        for start in range(0, len(wanted), _PAIRS):
            chunk = wanted[start : start + _PAIRS]
            sql = _SELECT.format(
                " OR ".join(["(v.document_id = ? AND v.version = ?)"] * len(chunk))
            )
            for row in self._conn.execute(sql, [v for pair in chunk for v in pair]):
                found[(row["document_id"], row["version"])] = document_from_row(_typed(row))
        return {pair: found[pair] for pair in wanted if pair in found}

    def full(self) -> Store:
        """The full store on the same database, opened on first use."""
        if self._store is None:
            from corpus.store import Store

            self._store = Store.open(self.url, migrate=False)
        return self._store

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # never open the store for a missing private attribute
            raise AttributeError(name)
        return getattr(self.full(), name)

    def close(self) -> None:
        self._conn.close()
        if self._store is not None:
            self._store.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _typed(row: sqlite3.Row) -> dict[str, Any]:
    """The row's values as SQLAlchemy's types hand them to ``Store``: dates and aware UTC
    datetimes from their text, booleans from 0 and 1."""
    values = dict(zip(row.keys(), row, strict=True))
    if values["date"] is not None:
        values["date"] = dt.date.fromisoformat(values["date"])
    at = dt.datetime.fromisoformat(values["ingested_at"])
    values["ingested_at"] = at.replace(tzinfo=dt.UTC) if at.tzinfo is None else at
    values["title_derived"] = bool(values["title_derived"])
    return values
