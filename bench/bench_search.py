"""Query latency per query class, Dossier vs SQLite FTS5 on the same documents and queries.

    python bench/bench_search.py --collection bench60k  # 60,319 documents (first run builds them)
    python bench/bench_search.py --collection bench     # 18,153 documents
    python bench/bench_search.py --collection demo

Both engines answer every query as a results page: top 10, facet counts (kind, source, speaker,
year) and snippets with highlighted terms; ``bench/fts5.py`` says how FTS5 makes its page. Ten
query classes (``CLASSES``), 20 queries each by default. The store, index and FTS5 database are
built once in --workdir and reused; the two engines run in this one process, one after the
other, so their ratio is the steadier figure on a shared machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import fts5  # noqa: E402  (path set up above so the script runs from a checkout)
from bench.sources import SHARED_DATA, collection_paths, machine, percentiles  # noqa: E402

NLTK_DATA = Path(os.environ.get("NLTK_DATA", SHARED_DATA.parent / "nltk_data"))

PHRASES = [
    "security council",
    "nuclear weapons",
    "united nations",
    "international community",
    "economic cooperation",
    "human rights",
    "middle east",
    "general assembly",
    "climate change",
    "arms control",
    "peace process",
    "territorial integrity",
    "prime minister",
    "foreign policy",
    "rule of law",
    "weapons of mass destruction",
    "cold war",
    "free trade",
    "armed forces",
    "energy security",
]


@dataclass(frozen=True)
class Query:
    cls: str
    dossier: str
    fts: str
    kind: str | None = None
    date_from: str | None = None
    date_to: str | None = None


def _pick(vocab: list[tuple[str, int]], n_docs: int, lo: float, hi: float, k: int, rng) -> list:
    pool = [t for t, df in vocab if lo * n_docs <= df <= hi * n_docs]
    return rng.sample(pool, min(k, len(pool)))


def _english_words() -> set[str]:
    """NLTK's word list: prefix and fuzzy queries start from real words, not stems."""
    path = NLTK_DATA / "corpora" / "words" / "en"
    return {w.strip().lower() for w in path.read_text(encoding="utf-8").split()}


CLASSES = (
    "term-high",
    "term-mid",
    "term-low",
    "and-2",
    "and-3",
    "or-2",
    "phrase",
    "prefix",
    "fuzzy",
    "kind+date",
)
# Run only when named (``--classes words-6``), so the ten-class figures stay comparable: six
# mid-frequency words, which seldom occur together, so Dossier falls back to ranked partial
# matching (docs/QUERY-LANGUAGE.md); FTS5, which has no such fallback, gets them OR-ed.
EXTRA_CLASSES = ("words-6",)


