"""Sentences and tokens: NLTK's own splitters, with exact offsets into the text.

``analyse`` compiles the word tokenizer's patterns with ``re`` instead of NLTK's guarded
``regex`` wrapper; these tests hold it to the stock ``NLTKWordTokenizer`` token for token.
"""

from __future__ import annotations

import json
from pathlib import Path

import nltk.redos
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nltk.tokenize import PunktTokenizer
from nltk.tokenize.destructive import NLTKWordTokenizer

from corpus.model import Span
from indexer import analyse

TRICKY = [
    "He said \"no\" and 'yes' (twice) [sic] {maybe} <b> -- then left...",
    "I can't, won't and cannot; gonna wanna gimme lemme 'tis 'twas d'ye more'n.",
    "Mr. Putin's aides met U.S. officials at 10:30 a.m. on 3/4/2021, paying $3.88 (3,36 euros).",
    "“Quoted,” she wrote — ‘inner’ « guillemets » – en-dash — em-dash… ellipsis.",
    "E-mail a@b.com #tag 50% & co.; what?! Really!? ''Double'' ``ticks'' end.\"",
    "Ends with a bracket (like this.) And a quote.' Next one's here.",
    "Tabs\tand\nnew lines\r\nand  spaces , odd ,spacing .",
    "Пу́тин встретился с Ким Чен Ыном. 普京会见了金正恩。 Nguyễn Phú Trọng.",
    "",
]


@pytest.mark.parametrize("text", TRICKY)
def test_tokens_are_the_stock_nltk_tokens_with_exact_offsets(text: str) -> None:
    stock = NLTKWordTokenizer()
    for sentence in analyse.sentences(text):
        piece = text[sentence.start : sentence.end]
        expected = [
            (piece[s:e], Span(sentence.start + s, sentence.start + e))
            for s, e in stock.span_tokenize(piece)
        ]
        assert [(t.text, t.span) for t in analyse.tokens(text, sentence)] == expected


@pytest.mark.parametrize("text", TRICKY)
def test_tokenize_gives_the_sentences_and_tokens_of_the_separate_calls(text: str) -> None:
    found = analyse.tokenize(text)
    assert [s.span for s in found] == analyse.sentences(text)
    assert [s.tokens() for s in found] == list(analyse.sentence_tokens(text))
    for sentence in found:
        assert list(sentence.words) == [
            text[s:e] for s, e in zip(sentence.starts, sentence.ends, strict=True)
        ]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab A.,;:'\"`()[]-–—“”‘’!?$%\n\t0 ")), max_size=80))
def test_any_text_tokenizes_like_stock_nltk(text: str) -> None:
    stock = NLTKWordTokenizer()
    for sentence in analyse.tokenize(text):
        piece = text[sentence.span.start : sentence.span.end]
        try:
            expected = [piece[s:e] for s, e in stock.span_tokenize(piece)]
        except ValueError:  # NLTK cannot align these tokens; analyse falls back to whitespace
            expected = piece.split()
        assert list(sentence.words) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "STATE OF THE UNION\n\nJanuary 28, 2003\n\nMr. Speaker, Vice President Cheney.",
            ["STATE OF THE UNION", "January 28, 2003", "Mr. Speaker, Vice President Cheney."],
        ),
        (
            "Security Council:\n“States Members agree.”",
            ["Security Council:", "“States Members agree.”"],
        ),
        (
            "FEDERAL PROGRAM\r\nINTERNATIONAL AFFAIRS\r\n\r\nThe",
            ["FEDERAL PROGRAM", "INTERNATIONAL AFFAIRS", "The"],
        ),
        # A hard wrap before a lowercase word stays inside the sentence; a blank line never does.
        ("even as\nwe continue our work. Next.", ["even as\nwe continue our work.", "Next."]),
        ("A list\n\nand a blank line", ["A list", "and a blank line"]),
        ("One line\u2028Another", ["One line", "Another"]),
        ("No line breaks. Two sentences.", ["No line breaks.", "Two sentences."]),
        ("\n\n\n", []),
    ],
)
def test_a_line_end_ends_a_sentence_unless_the_line_wraps(text: str, expected: list[str]) -> None:
    assert [text[s.start : s.end] for s in analyse.sentences(text)] == expected
    assert [text[s.span.start : s.span.end] for s in analyse.tokenize(text)] == expected


def test_sentences_are_stock_punkt_sentences() -> None:
    stock = PunktTokenizer("english")
    for text in TRICKY + ["Mr. Smith met Dr. Jones at 5 p.m. on Jan. 3. They talked. " * 20]:
        assert list(analyse._sentence_splitter().span_tokenize(text)) == list(
            stock.span_tokenize(text)
        )


