"""A throw-away PostgreSQL cluster for the store tests: initdb, pg_ctl start, one database per use.

It listens on 127.0.0.1 only (a free port) with its socket in its own temporary folder, trusts
local connections, and runs without fsync: fast to start and stop, worthless after a crash. When
the tests run as root the server runs as the ``postgres`` OS user, since PostgreSQL refuses root.

A watchdog stops the cluster and deletes its folder when the process that started it dies
without ``stop()`` (a pytest run killed by a timeout, by ``kill -9`` or Ctrl+C): it waits for
the end of a pipe only that process writes to, which the kernel closes however it dies (the
parent-death trick the index workers use, ``indexer/lock.py``). It runs in its own session, so
the signal that kills the run's process group does not kill it too.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

BIN_DIRS = ("/usr/local/bin", *sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True))
SHARED_DATABASE = "dossier_tests"
SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "100",
    "shared_buffers": "32MB",
}


# Run by the watchdog: wait for the end of stdin, then stop the cluster and delete its folder.
WATCHDOG = """
import shutil, signal, subprocess, sys
from pathlib import Path
signal.signal(signal.SIGINT, signal.SIG_IGN)
sys.stdin.buffer.read()
home, *stop = sys.argv[1:]
if (Path(home) / "data" / "postmaster.pid").exists():
    subprocess.run(stop, capture_output=True, timeout=120)
shutil.rmtree(home, ignore_errors=True)
"""


class PostgresUnavailable(Exception):
    """No PostgreSQL binaries, or no way to run them (the reason is in the message)."""


def find_bin_dir() -> Path:
    """The folder holding ``initdb`` and ``pg_ctl``; raises ``PostgresUnavailable``."""
    candidates = [Path(d) for d in BIN_DIRS]
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(Path(on_path).parent)
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    raise PostgresUnavailable(
        f"initdb/pg_ctl not found in {', '.join(map(str, candidates))}; install PostgreSQL "
        "server binaries (Debian: apt-get install postgresql-15)"
    )


def as_server_user(bin_dir: Path, *args: str) -> list[str]:
    """The command line that runs PostgreSQL's program ``args[0]`` as the user the server runs
    as (``postgres`` when the tests run as root)."""
    command = [str(bin_dir / args[0]), *args[1:]]
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresServer:
    """One cluster in a temporary folder; ``create_database()`` hands out fresh database URLs."""

    def __init__(self, **settings: str) -> None:
        """``settings`` override ``SETTINGS`` (``synchronous_commit="on"`` for a test that
        crashes the server and counts on what it acknowledged)."""
        self.settings = {**SETTINGS, **settings}
        self.bin_dir = find_bin_dir()
        self.run_as = "postgres" if os.geteuid() == 0 else None
        self.home = Path(tempfile.mkdtemp(prefix="dossier-pg-"))
        self.data = self.home / "data"
        self.log = self.home / "server.log"
        self.port = 0
        self._names = itertools.count(1)
        self.watchdog: subprocess.Popen[bytes] | None = None

    def _command(self, *args: str) -> list[str]:
        return as_server_user(self.bin_dir, *args)

    def _run(self, *args: str) -> None:
        command = self._command(*args)
        done = subprocess.run(command, cwd=self.home, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise PostgresUnavailable(
                f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}{done.stderr}{log}"
            )

    def start(self) -> None:
        """initdb and start on a free loopback port; cleans up and raises on failure."""
        try:
            self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> None:
        stop = self._command("pg_ctl", "stop", "-m", "immediate", "-w", "-D", str(self.data))
        self.watchdog = subprocess.Popen(
            [sys.executable, "-c", WATCHDOG, str(self.home), *stop],
            stdin=subprocess.PIPE,
            cwd="/",  # readable by the postgres user, and not inside the folder it deletes
            start_new_session=True,
        )
        if self.run_as:
            try:
                user = pwd.getpwnam(self.run_as)
            except KeyError as exc:
                raise PostgresUnavailable(
                    "running as root but there is no 'postgres' user"
                ) from exc
            os.chown(self.home, user.pw_uid, user.pw_gid)
        self._run(
            "initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres",
            "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions",
        )  # fmt: skip
        for attempt in range(3):
            self.port = _free_port()
            try:  # the port may be taken between _free_port() and the server's bind: retry
                self._pg_start()
                break
            except PostgresUnavailable:
                if attempt == 2:
                    raise
        self._admin(f"CREATE DATABASE {SHARED_DATABASE}")

    def _pg_start(self) -> None:
        settings = {**self.settings, "port": str(self.port)}
        settings["unix_socket_directories"] = str(self.home)
        options = " ".join(f"-c {key}={value}" for key, value in settings.items())
        self._run("pg_ctl", "start", "-w", "-t", "60", "-D", str(self.data),
                  "-l", str(self.log), "-o", options)  # fmt: skip

    def crash(self) -> None:
        """Stop the server as a crash would (``immediate``: no checkpoint, clients cut off)."""
        self._run("pg_ctl", "stop", "-m", "immediate", "-w", "-D", str(self.data))

    def restart(self) -> None:
        """Start the server again on the same port and data (it recovers from its WAL)."""
        self._pg_start()

    def create_database(self, encoding: str = "UTF8") -> str:
        """A new empty database; returns its SQLAlchemy URL (psycopg 3 driver).

        Each costs ~0.5 s and ~8 MB: tests that just need an empty store use ``create_schema``.
        """
        name = f"test_{next(self._names)}"
        self._admin(f"CREATE DATABASE \"{name}\" ENCODING '{encoding}' TEMPLATE template0")
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def create_schema(self) -> str:
        """A URL whose connections see only a new, empty schema of the shared test database.

        As good as an empty database for code that never names a schema (the store), at ~1 ms.
        """
        name = f"test_{next(self._names)}"
        self._admin(f'CREATE SCHEMA "{name}"', dbname=SHARED_DATABASE)
        return (
            f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{SHARED_DATABASE}"
            f"?options=-csearch_path%3D{name}"
        )

    def _admin(self, sql: str, dbname: str = "postgres") -> None:
        import psycopg

        dsn = f"host=127.0.0.1 port={self.port} user=postgres dbname={dbname}"
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(sql.encode())

    def stop(self) -> None:
        """Stop the server at once and delete its folder."""
        try:
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "stop", "-m", "immediate", "-w", "-D", str(self.data))
        finally:
            shutil.rmtree(self.home, ignore_errors=True)
            if self.watchdog is not None:  # nothing left for it to do: let it end
                assert self.watchdog.stdin is not None
                self.watchdog.stdin.close()
                self.watchdog.wait(timeout=120)
                self.watchdog = None
