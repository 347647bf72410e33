"""Where a web request's CPU goes, outside and inside the search, in one process.

    python bench/bench_serve_parts.py --workdir /tmp/dossier-60k-copy --endpoint /

Runs ``webapp.create_app()`` (``WARM_UP`` on) over the store and index in --workdir, sends
each of the ``bench_serve`` queries once to warm the caches, then once more through Flask's
test client (no HTTP, no gunicorn), and prints the CPU time (``time.process_time``) per
request and the share of each step: the search (``SearchIndex.search``, of which the hits'
snippets), rendering, facet links, annotations, the staleness notice. The steps are timed
by wrapping the functions the views call, so nested ones overlap (snippets are inside the
search). The server may write to --workdir (its annotation tables): use a copy.
"""

from __future__ import annotations

import argparse
import collections
import functools
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import fts5  # noqa: E402
from bench.bench_search import query_set  # noqa: E402
from bench.bench_serve import url  # noqa: E402
from bench.sources import machine  # noqa: E402

TIMES: dict[str, float] = collections.defaultdict(float)


def timed(owner: Any, name: str, label: str) -> None:
    """Replace ``owner.name`` with a wrapper adding its CPU time to ``TIMES[label]``."""
    original = getattr(owner, name)

    @functools.wraps(original)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            TIMES[label] += time.process_time() - started

    setattr(owner, name, wrapper)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workdir", type=Path, required=True)
    ap.add_argument("--endpoint", default="/api/search")
    ap.add_argument("--per-class", type=int, default=20)
    args = ap.parse_args()
    os.environ.update(
        DOSSIER_HOME=tempfile.mkdtemp(prefix="dossier-bench-parts-"),
        DOSSIER_DATABASE_URL=f"sqlite:///{args.workdir / 'dossier.db'}",
        DOSSIER_INDEX_DIR=str(args.workdir / "index"),
    )
    db = fts5.Fts5(args.workdir / "fts5.db")
    paths = [url(args.endpoint, q) for q in query_set(db.vocabulary(), db.count(), args.per_class)]
    import indexer.search.engine as engine
    import webapp.views.api as api
    import webapp.views.search as search
    from webapp import create_app

    for view in (search, api):
        for name in ("render_template", "hit_annotations", "counts", "jsonify"):
            if hasattr(view, name):
                timed(view, name, name)
    for name in ("_facets", "_timeline", "_snippets", "_entity_facets"):
        timed(search, name, f"{name} (links, markup)")
    timed(search, "staleness_notice", "staleness_notice")
    timed(api, "staleness_notice", "staleness_notice")
    timed(engine.SearchIndex, "search", "search (SearchIndex.search)")
    timed(engine, "_hit", "  of which the hits' snippets")
    client = create_app({"WARM_UP": True}).test_client()
    for path in paths:
        assert client.get(path).status_code == 200, path
    TIMES.clear()
    started = time.process_time()
    for path in paths:
        client.get(path)
    total = time.process_time() - started
    print(f"# python {' '.join(sys.argv)}")
    print(f"# {db.count()} documents; {machine()}; load average {os.getloadavg()[0]:.1f}")
    print(
        f"# {args.endpoint}: {len(paths)} requests, {total / len(paths) * 1000:.1f} ms CPU each\n"
    )
    print("| step | CPU ms per request | share |\n| --- | ---: | ---: |")
    for label, seconds in sorted(TIMES.items(), key=lambda kv: -kv[1]):
        print(f"| {label} | {seconds / len(paths) * 1000:.2f} | {seconds / total:.0%} |")


if __name__ == "__main__":
    main()
