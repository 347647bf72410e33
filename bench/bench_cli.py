"""How long ``dossier search`` takes to start: wall-clock and CPU seconds of the whole command,
and how much of it the search itself took (the "(N ms)" it prints).

    python bench/bench_cli.py --home INSTANCE [--code CHECKOUT ...] [--runs 7] [QUERY ...]

``--home`` is an instance with an index (e.g. ``dossier setup --no-demo`` then ``dossier ingest
../shared/data/demo/demo.jsonl``); ``--code`` runs another checkout's code (put first on
``PYTHONPATH``, so an older commit can be measured the same way); given several times, the
checkouts' runs alternate, so old and new code see the same load. Start-up is the command's
wall time less the search's own time; the figures are medians of ``--runs`` runs.

Each checkout runs once, unmeasured, before the runs, with Python allowed to write its
bytecode (``__pycache__``), as an installed package has it: with ``PYTHONDONTWRITEBYTECODE``
set and no bytecode, every run would compile Dossier's ~60 modules again (+0.07 s).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.sources import machine  # noqa: E402

TOOK = re.compile(r"\(([\d.]+) ms\)")


def run_once(command: list[str], env: dict[str, str], cwd: str) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and the search's own seconds of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    found = TOOK.search(done.stdout.splitlines()[0])
    return wall, cpu, float(found.group(1)) / 1000 if found else 0.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--home", required=True, help="instance folder with an index")
    ap.add_argument("--code", action="append", help="checkout whose code to run (default: this)")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("queries", nargs="*", default=["peace", '"united nations"'])
    args = ap.parse_args()
    checkouts = args.code or [str(Path(__file__).resolve().parent.parent)]
    env = {**os.environ, "DOSSIER_HOME": args.home}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    print(f"# dossier search start-up; {machine()}; load {os.getloadavg()[0]:.1f}\n")
    print("| code | query | wall s | CPU s | search s | start-up s |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for query in args.queries:
        command = [sys.executable, "-m", "webapp", "search", query, "--limit", "3"]
        runs: dict[str, list[tuple[float, float, float]]] = {code: [] for code in checkouts}
        for code in checkouts:
            run_once(command, {**env, "PYTHONPATH": code}, code)  # writes its bytecode
        for _ in range(args.runs):
            for code in checkouts:
                runs[code].append(run_once(command, {**env, "PYTHONPATH": code}, code))
        for code, done in runs.items():
            wall, cpu, took = (statistics.median(r[i] for r in done) for i in range(3))
            print(
                f"| {Path(code).name} | `{query}` | {wall:.2f} | {cpu:.2f} | {took:.2f} "
                f"| {wall - took:.2f} |"
            )
    print(f"\nload {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
