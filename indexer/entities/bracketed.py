"""Hand-annotated text, ``[PER Anna Berg] won in [GEO Karsvik]``, as IOB2 sentences.

Annotating by hand is easier and easier to review on running text than on one token per line,
so the evaluation sets in ``tests/data-entities`` are written this way and converted with
``to_iob``: each line is a paragraph, split into sentences and tokens exactly as ingest splits
a document (``analyse.tokenize``), so a score on the IOB2 file measures what ingest would find.
Lines starting with ``#`` are comments.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from indexer import analyse
from indexer.entities.iob import Sentence
from indexer.errors import IobCorpusInvalid

_MENTION = re.compile(r"\[([A-Z]+) ([^\[\]]+)\]")


def parse_line(line: str, number: int = 1) -> tuple[str, list[tuple[int, int, str]]]:
    """The plain text of an annotated line and its mentions as ``(start, end, type)``."""
    plain: list[str] = []
    spans = []
    at = length = 0
    for found in _MENTION.finditer(line):
        plain.append(line[at : found.start()])
        length += found.start() - at
        spans.append((length, length + len(found.group(2)), found.group(1)))
        plain.append(found.group(2))
        length += len(found.group(2))
        at = found.end()
    plain.append(line[at:])
    text = "".join(plain)
    if "[" in text or "]" in text:
        raise IobCorpusInvalid(
            f"line {number}: a bracket that is not a mention [TYPE words]: {line[:80]!r}. "
            "Write each mention as [TYPE words], with no brackets inside."
        )
    return text, spans


def sentences(text: str) -> Iterator[Sentence]:
    """IOB2 sentences of an annotated text; raises ``IobCorpusInvalid`` for a bad line, or a
    mention whose edges fall inside a token."""
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        plain, spans = parse_line(line, number)
        for sentence in analyse.tokenize(plain):
            tags = ["O"] * len(sentence.words)
            for start, end, kind in spans:
                inside = [
                    i
                    for i, (s, e) in enumerate(zip(sentence.starts, sentence.ends, strict=True))
                    if s < end and e > start
                ]
                if not inside:
                    continue
                first, last = inside[0], inside[-1]
                if sentence.starts[first] != start or sentence.ends[last] != end:
                    raise IobCorpusInvalid(
                        f"line {number}: [{kind} {plain[start:end]}] does not begin and end at "
                        "token edges; move the brackets to whole words."
                    )
                tags[first] = f"B-{kind}"
                tags[first + 1 : last + 1] = [f"I-{kind}"] * (last - first)
            yield Sentence(sentence.words, tuple(tags))


def to_iob(source: str | Path, target: str | Path) -> int:
    """Write the IOB2 form of an annotated file; returns the number of mentions."""
    mentions = 0
    blocks = []
    for sentence in sentences(Path(source).read_text(encoding="utf-8")):
        mentions += sum(tag.startswith("B-") for tag in sentence.tags)
        pairs = zip(sentence.words, sentence.tags, strict=True)
        blocks.append("".join(f"{word}\t{tag}\n" for word, tag in pairs))
    Path(target).write_text("\n".join(blocks), encoding="utf-8")
    return mentions


def main(paths: Sequence[str]) -> None:
    """Write each annotated file's IOB2 form next to it, as ``NAME.tsv``."""
    for path in map(Path, paths):
        mentions = to_iob(path, path.with_suffix(".tsv"))
        print(f"{path.with_suffix('.tsv')}: {mentions} names")  # noqa: T201


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
