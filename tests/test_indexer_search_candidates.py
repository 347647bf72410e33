"""The fast scan for tokens a query may mark finds, of what the candidate expression's
``finditer`` finds, every token the query may mark (and nothing else it does not find), on
texts long enough to take it, with every kind of letter that case folding or the non-ASCII
rule could trip on."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.search.matching import (
    Pattern,
    _analyse_word,
    _candidates_of,
    _loose_match,
    candidate_tokens,
    hit_spans,
    match_spans,
    pattern_of,
)
from indexer.search.syntax import parse_query

PIECES = [
    "Russia", "russian", "RUSSIA's", "ru", "R", "u", "Rü", "ру", "über", "Élysée", "é",
    "\u212aelvin",  # the Kelvin sign folds to k
    "\u017ftrong",  # long s folds to s
    "İstanbul",  # lower-casing makes it two characters: the slow path
    "’s", "U.S.", "don't", "_x", "x_", "1st", "—", "«", "»", " ", " ", "\n", "\n\n", ".", "-",
    "sanctions", "Sanctioned", "gas", "GAS", "gaz", "oil", "dying", "die", "Ukraine",
    "Québec", "QUÉBEC", "quebec", "Zürich", "sécurité", "Security", "securities", "secure",
    "compromise", "Compromised", "compromising", "happy", "happiness", "hoping", "ability",
]  # fmt: skip
QUERIES = [
    "russia", "sanctions", "gas oil", '"sanctions relief"', "ukr*", "gaz~1", "dying",
    "élysée", "kelvin", "strong", "istanbul", "über", "ру*", "ru*", "sa*", "oi~1",
    "quebec", "québec", "zurich", "securite", "security", "compromise", "happy", "hope",
    '"secure compromise"', "ability", "abilities", "québec sécurité",
]  # fmt: skip


def long_text(pieces: list[str]) -> str:
    """At least a few thousand characters, so the fast path is taken (unless İ is in)."""
    text = "".join(pieces)
    return (text + " ") * (1 + 2_500 // max(len(text), 1))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(PIECES), min_size=1, max_size=40),
    st.sampled_from(QUERIES),
    st.integers(0, 50),
    st.integers(0, 50),
)
def test_the_fast_scan_finds_what_finditer_finds(
    pieces: list[str], query: str, cut_start: int, cut_end: int
) -> None:
    text = long_text(pieces)
    pattern = pattern_of(parse_query(query))
    start, end = cut_start, len(text) - cut_end
    every = [m.span() for m in _candidates_of(pattern).finditer(text, start, end)]
    stems = set(pattern.stems).union(*(phrase for phrase, _ in pattern.phrases))

    def may_mark(span: tuple[int, int]) -> bool:
        stem, word = _analyse_word(text[span[0] : span[1]])
        return stem in stems or _loose_match(word, pattern)

    found = [m.span() for m in candidate_tokens(text, pattern, start, end)]
    assert set(found) <= set(every) and found == sorted(found)
    assert [span for span in every if may_mark(span)] == [span for span in found if may_mark(span)]


def test_hits_in_a_long_real_shaped_text_are_unchanged() -> None:
    text = long_text(["President Putin: Russia’s gas, ", "the Élysée and \u212aazan; ", "\n\n"])
    pattern = pattern_of(parse_query("russia gas élysée kazan"))
    spans = hit_spans(text, "russia gas élysée kazan")
    assert spans and spans == match_spans(text, pattern)
    words = {text[s.start : s.end] for s in spans}
    assert words == {"Russia’s", "gas", "Élysée", "\u212aazan"}


def test_a_word_with_an_accent_past_its_second_letter_is_found() -> None:
    """The scan looks for a stem's first letters in the lower-cased text, where "Québec" does
    not hold "queb": a token with a non-ASCII letter is tried where its run of letters starts."""
    text = long_text(["Québec, Zürich, Sécurité, securities. ", "The QUÉBEC accord; "])
    for query, words in [
        ("quebec", {"Québec", "QUÉBEC"}),
        ("securite security", {"Sécurité", "securities"}),
        ("zurich", {"Zürich"}),
    ]:
        spans = match_spans(text, pattern_of(parse_query(query)))
        assert {text[s.start : s.end] for s in spans} == words


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet="aábcdeé", min_size=1, max_size=9),
    st.text(alphabet="aábcdeé", min_size=1, max_size=9),
    st.integers(0, 3),
)
def test_a_fuzzy_word_marks_the_words_whooshs_levenshtein_finds_close(
    word: str, target: str, distance: int
) -> None:
    """The edit distance is computed in C (rapidfuzz); the words marked are those Whoosh's
    ``levenshtein`` finds within the distance (same first letter, lengths close enough)."""
    from whoosh.support.levenshtein import levenshtein

    pattern = Pattern(fuzzy=((target, distance),))
    expected = (
        word[:1] == target[:1]
        and abs(len(word) - len(target)) <= distance
        and levenshtein(word, target, distance) <= distance
    )
    assert _loose_match(word, pattern) is expected
