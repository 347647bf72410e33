"""The index lock: one holder at a time, told to waiters, free again as soon as its holder dies
(whatever its forked workers do), and the workers die with it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from processes import eventually, is_gone

from indexer.errors import IndexBusy
from indexer.lock import holder, index_lock, is_locked

# A process that takes the lock, forks a worker the way Whoosh's writer does and waits to be
# killed. The worker says its pid once it runs its target: by then the fork hooks have run in
# it (filelock's closing of the lock's descriptor, ours tying it to its parent). Before that,
# the child still shares the lock's open file, and a parent killed in that window (a loaded
# machine may not schedule the child for a while) leaves the lock held until the child runs.
HOLD_AND_FORK = """
import multiprocessing, os, sys, time
from pathlib import Path
from indexer.lock import index_lock

def work():
    print(os.getpid(), flush=True)
    while True:
        time.sleep(0.05)

with index_lock(Path(sys.argv[1])):
    worker = multiprocessing.get_context("fork").Process(target=work)
    worker.start()
    time.sleep(600)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc; Linux only")
def test_a_killed_holder_frees_the_lock_and_its_workers_die_with_it(tmp_path: Path) -> None:
    repo = Path(__file__).resolve().parent.parent
    with subprocess.Popen(
        [sys.executable, "-c", HOLD_AND_FORK, str(tmp_path)],
        cwd=repo,
        stdout=subprocess.PIPE,
        text=True,
    ) as parent:
        assert parent.stdout is not None
        worker = int(parent.stdout.readline())
        assert is_locked(tmp_path)
        assert holder(tmp_path).startswith(f"pid {parent.pid} since ")
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        try:
            with index_lock(tmp_path):  # taken over at once: no wait allowed
                assert holder(tmp_path).startswith(f"pid {os.getpid()} since ")
            assert eventually(lambda: is_gone(worker)), f"worker {worker} outlived its parent"
        finally:
            if not is_gone(worker):
                os.kill(worker, signal.SIGKILL)


def test_a_second_holder_is_refused_or_waits_and_is_told_who_holds_it(tmp_path: Path) -> None:
    told: list[str] = []
    waiting = threading.Event()

    def wait_for_it() -> None:
        def on_wait(message: str) -> None:
            told.append(message)
            waiting.set()

        with index_lock(tmp_path, wait=60, on_wait=on_wait):
            told.append("got it")

    with index_lock(tmp_path):
        with pytest.raises(IndexBusy, match=f"another process \\(pid {os.getpid()} since "):
            with index_lock(tmp_path):
                pass
        thread = threading.Thread(target=wait_for_it)
        thread.start()
        assert waiting.wait(30)
    thread.join(30)
    assert told[0].startswith(
        f"Waiting for the index at {tmp_path}: another process (pid {os.getpid()} since "
    )
    assert told[0].endswith(") is using it.")
    assert told[1:] == ["got it"]
    assert not is_locked(tmp_path) and holder(tmp_path) == ""
