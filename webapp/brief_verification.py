"""Brief verification in the web app: the handler of "verify-briefs" jobs.

``init_app`` registers the kind with the app's worker (``webapp/jobs.py``). The catch-up rule
runs in the pipeline (``webapp/pipeline.py`` ``VerifyBriefs``, after every ingest and setup),
never as a side effect of creating the app; the worker drains what a crash or another process
left queued.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Flask

from annotations import VERIFY_BRIEFS, verify_queued
from corpus.jobs import QueuePolicy
from webapp import jobs, resources

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    """Have the app's worker drain "verify-briefs" jobs (call before ``jobs.init_app``)."""
    jobs.register(app, VERIFY_BRIEFS, drain_queued)


def drain_queued(worker: str, policy: QueuePolicy, should_stop: Callable[[], bool]) -> int:
    """The worker's handler of "verify-briefs" jobs: re-check the citations of each changed
    document and mark the briefs citing it; returns how many documents were done."""
    report = verify_queued(
        resources.get_brief_store(),
        worker=worker,
        policy=policy,
        batch=jobs.BATCH,
        should_stop=should_stop,
    )
    if report.documents:
        log.info("re-checked citations of %d documents: %s", len(report.documents), report.statuses)
    return len(report.documents)