def query_set(vocab: list[tuple[str, int]], n_docs: int, per_class: int) -> list[Query]:
    """Deterministic queries drawn from the collection's own vocabulary (FTS5's stems), 10
    classes of ``per_class`` each. Prefixes are the first five letters of a mid-frequency
    English word; a fuzzy query is such a word within one edit, which FTS5 (no fuzzy search)
    answers as the exact word."""
    rng = random.Random(42)
    high = _pick(vocab, n_docs, 0.30, 0.90, per_class, rng)
    mid = _pick(vocab, n_docs, 0.01, 0.05, per_class * 4, rng)
    low = _pick(vocab, n_docs, 0.0005, 0.002, per_class, rng)
    english = _english_words()
    words = sorted(t for t, df in vocab if t in english and 0.005 * n_docs <= df <= 0.05 * n_docs)
    rng.shuffle(words)
    qs: list[Query] = []
    qs += [Query("term-high", t, t) for t in high]
    qs += [Query("term-mid", t, t) for t in mid[:per_class]]
    qs += [Query("term-low", t, t) for t in low]
    pairs = [mid[i : i + 2] for i in range(0, 2 * per_class, 2)]
    qs += [Query("and-2", " ".join(p), " AND ".join(p)) for p in pairs if len(p) == 2]
    triples = [[high[i % len(high)], *mid[i * 2 : i * 2 + 2]] for i in range(per_class)]
    qs += [Query("and-3", " ".join(t), " AND ".join(t)) for t in triples if len(t) == 3]
    qs += [Query("or-2", " OR ".join(p), " OR ".join(p)) for p in pairs if len(p) == 2]
    qs += [Query("phrase", f'"{p}"', f'"{p}"') for p in PHRASES[:per_class]]
    prefixes = list(dict.fromkeys(w[:5] for w in words if len(w) >= 7))[:per_class]
    qs += [Query("prefix", f"{p}*", f"{p}*") for p in prefixes]
    fuzzy = [w for w in words if len(w) >= 5][per_class : 2 * per_class]
    qs += [Query("fuzzy", f"{w}~1", w) for w in fuzzy]
    for i, term in enumerate(mid[per_class : 2 * per_class]):
        start = 1990 + (i * 3) % 25
        kind = ("speech", "news")[i % 2]
        lo_d, hi_d = f"{start}-01-01", f"{start + 5}-12-31"
        qs.append(Query("kind+date", term, term, kind, lo_d, hi_d))
    more = _pick(vocab, n_docs, 0.01, 0.05, per_class * 6, random.Random(6))  # others unchanged
    sixes = [more[i : i + 6] for i in range(0, 6 * per_class, 6)]
    qs += [Query("words-6", " ".join(s), " OR ".join(s)) for s in sixes if len(s) == 6]
    return qs


CLOCK = time.perf_counter  # --clock cpu: time.thread_time, steadier on a busy machine


def timed(fn) -> float:
    t0 = CLOCK()
    fn()
    return (CLOCK() - t0) * 1000


def run(workdir: Path, db: fts5.Fts5, queries: list[Query], repeat: int) -> tuple[dict, dict]:
    """Times of each class for both engines: per query, one untimed run of each (as the next
    page, a re-sort or a facet click runs a query again), then ``repeat`` runs of each in
    turn, so both meet the same load on a shared machine."""
    from corpus.store import Store
    from indexer.search import SearchIndex, SearchRequest, postings

    store = Store.open(f"sqlite:///{workdir / 'dossier.db'}")
    started = time.perf_counter()
    index = SearchIndex.open(workdir / "index")
    ours: dict[str, list[float]] = {}
    theirs: dict[str, list[float]] = {}
    for n, q in enumerate(queries):
        req = SearchRequest(
            query=q.dossier,
            kinds=(q.kind,) if q.kind else (),
            date_from=dt.date.fromisoformat(q.date_from) if q.date_from else None,
            date_to=dt.date.fromisoformat(q.date_to) if q.date_to else None,
        )

        def fts(q: Query = q) -> None:
            db.search(
                q.fts,
                kind=q.kind,
                date_from=q.date_from,
                date_to=q.date_to,
                facets=True,
                highlight=True,
            )

        index.search(req, store)
        if n == 0:
            first = (time.perf_counter() - started) * 1000
            print(f"open + first search (loads the columns): {first:.0f} ms", file=sys.stderr)
        fts()
        for _ in range(repeat):
            ours.setdefault(q.cls, []).append(timed(lambda req=req: index.search(req, store)))
            theirs.setdefault(q.cls, []).append(timed(fts))
        if q.cls == "phrase":  # again with no decoded frequent words kept (as after a start)
            for _ in range(repeat):
                postings.forget_hot_postings()
                ours.setdefault(COLD, []).append(timed(lambda req=req: index.search(req, store)))
    index.close()
    store.close()
    return ours, theirs


COLD = "phrase, cold"  # phrases with indexer.search.postings' cache of frequent words emptied first


