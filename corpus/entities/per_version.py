"""Rows stored per document version (mentions, turns), read for many versions at once."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import sqlalchemy as sa

from corpus.entities.store import EntityStore

T = TypeVar("T")
# Document ids per query: SQLite's and PostgreSQL's parameter limits are far above this.
IDS_PER_QUERY = 500


def rows_per_version(
    store: EntityStore,
    table: sa.Table,
    versions: Iterable[tuple[str, int]],
    read: Callable[[sa.Row[Any]], T],
) -> dict[tuple[str, int], list[T]]:
    """``read`` of ``table``'s rows of each (document id, version) pair, in text order, one
    query per ``IDS_PER_QUERY`` documents (index records are built in batches); pairs without
    rows map to []. ``table`` has ``document_id``, ``version`` and ``start_offset`` columns."""
    wanted = set(versions)
    found: dict[tuple[str, int], list[T]] = {pair: [] for pair in wanted}
    ids = sorted({d for d, _ in wanted})
    c = table.c
    order = (c.document_id, c.version, c.start_offset)
    with store.connect() as conn:
        for start in range(0, len(ids), IDS_PER_QUERY):
            batch = ids[start : start + IDS_PER_QUERY]
            for r in conn.execute(
                sa.select(table).where(c.document_id.in_(batch)).order_by(*order)
            ):
                if (r.document_id, r.version) in wanted:
                    found[(r.document_id, r.version)].append(read(r))
    return found
