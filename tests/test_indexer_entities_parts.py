"""Name parts: the training corpus's words found only inside longer names."""

from __future__ import annotations

from indexer.entities.casing import CasingCounts
from indexer.entities.features import shared_lexicon
from indexer.entities.parts import MIN_NAMES, PartCounts


def test_a_generic_word_never_alone_in_names_is_a_part_and_a_surname_is_not() -> None:
    counts, casing = PartCounts(), CasingCounts()
    for _ in range(MIN_NAMES):
        sentence = ["Officials", "of", "the", "United", "States", "met", "Shimon", "Peres", "."]
        tags = ["O", "O", "O", "B-LOCATION", "L-LOCATION", "O", "B-PERSON", "L-PERSON", "O"]
        counts.add(sentence, tags)
        casing.add(sentence)
    for _ in range(3):
        casing.add(["Both", "states", "signed", "."])
    counts.add(["Council", "met"], ["U-ORGANIZATION", "O"])

    parts = counts.name_parts(shared_lexicon(), casing)

    # "Peres" is never alone either, but the corpus never writes it in lower case.
    assert parts == ["States"]


def test_a_word_alone_in_a_few_names_is_no_part() -> None:
    counts, casing = PartCounts(), CasingCounts()
    for _ in range(3):
        casing.add(["Both", "states", "signed", "."])
    for _ in range(MIN_NAMES):
        counts.add(["United", "States"], ["B-LOCATION", "L-LOCATION"])
    counts.add(["States"], ["U-LOCATION"])

    assert counts.name_parts(shared_lexicon(), casing) == []
