"""Searching with annotations: the resolver the search engine asks about ``note:``,
``author:``, ``tag:`` and ``annotated:``.

The index knows nothing about annotations (they change with every save); the engine asks this
resolver, per search, for the documents each such filter selects (``indexer/search/external.py``),
for the viewer's own annotations and the team's.
"""

from __future__ import annotations

from collections.abc import Set

from annotations.listing import documents_with
from annotations.store import AnnotationStore


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
