"""What speaker turns cost: in the entity analysis, in the index, and ``said:`` at query time.

    python bench/bench_turns.py --collection kremlin --model /tmp/entities.json.gz --index
    python bench/bench_turns.py --docs 1000 --save-model /tmp/entities.json.gz
    python bench/bench_turns.py --search /tmp/turns-bench      # said: latency (store + index kept)
    python bench/bench_turns.py --collection kremlin --index-only --rounds 3

In one process, on the same documents, times (CPU seconds of this process, the steadier
measure on a shared machine) the whole ``analyse_document`` as the analysis step runs it (the
trained model, the rules and a small registry) and, apart, its turn part: finding the turns,
linking their speakers and making their labels mentions (``speaker_turns``,
``outside_labels``, ``label_mentions``). Each is run ``--rounds`` times; the median counts.
Without --model, a model is trained on ../shared/data/ner-train/gmb.train.tsv (5 passes).
--index adds a one-writer index of the documents with and without the turns' fields (median
CPU of ``--rounds`` builds each, alternated, and the size); --index-only times only that (no
model needed: turns are found with the registry).

--search WORKDIR ingests the collection into WORKDIR once (analysed with the registry and the
rules, no model: turns do not need one) and indexes it, then times the same words three ways,
each a results page with facets and snippets (wall-clock ms, warm searcher, ``--rounds`` each):
alone, as ``speaker:putin WORDS`` (documents Putin attended) and as ``said:putin WORDS`` (his own
turns); the module ``bench_turns_search`` holds that part.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_entities import REGISTRY  # noqa: E402
from bench.sources import SHARED_DATA, collection_paths, machine  # noqa: E402

if TYPE_CHECKING:
    from corpus.model import Document


def main() -> None:
    from corpus.entities.model import EntityCorrections
    from indexer.entities.alias_matcher import AliasMatcher
    from indexer.entities.analysis import analyse_document
    from indexer.entities.recogniser import Recogniser, train
    from indexer.entities.turn_labels import label_mentions, outside_labels, speaker_turns

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--collection", default="kremlin")
    ap.add_argument("--docs", type=int, default=0, help="the first N documents (0: all)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--model", type=Path, help="a trained model (default: train one)")
    ap.add_argument("--save-model", type=Path, help="keep the model trained here")
    ap.add_argument("--index", action="store_true", help="also time an index with and without")
    ap.add_argument("--index-only", action="store_true", help="time only the index")
    ap.add_argument("--search", type=Path, metavar="WORKDIR", help="time said: queries instead")
    args = ap.parse_args()
    if args.search:
        from bench.bench_turns_search import run_search

        run_search(collection_paths(args.collection), args.search, args.rounds)
        return
    if args.index_only:
        documents = _documents(collection_paths(args.collection), args.docs)
        print(machine())
        print(f"{len(documents)} documents ({args.collection})")
        _indexes(documents, AliasMatcher(_registry()), args.rounds)
        return
    if args.model:
        model = Recogniser.load(args.model)
    else:
        model = train(SHARED_DATA / "ner-train" / "gmb.train.tsv", passes=5)
        if args.save_model:
            model.save(args.save_model)
    matcher = AliasMatcher(_registry())
    documents = _documents(collection_paths(args.collection), args.docs)
    none = EntityCorrections()

    def whole() -> int:
        return sum(len(analyse_document(d, model, matcher, none).mentions) for d in documents)

    def turns_only() -> int:
        n = 0
        for d in documents:
            found = speaker_turns(d, matcher, none)
            n += len(outside_labels([], found)) + len(label_mentions(d.text, found))
        return n

    whole_s = _median(whole, args.rounds)
    turns_s = _median(turns_only, args.rounds)
    chars = sum(len(d.text) for d in documents)
    print(machine())
    print(f"{len(documents)} documents, {chars / 1e6:.1f} M characters ({args.collection})")
    print(f"whole analysis   {whole_s:8.2f} s CPU (median of {args.rounds})")
    print(f"turns part       {turns_s:8.2f} s CPU")
    added = 100 * turns_s / (whole_s - turns_s)
    print(f"turns add        {added:7.1f} % to the analysis without them")
    if args.index:
        _indexes(documents, matcher, args.rounds)


def _registry() -> list[Any]:
    from corpus.entities.model import Entity

    return [
        Entity(name.lower().replace(" ", "-"), name, type, tuple(aliases))
        for name, type, aliases in REGISTRY
    ]


def _indexes(documents: list[Document], matcher: object, rounds: int) -> None:
    """Print the median CPU time and the size of an index with and without the turns, built
    ``rounds`` times each, alternately."""
    times: dict[bool, list[float]] = {False: [], True: []}
    sizes: dict[bool, int] = {}
    for _ in range(rounds):
        for with_turns in (False, True):
            seconds, sizes[with_turns] = _index(documents, matcher, with_turns)
            times[with_turns].append(seconds)
    for with_turns, label in ((False, "index without said"), (True, "index with said")):
        seconds = statistics.median(times[with_turns])
        print(f"{label:18} {seconds:6.2f} s CPU, {sizes[with_turns] / 1e6:6.1f} MB")
    ratio = statistics.median(times[True]) / statistics.median(times[False])
    print(f"with / without     {ratio:6.2f} x CPU, {sizes[True] / sizes[False]:6.2f} x size")


def _index(documents: list[Document], matcher: object, with_turns: bool) -> tuple[float, int]:
    """CPU seconds and bytes of a one-writer index of the documents (no mentions), with their
    turns' fields or without."""
    import tempfile

    from whoosh.index import create_in

    from corpus.entities.model import EntityCorrections
    from indexer.build import record
    from indexer.entities.turn_labels import speaker_turns
    from indexer.schema import build_schema

    turns = {d.id: speaker_turns(d, matcher, EntityCorrections()) for d in documents}  # type: ignore[arg-type]
    with tempfile.TemporaryDirectory() as folder:
        started = time.process_time()
        writer = create_in(folder, build_schema()).writer(limitmb=256, compound=False)
        known: set[str] = set()
        for d in documents:
            spoken = turns[d.id] if with_turns else ()
            writer.add_document(**record(d, turns=spoken, known_words=known))
        writer.commit()
        seconds = time.process_time() - started
        size = sum(p.stat().st_size for p in Path(folder).iterdir())
    return seconds, size


def _median(run: object, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.process_time()
        run()  # type: ignore[operator]
        times.append(time.process_time() - started)
    return statistics.median(times)


def _documents(paths: list[Path], limit: int) -> list[Document]:
    from corpus.drafts import normalise_text
    from corpus.model import Document

    out: list[Document] = []
    for path in paths:
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            for line in lines:
                item = json.loads(line)
                text = normalise_text(item["text"])
                speaker = item.get("speaker_or_author") or ""
                out.append(Document(item["id"], 1, text, speaker=speaker))
                if limit and len(out) >= limit:
                    return out
    return out


if __name__ == "__main__":
    main()
