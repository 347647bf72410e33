"""The PostgreSQL test fixture cleans up after itself: a cluster whose test run is killed
(``kill -9``: no ``finally``, no atexit) is stopped and its folder deleted by its watchdog."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from pgserver import PostgresUnavailable, as_server_user, find_bin_dir
from processes import eventually

TESTS = Path(__file__).resolve().parent

# A test run in miniature: start a cluster, say where it is, wait to be killed.
START_AND_WAIT = """
import sys, time
from pgserver import PostgresServer
server = PostgresServer()
server.start()
print(server.home, server.port, flush=True)
time.sleep(600)
"""


def _answers(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.postgres
def test_a_killed_test_run_leaves_no_cluster_running(tmp_path: Path) -> None:
    try:
        bin_dir = find_bin_dir()
    except PostgresUnavailable as exc:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required in CI: {exc}")
        pytest.skip(str(exc))
    with subprocess.Popen(
        [sys.executable, "-c", START_AND_WAIT],
        cwd=TESTS,
        stdout=subprocess.PIPE,
        text=True,
    ) as run:
        assert run.stdout is not None
        line = run.stdout.readline()
        assert line, "the cluster did not start"
        home, port = Path(line.split()[0]), int(line.split()[1])
        try:
            assert (home / "data" / "postmaster.pid").exists() and _answers(port)
            os.kill(run.pid, signal.SIGKILL)
            run.wait()
            assert eventually(lambda: not home.exists()), f"{home} is still there"
            assert eventually(lambda: not _answers(port)), f"a server still answers on {port}"
        finally:
            if (home / "data" / "postmaster.pid").exists():  # never leak one from this test
                stop = ("pg_ctl", "stop", "-m", "immediate", "-D", str(home / "data"))
                subprocess.run(as_server_user(bin_dir, *stop), cwd="/", check=False)
