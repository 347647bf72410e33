"""Filters the index cannot answer: the caller supplies what they select.

``note:``, ``author:`` and ``annotated:`` (and the annotation half of ``tag:``) are about
analysts' annotations, which live in the store, change with every save and are not in the
index; the indexer never imports the package that keeps them. The caller of a search passes
a ``Resolver``; before planning, each such filter becomes a ``Resolved`` filter holding the ids
of the documents it selects (``tag:`` becomes "a document tag, or an annotation tag": either
matches). Without a resolver these filters select nothing, with a notice.

For ``in:annotations`` (``indexer/search/passages.py``) the resolver also says where, in a
given version of a document, the annotated passages the viewer can see are.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass
from typing import Protocol

from corpus.model import Document, Span
from indexer.search.query import And, Filter, Node, Not, Or

EXTERNAL_FIELDS: tuple[str, ...] = ("note", "author", "annotated")
MIXED_FIELDS: tuple[str, ...] = ("tag",)  # answered by the index and by the resolver


class Resolver(Protocol):
    """Answers filters about things outside the index (annotations, for the web app)."""

    def documents(self, field: str, value: str) -> Set[str]:
        """The ids of the documents that ``field:value`` selects."""
        ...

    def passages(self, documents: Sequence[Document]) -> Mapping[str, Sequence[Span]]:
        """By document id: the spans of the annotations the viewer can see, where they are
        anchored in the version given (orphaned ones have none)."""
        ...


@dataclass(frozen=True)
class Resolved(Filter):
    """A filter already answered: the ids of the documents it selects (asked anew for every
    search: the answer changes whenever an annotation is saved; the index keeps only which of
    its documents a given set of ids is)."""

    ids: frozenset[str] = frozenset()


def resolve_external(node: Node | None, resolver: Resolver | None) -> Node | None:
    """The tree with each external filter replaced by its ``Resolved`` answer."""
    if node is None:
        return None
    if isinstance(node, And | Or):
        return type(node)(tuple(_child(c, resolver) for c in node.children))
    if isinstance(node, Not):
        return Not(_child(node.child, resolver))
    if isinstance(node, Filter) and not isinstance(node, Resolved):
        if node.field == "annotated" and node.value.lower() == "no":
            return Not(_answer(dataclasses.replace(node, value="yes"), resolver))
        if node.field in EXTERNAL_FIELDS:
            return _answer(node, resolver)
        if node.field in MIXED_FIELDS and resolver is not None:
            return Or((node, _answer(node, resolver)))
    return node


def annotated_documents(resolver: Resolver | None) -> Resolved:
    """The filter selecting the documents with annotations the viewer can see (none without
    a resolver)."""
    return _answer(Filter("annotated", "yes"), resolver)


def _child(node: Node, resolver: Resolver | None) -> Node:
    found = resolve_external(node, resolver)
    assert found is not None
    return found


def _answer(node: Filter, resolver: Resolver | None) -> Resolved:
    ids = frozenset(resolver.documents(node.field, node.value)) if resolver else frozenset()
    return Resolved(**{f.name: getattr(node, f.name) for f in dataclasses.fields(Filter)}, ids=ids)
