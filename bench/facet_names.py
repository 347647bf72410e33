"""Which names the entity facets show: every name the model finds, against the names sure enough
for a facet (``indexer.entities.refs.is_sure``), on real collections: docs/QUALITY.md.

    python bench/facet_names.py --model M --collection demo
    python bench/facet_names.py --model M --collection kremlin --docs 500

M is a model "dossier entities train" saved (an instance's models/entities.json.gz). The
registry is empty, as on a new instance, so every name is the model's (or a speaker label's).
For each facet type it prints how many names and document counts leave the facet for its
"less sure" list, the top names before and after, and what became of the ``PROBES``: names the
issue reported as noise ("Colleagues", "Republic") and names that must stay; then the names
that ``indexer.entities.fragments`` (lone generic heads of longer names) takes out of the
facets of some documents, from the same analysis with and without it.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.sources import collection_paths, machine  # noqa: E402

TYPES = ("PERSON", "ORGANIZATION", "LOCATION", "NORP")
Names = dict[tuple[str, str], dict[str, bool]]  # (type, key) -> {document: sure there}
PROBES = (
    *("colleagues", "republic", "government", "applause", "laughter", "speaker", "union"),
    *("federation", "council", "hall", "earth", "putin", "vladimir"),
    *("vladimir putin", "russia", "moscow", "united states", "china", "congress", "america"),
    *("dmitry medvedev", "foreign minister sergei lavrov", "secretary nikolai patrushev"),
)


def documents(collection: str, limit: int) -> Iterator[tuple[str, str]]:
    """(id, text) of the collection's first ``limit`` documents."""
    count = 0
    for path in collection_paths(collection):
        with gzip.open(path, "rt") if path.suffix == ".gz" else path.open() as lines:
            for line in lines:
                item = json.loads(line)
                yield item["id"], item["text"]
                count += 1
                if count >= limit:
                    return


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, type=Path)
    parser.add_argument("--collection", default="demo")
    parser.add_argument("--docs", type=int, default=10**9)
    parser.add_argument("--top", type=int, default=20)
    args = parser.parse_args()
    from corpus.entities.model import alias_key
    from corpus.model import Document
    from indexer.entities.analysis import analyse_document
    from indexer.entities.features import shared_lexicon
    from indexer.entities.fragments import demote_fragments
    from indexer.entities.recogniser import Recogniser
    from indexer.entities.refs import is_sure

    model = Recogniser.load(args.model)
    sure: dict[tuple[str, str], dict[str, bool]] = collections.defaultdict(dict)
    whole: dict[tuple[str, str], dict[str, bool]] = collections.defaultdict(dict)  # no fragments
    started, n, cost = time.process_time(), 0, 0.0
    for doc_id, text in documents(args.collection, args.docs):
        n += 1
        found = analyse_document(Document(doc_id, 1, text), model, None, fragments=False).mentions
        begun = time.process_time()
        demoted = demote_fragments(found, text, shared_lexicon())
        cost += time.process_time() - begun
        for mentions, names in ((demoted, sure), (found, whole)):
            for m in mentions:
                if m.type in TYPES:
                    seen = names[(m.type, alias_key(m.text))]
                    seen[doc_id] = seen.get(doc_id, False) or is_sure(m)
    print(f"{n} documents of {args.collection}, {time.process_time() - started:.0f} CPU-s")
    print(f"fragments (demote_fragments): {cost * 1000:.0f} CPU-ms")
    print(machine())
    for type in TYPES:
        report(type, {key: docs for (t, key), docs in sure.items() if t == type}, args.top)
        fragments(type, sure, whole)


def report(type: str, names: dict[str, dict[str, bool]], top: int) -> None:
    """One facet type: how many names leave the facet (less sure in every document), the top
    names before and after, and the probes."""
    before = sorted(((len(docs), key) for key, docs in names.items()), key=lambda x: (-x[0], x[1]))
    after = sorted(
        ((sum(docs.values()), key) for key, docs in names.items() if any(docs.values())),
        key=lambda x: (-x[0], x[1]),
    )
    moved = len(names) - len(after)
    share = f"{moved / max(len(names), 1):.0%}"
    print(f"\n{type}: {len(names)} names, {moved} less sure in every document ({share})")
    shown = {key for _, key in after[:top]}
    print("  left the top:", ", ".join(f"{k} {c}" for c, k in before[:top] if k not in shown))
    print("  top after:   ", ", ".join(f"{k} {c}" for c, k in after[:top]))
    for probe in PROBES:
        if probe in names:
            docs = names[probe]
            print(f"  {probe!r}: {len(docs)} documents, sure in {sum(docs.values())}")


def fragments(type: str, sure: Names, whole: Names) -> None:
    """The names of ``type`` that ``demote_fragments`` took out of the facets of some
    documents: documents where they were sure before -> after."""
    lost = []
    for (t, key), docs in whole.items():
        before, after = sum(docs.values()), sum(sure[(t, key)].values())
        if t == type and after < before:
            lost.append((before - after, before, key))
    lost.sort(key=lambda x: (-x[0], x[2]))
    gone = sum(1 for d, b, _ in lost if d == b)
    print(f"  fragments: {len(lost)} names lose documents, {gone} leave the facet:")
    print("   ", ", ".join(f"{k} {b}->{b - d}" for d, b, k in lost[:30]))


if __name__ == "__main__":
    main()
