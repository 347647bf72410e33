"""Word spans by cached units must be exactly the tokenizer's spans of the whole sentence."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer import analyse
from indexer.word_spans import WordSpans

# Whole-sentence spans as analyse computed them before the cache (and still does as fallback).
whole = analyse._sentence_token_spans

PIECES = [
    'He said "stop." )',  # the final period reaches across spaces to closing brackets
    "It ended. ' \" ]",
    "U.S. and U.K. officials met in Washington D.C.",
    "I can't; she cannot -- gonna 'tis d'ye more'n wanna go.",
    "``Quoted'' and ''odd'' with \"mixed\" quotes\" here",
    "Tabs\tnew\nlines\xa0and  doubles , odd ,spacing .",
    "(Brackets [nested {deep}]) <angled> and $3.88, 50% & co.",
    "«Guillemets» “curly” ‘single’ „low“ — en–dash… ?!",
    "  leading and trailing spaces  ",
    "'",
    '"',
    ". . .",
    "",
]


@pytest.fixture(scope="module")
def word_spans() -> WordSpans:
    return WordSpans(analyse._word_tokenizer().span_tokenize, whole)


@pytest.mark.parametrize("piece", PIECES)
def test_units_give_the_whole_sentence_spans(word_spans: WordSpans, piece: str) -> None:
    assert word_spans.spans(piece) == whole(piece)


ALPHABET = list("ab A.,;:'\"`()[]{}<>-–—“”‘’«»„!?$%&@#*\n\t0\xa0sdtn") + [
    "can",
    "not",
    "gon",
    "na",
    "'t",
    "is",
    "'s",
    "n't",
    "''",
    "``",
    "...",
    "--",
    "Mr.",
    "U.S.",
]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(ALPHABET), max_size=40).map("".join))
def test_any_text_gives_the_whole_sentence_spans(word_spans: WordSpans, piece: str) -> None:
    assert word_spans.spans(piece) == whole(piece)


def test_a_word_met_again_is_not_tokenized_again() -> None:
    calls: list[str] = []

    def counting(text: str) -> list[tuple[int, int]]:
        calls.append(text)
        return list(analyse._word_tokenizer().span_tokenize(text))

    spans = WordSpans(counting, whole)
    first = spans.spans("Russia's envoy said, Russia's envoy said, again.")
    assert first == whole("Russia's envoy said, Russia's envoy said, again.")
    # Four distinct units: "Russia's" first and after a word, "said,", "again." ("envoy" is
    # letters only: one token, no tokenizer needed)
    assert len(calls) == 4
    calls.clear()
    spans.spans("Russia's envoy said, again.")
    assert calls == []


def test_a_unit_the_cache_cannot_vouch_for_sends_the_sentence_whole() -> None:
    wholes: list[str] = []

    def whole_counting(text: str) -> list[tuple[int, int]]:
        wholes.append(text)
        return whole(text)

    def failing(text: str) -> list[tuple[int, int]]:
        raise ValueError("cannot align")

    piece = 'She said "yes" twice.'
    assert WordSpans(failing, whole_counting).spans(piece) == whole(piece)
    assert wholes == [piece]


@pytest.mark.parametrize("word", ["cannot", "Gonna", "WANNA"])
def test_words_of_letters_the_tokenizer_splits_are_split(word: str) -> None:
    spans = WordSpans(analyse._word_tokenizer().span_tokenize, whole)
    piece = f"I {word} go"
    assert spans.spans(piece) == whole(piece)
    assert len(spans.spans(piece)) == 4
