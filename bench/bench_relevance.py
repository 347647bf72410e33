"""Relevance of Dossier's ranking next to stock Whoosh BM25F, on known-item sets of real text.

    python bench/bench_relevance.py                 # test half; first run builds (~10 min)
    python bench/bench_relevance.py --split dev     # the half parameters were chosen on
    python bench/bench_relevance.py --before 404c272  # also Dossier as of that revision
    python bench/bench_relevance.py --queries 40    # the first 40 queries of each set only
    python bench/bench_relevance.py --merge 3bcd541=before.json  # rows of an earlier --json run

Both engines index the same documents (bench/relevance_sets.py: kremlin, uspres and a fifth of
ungdc, 9,386 documents, half of the kremlin titles withheld). Stock Whoosh is Whoosh's own
``StemmingAnalyzer`` on ``title`` and ``text`` with ``BM25F()`` and the query words OR-ed by
``MultifieldParser`` (``OrGroup``). Dossier answers each query twice: as typed (plain words,
AND by default) and with the words OR-ed. Each query set reports nDCG@10, P@10 and MRR (first
relevant document in the top 100); a refused query or one with no hits scores 0.

``--before REV`` runs this script again on the source of git revision REV (``git archive``
into the work directory), for Dossier's engines only, and adds its rows to the table: the
figures before and after a change, from one command. The before run shares the built index
when REV builds it with the same code (nothing outside ``indexer/search/`` differs under
``corpus/`` and ``indexer/``); otherwise it builds its own.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.relevance_sets import (  # noqa: E402  (path set up above)
    SETS,
    Doc,
    KnownItem,
    load_collection,
    ndcg_at,
    precision_at,
    query_sets,
    reciprocal_rank,
)
from bench.sources import SHARED_DATA, machine  # noqa: E402

DEPTH = 100  # hits read per query (MRR looks this deep)
REPO = Path(__file__).resolve().parent.parent
Ranker = Callable[[KnownItem], list[str]]
Figures = dict[str, tuple[float, float, float, float]]  # set -> nDCG@10, P@10, MRR, no hits
ENGINES = {"stock": "stock Whoosh BM25F (OR)", "typed": "Dossier, as typed", "or": "Dossier, OR-ed"}


def build_dossier(docs: list[Doc], workdir: Path) -> None:
    """Ingest the documents as a JSONL file, as a user would, and build the index."""
    from corpus.ingestion import ingest
    from corpus.store import Store
    from indexer.build import build_index

    source = workdir / "collection.jsonl"
    with source.open("w", encoding="utf-8") as fh:
        for doc in docs:
            fh.write(json.dumps(doc.record, ensure_ascii=False) + "\n")
    store = Store.open(f"sqlite:///{workdir / 'dossier.db'}")
    report = ingest([source], store)
    assert not report.failed, report.failed[:3]
    build_index(store, workdir / "index", procs=2)
    store.close()
    source.unlink()


def build_stock(docs: list[Doc], workdir: Path) -> None:
    """The same documents in a stock Whoosh index."""
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.fields import ID, TEXT, Schema
    from whoosh.index import create_in

    schema = Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=StemmingAnalyzer()),
        text=TEXT(analyzer=StemmingAnalyzer()),
    )
    folder = workdir / "stock"
    folder.mkdir()
    writer = create_in(str(folder), schema).writer(procs=2, limitmb=256, multisegment=True)
    for doc in docs:
        writer.add_document(id=doc.id, title=doc.title, text=doc.text)
    writer.commit()


def prepare(docs: list[Doc], workdir: Path, engines: list[str]) -> None:
    workdir.mkdir(parents=True, exist_ok=True)
    for name, build in (("index", build_dossier), ("stock", build_stock)):
        needed = "stock" in engines if name == "stock" else engines != ["stock"]
        if needed and not (workdir / name).exists():
            started = time.perf_counter()
            build(docs, workdir)
            print(f"built {name} in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def stock_ranker(workdir: Path) -> Ranker:
    from whoosh import scoring
    from whoosh.index import open_dir
    from whoosh.qparser import MultifieldParser, OrGroup

    index = open_dir(str(workdir / "stock"))
    searcher = index.searcher(weighting=scoring.BM25F())
    parser = MultifieldParser(["title", "text"], index.schema, group=OrGroup)

    def run(item: KnownItem) -> list[str]:
        query = parser.parse(" ".join(item.words))
        return [hit["id"] for hit in searcher.search(query, limit=DEPTH)]

    return run


def dossier_ranker(workdir: Path, joiner: str) -> Ranker:
    from corpus.store import Store
    from indexer.errors import QueryError
    from indexer.search import SearchIndex, SearchRequest

    store = Store.open(f"sqlite:///{workdir / 'dossier.db'}")
    index = SearchIndex.open(workdir / "index")

    def run(item: KnownItem) -> list[str]:
        request = SearchRequest(joiner.join(item.words), per_page=DEPTH, facets=False)
        try:
            return [hit.id for hit in index.search(request, store).hits]
        except QueryError:
            return []

    return run


def evaluate(items: list[KnownItem], ranker: Ranker) -> Figures:
    """Per set: mean nDCG@10, P@10, MRR and the share of queries with no hits."""
    out: Figures = {}
    for name in SETS:
        chosen = [item for item in items if item.set == name]
        if not chosen:
            continue
        runs = [(ranker(item), item.relevant) for item in chosen]
        out[name] = (
            sum(ndcg_at(r, rel) for r, rel in runs) / len(runs),
            sum(precision_at(r, rel) for r, rel in runs) / len(runs),
            sum(reciprocal_rank(r, rel, DEPTH) for r, rel in runs) / len(runs),
            sum(1 for r, _ in runs if not r) / len(runs),
        )
    return out


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=REPO, check=True, capture_output=True, text=True
    ).stdout.strip()


def run_before(revision: str, args: argparse.Namespace) -> dict[str, Figures]:
    """Dossier's figures as of ``revision``: this script run on that revision's source."""
    commit = _git("rev-parse", "--short", revision)
    source = args.workdir / f"src-{commit}"
    if not source.exists():
        source.mkdir(parents=True)
        archive = subprocess.run(
            ["git", "archive", commit], cwd=REPO, check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(source)], input=archive, check=True)
    for name in ("bench_relevance.py", "relevance_sets.py", "sources.py"):
        shutil.copy(REPO / "bench" / name, source / "bench" / name)
    workdir = args.workdir / f"before-{commit}"
    workdir.mkdir(exist_ok=True)
    same_build = not _git("diff", "--name-only", commit, "--", "corpus", "indexer",
                          ":!indexer/search")  # fmt: skip
    for name in ("index", "dossier.db"):
        if same_build and not (workdir / name).exists() and (args.workdir / name).exists():
            (workdir / name).symlink_to(args.workdir / name)
    out = workdir / f"figures-{args.split}.json"
    command = [sys.executable, str(source / "bench" / "bench_relevance.py")]
    command += ["--workdir", str(workdir), "--split", args.split, "--engines", "typed,or"]
    command += ["--queries", str(args.queries)] if args.queries else []
    env = {**os.environ, "PYTHONPATH": "", "DOSSIER_SHARED_DATA": str(SHARED_DATA)}
    subprocess.run([*command, "--json", str(out)], check=True, env=env)
    return relabelled(json.loads(out.read_text()), revision)


def relabelled(figures: dict[str, Figures], revision: str) -> dict[str, Figures]:
    """Another revision's rows, named after it ("Dossier 3bcd541, as typed"); as they are for
    no revision ("=FILE": this code's rows, run apart)."""
    if not revision:
        return figures
    return {label.replace("Dossier", f"Dossier {revision}"): f for label, f in figures.items()}


def report(results: dict[str, Figures], header: str) -> None:
    print(header + "\n")
    print("| set | engine | nDCG@10 | P@10 | MRR | no hits | nDCG vs stock |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    stock = results.get(ENGINES["stock"])  # absent with --engines typed,or: no ratio
    for name in SETS:
        for label, per_set in results.items():
            ndcg, p10, mrr, empty = per_set[name]
            ratio = ndcg / stock[name][0] - 1 if stock and stock[name][0] else 0.0
            print(
                f"| {name} | {label} | {ndcg:.3f} | {p10:.3f} | {mrr:.3f} | {empty:.0%} "
                f"| {ratio:+.1%} |"
            )
    base = sum(v[0] for v in stock.values()) / len(stock) if stock else 0.0
    for label, per_set in results.items():
        mean = sum(v[0] for v in per_set.values()) / len(per_set)
        p10 = sum(v[1] for v in per_set.values()) / len(per_set)
        vs_stock = f"{mean / base - 1:+.1%}" if base else ""
        print(f"| **all sets** | {label} | {mean:.3f} | {p10:.3f} | | | {vs_stock} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/dossier-relevance"))
    ap.add_argument("--split", choices=("dev", "test"), default="test")
    ap.add_argument("--before", metavar="REV", help="also Dossier as of this git revision")
    ap.add_argument("--engines", default=",".join(ENGINES), help="of: " + ", ".join(ENGINES))
    ap.add_argument("--queries", type=int, help="only the first N queries of each set (quicker)")
    ap.add_argument("--json", type=Path, help="write the figures here instead of a table")
    ap.add_argument("--merge", nargs="+", default=[], metavar="REV=FILE",
                    help="add the rows of an earlier --json run of revision REV (run apart, "
                    "e.g. in parallel, instead of --before)")  # fmt: skip
    args = ap.parse_args()
    engines = [name for name in args.engines.split(",") if name]  # "": only --merge's rows
    docs, withheld = load_collection()
    prepare(docs, args.workdir, engines)
    items = [i for i in query_sets(docs, withheld) if i.split == args.split]
    if args.queries:
        items = [i for name in SETS for i in [j for j in items if j.set == name][: args.queries]]
    rankers = {
        "stock": lambda: stock_ranker(args.workdir),
        "typed": lambda: dossier_ranker(args.workdir, " "),
        "or": lambda: dossier_ranker(args.workdir, " OR "),
    }
    results: dict[str, Figures] = {}
    if args.before:
        results.update(run_before(args.before, args))
    for name in engines:
        started = time.perf_counter()
        results[ENGINES[name]] = evaluate(items, rankers[name]())
        print(f"{ENGINES[name]}: {time.perf_counter() - started:.0f} s", file=sys.stderr)
    for pair in args.merge:  # read last: such a run may still be going while these run
        revision, path = pair.split("=", 1)
        results.update(relabelled(json.loads(Path(path).read_text()), revision))
    if args.json:
        args.json.write_text(json.dumps(results))
        return
    stock = {k: results.pop(k) for k in [ENGINES["stock"]] if k in results}
    stock_first = {**stock, **results}
    header = f"# {len(docs):,} documents; {args.split} half, {len(items)} queries; {machine()}"
    report(stock_first, header)


if __name__ == "__main__":
    main()
