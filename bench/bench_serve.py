"""Requests a second that gunicorn serves: the search API and the HTML results page.

    python bench/bench_serve.py --collection bench60k            # 2 workers, 8 connections
    python bench/bench_serve.py --collection bench --duration 20 --connections 8 32

Starts gunicorn (``--workers`` sync workers, ``webapp:create_app()``) on 127.0.0.1 over the
store and index ``bench/bench_search.py`` built in --workdir (the first run builds them), waits
until every worker is warm and answers, then loads it with ``wrk`` (Debian: ``apt-get install
wrk``) for ``--duration`` seconds per endpoint and connection count, and stops it. Each request
is one of 50 queries (``bench_search.query_set``, 5 of each of its 10 classes) in turn, each
answered in full: ``/api/search`` (JSON: top 10, facets, snippets) or ``/`` (the results page).
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import fts5  # noqa: E402
from bench.bench_search import Query, prepare, query_set  # noqa: E402
from bench.sources import collection_paths, machine  # noqa: E402

WRK_SCRIPT = """
paths = {%s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
"""


def url(endpoint: str, q: Query) -> str:
    """The request path of a query: the endpoint with ``q``, ``kind``, ``from`` and ``to``."""
    params = [("q", q.dossier)]
    if q.kind:
        params.append(("kind", q.kind))
    if q.date_from:
        params += [("from", q.date_from), ("to", q.date_to or "")]
    return f"{endpoint}?{urllib.parse.urlencode(params)}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(workdir: Path, home: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    """gunicorn over the bench store and index, its log in ``home``/gunicorn.log."""
    env = {
        **os.environ,
        "DOSSIER_HOME": str(home),
        "DOSSIER_DATABASE_URL": f"sqlite:///{workdir / 'dossier.db'}",
        "DOSSIER_INDEX_DIR": str(workdir / "index"),
        "DOSSIER_LOG_LEVEL": "DEBUG",  # each worker logs "search index warm in" at debug
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    log = (home / "gunicorn.log").open("wb")
    return subprocess.Popen(
        [
            str(gunicorn),
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
            "--log-level",
            "info",
            "webapp:create_app()",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=Path(__file__).resolve().parent.parent,
        start_new_session=True,
    )


def wait_ready(port: int, workers: int, log: Path, timeout: float = 300) -> float:
    """Seconds until every worker has warmed its index (``WARM_UP`` logs it) and a search
    answers 200."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if log.read_text(errors="replace").count("search index warm in") >= workers:
            try:
                path = f"http://127.0.0.1:{port}/api/search?q=peace"
                with urllib.request.urlopen(path, timeout=30) as response:
                    if response.status == 200:
                        return time.monotonic() - started
            except OSError:
                pass
        time.sleep(0.5)
    raise SystemExit(f"gunicorn did not become ready in {timeout:.0f} s; see {log}")


def stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def worker_memory(server: subprocess.Popen[bytes]) -> list[int]:
    """Each gunicorn worker's resident memory in MB (Linux: its children's ``VmRSS``)."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
    out = []
    for pid in children.read_text().split() if children.exists() else []:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                out.append(int(line.split()[1]) // 1024)
    return out


def load(port: int, paths: list[str], connections: int, seconds: int, folder: Path) -> dict:
    """One wrk run: requests a second, latency percentiles (ms) and errors."""
    script = folder / "paths.lua"
    script.write_text(WRK_SCRIPT % ", ".join(_lua(p) for p in paths), encoding="utf-8")
    threads = min(2, connections)
    out = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "--latency",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    ).stdout
    return _parse(out)


def _lua(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _parse(out: str) -> dict:
    def ms(label: str) -> float:
        found = re.search(rf"^\s*{label}%?\s+([\d.]+)(us|ms|s)\b", out, re.M)
        if not found:
            return float("nan")
        value, unit = float(found.group(1)), found.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    total = re.search(r"(\d+) requests in", out)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    errors = int(bad.group(1)) if bad else 0
    if sockets:
        errors += sum(int(n) for n in sockets.groups())
    return {
        "rate": float(rate.group(1)) if rate else 0.0,
        "requests": int(total.group(1)) if total else 0,
        "p50": ms("50"),
        "p90": ms("90"),
        "p99": ms("99"),
        "errors": errors,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--collection", default="bench60k")
    ap.add_argument("--workdir", type=Path)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--connections", type=int, nargs="+", default=[8])
    ap.add_argument("--duration", type=int, default=30, help="seconds per wrk run")
    ap.add_argument("--endpoints", nargs="+", default=["/api/search", "/"])
    args = ap.parse_args()
    paths = collection_paths(args.collection)
    workdir = args.workdir or Path("/tmp") / f"dossier-bench-{args.collection}"
    prepare(paths, workdir)
    db = fts5.Fts5(workdir / "fts5.db")
    queries = query_set(db.vocabulary(), db.count(), 5)
    with tempfile.TemporaryDirectory(prefix="dossier-bench-serve-") as tmp:
        home = Path(tmp)
        port = free_port()
        server = start(workdir, home, port, args.workers)
        try:
            ready = wait_ready(port, args.workers, home / "gunicorn.log")
            print(f"# {args.collection}: {db.count()} documents; {machine()}")
            print(
                f"# gunicorn {args.workers} sync workers, ready {ready:.1f} s after start; "
                f"{len(queries)} queries in turn; wrk {args.duration} s per row; load average "
                f"{os.getloadavg()[0]:.1f} before\n"
            )
            print(
                "| endpoint | connections | req/s | p50 ms | p90 ms | p99 ms | requests | errors |"
            )
            print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
            for endpoint in args.endpoints:
                requests = [url(endpoint, q) for q in queries]
                for connections in args.connections:
                    r = load(port, requests, connections, args.duration, home)
                    print(
                        f"| {endpoint} | {connections} | {r['rate']:.1f} | {r['p50']:.0f} | "
                        f"{r['p90']:.0f} | {r['p99']:.0f} | {r['requests']} | {r['errors']} |",
                        flush=True,
                    )
            print(f"\nworkers' resident memory (MB): {worker_memory(server)}")
            print(f"load average after: {os.getloadavg()[0]:.1f}")
        finally:
            stop(server)


if __name__ == "__main__":
    main()
