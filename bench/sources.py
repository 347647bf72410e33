"""The real collections benchmarks run on (never copied into the repository).

`demo` is ../shared/data/demo/demo.jsonl (362 documents); `bench` is ../shared/data/bench/*.jsonl.gz
(18,153 documents, ~220 MB of text); `bench60k` (60,319 documents, 226 MB) is assembled from
those and NLTK's corpora by ``bench/collection60k.py`` into /tmp/dossier-data on first use.
DOSSIER_SHARED_DATA overrides the location of the shared data.
"""

from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("DOSSIER_SHARED_DATA", REPO.parent / "shared" / "data"))

COLLECTIONS = {
    "demo": [SHARED_DATA / "demo" / "demo.jsonl"],
    "bench": sorted((SHARED_DATA / "bench").glob("*.jsonl.gz")),
    "kremlin": [SHARED_DATA / "bench" / "kremlin.jsonl.gz"],
}


def collection_paths(name: str) -> list[Path]:
    """The files of a named collection; exits with a clear message when they are missing."""
    if name == "bench60k":
        from bench import collection60k

        return [collection60k.assemble()]
    paths = COLLECTIONS.get(name)
    if not paths or not all(p.exists() for p in paths):
        raise SystemExit(f"collection {name!r} not found under {SHARED_DATA}")
    return paths


def machine() -> str:
    """One line describing where the figures were measured."""
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    rev = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=REPO
    ).stdout.strip()
    return (
        f"{os.cpu_count()} cores ({cpu}){mem}, Python {platform.python_version()}, "
        f"commit {rev or 'unknown'}"
    )


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    """p50/p95/p99 of a list of milliseconds (nearest-rank)."""
    ordered = sorted(samples_ms)
    if not ordered:
        return {"p50": 0.0, "p95": 0.0, "p99": 0.0}

    def rank(p: float) -> float:
        k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
        return ordered[k]

    return {"p50": rank(50), "p95": rank(95), "p99": rank(99)}
