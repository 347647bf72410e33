"""Re-anchoring in the web app: the handler of "re-anchor" jobs, and the catch-up at start.

``init_app`` registers the kind with the app's worker (``webapp/jobs.py``: a background
thread, the request itself in ``inline`` mode, or a later ``dossier annotations reanchor``),
then runs the catch-up rule once (``annotations.reanchor.queue_changed``: one small
transaction), so documents re-published while no server ran are queued now rather than shown
with stale placements. Pages never wait for it: a document view places annotations in the
version it shows (``annotations.anchoring.as_seen_in``) whatever the queue holds.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Flask

from annotations.model import REANCHOR
from annotations.reanchor import drain, queue_changed
from corpus.errors import StoreUnavailable
from corpus.jobs import QueuePolicy
from webapp import jobs, resources

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    """Have the app's worker drain "re-anchor" jobs (call before ``jobs.init_app``)."""
    jobs.register(app, REANCHOR, drain_queued)


def catch_up(app: Flask) -> int:
    """Queue what changed since the last catch-up; in ``inline`` mode, re-anchor it now.
    Returns how many documents were queued. A database that cannot be opened is logged, not
    raised: pages then say what is wrong."""
    with app.app_context():
        try:
            queued = queue_changed(resources.get_annotation_store())
            if queued and jobs.settings_of(app).mode == "inline":
                drain_queued(jobs.worker_name(), jobs.settings_of(app).policy, lambda: False)
        except StoreUnavailable as exc:
            log.warning("%s", exc)
            return 0
    if queued:
        jobs.notify(app)
    return queued


def drain_queued(worker: str, policy: QueuePolicy, should_stop: Callable[[], bool]) -> int:
    """The worker's handler of "re-anchor" jobs: place each document's annotations in its
    current version; returns how many documents were done."""
    report = drain(
        resources.get_annotation_store(),
        worker=worker,
        policy=policy,
        batch=jobs.BATCH,
        should_stop=should_stop,
    )
    if report.documents:
        log.info("re-anchored %d documents: %s", len(report.documents), dict(report.statuses))
    return len(report.documents)
