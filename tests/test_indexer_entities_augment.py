"""Training lines of names between numbers and punctuation (``indexer.entities.augment``)."""

from __future__ import annotations

import random

from indexer.entities.augment import skeleton
from indexer.entities.iob import entities

WORDS = "The talks in Oslo between Anna Berg and the United Nations ended on Monday .".split()
TAGS = "O O O B-GEO O B-PER I-PER O O B-ORG I-ORG O O O O".split()


def names(words: list[str], tags: list[str]) -> list[tuple[str, str]]:
    return [(" ".join(words[e.start : e.end]), e.type) for e in entities(tags)]


def test_a_skeleton_keeps_the_names_and_their_types_in_order() -> None:
    for seed in range(50):
        found = skeleton(WORDS, TAGS, random.Random(seed))
        assert found is not None
        words, tags = found
        assert len(words) == len(tags)
        assert names(words, tags) == [
            ("Oslo", "GEO"),
            ("Anna Berg", "PER"),
            ("United Nations", "ORG"),
        ]


def test_between_names_come_numbers_punctuation_and_at_most_the_word_before_a_name() -> None:
    allowed_words = {"in", "between", "the"}  # the words just before a name in WORDS
    for seed in range(50):
        words, tags = skeleton(WORDS, TAGS, random.Random(seed)) or ([], [])
        for word, tag in zip(words, tags, strict=True):
            if tag == "O" and any(c.isalpha() for c in word):
                assert word in allowed_words


def test_a_skeleton_is_the_same_for_the_same_seed_and_none_without_names() -> None:
    assert skeleton(WORDS, TAGS, random.Random(3)) == skeleton(WORDS, TAGS, random.Random(3))
    assert skeleton(["It", "rained", "."], ["O", "O", "O"], random.Random(3)) is None
