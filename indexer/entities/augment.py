"""Training lines that GMB's news prose lacks: names between numbers and punctuation.

Results tables, standings, agendas and datelines name people, teams and places with no verb
around them ("Anna Berg (Norway) 2:03.45", "Northfield Rovers 12 8 2 2 25 10 26"). A model
that learned only from prose reads such a line by the contexts it knows: a name in brackets
is an acronym's organisation, a capitalised word before a number is a month. ``skeleton``
builds, from a training sentence, a line of the same names (their words and types unchanged)
with the prose between them replaced by random numbers and punctuation, and now and then one
of the sentence's own words kept beside a name; ``train`` adds one for a share of the
sentences. No name or line format comes from the evaluation sets: the names are the training
sentence's, the separators random.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

# Pieces of a separator: (word, tag) runs between two names.
_PUNCTUATION = (",", ",", ";", "-", ":", "/", "|")
_SHAPES = ("d", "dd", "dd", "ddd", "d.dd", "dd.d", "d:dd.dd", "dd:dd", "d,ddd", "d-d", "dddd-dd-dd")


def _number(rng: random.Random) -> str:
    return "".join(str(rng.randrange(10)) if c == "d" else c for c in rng.choice(_SHAPES))


def _separator(rng: random.Random) -> list[str]:
    """One to five tokens without letters: numbers and punctuation, in any order."""
    out = []
    for _ in range(rng.randint(1, 5)):
        out.append(_number(rng) if rng.random() < 0.6 else rng.choice(_PUNCTUATION))
    return out


def skeleton(
    words: Sequence[str], tags: Sequence[str], rng: random.Random
) -> tuple[list[str], list[str]] | None:
    """The names of an IOB2 sentence in a line of numbers and punctuation, or None if it has
    no name. A name is in brackets one time in four; one time in four the word before it in
    the sentence is kept (so that words, not only numbers, may stand next to a name)."""
    spans = []
    for i, tag in enumerate(tags):
        if tag.startswith("B-"):
            spans.append([i, i + 1])
        elif tag.startswith("I-") and spans and spans[-1][1] == i:
            spans[-1][1] = i + 1
    if not spans:
        return None
    out_words: list[str] = []
    out_tags: list[str] = []
    if rng.random() < 0.3:
        out_words += [str(rng.randint(1, 20)), "."]
        out_tags += ["O", "O"]
    for n, (start, end) in enumerate(spans):
        if n:
            sep = _separator(rng)
            out_words += sep
            out_tags += ["O"] * len(sep)
        if start and tags[start - 1] == "O" and rng.random() < 0.25:
            out_words.append(words[start - 1])
            out_tags.append("O")
        bracket = rng.random() < 0.25
        if bracket:
            out_words.append("(")
            out_tags.append("O")
        out_words += words[start:end]
        out_tags += tags[start:end]
        if bracket:
            out_words.append(")")
            out_tags.append("O")
    if rng.random() < 0.7:
        sep = _separator(rng)
        out_words += sep
        out_tags += ["O"] * len(sep)
    return out_words, out_tags
