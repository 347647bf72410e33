"""What a change to the entity model does on 500 real documents: the names it adds and drops.

    python bench/entity_diff.py save --model M --out before.json     # in the old checkout
    python bench/entity_diff.py save --model M --out after.json      # in the new one
    python bench/entity_diff.py diff before.json after.json --sample 40 --seed 1

The documents: the first 124 US addresses, 250 Kremlin texts and 126 UN General Debate
statements of ../shared/data/bench, each cut to 60,000 characters (as in docs/QUALITY.md). A
name is the model's (not the rules'), compared by document, extent and type. ``diff`` prints
the counts, the most frequent new and gone names, and a random sample of each in context, to
be read and judged by hand.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import random
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.sources import SHARED_DATA  # noqa: E402

DOCUMENTS = (("uspres", 124), ("kremlin", 250), ("ungdc", 126))
CUT = 60_000
Name = tuple[str, int, int, int, str, str]  # collection, document, start, end, type, text


def documents() -> Iterator[tuple[str, int, str]]:
    """(collection, number, text) of the 500 documents."""
    for name, count in DOCUMENTS:
        with gzip.open(SHARED_DATA / "bench" / f"{name}.jsonl.gz", "rt", encoding="utf-8") as f:
            for i, line in enumerate(itertools.islice(f, count)):
                yield name, i, json.loads(line)["text"][:CUT]


def save(model_path: Path, out: Path) -> None:
    """The model's names in the 500 documents, as JSON."""
    from indexer.entities.recogniser import Recogniser

    model = Recogniser.load(model_path)
    cpu = time.process_time()
    names = [
        (c, i, m.span.start, m.span.end, m.type, m.text)
        for c, i, text in documents()
        for m in model.recognise(text)
        if m.source == "model"
    ]
    out.write_text(json.dumps(names), encoding="utf-8")
    print(f"{len(names)} names, {time.process_time() - cpu:.1f} s CPU", file=sys.stderr)


def diff(before: Path, after: Path, sample: int, seed: int) -> None:
    """Counts, the most frequent new and gone names, and a sample of each in context."""
    old = {tuple(n) for n in json.loads(before.read_text(encoding="utf-8"))}
    new = {tuple(n) for n in json.loads(after.read_text(encoding="utf-8"))}
    added, gone = sorted(new - old), sorted(old - new)
    print(f"{len(old)} names before, {len(new)} after; {len(added)} new, {len(gone)} gone")
    for label, names in (("new", added), ("gone", gone)):
        top = Counter((n[4], n[5]) for n in names).most_common(25)
        print(label, ", ".join(f"{text} ({kind}) {k}" for (kind, text), k in top))
    if not sample:
        return
    texts = {(c, i): text for c, i, text in documents()}
    rng = random.Random(seed)
    for label, names in (("NEW", added), ("GONE", gone)):
        for c, i, start, end, kind, _ in rng.sample(names, min(sample, len(names))):
            text = texts[(c, i)]
            left, right = text[max(0, start - 60) : start], text[end : end + 40]
            context = f"{left}[[{text[start:end]}]]{right}"
            print(label, kind, "|", context.replace("\n", " / "))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="command", required=True)
    s = sub.add_parser("save", help="write the model's names in the 500 documents")
    s.add_argument("--model", type=Path, required=True)
    s.add_argument("--out", type=Path, required=True)
    d = sub.add_parser("diff", help="compare two saved sets of names")
    d.add_argument("before", type=Path)
    d.add_argument("after", type=Path)
    d.add_argument("--sample", type=int, default=0, help="new and gone names to show")
    d.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if args.command == "save":
        save(args.model, args.out)
    else:
        diff(args.before, args.after, args.sample, args.seed)


if __name__ == "__main__":
    main()
