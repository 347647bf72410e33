"""A document page's entity layer, built once per document version, part and state of its
mentions, and kept per process.

Building the layer reads the part's mentions and the document's counts and makes a ``Mark``
per mention (a long transcript's page: 500 to 5,000 of them), about a quarter of the page's
time, and the same on every request until the mentions change. A kept layer is found by the
document, version, part and ``corpus.entities.mentions_stamp`` (the registry revision and the
version's analysis row, which every write to the mentions moves), read in one query, so a
correction or a re-analysis is seen on the next request. The layer's links depend on where the
app is mounted, which is in the key too.

The cache is a least-recently-used map bounded by the marks it holds (``MARKS_KEPT``), not by
pages, so a few very long documents cannot fill memory.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from flask import Flask, current_app, request

from corpus import Document, Span
from corpus.entities import Entity, mention_counts, mentions_stamp, mentions_starting_in
from webapp.entity_layer import EntityLayer, document_layer
from webapp.parts import MAX_MARKS
from webapp.resources import ENTITY_LAYERS, entity_names_revision, get_entity_store

MARKS_KEPT = 20_000  # marks of kept layers per process: about 20 MB


class LayerCache:
    """Entity layers by key, least recently used first out once they hold more than
    ``limit`` marks; safe to share between a threaded server's threads."""

    def __init__(self, limit: int = MARKS_KEPT) -> None:
        self.limit = limit
        self.held = 0
        self._layers: OrderedDict[Hashable, EntityLayer] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, build: Callable[[], EntityLayer]) -> EntityLayer:
        """The layer kept for ``key``, else ``build()``'s, kept (built outside the lock: two
        threads may build the same layer once each, never wait on each other's queries)."""
        with self._lock:
            found = self._layers.get(key)
            if found is not None:
                self._layers.move_to_end(key)
                return found
        layer = build()
        with self._lock:
            if key not in self._layers:
                self._layers[key] = layer
                self.held += len(layer.marks)
            while self.held > self.limit and len(self._layers) > 1:
                _, gone = self._layers.popitem(last=False)
                self.held -= len(gone.marks)
        return layer

    def __len__(self) -> int:
        return len(self._layers)


def part_layer(document: Document, span: Span, names: dict[str, Entity]) -> EntityLayer:
    """The entity layer of the part ``span`` of a document version: the marks of the mentions
    that start in it (at most ``MAX_MARKS``) and the counts of all the document's, kept.
    ``names``: ``resources.entity_names()``, read just before."""
    entity_store = get_entity_store()
    stamp = mentions_stamp(entity_store, document.id, document.version)
    key = (document.id, document.version, span, stamp, request.script_root)

    def build() -> EntityLayer:
        shown = mentions_starting_in(
            entity_store, {document.id: [span]}, {document.id: document.version}
        )
        counts = mention_counts(entity_store, document.id, document.version)
        return document_layer(shown[document.id], names, counts=counts, limit=MAX_MARKS)

    if stamp.registry_revision != entity_names_revision():  # a correction since ``names``
        return build()
    return layer_cache(current_app).get(key, build)


def layer_cache(app: Flask) -> LayerCache:
    """This app's cache of entity layers (made on first use)."""
    cache: LayerCache | None = app.extensions.get(ENTITY_LAYERS)
    if cache is None:
        cache = app.extensions.setdefault(ENTITY_LAYERS, LayerCache())
    return cache
