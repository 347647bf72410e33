"""Where views get the store and the search index.

Both are kept per process, not per request, and opened on first use: a ``Store`` is a pool of
connections that each call borrows and returns within the call, so there is nothing to hold or
close per request, and opening one per request would reconnect and re-check migrations every
time. Opening a Whoosh searcher costs far more than a search (PERF-NOTES), and ``SearchIndex``
refreshes itself when a new index generation goes live. Opening lazily keeps a forking server
from sharing connections between workers. Nothing is closed on teardown: ``close_resources``
closes them (tests, orderly shutdown), and so does the app's garbage collection.
"""

from __future__ import annotations

import gc
import logging
import os
import threading
import time
import weakref
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g

from annotations import AnnotationStore, BriefStore
from corpus import Store
from corpus.entities import Entity, EntityStore
from indexer import IndexMissing, IndexStatus, ModelInvalid, index_status
from indexer.entities import Recogniser, load_recogniser
from indexer.search import SearchIndex
from webapp.live_index import LiveIndex

log = logging.getLogger(__name__)

_STORE = "dossier.store"
_INDEX = "dossier.index"
_ENTITIES = "dossier.entity_store"
_ANNOTATIONS = "dossier.annotation_store"
_NAMES = "dossier.entity_names"
_RECOGNISER = "dossier.recogniser"
_STALENESS = "dossier.staleness"
_REQUEST_INDEX = "dossier_index"  # flask.g: the index this app context searches
ENTITY_LAYERS = "dossier.entity_layers"  # webapp/entity_cache.py
STALENESS_SECONDS = 1.0
_lock = threading.Lock()


def get_store() -> Store:
    """This process's store; raises ``StoreUnavailable`` when the database cannot be opened."""
    store: Store = _get(_STORE, lambda: Store.open(current_app.config["DATABASE_URL"]))
    return store


def get_entity_store() -> EntityStore:
    """The entity registry, its corrections and the stored mentions, on this process's store."""
    found = current_app.extensions.get(_ENTITIES)
    if found is None or found.store is not get_store():
        found = current_app.extensions[_ENTITIES] = EntityStore(get_store())
    entity_store: EntityStore = found
    return entity_store


def get_annotation_store() -> AnnotationStore:
    """The annotations on this process's store (their tables migrated on first use)."""
    store = get_store()
    found = current_app.extensions.get(_ANNOTATIONS)
    if found is None or found.store is not store:
        with _lock:  # one migration check per process, not one per concurrent first request
            found = current_app.extensions.get(_ANNOTATIONS)
            if found is None or found.store is not store:
                found = current_app.extensions[_ANNOTATIONS] = AnnotationStore(store)
    annotation_store: AnnotationStore = found
    return annotation_store


def get_brief_store() -> BriefStore:
    """The briefs on this process's store (beside, and migrated with, the annotations)."""
    return BriefStore(get_annotation_store())


def entity_names() -> dict[str, Entity]:
    """Every entity by id, kept per process and re-read only when the registry revision moves.

    Pages show the canonical names of the entities their mentions link to; one small query
    (the revision) per page instead of reading the registry every time.
    """
    entity_store = get_entity_store()
    revision = entity_store.revision()
    cached = current_app.extensions.get(_NAMES)
    if cached is None or cached[0] != revision:
        registry = entity_store.registry()
        cached = (registry.revision, {e.id: e for e in registry.entities})
        current_app.extensions[_NAMES] = cached
    names: dict[str, Entity] = cached[1]
    return names


def entity_names_revision() -> int | None:
    """The registry revision ``entity_names`` last read the names at (None: not yet)."""
    cached = current_app.extensions.get(_NAMES)
    return None if cached is None else int(cached[0])


def get_recogniser() -> Recogniser | None:
    """This process's trained entity model, or None when there is none (or it is unreadable):
    analysis then uses the registry and the rules only. Loaded once, on the first correction."""
    if _RECOGNISER not in current_app.extensions:
        try:
            recogniser = load_recogniser(current_app.config["MODELS_DIR"])
        except ModelInvalid as exc:
            log.warning("%s", exc)
            recogniser = None
        current_app.extensions[_RECOGNISER] = recogniser
    found: Recogniser | None = current_app.extensions[_RECOGNISER]
    return found


def get_index() -> SearchIndex:
    """This process's search index; raises ``IndexMissing`` (a 503 naming the fix) if none.
    When serving (``WARM_UP``), a changed index is loaded in the background and served once
    warm (``webapp/live_index.py``)."""
    kept: SearchIndex | None = g.get(_REQUEST_INDEX)
    if kept is not None:  # one index per request, released when its app context ends
        return kept
    config = current_app.config
    index_dir, background = Path(config["INDEX_DIR"]), warm_up_enabled(config)
    live: LiveIndex = _get(_INDEX, lambda: LiveIndex(index_dir, background=background))
    index = g.setdefault(_REQUEST_INDEX, live.acquire())
    return index


