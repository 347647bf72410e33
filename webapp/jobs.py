"""The web process's background worker: it drains the jobs queue, one handler per job kind.

Each area registers the kinds it handles in its ``init_app`` (``register(app, kind,
handler)``): ``webapp/reanalysis.py`` registers ``"reanalyse"``; annotations will register
``"re-anchor"``. ``init_app`` here comes after them: it reads the settings and, in
``background`` mode, starts the worker. The setting ``REANALYSIS`` says who drains:

- ``background`` (the default when serving): one thread per web process drains every
  registered kind, woken at once by work made in that process (``notify``) and every
  ``POLL_SECONDS`` otherwise, so it also picks up the work of other processes and what a crash
  left behind. Under gunicorn each worker process runs its own thread; claims keep them from
  doing the same document twice. A process forked after the thread started (``--preload``)
  starts its own on its first request.
- ``inline`` (the default when ``TESTING``): the request that made the work drains it before
  it answers.
- ``queue``: requests only queue; a command (``dossier entities reanalyse``, e.g. from cron)
  drains.

``REANALYSIS_LEASE_SECONDS``, ``_MAX_ATTEMPTS`` and ``_RETRY_SECONDS`` are the policy of every
kind (``corpus.jobs.QueuePolicy``).
"""

from __future__ import annotations

import atexit
import logging
import os
import secrets
import socket
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app

from corpus.jobs import QueuePolicy, has_work
from webapp import resources
from webapp.config import ConfigError

log = logging.getLogger(__name__)

MODES = ("background", "inline", "queue")
POLL_SECONDS = 5.0  # how often an idle worker looks for jobs queued by other processes
BATCH = 32  # documents per claim: small enough to keep a lease short, large enough to batch
EXIT_WAIT = 10.0  # seconds an exiting process waits for its worker's batch (else: lease runs out)
_SETTINGS = "dossier.jobs"
_HANDLERS = "dossier.job_handlers"
_WORKER = "dossier.jobs_worker"

JobHandler = Callable[[str, QueuePolicy, Callable[[], bool]], int]
"""Drains the due jobs of one kind: called in an app context as ``handler(worker name,
policy, should_stop)``; returns how many documents it finished. Failures are recorded in the
queue, not raised (an exception is logged and the kind tried again at the next poll)."""


@dataclass(frozen=True)
class JobSettings:
    """Who drains the queue (``mode``) and the queue's lease and retry policy."""

    mode: str
    policy: QueuePolicy


def job_settings(config: Mapping[str, Any]) -> JobSettings:
    """The REANALYSIS* settings, checked; raises ``ConfigError`` naming a bad key."""
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
    return JobSettings(mode, policy)


def worker_name() -> str:
    """A name for claims, unique per worker: host, process id and a random suffix."""
    return f"{socket.gethostname()[:120]}:{os.getpid()}:{secrets.token_hex(3)}"


def register(app: Flask, kind: str, handler: JobHandler) -> None:
    """Have the app's worker drain jobs of ``kind`` with ``handler`` (before ``init_app``)."""
    app.extensions.setdefault(_HANDLERS, {})[kind] = handler


def handlers_of(app: Flask) -> dict[str, JobHandler]:
    """The kinds the app's worker drains, in the order they were registered."""
    found: dict[str, JobHandler] = app.extensions.get(_HANDLERS, {})
    return found


class JobWorker:
    """The background thread of one web process: drains each kind, then waits to be woken."""

    def __init__(self, app: Flask, settings: JobSettings) -> None:
        self.app = app
        self.settings = settings
        self.name = worker_name()
        self.pid = os.getpid()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="dossier-jobs", daemon=True)

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
            for kind, handler in list(handlers_of(self.app).items()):
                if self._stop.is_set():
                    break
                try:
                    self._drain(kind, handler)
                except Exception:  # the thread is an edge: log, then try again at the next poll
                    log.exception("the %s worker %s failed; retrying later", kind, self.name)
            self._wake.wait(POLL_SECONDS)

    def _drain(self, kind: str, handler: JobHandler) -> None:
        with self.app.app_context():
            if not has_work(resources.get_store(), kind):
                return
            done = handler(self.name, self.settings.policy, self._stop.is_set)
        log.info("%s: %d documents done by %s", kind, done, self.name)


def init_app(app: Flask) -> None:
    """Read the settings and, in ``background`` mode, start this process's worker. Call after
    every area has registered its kinds: the worker may write to the index at once."""
    settings = job_settings(app.config)
    app.extensions[_SETTINGS] = settings
    if settings.mode == "background":
        start_worker(app)
        app.before_request(_keep_worker)


def settings_of(app: Flask) -> JobSettings:
    """The app's job settings."""
    found: JobSettings = app.extensions[_SETTINGS]
    return found


def start_worker(app: Flask) -> JobWorker:
    """Start a worker for this process (replacing one that died or was forked away)."""
    worker = JobWorker(app, settings_of(app))
    app.extensions[_WORKER] = worker
    worker.start()
    return worker


def worker_of(app: Flask) -> JobWorker | None:
    """The app's worker in this process, if one runs."""
    worker: JobWorker | None = app.extensions.get(_WORKER)
    return worker if worker is not None and worker.is_running() else None


def stop_worker(app: Flask, timeout: float = 30.0) -> None:
    """Stop the app's worker, if any (tests, orderly shutdown)."""
    worker = app.extensions.pop(_WORKER, None)
    if worker is not None:
        worker.stop(timeout)


def notify(app: Flask) -> None:
    """Wake the app's worker: a request has just queued work."""
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
