"""Columns read in one piece per segment (``indexer/search/columns.py``) must give what
Whoosh's column readers give value by value, and the live documents what ``all_doc_ids``
gives: over segments where a column is missing, values are empty, a date is out of range,
documents were deleted, and the last documents of a segment have no value."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
from whoosh import index as wi

from indexer.schema import build_schema
from indexer.search import columns
from indexer.search.postings import field_lengths

# (kind, source, date, title, text, entity names) per document, one list per segment.
SEGMENTS: list[list[tuple[str, str, Any, str, str, bytes]]] = [
    [
        ("speech", "UN", dt.datetime(1990, 5, 1), "Peace", "peace and security", b"a\tA"),
        ("news", "", None, "", "sanctions", b""),
        ("news", "Reuters", dt.datetime(1, 1, 1), "Oil", "oil gas oil", b"\xc3\xa9\tE"),
    ],
    [("other", "", None, "", "", b"")],  # no source, date or names column in this segment
    [
        ("news", "Österreich", dt.datetime(2024, 2, 29, 23, 59), "", "gas", b"b\tB"),
        ("speech", "UN", None, "Long", " ".join(["word"] * 300), b""),
        ("news", "", None, "", "x", b""),  # trailing documents without values
    ],
]


@pytest.fixture(scope="module")
def reader(tmp_path_factory: pytest.TempPathFactory) -> Any:
    ix = wi.create_in(str(tmp_path_factory.mktemp("ix")), build_schema())
    n = 0
    for segment in SEGMENTS:
        writer = ix.writer()
        for kind, source, date, title, text, names in segment:
            fields: dict[str, Any] = {"id": str(n), "kind": kind, "title": title, "text": text}
            fields |= {"source": source} if source else {}
            fields |= {"date": date} if date else {}
            fields |= {"entity_names": names} if names else {}
            writer.add_document(**fields)
            n += 1
        writer.commit(merge=False)
    writer = ix.writer()
    writer.delete_by_term("id", "2")
    writer.commit(merge=False)
    with ix.searcher() as searcher:
        yield searcher.reader()


def whooshs(reader: Any, name: str, size: int, empty: Any) -> list[Any]:
    values = [empty] * size
    for sub, offset in reader.leaf_readers():
        if sub.has_column(name):
            for i, value in enumerate(sub.column_reader(name, translate=False)):
                values[offset + i] = value
    return values


def test_columns_are_those_whoosh_reads_value_by_value(reader: Any) -> None:
    size = reader.doc_count_all()
    assert len(list(reader.leaf_readers())) == 3
    for name in ("kind", "source"):
        expected = [v.decode("utf-8") for v in whooshs(reader, name, size, b"")]
        assert columns.text_column(reader, name, size) == expected
    assert columns.text_column(reader, "source", size)[4] == "Österreich"
    assert columns.bytes_column(reader, "entity_names", size) == whooshs(
        reader, "entity_names", size, b""
    )
    raw = whooshs(reader, "date", size, None)
    expected_days = [
        0 if r is None or not 0 < r // 86_400_000_000 + 1 <= 3_652_059 else r // 86_400_000_000 + 1
        for r in raw
    ]
    days = columns.day_column(reader, size)
    assert days == expected_days
    assert (
        days[0] == dt.date(1990, 5, 1).toordinal() and days[4] == dt.date(2024, 2, 29).toordinal()
    )


def test_live_documents_are_all_doc_ids(reader: Any) -> None:
    assert columns.live_docs(reader) == frozenset(reader.all_doc_ids())
    assert 2 not in columns.live_docs(reader)


def test_field_lengths_are_whooshs_per_document_lengths(reader: Any) -> None:
    for sub, _ in reader.leaf_readers():
        count = sub.doc_count_all()
        for name in ("text", "title", "speaker_text"):
            expected = np.array(
                [sub.doc_field_length(n, name, 1) for n in range(count)], dtype=np.float64
            )
            np.testing.assert_array_equal(field_lengths(sub, name), expected)
