"""Per-document columns and the live documents of a searcher's segments, read in one piece.

A ``DocTable`` (``indexer/search/filters.py``) reads the facet, entity and date columns of
every document before a server's first search (``SearchIndex.warm``) and again after every
index change. Whoosh's column readers answer one value at a time (a seek and a read each) and
``all_doc_ids`` asks each document whether it is deleted: at 60,000 documents most of the
2-3 s the first search took. Whoosh's ``VarBytesColumn`` keeps every value one after the other
(with an array of lengths) and ``NumericColumn`` fixed-size big-endian numbers, so a segment's
column is one read here, cut up in a list comprehension or decoded by numpy. A column of
another kind is read Whoosh's way; the answers are the same (tests/test_indexer_search_columns.py).
"""

from __future__ import annotations

from itertools import accumulate
from typing import Any

import numpy as np
from whoosh.columns import NumericColumn, VarBytesColumn
from whoosh.reading import SegmentReader

__all__ = ["bytes_column", "day_column", "live_docs", "text_column"]

_DAY_MICROS = 86_400_000_000
_LAST_DAY = 3_652_059  # date.max.toordinal()


def live_docs(reader: Any) -> frozenset[int]:
    """The reader's live documents (``all_doc_ids``): every number but the deleted ones."""
    deleted: set[int] = set()
    for sub, offset in reader.leaf_readers():
        if not isinstance(sub, SegmentReader):
            return frozenset(reader.all_doc_ids())
        deleted.update(n + offset for n in sub.deleted_docs_set)
    return frozenset(range(reader.doc_count_all())).difference(deleted)


def text_column(reader: Any, name: str, size: int) -> list[str]:
    """A sortable ID field's values by global document number ("" where absent).

    Read segment by segment: a segment where no document had the field has no column, and
    Whoosh's multi-segment column reader would then shift every later document number.
    """
    values = [""] * size
    for sub, offset in reader.leaf_readers():
        if sub.has_column(name):
            found = _values(sub.column_reader(name, translate=False))
            values[offset : offset + len(found)] = [
                value.decode("utf-8") if isinstance(value, bytes) else str(value) for value in found
            ]
    return values


def bytes_column(reader: Any, name: str, size: int) -> list[bytes]:
    """A ``COLUMN`` field's raw values by global document number (b"" where absent)."""
    values = [b""] * size
    for sub, offset in reader.leaf_readers():
        if sub.has_column(name):
            found = _values(sub.column_reader(name, translate=False))
            values[offset : offset + len(found)] = found
    return values


def day_column(reader: Any, size: int) -> list[int]:
    """Date ordinals by document number (0 when unknown), from the raw ``date`` column."""
    days = [0] * size
    for sub, offset in reader.leaf_readers():
        if sub.has_column("date"):
            raw = _numbers(sub.column_reader("date", translate=False))
            if raw is None:
                found = [_day(value) for value in sub.column_reader("date", translate=False)]
            else:
                day = raw // _DAY_MICROS + 1
                found = np.where((day > 0) & (day <= _LAST_DAY), day, 0).tolist()
            days[offset : offset + len(found)] = found
    return days


def _day(raw: int) -> int:
    day = raw // _DAY_MICROS + 1
    return day if 0 < day <= _LAST_DAY else 0


def _values(column: Any) -> list[Any]:
    """Every document's value of one segment's column, in order (as iterating it gives)."""
    if not isinstance(column, VarBytesColumn.Reader):
        return list(column)
    lengths = column._lengths
    ends = list(accumulate(lengths))
    data = column._dbfile.get(column._basepos, ends[-1]) if ends else b""
    return [data[end - length : end] for length, end in zip(lengths, ends, strict=True)]


def _numbers(column: Any) -> np.ndarray | None:
    """Every document's number in one segment's ``NumericColumn`` (the default past the
    column's end, as iterating it gives); None for a column of another kind."""
    if not isinstance(column, NumericColumn.Reader):
        return None
    kind = np.dtype(">" + column._typecode)  # struct's "!": big-endian, standard sizes
    if kind.itemsize != column._fixedlen:
        return None
    count = min(column._count, column._doccount)
    numbers = np.full(column._doccount, column._default, dtype=kind.newbyteorder("="))
    data = column._dbfile.get(column._basepos, count * kind.itemsize)
    numbers[:count] = np.frombuffer(data, dtype=kind)
    return numbers
