"""``in:annotations`` at query time, against the same words over whole documents.

    python bench/bench_annotated_passages.py [--docs 7077] [--annotated 100] [--per-doc 5]
                                             [--rounds 5]

Builds a throw-away instance in a temporary folder (never inside the repository) with the first
``--docs`` Kremlin documents, annotates ``--per-doc`` sentences in each of ``--annotated`` of them
(spread over the collection; one annotation in three shared with the team, one in ten by
another analyst and private, so it must not count), indexes them, then runs each query of
``WORDS`` alone, with ``annotated:yes`` (whole annotated documents) and with ``in:annotations``,
``--rounds`` times in turn, through ``SearchIndex.search`` with the web app's resolver. Prints
the CPU milliseconds (median and p95 over every query and round) and the hits of each form.
"""

from __future__ import annotations

import argparse
import gzip
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.sources import collection_paths, machine, percentiles  # noqa: E402
from corpus.store import Store  # noqa: E402

WORDS = ["sanctions", "economy", '"Far East"', "investment", "gas", "Ukraine", "budget", "oil"]
FORMS = {
    "words": "{w}",
    "annotated:yes": "{w} annotated:yes",
    "in:annotations": "{w} in:annotations",
}
SENTENCE = re.compile(r"[A-Z][^.!?\n]{40,300}[.!?]")


def write_documents(folder: Path, count: int) -> Path:
    """The first ``count`` Kremlin documents, as one JSON Lines file."""
    out = folder / "kremlin.jsonl"
    with out.open("w", encoding="utf-8") as sink:
        for path in collection_paths("kremlin"):
            with gzip.open(path, "rt", encoding="utf-8") as lines:
                for n, line in enumerate(lines):
                    if n == count:
                        break
                    sink.write(line)
    return out


def annotate(store: Store, annotated: int, per_doc: int) -> int:
    """Annotate sentences, preferring those that hold one of ``WORDS`` (as an analyst marks
    what they search for), in ``annotated`` documents spread over the store."""
    from annotations import AnnotationDraft, AnnotationStore, Selection

    astore = AnnotationStore(store)
    ids = store.ids()
    chosen = ids[:: max(1, len(ids) // annotated)][:annotated]
    made = 0
    for i, id in enumerate(chosen):
        document = store.get(id)
        found = list(SENTENCE.finditer(document.text))
        wanted = [m for m in found if any(w.strip('"').lower() in m.group().lower() for w in WORDS)]
        for k, m in enumerate((wanted + found)[:per_doc]):
            n = i * per_doc + k
            author = "ana" if n % 10 == 9 else "local"
            selection = Selection(id, document.version, m.start(), m.end(), m.group())
            draft = AnnotationDraft(selection, visibility="team" if n % 3 == 0 else "private")
            astore.create(draft, author=author)
            made += 1
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=7077)
    parser.add_argument("--annotated", type=int, default=100)
    parser.add_argument("--per-doc", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    from annotations import AnnotationStore
    from corpus.ingestion import ingest
    from indexer.build import build_index
    from indexer.search import SearchIndex, SearchRequest
    from webapp.annotation_search import AnnotationResolver

    with tempfile.TemporaryDirectory(prefix="dossier-passages-") as tmp:
        home = Path(tmp)
        with Store.open(f"sqlite:///{home / 'dossier.db'}") as store:
            ingest([write_documents(home, args.docs)], store)
            made = annotate(store, args.annotated, args.per_doc)
            build_index(store, home / "index", procs=1)
            index = SearchIndex.open(home / "index")
            resolver = AnnotationResolver(AnnotationStore(store, migrate=False), "local")
            times: dict[str, list[float]] = {form: [] for form in FORMS}
            totals: dict[str, int] = dict.fromkeys(FORMS, 0)
            for word in WORDS:  # warm up: columns, lengths, postings
                index.search(SearchRequest(word), store, resolver)
            for round in range(args.rounds):
                for word in WORDS:
                    for form, shape in FORMS.items():
                        request = SearchRequest(shape.format(w=word), facets=True)
                        began = time.process_time()
                        result = index.search(request, store, resolver)
                        times[form].append((time.process_time() - began) * 1000)
                        if round == 0:
                            totals[form] += result.total
            index.close()
    print(machine())
    print(
        f"{args.docs:,} Kremlin documents, {made} annotations in {args.annotated} of them; "
        f"{len(WORDS)} queries x {args.rounds} rounds; CPU ms of SearchIndex.search (page 1 of "
        "10 hits, facets, snippets)"
    )
    for form, samples in times.items():
        p = percentiles(samples)
        print(f"{form}: p50 {p['p50']:.1f} p95 {p['p95']:.1f}; documents found {totals[form]:,}")


if __name__ == "__main__":
    main()
