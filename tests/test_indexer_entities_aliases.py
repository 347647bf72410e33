"""Name normalisation: alias keys, words with exact spans, titles and case rules."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corpus.entities.model import alias_key, alias_pieces
from corpus.model import Span
from indexer.analyse import Token, tokenize, tokens
from indexer.entities.aliases import (
    CAPITALISED,
    LOWER,
    UPPER,
    form_words,
    forms_words,
    name_parts,
    person_key,
    required_shape,
    sentence_words,
    strip_title,
    words,
)


@pytest.mark.parametrize(
    ("forms", "key"),
    [
        (
            ["Kim Jong-un", "Kim Jong Un", "kim jong un", "KIM JONG-UN", " Kim  Jong\u2013Un "],
            "kim jong un",
        ),
        (["U.S.", "US", "u.s."], "us"),
        (["D.P.R.K.", "DPRK"], "dprk"),
        (["Łukashenko", "Lukashenko", "ŁUKASHENKO"], "lukashenko"),
        (["Núñez", "Nunez", "Nu\u0301n\u0303ez"], "nunez"),
        (["São Paulo", "Sao-Paulo"], "sao paulo"),
        (["Al-Qaeda", "al Qaeda", "AL QAEDA"], "al qaeda"),
        (["O'Brien", "O\u2019Brien", "OBrien"], "obrien"),
        (["Straße", "STRASSE"], "strasse"),
        (["Путин", "ПУТИН"], "путин"),
    ],
)
def test_spellings_of_one_name_share_one_key(forms: list[str], key: str) -> None:
    assert {alias_key(f) for f in forms} == {key}


def test_pieces_span_exactly_the_words_they_stand_for() -> None:
    text = "the U.S.-led talks, Kim Jong-un's"
    pieces = alias_pieces(text)
    assert [(k, text[s:e]) for k, s, e in pieces] == [
        ("the", "the"),
        ("us", "U.S."),
        ("led", "led"),
        ("talks", "talks"),
        ("kim", "Kim"),
        ("jong", "Jong"),
        ("uns", "un's"),
    ]


@given(st.text(max_size=60))
def test_every_piece_is_an_exact_span_whose_own_key_is_the_piece(text: str) -> None:
    last = 0
    for key, start, end in alias_pieces(text):
        assert last <= start < end <= len(text)
        assert alias_key(text[start:end]) == key
        last = end


def test_words_split_tokens_and_turn_punctuation_into_barriers() -> None:
    text = "Kim Jong-un's visit, to the U.S. today"
    found = words(tokens(text))
    assert [(k, text[s:e]) for k, s, e, _ in found] == [
        ("kim", "Kim"),
        ("jong", "Jong"),
        ("un", "un"),
        ("s", "s"),
        ("visit", "visit"),
        (None, ","),
        ("to", "to"),
        ("the", "the"),
        ("us", "U.S."),
        ("today", "today"),
    ]
    assert [w[3] for w in found] == [1, 1, 0, 0, 0, 0, 0, 0, 2, 0]


def test_a_tokenized_sentence_has_the_words_of_its_tokens() -> None:
    text = "Preamble. The D.P.R.K. and Kim Jong-un's U.S. visit, today."
    for sentence in tokenize(text):
        assert sentence_words(sentence) == words(sentence.tokens())
    assert ("dprk", 14, 22, UPPER) in sentence_words(tokenize(text)[1])


def test_words_keep_offsets_of_tokens_deep_in_a_text() -> None:
    assert words([Token("Jong-un", Span(100, 107))]) == [
        ("jong", 100, 104, CAPITALISED),
        ("un", 105, 107, LOWER),
    ]


@pytest.mark.parametrize(
    ("name", "keys"),
    [
        ("President Putin", ("putin",)),
        ("Prime Minister Shinzo Abe", ("shinzo", "abe")),
        ("Mr. Putin", ("putin",)),
        ("President", ("president",)),
        ("Secretary of State Rice", ("rice",)),
    ],
)
def test_a_leading_title_is_stripped_unless_nothing_remains(
    name: str, keys: tuple[str, ...]
) -> None:
    assert strip_title(form_words(name)[0]) == keys


def test_person_keys_ignore_titles() -> None:
    assert person_key("Mr. Putin") == person_key("PRESIDENT PUTIN") == "putin"


def test_name_parts_are_first_and_last_words_of_multi_word_names() -> None:
    forms = [form_words(f)[0] for f in ("Xi Jinping", "President Xi Jinping", "Putin", "J. Doe")]
    assert name_parts(forms) == {"xi", "jinping", "doe"}


def test_many_forms_split_at_once_like_one_at_a_time() -> None:
    forms = ["Kim Jong-un", "U.S.", "  North   Korea ", '"The" Times', "...", "Mr. Putin"]
    assert forms_words(forms) == [form_words(f) for f in forms]
    assert forms_words(forms)[4] == ((), LOWER)


@pytest.mark.parametrize(
    ("form", "required"),
    [("US", UPPER), ("WHO", UPPER), ("Turkey", CAPITALISED), ("turkey", LOWER), ("NATO", LOWER)],
)
def test_only_one_word_aliases_that_are_common_words_need_their_capitals(
    form: str, required: int
) -> None:
    assert required_shape(*form_words(form)) == required


def test_multi_word_aliases_never_need_capitals() -> None:
    assert required_shape(*form_words("United States")) == LOWER
