"""Stored text layers: what each analysed document version's tokens and model mentions were
(``indexer/entities/layers.py`` makes and reads the bytes; this module only keeps them).

- ``write_layers`` replaces the layers of the versions an analysis batch stores, inside that
  batch's transaction (``analyses.replace_many``), so a layer is never newer than its mentions.
- ``layers_many`` reads them back for a batch of versions about to be re-analysed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from corpus.entities.per_version import IDS_PER_QUERY
from corpus.entities.store import EntityStore
from corpus.entities.tables import text_layers

_L = text_layers.c

Layer = tuple[str, bytes]
"""A stored layer: its key (what it was made with) and its bytes."""


def write_layers(conn: Connection, layers: Sequence[tuple[str, int, Layer]]) -> None:
    """Replace the layer of each (document id, version, layer)."""
    if not layers:
        return
    d, v = sa.bindparam("d", type_=sa.String), sa.bindparam("v", type_=sa.Integer)
    keys = [{"d": doc, "v": version} for doc, version, _ in layers]
    conn.execute(text_layers.delete().where(_L.document_id == d, _L.version == v), keys)
    rows = [
        {"document_id": doc, "version": version, "layer_key": key, "data": data}
        for doc, version, (key, data) in layers
    ]
    conn.execute(text_layers.insert(), rows)


def layers_many(
    store: EntityStore, versions: Iterable[tuple[str, int]], key: str
) -> dict[tuple[str, int], bytes]:
    """The stored layers made with ``key`` of these (document id, version) pairs; pairs with
    none, or with one made otherwise (another model or analysis version), are left out."""
    wanted = set(versions)
    ids = sorted({d for d, _ in wanted})
    found: dict[tuple[str, int], bytes] = {}
    stmt = sa.select(_L.document_id, _L.version, _L.data)
    with store.connect() as conn:
        for start in range(0, len(ids), IDS_PER_QUERY):
            batch = ids[start : start + IDS_PER_QUERY]
            for doc, version, data in conn.execute(
                stmt.where(_L.document_id.in_(batch), _L.layer_key == key)
            ):
                if (doc, version) in wanted:
                    found[(doc, version)] = bytes(data)
    return found
