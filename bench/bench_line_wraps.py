"""What reading hard-wrapped lines as one sentence changes: names, sentences and CPU.

    python bench/bench_line_wraps.py --model /tmp/entities.json.gz --docs 150

Takes the first ``--docs`` UN General Debate statements of ../shared/data/bench that are
hard-wrapped (at least 20 lines a lowercase line continues) and, in one process, analyses them
twice: as before (a line end is a sentence end unless a lowercase word follows) and with the
wrap width detected (``indexer.line_breaks``). Prints the number of sentences, the cutting's
CPU time (best of 3), and the model's names: how many run over a line end, and the one-word
fragments of the most frequent names that a line end used to split ("United", "Council").
Without --model, a model is trained on ../shared/data/ner-train/gmb.train.tsv (5 passes).
"""

from __future__ import annotations

import argparse
import collections
import gzip
import json
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.sources import SHARED_DATA  # noqa: E402
from indexer import analyse, line_breaks  # noqa: E402
from indexer.entities.recogniser import Recogniser, train  # noqa: E402

FRAGMENTS = ("United", "Nations", "Council", "Assembly", "Republic", "South", "Middle", "East")


def wrapped_statements(limit: int) -> list[str]:
    texts = []
    with gzip.open(SHARED_DATA / "bench" / "ungdc.jsonl.gz", "rt", encoding="utf-8") as lines:
        for line in lines:
            text = json.loads(line)["text"]
            rows = text.split("\n")
            if sum(1 for a, b in zip(rows, rows[1:], strict=False) if a and b[:1].islower()) >= 20:
                texts.append(text)
                if len(texts) == limit:
                    break
    return texts


@contextmanager
def unwrapped() -> Iterator[None]:
    """The behaviour before: no text is taken to be hard-wrapped."""
    saved = line_breaks.wrap_width
    line_breaks.wrap_width = lambda text: None  # type: ignore[assignment]
    try:
        yield
    finally:
        line_breaks.wrap_width = saved


def measure(texts: list[str], model: Recogniser) -> dict[str, object]:
    punkt = [list(analyse._sentence_splitter().span_tokenize(t)) for t in texts]
    cpu = []
    for _ in range(3):
        start = time.process_time()
        count = sum(
            len(list(line_breaks.cut_at_line_ends(t, p))) for t, p in zip(texts, punkt, strict=True)
        )
        cpu.append(time.process_time() - start)
    names: collections.Counter[str] = collections.Counter()
    for text in texts:
        for mention in model.recognise(text):
            if mention.type in ("PERSON", "ORGANIZATION", "LOCATION", "NORP"):
                names[mention.text] += 1
    over = sum(n for name, n in names.items() if "\n" in name)
    return {
        "sentences": count,
        "cut_cpu_s": round(min(cpu), 3),
        "names": sum(names.values()),
        "names_over_a_line_end": over,
        "fragments": {w: names[w] for w in FRAGMENTS},
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", type=Path, help="a trained model (default: train one)")
    ap.add_argument("--docs", type=int, default=150)
    args = ap.parse_args()
    model = (
        Recogniser.load(args.model)
        if args.model
        else train(SHARED_DATA / "ner-train" / "gmb.train.tsv", passes=5)
    )
    texts = wrapped_statements(args.docs)
    print(f"{len(texts)} hard-wrapped statements, {sum(map(len, texts)) / 1e6:.1f} MB")
    with unwrapped():
        print("before:", json.dumps(measure(texts, model)))
    print("after: ", json.dumps(measure(texts, model)))


if __name__ == "__main__":
    main()
