"""Requests a second that gunicorn serves: the search API and the HTML results page.

    python bench/bench_serve.py --collection bench60k --workdir /tmp/dossier-60k-copy
    python bench/bench_serve.py --collection bench --duration 20 --connections 8 32
    python bench/bench_serve.py --workdir W --code /tmp/main-export --code . --rounds 3

Starts gunicorn (``--workers`` sync workers, ``webapp:create_app()``, run from each ``--code``
folder in turn: a checkout or ``git archive`` export) on 127.0.0.1 over the store and index
``bench/bench_search.py`` built in --workdir (the first run builds them; the server may write
there, e.g. its tables for annotations: point it at a copy of a shared bench), waits until
every worker is warm and answers, then loads it with ``wrk`` (C, Debian: ``apt-get install
wrk``; 1 thread, about 2% of a core here) for ``--duration`` seconds per endpoint and
connection count, after ``--settle`` seconds of the same load unmeasured, and stops it. Each
request is one of the queries of ``bench_search.query_set`` (``--per-class`` of each of its
11 classes; Porter stems of the collection's own words, as FTS5 stores them) in turn, each
answered in full: ``/api/search`` (JSON: top 20, facets, snippets) or ``/`` (the results
page). Prints the command, the machine, the load average (``uptime``) before each row, and
each worker's resident memory after the load.
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
from bench.sources import REPO, collection_paths, machine  # noqa: E402

WARM = re.compile(r"search index warm in ([\d.]+) s")  # each worker's WARM_UP, logged
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


def start(
    workdir: Path, home: Path, port: int, workers: int, code: Path
) -> subprocess.Popen[bytes]:
    """gunicorn over the bench store and index, running the code in ``code``; its log in
    ``home``/gunicorn.log."""
    env = {
        **os.environ,
        "PYTHONPATH": str(code),  # this code, not the installed checkout's
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
        cwd=code,
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


def _workers(server: subprocess.Popen[bytes]) -> list[str]:
    """The gunicorn workers' process ids (Linux: the master's children)."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
    return children.read_text().split() if children.exists() else []


def worker_memory(server: subprocess.Popen[bytes]) -> list[int]:
    """Each gunicorn worker's resident memory in MB (``VmRSS``)."""
    out = []
    for pid in _workers(server):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                out.append(int(line.split()[1]) // 1024)
    return out


def workers_cpu(server: subprocess.Popen[bytes]) -> float:
    """CPU seconds the workers have used so far (user + system, ``/proc/PID/stat``): per
    request, the figure that holds on a machine others load, where requests a second do not."""
    ticks = 0
    for pid in _workers(server):
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return ticks / os.sysconf("SC_CLK_TCK")


def load(port: int, paths: list[str], connections: int, seconds: int, folder: Path) -> dict:
    """One wrk run: requests a second, latency percentiles (ms) and errors."""
    script = folder / "paths.lua"
    script.write_text(WRK_SCRIPT % ", ".join(_lua(p) for p in paths), encoding="utf-8")
    out = subprocess.run(
        [
            "wrk",
            "-t1",  # one thread drives 8-32 connections: the CPU goes to the server
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
        "max": ms(r"Latency\s+\S+\s+\S+"),  # the slowest request (Avg, Stdev, Max)
        "errors": errors,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--collection", default="bench60k")
    ap.add_argument("--workdir", type=Path)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--connections", type=int, nargs="+", default=[8])
    ap.add_argument("--duration", type=int, default=20, help="seconds per measured wrk run")
    ap.add_argument("--settle", type=int, default=5, help="seconds of load before each run")
    ap.add_argument("--endpoints", nargs="+", default=["/api/search", "/"])
    ap.add_argument("--per-class", type=int, default=20, help="queries per class (11 classes)")
    ap.add_argument("--rounds", type=int, default=1, help="times to measure each --code")
    ap.add_argument(
        "--code", type=Path, action="append", help="code to serve (repeat to alternate)"
    )
    args = ap.parse_args()
    codes = [c.resolve() for c in args.code or [REPO]]
    workdir = args.workdir or Path("/tmp") / f"dossier-bench-{args.collection}"
    if not ((workdir / "index").exists() and (workdir / "fts5.db").exists()):
        prepare(collection_paths(args.collection), workdir)
    db = fts5.Fts5(workdir / "fts5.db")
    queries = query_set(db.vocabulary(), db.count(), args.per_class)
    print(f"# python {' '.join(sys.argv)}")
    print(f"# {args.collection} in {workdir}: {db.count()} documents; {machine()}")
    print(
        f"# gunicorn {args.workers} sync workers; {len(queries)} queries in turn; {_wrk()}, "
        f"{args.settle} s unmeasured then {args.duration} s per row; load: 1-minute average "
        f"before the row\n"
    )
    print(
        "| round | code | endpoint | conns | load | req/s | p50 ms | p90 ms | p99 ms | requests "
        "| errors | CPU ms per request | ready s (each worker's warm-up s) | worker RSS MB |"
    )
    print(
        "| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
    )
    for round in range(1, args.rounds + 1):
        for code in codes:
            serve(args, workdir, queries, code, f"| {round} | {_label(code)} ")
    print(f"\nload average after: {os.getloadavg()[0]:.1f}")


def serve(
    args: argparse.Namespace, workdir: Path, queries: list[Query], code: Path, row: str
) -> None:
    """Start gunicorn on ``code``, print a row per endpoint and connection count, stop it."""
    with tempfile.TemporaryDirectory(prefix="dossier-bench-serve-") as tmp:
        home = Path(tmp)
        port = free_port()
        server = start(workdir, home, port, args.workers, code)
        try:
            ready = wait_ready(port, args.workers, home / "gunicorn.log")
            found = WARM.findall((home / "gunicorn.log").read_text(errors="replace"))
            warm = ", ".join(found) or "?"
            for endpoint in args.endpoints:
                requests = [url(endpoint, q) for q in queries]
                for connections in args.connections:
                    if args.settle:
                        load(port, requests, connections, args.settle, home)
                    before, cpu = os.getloadavg()[0], workers_cpu(server)
                    r = load(port, requests, connections, args.duration, home)
                    per_request = (workers_cpu(server) - cpu) * 1000 / max(1, r["requests"])
                    print(
                        f"{row}| {endpoint} | {connections} | {before:.1f} | {r['rate']:.1f} | "
                        f"{r['p50']:.0f} | {r['p90']:.0f} | {r['p99']:.0f} | {r['requests']} | "
                        f"{r['errors']} | {per_request:.1f} | {ready:.1f} ({warm}) | "
                        f"{worker_memory(server)} |",
                        flush=True,
                    )
        finally:
            stop(server)


def _label(code: Path) -> str:
    """A code folder's commit (a checkout) or its name (an export)."""
    found = subprocess.run(
        ["git", "-C", str(code), "describe", "--always", "--dirty"], capture_output=True, text=True
    )
    top = subprocess.run(
        ["git", "-C", str(code), "rev-parse", "--show-toplevel"], capture_output=True, text=True
    )
    is_checkout = found.returncode == 0 and Path(top.stdout.strip()) == code
    return found.stdout.strip() if is_checkout else code.name


def _wrk() -> str:
    """wrk's version line, e.g. "wrk debian/4.1.0-3+b2"."""
    out = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    return " ".join((out.stdout or out.stderr).split()[:2])


if __name__ == "__main__":
    main()
