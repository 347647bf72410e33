"""The web process's background worker drains every job kind registered with it: the
"reanalyse" jobs of corrections, and a second kind as annotations will add ("re-anchor")."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pytest

from corpus.entities.reanalysis import REANALYSE
from corpus.jobs import Job, QueuePolicy, enqueue, queue_status, work_through
from webapp import jobs, resources

RE_ANCHOR = "re-anchor"
DEADLINE = 60.0


def wait_until(check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    pytest.fail(f"{what} did not happen within {DEADLINE:.0f} s")


def test_the_worker_drains_each_registered_kind(make_app: Callable[..., Any]) -> None:
    app = make_app(REANALYSIS="background")
    done: list[tuple[str, str]] = []

    def re_anchor(worker: str, policy: QueuePolicy, should_stop: Callable[[], bool]) -> int:
        def work(claimed: Sequence[Job]) -> Mapping[str, str]:
            done.extend((worker, j.document_id) for j in claimed)
            return {}

        work_through(resources.get_store(), RE_ANCHOR, worker, policy, work)
        return len(done)

    try:
        assert list(jobs.handlers_of(app)) == [REANALYSE]
        jobs.register(app, RE_ANCHOR, re_anchor)
        with app.app_context():
            store = resources.get_store()
            with store.connect(write=True) as conn:
                enqueue(conn, RE_ANCHOR, ["tass-report", "analyst-notes"])
                enqueue(conn, REANALYSE, ["tass-report"])
            jobs.notify(app)
            wait_until(lambda: queue_status(store, RE_ANCHOR).pending == 0, "re-anchoring")
            wait_until(lambda: queue_status(store, REANALYSE).pending == 0, "re-analysis")
        worker = jobs.worker_of(app)
        assert worker is not None
        assert sorted(done) == [(worker.name, "analyst-notes"), (worker.name, "tass-report")]
    finally:
        jobs.stop_worker(app)


def test_inline_and_queue_modes_start_no_worker(make_app: Callable[..., Any]) -> None:
    for mode in ("inline", "queue"):
        app = make_app(REANALYSIS=mode)
        assert jobs.settings_of(app).mode == mode
        assert jobs.worker_of(app) is None
