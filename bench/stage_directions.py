"""How many stage directions the turns of real transcripts hold, and a sample to check by hand.

    python bench/stage_directions.py --collection kremlin --docs 500
    python bench/stage_directions.py --collection kremlin --sample 40 --seed 14
    python bench/stage_directions.py --collection uspres

Reads a collection of ../shared/data (``bench/sources.py`` names them), finds each document's
turns (``find_turns``, with the document's speaker) and their stage directions
(``corpus/entities/directions.py``), and prints: documents with turns, turns, directions,
turns holding one, the bracketed spans left as the speaker's words; the most frequent
directions; then ``--sample`` directions and ``--sample`` kept spans drawn at random, each in
its context, for a reader to mark right or wrong (docs/QUALITY.md "Stage directions").
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.sources import collection_paths  # noqa: E402
from corpus.entities.directions import stage_directions  # noqa: E402
from indexer.turns.detect import find_turns  # noqa: E402

_BRACKETED = re.compile(r"\([^()\n]{1,100}\)|\[[^\[\]\n]{1,100}\]")


def _documents(collection: str, limit: int) -> Iterator[dict[str, str]]:
    n = 0
    for path in collection_paths(collection):
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as f:
            for line in f:
                if limit and n >= limit:
                    return
                n += 1
                yield json.loads(line)


def _context(text: str, start: int, end: int) -> str:
    def flat(s: str) -> str:
        return s.replace("\n", " ⏎ ")

    before, after = flat(text[max(0, start - 50) : start]), flat(text[end : end + 40])
    return f"…{before}【{text[start:end]}】{after}…"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--collection", default="kremlin")
    parser.add_argument("--docs", type=int, default=0, help="the first N documents (0: all)")
    parser.add_argument("--sample", type=int, default=0)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    counts = Counter[str]()
    found: list[tuple[str, str]] = []
    kept: list[tuple[str, str]] = []
    docs = turns_n = with_one = 0
    for d in _documents(args.collection, args.docs):
        text = d["text"]
        turns = find_turns(text, document_speaker=d.get("speaker_or_author") or "")
        if not turns:
            continue
        docs += 1
        turns_n += len(turns)
        directions = stage_directions(text, turns)
        starts = {s.start for s in directions}
        with_one += sum(1 for t in turns if any(t.body.start <= s < t.body.end for s in starts))
        for t in turns:
            for m in _BRACKETED.finditer(text, t.body.start, t.body.end):
                where = (d["id"], _context(text, m.start(), m.end()))
                if m.start() in starts:
                    counts[m.group(0)] += 1
                    found.append(where)
                else:
                    kept.append(where)
    print(f"collection {args.collection}, first {args.docs or 'all'} documents")
    print(f"documents with turns {docs}, turns {turns_n}, stage directions {len(found)}")
    print(f"turns holding one {with_one}, bracketed spans left as the speaker's {len(kept)}")
    print("most frequent:", ", ".join(f"{k} {n}" for k, n in counts.most_common(12)))
    rng = random.Random(args.seed)
    for title, pool in (("directions", found), ("kept", kept)):
        if args.sample:
            print(f"\n-- {min(args.sample, len(pool))} {title} at random")
            for doc, context in rng.sample(pool, min(args.sample, len(pool))):
                print(f"{doc}: {context}")


if __name__ == "__main__":
    main()
