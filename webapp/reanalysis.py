"""Re-analysis after corrections in the web app: draining the "reanalyse" jobs, and what
pages say while documents wait.

A correction queues the documents it affects (jobs of kind ``"reanalyse"``,
``corpus/entities/reanalysis.py``). ``init_app`` registers the kind with the app's worker
(``webapp/jobs.py``, which the ``REANALYSIS`` setting governs: a background thread, the request
itself, or a later "dossier entities reanalyse") and offers ``reanalysis_notice`` to templates:
what waits, and how far re-analysis is ("1,200 of 4,148 documents re-analysed", which the page
keeps up to date from ``GET /api/reanalysis``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app

from corpus import Document
from corpus.entities import (
    REANALYSE,
    Entity,
    ReanalysisProgress,
    pending_for_entity,
    reanalysis_progress,
)
from corpus.jobs import QueuePolicy, QueueStatus, pending_documents, queue_status
from webapp import jobs, resources
from webapp.pipeline import reanalyse_queued


@dataclass(frozen=True)
class Notice:
    """A sentence for a page whose documents are still being re-analysed, and how far the
    re-analysis is (``done`` of ``total`` documents; ``total`` 0: not known)."""

    count: int
    text: str
    done: int = 0
    total: int = 0
    progress: str = ""  # "1,200 of 4,148 documents re-analysed, about 40 s left"


def init_app(app: Flask) -> None:
    """Have the app's worker drain "reanalyse" jobs; offer ``reanalysis_notice`` to templates."""
    jobs.register(app, REANALYSE, drain_queued)
    app.jinja_env.globals["reanalysis_notice"] = reanalysis_notice


def drain_queued(worker: str, policy: QueuePolicy, should_stop: Callable[[], bool]) -> int:
    """The worker's handler of "reanalyse" jobs: re-analyse and re-index what is due."""
    report = reanalyse_queued(
        resources.get_store(),
        resources.get_entity_store(),
        current_app.config,
        resources.get_recogniser(),
        worker=worker,
        policy=policy,
        batch=jobs.BATCH,
        procs=1,  # no worker processes forked from a web server's threads
        should_stop=should_stop,
    )
    return len(report.documents)


def reanalysis_notice(
    document: Document | None = None, entity: Entity | None = None
) -> Notice | None:
    """What a page says while the queue holds documents it shows: a document's own, the
    documents of an entity, or (with neither) every document; None when nothing is pending."""
    entity_store = resources.get_entity_store()
    if document is not None:
        if not pending_documents(entity_store, REANALYSE, [document.id]):
            return None
        count = 1
        text = (
            "This document waits to be re-analysed after a correction: its entities and its "
            "search results may change."
        )
    else:
        if entity is not None:
            count = pending_for_entity(entity_store, entity.id)
            what = "the counts and passages on this page may change"
        else:
            count = queue_status(entity_store, REANALYSE, failures=0).pending
            what = "mentions and search results may change"
        if not count:
            return None
        text = f"Re-analysing {_documents(count)} after a correction: {what}."
    progress = reanalysis_progress(entity_store)
    if progress is None:
        return Notice(count, text)
    return Notice(count, text, progress.done, progress.total, progress_text(progress))


def progress_json() -> dict[str, Any] | None:
    """How far re-analysis is, as ``GET /api/reanalysis`` shows it (None: nothing waits):
    ``done`` of ``total`` documents, ``failed``, ``seconds_left`` (null: no pace yet) and the
    sentence pages show (``text``)."""
    found = reanalysis_progress(resources.get_entity_store())
    if found is None:
        return None
    return {
        "done": found.done,
        "total": found.total,
        "failed": found.failed,
        "seconds_left": found.seconds_left,
        "text": progress_text(found),
    }


def progress_text(found: ReanalysisProgress) -> str:
    """ "1,200 of 4,148 documents re-analysed, 2 failed, about 40 s left"."""
    noun = "document" if found.total == 1 else "documents"
    parts = [f"{found.done:,} of {found.total:,} {noun} re-analysed"]
    if found.failed:
        parts.append(f"{found.failed:,} failed")
    if found.seconds_left is not None and found.done + found.failed < found.total:
        parts.append(f"about {_duration(found.seconds_left)} left")
    return ", ".join(parts)


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{max(round(seconds), 1)} s"
    return f"{round(seconds / 60)} min"


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
