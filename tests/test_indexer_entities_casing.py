"""Re-casing words in capitals before the entity model reads them (``indexer.entities.casing``)."""

from __future__ import annotations

import pytest

from indexer.entities.casing import CasingCounts, Recaser, capitalise
from indexer.entities.features import shared_lexicon

# How a training corpus would write these words (see ``CasingCounts.lists``).
LISTS = {
    "lower": ["win", "gold", "top", "medal", "table", "town", "beat", "coach", "new", "press"],
    "upper": ["nato", "u.s."],
    "after_capital": ["town"],
    "before_capital": ["new"],
}


@pytest.fixture(scope="module")
def recaser() -> Recaser:
    return Recaser(shared_lexicon(), LISTS)


def recase(recaser: Recaser, text: str) -> str:
    return " ".join(recaser.recase(text.split()))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A line in capitals: English words to lower case, names capitalised, first word too.
        ("BERG WINS GOLD AS NORWAY TOPS MEDAL TABLE", "Berg wins gold as Norway tops medal table"),
        # Acronyms the corpus writes in capitals stay so.
        ("NATO BEAT U.S. IN KARSVIK", "NATO beat U.S. in Karsvik"),
        # "town" after a capitalised word, "new" before one, are capitalised as in a name.
        ("ASHBY TOWN BEAT NEW YORK", "Ashby Town beat New York"),
        ("THE TOWN WON", "The town won"),
        # Datelines and speaker labels: a run at the start of a mixed line.
        ("KARSVIK , Norway , May 4", "Karsvik , Norway , May 4"),
        ("MR. RENDAL : Thank you .", "Mr. Rendal : Thank you ."),
        ("PORT OF ELLERY , June 12", "Port of Ellery , June 12"),
        # Roman numerals stay so: a heading's "III ." was read as the name "Iii".
        ("III . ECONOMIC PROGRESS", "III . Economic Progress"),  # (not in LISTS: names)
        ("WORLD WAR II", "World War II"),
        # A headline in title case: its English words to lower case, its names kept.
        ("Berg Wins Gold as Norway Tops Medal Table", "Berg wins gold as Norway tops medal table"),
    ],
)
def test_words_in_capitals_are_recased(recaser: Recaser, text: str, expected: str) -> None:
    assert recase(recaser, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Anna Berg ( Norway ) 2:03.45",  # a line of names is not a headline
        "Northfield Rovers 12 8 2 2 25 10 26",
        "NATO and the EU met in Brussels .",  # one acronym inside running text
        "The coach said the OSCE would help .",
        "72 70 68 - 210",
        "",
    ],
)
def test_other_lines_are_left_as_written(recaser: Recaser, text: str) -> None:
    words = text.split()
    assert recaser.recase(words) is words


@pytest.mark.parametrize(
    ("word", "expected"),
    [("KARSVIK", "Karsvik"), ("O'NEILL", "O'Neill"), ("AL-QAIDA", "Al-Qaida"), ("MR.", "Mr.")],
)
def test_capitalise_starts_each_part_of_a_name(word: str, expected: str) -> None:
    assert capitalise(word) == expected


def test_english_words_include_inflections_of_words_written_in_lower_case(
    recaser: Recaser,
) -> None:
    assert recaser.is_english("wins") and recaser.is_english("tops")
    assert recaser.is_english("the")  # a function word
    # NLTK's word list holds "berg"; the training corpus never wrote it in lower case.
    assert not recaser.is_english("berg")


def test_usually_lower_looks_at_the_capitals_around_a_word(recaser: Recaser) -> None:
    assert recaser.usually_lower(["Medal", "table", ":", "Norway"], 0, 2)
    assert not recaser.usually_lower(["Ashby", "Town", "1"], 1, 2)  # "Town" after a name
    assert not recaser.usually_lower(["Karsvik", ":"], 0, 1)  # not an English word


def test_casing_counts_learn_the_usual_case_away_from_a_sentence_start() -> None:
    counts = CasingCounts()
    for sentence in [
        "We saw the new town and an old town .",
        "They met NATO in Ashby Town and New York .",
        "Fans of Ashby Town and NATO love New York .",
        "The team from Ashby Town flew to New York on a new plane to a small town .",
        "A new road , a new bridge , a town hall and NATO .",
    ]:
        counts.add(sentence.split())
    lists = counts.lists()

    assert "town" in lists["lower"] and "new" in lists["lower"]
    assert "nato" in lists["upper"]
    assert "town" in lists["after_capital"]
    assert "new" in lists["before_capital"]
    # A sentence's first word says nothing about case: "We", "They", "Fans" are not counted.
    assert "they" not in lists["lower"] and "fans" not in lists["lower"]