def test_a_text_of_many_sentences_is_not_cut_short_by_nltks_regex_time_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # NLTK limits each whole-text scan to DEFAULT_TIMEOUT seconds (5 by default, which a
    # 1.2 MB text of short sentences exceeded); at 0.05 s this 120 KB text exceeds it.
    monkeypatch.setattr(nltk.redos, "DEFAULT_TIMEOUT", 0.05)
    text = "Word. " * 20_000
    with pytest.raises(TimeoutError):
        list(PunktTokenizer("english").span_tokenize(text))
    assert len(analyse.tokenize(text)) == 20_000


def test_punkt_matches_no_pattern_through_nltks_regex_guard(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Punkt matches every word against its number, ellipsis, initial and word patterns;
    # through nltk.redos each match cost 7x what re's does.
    text = 'Mr. J. Smith paid $3.88... "Really?" he asked (twice). -1,5 units. A. B. Co. left.'
    expected = list(PunktTokenizer("english").span_tokenize(text))
    splitter = analyse._sentence_splitter()  # made (and cached) before the guard is refused

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a pattern ran through nltk.redos")

    for method in ("match", "search", "sub", "finditer", "findall", "fullmatch"):
        monkeypatch.setattr(nltk.redos.TimedPattern, method, refuse)
    with pytest.raises(AssertionError, match="nltk.redos"):
        list(PunktTokenizer("english").span_tokenize(text))
    assert list(splitter.span_tokenize(text)) == expected
    assert len(expected) > 3


PUNKT_WORDS = st.sampled_from(
    [
        "Mr.",
        "J.",
        "U.S.",
        "3.88",
        "-1,5",
        "10.",
        "...",
        "etc.",
        "word",
        "Word",
        "the",
        "(a)",
        '"Q."',
        "'s",
        "e.g.",
        "No.",
        "1990s.",
        "Co.",
        "!",
        "?",
        "A.",
        "b.",
        "--",
        "»",
        "”",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(PUNKT_WORDS, st.sampled_from([" ", "  ", "\n", " \n "])), max_size=60))
def test_any_run_of_abbreviations_numbers_and_quotes_splits_as_stock_punkt(
    words: list[tuple[str, str]],
) -> None:
    text = "".join(word + space for word, space in words)
    stock = PunktTokenizer("english")
    assert list(analyse._sentence_splitter().span_tokenize(text)) == list(stock.span_tokenize(text))


def _stock_words(piece: str) -> list[str]:
    try:
        return [piece[s:e] for s, e in NLTKWordTokenizer().span_tokenize(piece)]
    except (ValueError, IndexError, RuntimeError):  # analyse falls back to whitespace
        return piece.split()


def test_the_word_tokenizer_matches_no_pattern_through_nltks_regex_guard(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # NLTK finds a sentence's double quotes with nltk.redos.finditer, which compiles the
    # pattern under its time guard on every call: 2.3x the CPU of the whole tokenizing.
    piece = "He said \"no\" and ``maybe'' -- then ''left'' (twice) at 10:30, \"Really?\""
    expected = [piece[s:e] for s, e in NLTKWordTokenizer().span_tokenize(piece)]
    tokenizer = analyse._word_tokenizer()

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a pattern ran through nltk.redos")

    monkeypatch.setattr(nltk.redos, "finditer", refuse)
    for method in ("match", "search", "sub", "finditer", "findall", "fullmatch"):
        monkeypatch.setattr(nltk.redos.TimedPattern, method, refuse)
    with pytest.raises(AssertionError, match="nltk.redos"):
        list(NLTKWordTokenizer().span_tokenize(piece))
    found = tokenizer.span_tokenize(piece)
    assert [piece[s:e] for s, e in found] == expected
    assert '"' in expected and "''" in expected


def test_real_texts_tokenize_as_stock_nltk_sentence_by_sentence(
    shared_data_dir: Path,
) -> None:
    # The first 40 demo documents (speeches, transcripts, news) and every one with a double
    # quote (55, chat sessions among them).
    with (shared_data_dir / "demo" / "demo.jsonl").open(encoding="utf-8") as lines:
        every = [json.loads(line)["text"] for line in lines]
    texts = every[:40] + [text for text in every[40:] if '"' in text]
    punkt = PunktTokenizer("english")
    quoted = 0
    for text in texts:
        ours = analyse._sentence_splitter().span_tokenize(text)
        assert list(ours) == list(punkt.span_tokenize(text))
        for sentence in analyse.tokenize(text):
            piece = text[sentence.span.start : sentence.span.end]
            quoted += '"' in piece
            assert list(sentence.words) == _stock_words(piece)
    assert quoted > 50