def prepare(paths: list[Path], workdir: Path) -> None:
    """Build the Dossier store + index and the FTS5 database once."""
    from corpus.ingestion import ingest
    from corpus.store import Store
    from indexer.build import build_index

    workdir.mkdir(parents=True, exist_ok=True)
    if not (workdir / "index").exists():
        store = Store.open(f"sqlite:///{workdir / 'dossier.db'}")
        t0 = time.perf_counter()
        report = ingest(paths, store)
        t1 = time.perf_counter()
        build_index(store, workdir / "index", procs=2)
        t2 = time.perf_counter()
        print(
            f"prepared dossier: ingest {t1 - t0:.1f}s ({len(report.added)} added), "
            f"index {t2 - t1:.1f}s",
            file=sys.stderr,
        )
        store.close()
    if not (workdir / "fts5.db").exists():
        t0 = time.perf_counter()
        n = fts5.build(paths, workdir / "fts5.db")
        print(f"prepared fts5: {n} docs in {time.perf_counter() - t0:.1f}s", file=sys.stderr)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--collection", default="demo")
    ap.add_argument("--workdir", type=Path)
    ap.add_argument("--per-class", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument(
        "--classes", nargs="+", choices=CLASSES + EXTRA_CLASSES, help="only these classes"
    )
    ap.add_argument(
        "--clock",
        choices=("wall", "cpu"),
        default="wall",
        help="cpu: this thread's CPU time, not wall time (for a machine others load: both engines "
        "run in this thread, and neither waits on anything but the CPU once the files are cached)",
    )
    args = ap.parse_args()
    global CLOCK
    CLOCK = time.thread_time if args.clock == "cpu" else time.perf_counter
    paths = collection_paths(args.collection)
    workdir = args.workdir or Path("/tmp") / f"dossier-bench-{args.collection}"
    prepare(paths, workdir)
    db = fts5.Fts5(workdir / "fts5.db")
    queries = query_set(db.vocabulary(), db.count(), args.per_class)
    wanted = args.classes or CLASSES
    queries = [q for q in queries if q.cls in wanted]
    load = os.getloadavg()[0]
    ours, theirs = run(workdir, db, queries, args.repeat)
    print(f"# {args.collection}: {db.count()} documents; {machine()}")
    print(
        f"# {len(queries)} queries x {args.repeat}; results page = top 10 + facets + snippets; "
        f"load average {load:.1f} before, {os.getloadavg()[0]:.1f} after; {args.clock} clock\n"
    )
    print("| class | Dossier p50 | p95 | p99 | FTS5 p50 | p95 | p99 | p95 ratio |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    all_ours: list[float] = []
    all_theirs: list[float] = []
    cold = ours.pop(COLD, [])
    for cls in ours:
        a, b = percentiles(ours[cls]), percentiles(theirs[cls])
        all_ours += ours[cls]
        all_theirs += theirs[cls]
        print(
            f"| {cls} | {a['p50']:.1f} | {a['p95']:.1f} | {a['p99']:.1f} | "
            f"{b['p50']:.1f} | {b['p95']:.1f} | {b['p99']:.1f} | "
            f"{a['p95'] / max(b['p95'], 1e-9):.2f} |"
        )
    a, b = percentiles(all_ours), percentiles(all_theirs)
    print(
        f"| **all** | {a['p50']:.1f} | {a['p95']:.1f} | {a['p99']:.1f} | "
        f"{b['p50']:.1f} | {b['p95']:.1f} | {b['p99']:.1f} | "
        f"{a['p95'] / max(b['p95'], 1e-9):.2f} |"
    )
    print(f"\nDossier p95 / FTS5 p95 = {a['p95'] / max(b['p95'], 1e-9):.2f} (milliseconds)")
    if cold:
        c = percentiles(cold)
        print(
            f"Phrases with no frequent word decoded yet (as after a start): p50 {c['p50']:.1f}, "
            f"p95 {c['p95']:.1f}, p99 {c['p99']:.1f} ms"
        )


if __name__ == "__main__":
    main()
