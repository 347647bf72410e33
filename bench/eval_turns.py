"""Precision and recall of speaker turns on the hand-labelled transcripts.

    .venv/bin/python bench/eval_turns.py [--gold tests/data/turns-gold.json] [--errors]

Reads the texts from ../shared/data (DOSSIER_SHARED_DATA) and NLTK's nps_chat (NLTK_DATA);
prints the figures docs/QUALITY.md quotes and, with --errors, every miss.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from bench.sources import REPO, SHARED_DATA, machine
from indexer.turns.scoring import read_gold, score


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--gold", type=Path, default=REPO / "tests" / "data" / "turns-gold.json")
    parser.add_argument("--errors", action="store_true", help="list every miss")
    args = parser.parse_args()
    documents = read_gold(args.gold, SHARED_DATA)
    started = time.perf_counter()
    result = score(documents)
    seconds = time.perf_counter() - started
    print(f"{machine()}")
    turns = sum(len(d.turns) for d in documents)
    print(f"{result.documents} documents, {turns} labelled turns, detection {seconds:.2f} s")
    for name in ("boundaries", "speakers", "anonymous"):
        s = getattr(result, name)
        print(
            f"{name:10}  precision {s.precision:.4f}  recall {s.recall:.4f}"
            f"  ({s.right} right, {s.found} found, {s.expected} expected)"
        )
    if args.errors:
        for doc_id, errors in result.errors.items():
            for error in errors:
                print(f"{doc_id}: {error}")


if __name__ == "__main__":
    main()
