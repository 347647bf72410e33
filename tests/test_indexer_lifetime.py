"""Entity analysis workers die with the process that started them: a ``kill -9`` of an ingest
while it analyses must not leave its pool's workers waiting forever (``indexer/lifetime.py``)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

# A process that starts the analysis pool the way an ingest does, waits until both workers
# have run a task (so their initializer has run), says their pids and waits to be killed.
POOL_AND_WAIT = """
import os, sys, time
from indexer.entities.extraction import _pool

def pid_after(seconds):
    time.sleep(seconds)
    return os.getpid()

pool = _pool(2, None, None)
seen = set()
while len(seen) < 2:
    seen |= {f.result() for f in [pool.submit(pid_after, 0.2) for _ in range(4)]}
print(*sorted(seen), flush=True)
time.sleep(600)
"""


def _is_gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state in ("Z", "X")


def _eventually(check: object, seconds: float = 120.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc; Linux only")
def test_analysis_workers_die_with_a_killed_parent() -> None:
    repo = Path(__file__).resolve().parent.parent
    with subprocess.Popen(
        [sys.executable, "-c", POOL_AND_WAIT], cwd=repo, stdout=subprocess.PIPE, text=True
    ) as parent:
        assert parent.stdout is not None
        workers = [int(pid) for pid in parent.stdout.readline().split()]
        assert len(workers) == 2 and not any(_is_gone(pid) for pid in workers)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        try:
            gone = _eventually(lambda: all(_is_gone(pid) for pid in workers))
            assert gone, f"workers {workers} outlived their parent"
        finally:
            for pid in workers:
                if not _is_gone(pid):
                    os.kill(pid, signal.SIGKILL)
