"""The web process's background worker drains every job kind registered with it: the
"reanalyse" jobs of corrections, the "re-anchor" jobs of annotations, and any kind another
area adds (a stand-in kind here)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pytest

from annotations.briefs.model import VERIFY_BRIEFS
from annotations.model import REANCHOR
from corpus.entities.reanalysis import REANALYSE
from corpus.jobs import Job, QueuePolicy, enqueue, queue_status, work_through
from webapp import jobs, resources

OTHER_KIND = "example-kind"  # a stand-in for a kind another area would add
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

    def other(worker: str, policy: QueuePolicy, should_stop: Callable[[], bool]) -> int:
        def work(claimed: Sequence[Job]) -> Mapping[str, str]:
            done.extend((worker, j.document_id) for j in claimed)
            return {}

        work_through(resources.get_store(), OTHER_KIND, worker, policy, work)
        return len(done)

    try:
        assert list(jobs.handlers_of(app)) == [REANALYSE, REANCHOR, VERIFY_BRIEFS]
        jobs.register(app, OTHER_KIND, other)
        with app.app_context():
            store = resources.get_store()
            with store.connect(write=True) as conn:
                enqueue(conn, OTHER_KIND, ["tass-report", "analyst-notes"])
                enqueue(conn, REANALYSE, ["tass-report"])
            jobs.notify(app)
            wait_until(lambda: queue_status(store, OTHER_KIND).pending == 0, "the other kind")
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
