"""Re-analysis after corrections in the web app: the background worker, and what pages say.

A correction queues the documents it affects (``corpus/entity_reanalysis.py``); the setting
``REANALYSIS`` says who re-analyses them:

- ``background`` (the default when serving): one thread per web process drains the queue
  (``indexer/reanalysis.py``), woken at once by a correction made in that process and every
  ``POLL_SECONDS`` otherwise, so it also picks up the work of other processes and what a crash
  left behind. Under gunicorn each worker process runs its own thread; claims keep them from
  doing the same document twice. A process forked after the thread started (``--preload``)
  starts its own on its first request.
- ``inline`` (the default when ``TESTING``): the request that made the correction drains the
  queue before it answers.
- ``queue``: requests only queue; ``dossier entities reanalyse`` (e.g. from cron) drains.
"""

from __future__ import annotations

import atexit
import datetime as dt
import logging
import os
import secrets
import socket
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, current_app

from corpus.entities.model import Entity
from corpus.entities.reanalysis import (
    QueuePolicy,
    QueueStatus,
    has_work,
    pending_documents,
    pending_for_entity,
    queue_status,
)
from corpus.model import Document
from indexer.entities.reanalysis import DrainReport, drain
from webapp import resources
from webapp.config import ConfigError

log = logging.getLogger(__name__)

MODES = ("background", "inline", "queue")
POLL_SECONDS = 5.0  # how often an idle worker looks for jobs queued by other processes
BATCH = 32  # documents per claim: small enough to keep a lease short, large enough to batch
EXIT_WAIT = 10.0  # seconds an exiting process waits for its worker's batch (else: lease runs out)
_SETTINGS = "dossier.reanalysis"
_WORKER = "dossier.reanalysis_worker"


@dataclass(frozen=True)
class ReanalysisSettings:
    """Who drains the queue (``mode``) and the queue's lease and retry policy."""

    mode: str
    policy: QueuePolicy


@dataclass(frozen=True)
class Notice:
    """A sentence for a page whose documents are still being re-analysed."""

    count: int
    text: str


def reanalysis_settings(config: Mapping[str, Any]) -> ReanalysisSettings:
    """The REANALYSIS_* settings, checked; raises ``ConfigError`` naming a bad key."""
    mode = config.get("REANALYSIS") or ("inline" if config.get("TESTING") else "background")
    if mode not in MODES:
        raise ConfigError(f"REANALYSIS must be one of {', '.join(MODES)}, not {mode!r}.")
    numbers = {}
    for key, minimum in (
        ("REANALYSIS_LEASE_SECONDS", 1),
        ("REANALYSIS_MAX_ATTEMPTS", 1),
        ("REANALYSIS_RETRY_SECONDS", 0),
    ):
        value = config[key]
        if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
            raise ConfigError(f"{key} must be a number of at least {minimum}, not {value!r}.")
        numbers[key] = value
    policy = QueuePolicy(
        lease_seconds=float(numbers["REANALYSIS_LEASE_SECONDS"]),
        max_attempts=int(numbers["REANALYSIS_MAX_ATTEMPTS"]),
        retry_seconds=float(numbers["REANALYSIS_RETRY_SECONDS"]),
    )
    return ReanalysisSettings(mode, policy)


def worker_name() -> str:
    """A name for claims, unique per worker: host, process id and a random suffix."""
    return f"{socket.gethostname()[:120]}:{os.getpid()}:{secrets.token_hex(3)}"


