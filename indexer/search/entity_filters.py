"""``entity:`` filters follow merges: the index only holds the surviving id (the merge
re-indexed the documents that mentioned either), so a filter on a merged-away id is rewritten."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from corpus.errors import EntityNotFound
from indexer.entities.refs import is_unlinked
from indexer.search.query import And, Filter, Node, Not, Or, leaves


def resolve_entities(node: Node | None, store: Any) -> Node | None:
    """A query or filter tree with each ``entity:`` id that was merged away replaced by the
    surviving entity's id. Reads the registry only when there is such a filter."""
    ids = {
        leaf.value
        for leaf in leaves(node)
        if isinstance(leaf, Filter) and leaf.field == "entity" and not is_unlinked(leaf.value)
    }
    if node is None or not ids:
        return node
    from corpus.entities.store import EntityStore  # SQLAlchemy: only for entity: filters

    entity_store = EntityStore(store)
    moved = {}
    for entity_id in ids:
        try:
            moved[entity_id] = entity_store.resolve(entity_id)
        except EntityNotFound:
            continue
    moved = {old: new for old, new in moved.items() if old != new}
    return _replace_ids(node, moved) if moved else node


def _replace_ids(node: Node, moved: Mapping[str, str]) -> Node:
    if isinstance(node, And | Or):
        return type(node)(tuple(_replace_ids(child, moved) for child in node.children))
    if isinstance(node, Not):
        return Not(_replace_ids(node.child, moved))
    if isinstance(node, Filter) and node.field == "entity" and node.value in moved:
        return dataclasses.replace(node, value=moved[node.value])
    return node
