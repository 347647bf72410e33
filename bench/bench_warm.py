"""What a search process pays before its first search: ``SearchIndex.open`` and ``warm()`` (the
facet, entity and date columns, the live documents, the field lengths), as after a start or
an index change.

    python bench/bench_warm.py --workdir /tmp/dossier-60k --repeat 3

Each repeat opens the index afresh (a new searcher reads everything again). Times are this
thread's CPU time (the machine is shared) and wall time; run it from each checkout to compare
code (the script imports the code beside it).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workdir", type=Path, required=True, help="bench_search.py's --workdir")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    from indexer.search import SearchIndex

    print(f"# {args.workdir / 'index'}; load average {os.getloadavg()[0]:.1f}")
    for _ in range(args.repeat):
        cpu, wall = time.thread_time(), time.perf_counter()
        index = SearchIndex.open(args.workdir / "index")
        opened = (time.thread_time() - cpu) * 1000
        index.warm()
        cpu = (time.thread_time() - cpu) * 1000
        wall = (time.perf_counter() - wall) * 1000
        print(f"open {opened:.0f} CPU-ms; open + warm {cpu:.0f} CPU-ms, {wall:.0f} ms wall")
        index.close()


if __name__ == "__main__":
    main()