def _release_index(_: BaseException | None) -> None:
    """At the end of an app context, give its index back (a replaced one is closed)."""
    index = g.pop(_REQUEST_INDEX, None)
    live = current_app.extensions.get(_INDEX)
    if index is not None and live is not None:
        live.release(index)


def init_app(app: Flask) -> None:
    """Release each request's search index when it ends (``get_index``)."""
    app.teardown_appcontext(_release_index)


def warm_up_enabled(config: Mapping[str, Any]) -> bool:
    """``WARM_UP``: on unless set off, or unset in tests."""
    enabled = config["WARM_UP"]
    return bool(enabled if enabled is not None else not config.get("TESTING"))


def staleness_notice() -> str:
    """A sentence for the results page when the index is behind the store, else ``""``.

    "dossier serve" and "dossier setup" bring the index up to date; this says so when documents
    were written since (by a CLI ingest without indexing, say, or before a gunicorn start),
    instead of silently serving results that miss them. Read at most once a second per
    process (``STALENESS_SECONDS``), as often as the index itself looks for changes: it costs
    two queries and two file reads, a tenth of a small results page's time.
    """
    now = time.monotonic()
    cached = current_app.extensions.get(_STALENESS)
    if cached is None or now - cached[0] >= STALENESS_SECONDS:
        status = index_status(get_store(), Path(current_app.config["INDEX_DIR"]))
        cached = current_app.extensions[_STALENESS] = (now, _stale(status))
    notice: str = cached[1]
    return notice


def _stale(status: IndexStatus) -> str:
    if status.is_current or not status.exists:
        return ""
    behind = max(status.store_seq - status.indexed_seq, abs(status.store_count - status.doc_count))
    changes = "change" if behind == 1 else "changes"
    return (
        f"The search index is {behind} {changes} behind the document store, so these results "
        'may miss recent documents. Run "dossier index" to bring it up to date.'
    )


def close_resources(app: Flask) -> None:
    """Close the index's files and the store's connections (tests, orderly shutdown).

    The next ``get_store``/``get_index`` opens them again. Resources an app still holds when it
    is garbage-collected are closed then too.
    """
    for key in (_ENTITIES, _ANNOTATIONS, _NAMES, _RECOGNISER, ENTITY_LAYERS, _STALENESS):
        app.extensions.pop(key, None)
    for key in (_INDEX, _STORE):
        app.extensions.pop(key, None)
        closer = app.extensions.pop(f"{key}.close", None)
        if closer is not None:
            closer()  # a weakref.finalize: closes at most once


def check_index(app: Flask) -> IndexStatus:
    """At start-up, say in the log when the index is missing or behind the store; never build
    or catch it up here (every worker would start slowly, and at once): "dossier serve" and
    "dossier setup" do that, through ``webapp.pipeline``. Pages say it too while it lasts
    (``staleness_notice``), and searches answer 503 while there is no index."""
    with app.app_context():
        status = index_status(get_store(), Path(app.config["INDEX_DIR"]))
    if not status.exists:
        log.warning('No search index at %s: run "dossier index" to build it.', status.index_dir)
    elif not status.schema_version_ok:
        log.warning(
            'The search index at %s was built by another version of Dossier: run "dossier '
            'index --rebuild".',
            status.index_dir,
        )
    elif notice := _stale(status):
        log.warning("%s", notice)
    return status


def warm_up(app: Flask) -> None:
    """Open the store and the search index and load the index's columns now, when a worker
    starts, so the first searches it answers do not each wait for them, then set aside what
    start-up built (``WARM_UP``)."""
    if not warm_up_enabled(app.config):
        return
    with app.app_context():
        try:
            seconds = get_index().warm()
        except IndexMissing as exc:  # no index yet: check_index has said so
            log.debug("search index not warmed: %s", exc)
        else:
            # Debug: "dossier serve" prints its own lines; bench/bench_serve.py waits for it.
            log.debug("search index warm in %.1f s (process %d)", seconds, os.getpid())
    _freeze_start_up()


def _freeze_start_up() -> None:
    """Move every object start-up made (modules, the app, the index's columns) out of the
    garbage collector's reach. A full collection walks every tracked object: in a worker
    that is about 120,000 objects and 85 ms, paid by whichever request triggers it (the
    document view's p95, docs/PERFORMANCE.md); after ``gc.freeze`` it walks only what
    requests made since, about 3 ms. These objects live as long as the process anyway."""
    gc.collect()
    gc.freeze()


def _get(key: str, open_it: Any) -> Any:
    value = current_app.extensions.get(key)
    if value is None:
        with _lock:
            value = current_app.extensions.get(key)
            if value is None:
                app = current_app._get_current_object()  # type: ignore[attr-defined]
                value = app.extensions[key] = open_it()
                app.extensions[f"{key}.close"] = weakref.finalize(app, value.close)
    return value
