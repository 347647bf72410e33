"""Re-anchoring in the web app: the handler of "re-anchor" jobs.

``init_app`` registers the kind with the app's worker (``webapp/jobs.py``), which drains what
an ingest, a crash or an annotation saved on a just-replaced version queued. The catch-up rule
itself runs in the pipeline (``webapp/pipeline.py`` ``Reanchor``: after every ingest and setup,
and before ``dossier serve``), never as a side effect of creating the app. Pages never wait for
it: a document view places annotations in the version it shows
(``annotations.anchoring.as_seen_in``) whatever the queue holds.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Flask

from annotations import REANCHOR, reanchor_queued
from corpus.jobs import QueuePolicy
from webapp import jobs, resources

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    """Have the app's worker drain "re-anchor" jobs (call before ``jobs.init_app``)."""
    jobs.register(app, REANCHOR, drain_queued)


def drain_queued(worker: str, policy: QueuePolicy, should_stop: Callable[[], bool]) -> int:
    """The worker's handler of "re-anchor" jobs: place each document's annotations in its
    current version; returns how many documents were done."""
    report = reanchor_queued(
        resources.get_annotation_store(),
        worker=worker,
        policy=policy,
        batch=jobs.BATCH,
        should_stop=should_stop,
    )
    if report.documents:
        log.info("re-anchored %d documents: %s", len(report.documents), dict(report.statuses))
    return len(report.documents)
