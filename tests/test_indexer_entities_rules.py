"""Rule-based DATE, MONEY and PERCENT spans, and the overlap resolver they share."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.model import Span
from indexer.entities import rules
from indexer.entities.rules import find, resolve_overlaps


def found(text: str) -> list[tuple[str, str]]:
    return [(text[m.span.start : m.span.end], m.type) for m in find(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It costs $1 billion.", [("$1 billion", "MONEY")]),
        ("The plan runs by 2020.", [("2020", "DATE")]),
        ("Talks resume in late March.", [("late March", "DATE")]),
        ("Prices rose 5 percent.", [("5 percent", "PERCENT")]),
        ("Turnout was 10%.", [("10%", "PERCENT")]),
        ("It was signed on September 5, 2019 in Vladivostok.", [("September 5, 2019", "DATE")]),
        (
            "On 5 September 2019 and Sept. 5 and Jan. 2004.",
            [("5 September 2019", "DATE"), ("Sept. 5", "DATE"), ("Jan. 2004", "DATE")],
        ),
        ("Dated 2019-09-05 and 05/09/2019.", [("2019-09-05", "DATE"), ("05/09/2019", "DATE")]),
        (
            "Since the 1990s, in mid-2003, from 2012-2015.",
            [("the 1990s", "DATE"), ("mid-2003", "DATE"), ("2012-2015", "DATE")],
        ),
        (
            "They met last Tuesday and again on Monday.",
            [("last Tuesday", "DATE"), ("Monday", "DATE")],
        ),
        (
            "Three years ago, and again last week.",
            [("Three years ago", "DATE"), ("last week", "DATE")],
        ),
        ("In May the talks began.", [("May", "DATE")]),
        (
            "Russia spent 10 billion roubles and US$ 20m.",
            [("10 billion roubles", "MONEY"), ("US$ 20m", "MONEY")],
        ),
        (
            "A fund of €5 and 5 million USD and USD 3.5bn.",
            [("€5", "MONEY"), ("5 million USD", "MONEY"), ("USD 3.5bn", "MONEY")],
        ),
        ("He paid two billion dollars.", [("two billion dollars", "MONEY")]),
        (
            "Growth of 2.5 per cent, 5 to 10 percent, two percentage points.",
            [
                ("2.5 per cent", "PERCENT"),
                ("5 to 10 percent", "PERCENT"),
                ("two percentage points", "PERCENT"),
            ],
        ),
    ],
)
def test_find_returns_exact_spans_and_types(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Some 2000 troops arrived.",
        "May I ask a question?",
        "Today we march on.",
        "The figure was 2000.",
        "Dec is a name, and so is Jun.",
        "",
    ],
)
def test_find_leaves_counts_verbs_and_bare_abbreviations_alone(text: str) -> None:
    assert found(text) == []


def test_find_prefers_the_longest_of_overlapping_matches() -> None:
    text = "It ended in late March 2003."

    assert found(text) == [("late March 2003", "DATE")]


def test_find_returns_offsets_into_the_given_text() -> None:
    text = "Пример: цены выросли на 5 percent в 2019."

    [match] = find(text)
    assert match.span == Span(24, 33)
    assert match.type == "PERCENT"


def test_find_on_a_long_line_without_dates_finds_nothing() -> None:
    assert find("word " * 200_000) == []


@dataclass(frozen=True)
class Item:
    span: Span
    name: str


def test_resolve_overlaps_keeps_the_best_ranked_of_each_overlapping_group() -> None:
    items = [
        Item(Span(0, 5), "a"),
        Item(Span(3, 12), "b"),
        Item(Span(10, 14), "c"),
        Item(Span(14, 16), "d"),
        Item(Span(4, 4), "empty"),
    ]

    kept = resolve_overlaps(items, lambda i: (-len(i.span), i.span.start))

    assert sorted(i.name for i in kept) == ["b", "d"]


def test_resolve_overlaps_treats_touching_spans_as_separate() -> None:
    items = [Item(Span(0, 3), "a"), Item(Span(3, 6), "b"), Item(Span(6, 9), "c")]

    assert [i.name for i in resolve_overlaps(items, lambda i: i.name)] == ["a", "b", "c"]


DATE_PIECES = st.sampled_from(
    [
        "May",
        "March",
        "Sept.",
        "Sep",
        "Jan.",
        "Janu",
        "JanFeb",
        "Dec",
        "1999",
        "2020-05-17",
        "12/03/2019",
        "1990s",
        "2001-02",
        "31st",
        "3",
        "05",
        "١٩٩٠",
        "0.5",
        "$",
        ",",
        " ",
        "\n",
        "-",
        "in ",
        "the ",
        "MayDay",
        "Octo",
        "Nov.",
        "19",
        "2O2O",
        "e.g.",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(DATE_PIECES, max_size=40))
def test_month_and_digit_expressions_find_what_a_scan_of_every_character_finds(
    pieces: list[str],
) -> None:
    text = "".join(pieces)
    for pattern, starts in (
        (rules._MONTHS, rules._MONTH_STARTS),
        (rules._DIGIT_DATES, rules._DIGIT),
    ):
        expected = [m.span() for m in pattern.finditer(text)]
        assert [m.span() for m in rules._matches(pattern, starts, text)] == expected
