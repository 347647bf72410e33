"""Searching with annotations: the resolver the search engine asks about ``note:``,
``author:``, ``tag:`` and ``annotated:`` in document searches, and annotation search itself
(the same query language over notes, quotes and tags).

The index knows nothing about annotations (they change with every save); the engine asks this
resolver, per search, for the documents each such filter selects (``indexer/search/external.py``),
for the viewer's own annotations and the team's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence, Set

from annotations import (
    Annotation,
    AnnotationFilter,
    AnnotationStore,
    annotations_of,
    as_seen_in,
    documents_with,
    list_annotations,
    tag_key,
)
from annotations.listing import MAX_PER_PAGE
from corpus.model import Document, Span
from corpus.store import Store
from indexer.errors import QueryError
from indexer.search.query import (
    And,
    DateFilter,
    Filter,
    Fuzzy,
    Node,
    Not,
    Or,
    Phrase,
    Prefix,
    Word,
    leaves,
)
from indexer.search.syntax import parse_query


class AnnotationResolver:
    """Documents selected by annotation filters, as one viewer sees the annotations."""

    def __init__(self, astore: AnnotationStore, viewer: str) -> None:
        self.astore = astore
        self.viewer = viewer

    def documents(self, field: str, value: str) -> Set[str]:
        """``note:words``, ``author:id``, ``tag:label``, ``annotated:yes``."""
        if field == "note":
            return documents_with(self.astore, viewer=self.viewer, note=value)
        if field == "author":
            return documents_with(self.astore, viewer=self.viewer, author=value)
        if field == "tag":
            return documents_with(self.astore, viewer=self.viewer, tag=value)
        if field == "annotated":
            return documents_with(self.astore, viewer=self.viewer)
        return set()

    def passages(self, documents: Sequence[Document]) -> Mapping[str, Sequence[Span]]:
        """For ``in:annotations``: where the viewer's and the team's annotations are anchored
        in each version given (placed there now when re-anchoring has not looked at it);
        orphaned ones mark nothing."""
        found = annotations_of(self.astore, (d.id for d in documents), viewer=self.viewer)
        out: dict[str, list[Span]] = {}
        for document in documents:
            placed = as_seen_in(found.get(document.id, ()), document)
            out[document.id] = [a.located.span for a in placed if a.located is not None]
        return out


ANNOTATION_FIELDS = ("note", "tag", "author", "kind", "annotated")


def search_annotations(
    astore: AnnotationStore, store: Store, query: str, *, viewer: str, limit: int = 1_000
) -> list[Annotation]:
    """The viewer's visible annotations that a query in the search language matches, newest
    first: words, phrases and ``prefix*`` in the note or the quote, ``note:``, ``tag:``
    (an annotation's tag), ``author:``, ``kind:`` (of its document), with AND, OR, NOT.
    Raises ``QueryError`` for anything else (``speaker:``, ``date:``...), naming what works."""
    root = parse_query(query).root
    fields = {leaf.field for leaf in leaves(root) if isinstance(leaf, Filter)}
    unsupported = (
        sorted(fields - set(ANNOTATION_FIELDS))
        + ["date" for leaf in leaves(root) if isinstance(leaf, DateFilter)][:1]
    )
    if unsupported:
        raise QueryError(
            f'Annotation search cannot use {unsupported[0]}:. Use words, "phrases", note:, '
            "tag:, author: and kind:, or search the documents instead."
        )
    found = list_annotations(
        astore, AnnotationFilter(viewer=viewer, per_page=MAX_PER_PAGE, sort="newest")
    )
    candidates = list(found.annotations)
    page = 2
    while len(candidates) < min(found.total, limit):
        more = list_annotations(
            astore, AnnotationFilter(viewer=viewer, per_page=MAX_PER_PAGE, page=page)
        )
        if not more.annotations:
            break
        candidates += more.annotations
        page += 1
    kinds = {d.id: d.kind for d in store.get_many({a.document_id for a in candidates}).values()}
    return [a for a in candidates if _matches(root, a, kinds.get(a.document_id, ""))]


def _matches(node: Node | None, annotation: Annotation, kind: str) -> bool:
    if node is None:
        return True
    if isinstance(node, And):
        return all(_matches(child, annotation, kind) for child in node.children)
    if isinstance(node, Or):
        return any(_matches(child, annotation, kind) for child in node.children)
    if isinstance(node, Not):
        return not _matches(node.child, annotation, kind)
    if isinstance(node, Filter):
        return _filter(node, annotation, kind)
    text = f"{annotation.note}\n{annotation.anchor.quote}"
    if isinstance(node, Phrase):
        return _words(node.text) in _words(text)
    if isinstance(node, Prefix):
        return re.search(rf"\b{re.escape(node.text)}", text, re.I) is not None
    if isinstance(node, Word | Fuzzy):
        return re.search(rf"\b{re.escape(node.text)}\b", text, re.I) is not None
    return False


def _filter(node: Filter, annotation: Annotation, kind: str) -> bool:
    if node.field == "note":
        return _words(node.value) in _words(annotation.note)
    if node.field == "tag":
        return tag_key(node.value) in {tag_key(t) for t in annotation.tags}
    if node.field == "author":
        return annotation.author == node.value.strip()
    if node.field == "kind":
        return kind == node.value.lower()
    return node.value.lower() != "no"  # annotated:yes holds for every annotation


def _words(text: str) -> str:
    return " " + " ".join(re.findall(r"\w+", text.casefold())) + " "
