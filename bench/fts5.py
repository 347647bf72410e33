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
        """A results page as a plain FTS5 app would make it, fairly: the text is matched once
        (bm25 kept with each matching row in a temporary table), the filters are applied to
        that result (``+meta.kind``: SQLite must not start from the metadata index and run the
        match once per row, 432 ms instead of 9 ms for one such query at 61k documents), the
        facets are counted from it, and the snippets of the top 10 asked of FTS5 for those 10
        rows only."""
        db = self.db
        db.execute("CREATE TEMP TABLE IF NOT EXISTS hits(rowid INTEGER PRIMARY KEY, score REAL)")
        db.execute("DELETE FROM temp.hits")
        where = ["fts MATCH ?"]
        args: list[object] = [match]
        for condition, value in (
            ("+meta.kind = ?", kind),
            ("+meta.date >= ?", date_from),
            ("+meta.date <= ?", date_to),
        ):
            if value:
                where.append(condition)
                args.append(value)
        join = " JOIN meta ON meta.rowid = fts.rowid" if len(where) > 1 else ""
        db.execute(
            f"INSERT INTO temp.hits SELECT fts.rowid, bm25(fts) FROM fts{join} "
            f"WHERE {' AND '.join(where)}",
            args,
        )
        top = db.execute(
            "SELECT meta.rowid, meta.id, meta.title, hits.score FROM temp.hits "
            "JOIN meta ON meta.rowid = hits.rowid ORDER BY hits.score LIMIT 10"
        ).fetchall()
        rows: list[tuple] = top
        if highlight and top:
            marks = ",".join("?" * len(top))
            found = dict(
                db.execute(
                    "SELECT rowid, snippet(fts, 1, '<b>', '</b>', '…', 24) FROM fts "
                    f"WHERE fts MATCH ? AND rowid IN ({marks})",
                    [match, *(row[0] for row in top)],
                ).fetchall()
            )
            rows = [(*row, found.get(row[0], "")) for row in top]
        if facets:
            db.execute("SELECT count(*) FROM temp.hits").fetchone()
            for column in ("kind", "source", "speaker", "substr(date, 1, 4)"):
                db.execute(
                    f"SELECT {column}, count(*) FROM temp.hits JOIN meta "
                    "ON meta.rowid = hits.rowid GROUP BY 1 ORDER BY 2 DESC LIMIT 10"
                ).fetchall()
        return rows
