"""SQLite FTS5 (stdlib sqlite3, bm25) over the same documents: the yardstick for query latency."""

from __future__ import annotations

import gzip
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path


def _lines(paths: list[Path]) -> Iterator[dict]:
    for path in paths:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    yield json.loads(line)


def build(paths: list[Path], db_path: Path) -> int:
    """Load the documents into an FTS5 table (porter stemming) plus a metadata table."""
    db = sqlite3.connect(db_path)
    db.executescript(
        """
        CREATE TABLE meta(rowid INTEGER PRIMARY KEY, id TEXT, kind TEXT, date TEXT,
                          speaker TEXT, source TEXT, title TEXT);
        CREATE INDEX meta_kind_date ON meta(kind, date);
        CREATE VIRTUAL TABLE fts USING fts5(title, text, tokenize='porter unicode61');
        CREATE VIRTUAL TABLE vocab USING fts5vocab(fts, row);
        """
    )
    n = 0
    for n, doc in enumerate(_lines(paths), start=1):
        db.execute(
            "INSERT INTO meta VALUES (?,?,?,?,?,?,?)",
            (
                n,
                doc["id"],
                doc.get("kind") or "other",
                doc.get("date") or "",
                doc.get("speaker_or_author") or "",
                doc.get("source") or "",
                doc.get("title") or "",
            ),
        )
        db.execute(
            "INSERT INTO fts(rowid, title, text) VALUES (?,?,?)",
            (n, doc.get("title") or "", doc["text"]),
        )
    db.commit()
    db.close()
    return n


class Fts5:
    """Answers the benchmark's query classes the way a plain FTS5 app would."""

    def __init__(self, db_path: Path) -> None:
        self.db = sqlite3.connect(db_path)

    def vocabulary(self, min_len: int = 4) -> list[tuple[str, int]]:
        """(term, document frequency) for alphabetic terms."""
        rows = self.db.execute("SELECT term, doc FROM vocab").fetchall()
        return [(t, d) for t, d in rows if t.isalpha() and len(t) >= min_len]

    def count(self) -> int:
        return self.db.execute("SELECT count(*) FROM meta").fetchone()[0]

    def search(
        self,
        match: str,
        *,
        kind: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        facets: bool = False,
        highlight: bool = False,
    ) -> list[tuple]:
        """Top 10 by bm25 (optionally filtered), with facet counts and snippets when asked."""
        where = ["fts MATCH ?"]
        args: list[object] = [match]
        if kind:
            where.append("meta.kind = ?")
            args.append(kind)
        if date_from:
            where.append("meta.date >= ?")
            args.append(date_from)
        if date_to:
            where.append("meta.date <= ?")
            args.append(date_to)
        cond = " AND ".join(where)
        cols = "meta.id, bm25(fts)"
        if highlight:
            cols += ", snippet(fts, 1, '<b>', '</b>', '…', 24)"
        rows = self.db.execute(
            f"SELECT {cols} FROM fts JOIN meta ON meta.rowid = fts.rowid "
            f"WHERE {cond} ORDER BY bm25(fts) LIMIT 10",
            args,
        ).fetchall()
        if facets:
            for column in ("kind", "source", "speaker", "substr(date, 1, 4)"):
                self.db.execute(
                    f"SELECT {column}, count(*) FROM fts JOIN meta ON meta.rowid = fts.rowid "
                    f"WHERE {cond} GROUP BY 1 ORDER BY 2 DESC LIMIT 10",
                    args,
                ).fetchall()
        return rows