class ReanalysisWorker:
    """The background thread of one web process: drains the queue, then waits to be woken."""

    def __init__(self, app: Flask, settings: ReanalysisSettings) -> None:
        self.app = app
        self.settings = settings
        self.name = worker_name()
        self.pid = os.getpid()
        self.last_report = DrainReport()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="dossier-reanalysis", daemon=True)

    def start(self) -> None:
        """Start the thread (it drains what is due at once); it stops when the process exits,
        after the batch in hand if that ends within ``EXIT_WAIT`` seconds."""
        self._thread.start()
        atexit.register(self.stop, EXIT_WAIT)

    def is_running(self) -> bool:
        """True in the process that started the thread, while it runs."""
        return self.pid == os.getpid() and self._thread.is_alive()

    def notify(self) -> None:
        """Look at the queue now rather than at the next poll."""
        self._wake.set()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop after the batch in hand; its jobs are finished or left to their lease."""
        atexit.unregister(self.stop)
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            try:
                self._drain()
            except Exception:  # the thread is an edge: log, then try again at the next poll
                log.exception("the re-analysis worker %s failed; retrying later", self.name)
            self._wake.wait(POLL_SECONDS)

    def _drain(self) -> None:
        with self.app.app_context():
            entity_store = resources.get_entity_store()
            if not has_work(entity_store):
                return
            report = drain(
                resources.get_store(),
                entity_store,
                Path(self.app.config["INDEX_DIR"]),
                resources.get_recogniser(),
                worker=self.name,
                policy=self.settings.policy,
                batch=BATCH,
                procs=1,  # no worker processes forked from a web server's threads
                should_stop=self._stop.is_set,
            )
        self.last_report = report
        log.info(
            "re-analysed %d documents, %d failed attempts",
            len(report.documents),
            len(report.failures),
        )


def init_app(app: Flask) -> None:
    """Read the settings, offer ``reanalysis_notice`` to templates and, in ``background``
    mode, start this process's worker. Call last: the worker may write to the index at once."""
    settings = reanalysis_settings(app.config)
    app.extensions[_SETTINGS] = settings
    app.jinja_env.globals["reanalysis_notice"] = reanalysis_notice
    if settings.mode == "background":
        start_worker(app)
        app.before_request(_keep_worker)


def settings_of(app: Flask) -> ReanalysisSettings:
    """The app's re-analysis settings."""
    found: ReanalysisSettings = app.extensions[_SETTINGS]
    return found


def start_worker(app: Flask) -> ReanalysisWorker:
    """Start a worker for this process (replacing one that died or was forked away)."""
    worker = ReanalysisWorker(app, settings_of(app))
    app.extensions[_WORKER] = worker
    worker.start()
    return worker


def worker_of(app: Flask) -> ReanalysisWorker | None:
    """The app's worker in this process, if one runs."""
    worker: ReanalysisWorker | None = app.extensions.get(_WORKER)
    return worker if worker is not None and worker.is_running() else None


def stop_worker(app: Flask, timeout: float = 30.0) -> None:
    """Stop the app's worker, if any (tests, orderly shutdown)."""
    worker = app.extensions.pop(_WORKER, None)
    if worker is not None:
        worker.stop(timeout)


def notify(app: Flask) -> None:
    """Wake the app's worker: a correction has just queued documents."""
    worker = worker_of(app)
    if worker is not None:
        worker.notify()


def _keep_worker() -> None:
    """Before each request: a process forked after ``init_app`` starts its own worker."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if worker_of(app) is None and _WORKER in app.extensions:
        with _restart_lock:
            if worker_of(app) is None and _WORKER in app.extensions:
                start_worker(app)


_restart_lock = threading.Lock()


def reanalysis_notice(
    document: Document | None = None, entity: Entity | None = None
) -> Notice | None:
    """What a page says while the queue holds documents it shows: a document's own, the
    documents of an entity, or (with neither) every document; None when nothing is pending."""
    entity_store = resources.get_entity_store()
    if document is not None:
        if not pending_documents(entity_store, [document.id]):
            return None
        return Notice(
            1,
            "This document is being re-analysed after a correction: its entities and its "
            "search results may change. Reload the page in a moment.",
        )
    if entity is not None:
        count = pending_for_entity(entity_store, entity.id)
        what = "the counts and passages on this page may change"
    else:
        count = queue_status(entity_store, failures=0).pending
        what = "mentions and search results may change"
    if not count:
        return None
    return Notice(count, f"Re-analysing {_documents(count)} after a correction: {what}.")


def _documents(count: int) -> str:
    return f"{count:,} document{'' if count == 1 else 's'}"


def status_json(found: QueueStatus) -> dict[str, Any]:
    """The queue's status as ``GET /api/reanalysis`` and ``--json`` show it."""
    return {
        "pending": found.pending,
        "in_progress": found.in_progress,
        "failed": found.failed,
        "oldest_queued_at": _iso(found.oldest),
        "failures": [
            {
                "document_id": f.document_id,
                "attempts": f.attempts,
                "error": f.error,
                "is_failed": f.is_failed,
                "retry_at": _iso(f.retry_at),
            }
            for f in found.failures
        ],
    }


def _iso(when: dt.datetime | None) -> str | None:
    return when.isoformat() if when else None
