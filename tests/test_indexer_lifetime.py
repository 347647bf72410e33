"""Entity analysis workers die with the process that started them: a ``kill -9`` of an ingest
while it analyses must not leave its pool's workers waiting forever (``indexer/lifetime.py``)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from processes import eventually, is_gone

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


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc; Linux only")
def test_analysis_workers_die_with_a_killed_parent() -> None:
    repo = Path(__file__).resolve().parent.parent
    with subprocess.Popen(
        [sys.executable, "-c", POOL_AND_WAIT], cwd=repo, stdout=subprocess.PIPE, text=True
    ) as parent:
        assert parent.stdout is not None
        workers = [int(pid) for pid in parent.stdout.readline().split()]
        assert len(workers) == 2 and not any(is_gone(pid) for pid in workers)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        try:
            gone = eventually(lambda: all(is_gone(pid) for pid in workers))
            assert gone, f"workers {workers} outlived their parent"
        finally:
            for pid in workers:
                if not is_gone(pid):
                    os.kill(pid, signal.SIGKILL)
