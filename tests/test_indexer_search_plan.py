"""The plan of plain words: one Words query, repeated words counted, long queries cut to their
most selective words, and partial matching when no document has every word."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from corpus.model import DocumentDraft
from indexer.errors import QueryTooComplex
from indexer.search import PartialMatch, SearchRequest, SearchResult

TEXTS = {
    "peace": "peace peace peace war, a treaty signed in the spring",
    "war": "peace war war war, a treaty broken in the autumn",
    "treaty": "A treaty of friendship, with no word of conflict at all.",
    "spring": "Spring came early to the valley that year.",
}
# Filler words, each in one document only: the rare words a long pasted text is searched by.
RARE = [f"rare{n}" for n in range(70)]


@pytest.fixture
def search(index_of: Callable[..., Any], empty_store: Any) -> Callable[..., SearchResult]:
    drafts = [DocumentDraft(id=id, text=text) for id, text in TEXTS.items()]
    drafts.append(DocumentDraft(id="rare", text=" ".join(RARE)))
    index = index_of(*drafts)

    def run(query: str) -> SearchResult:
        return index.search(SearchRequest(query, per_page=20), empty_store)

    return run


def ids(result: SearchResult) -> list[str]:
    return [hit.id for hit in result.hits]


def test_a_word_written_twice_counts_twice(search: Callable[..., SearchResult]) -> None:
    assert ids(search("peace peace war")) == ["peace", "war"]
    assert ids(search("peace war war")) == ["war", "peace"]
    assert ids(search("peace OR peace OR war"))[:2] == ["peace", "war"]


def test_words_no_document_has_together_fall_back_to_those_with_most_of_them(
    search: Callable[..., SearchResult],
) -> None:
    result = search("treaty spring autumn friendship unicorn")
    assert set(ids(result)[:3]) == {"peace", "war", "treaty"}  # two of the words each
    assert ids(result)[3:] == ["spring"]
    assert result.partial is not None
    assert (result.partial.words, result.partial.missing) == (5, ("unicorn",))
    assert result.notices == (
        "No document has all 5 words; showing those that have some of them, best matches "
        'first. No document has "unicorn".',
    )


def test_documents_with_more_of_the_words_come_first(
    search: Callable[..., SearchResult],
) -> None:
    result = search("peace war spring unicorn")
    assert ids(result)[0] == "peace"  # three of the four words
    assert ids(result)[-1] == "spring"  # one


def test_an_and_that_matches_needs_no_fallback(search: Callable[..., SearchResult]) -> None:
    result = search("peace treaty")
    assert (sorted(ids(result)), result.partial, result.notices) == (["peace", "war"], None, ())


def test_a_fallback_keeps_the_words_under_not(search: Callable[..., SearchResult]) -> None:
    assert ids(search("peace spring unicorn -autumn")) == ["peace", "spring"]


def test_the_notice_names_a_few_missing_words() -> None:
    assert PartialMatch(9, 0, ("a", "b")).notice() == (
        "No document has all 9 words; showing those that have some of them, best matches "
        'first. No document has "a" or "b".'
    )
    assert (
        PartialMatch(9, 0, ("a", "b", "c", "d", "e"))
        .notice()
        .endswith('No document has "a", "b", "c" or 2 other words.')
    )


def test_one_missing_word_alone_finds_nothing(search: Callable[..., SearchResult]) -> None:
    result = search("unicorn")
    assert (result.total, result.partial) == (0, None)


def test_a_long_plain_query_is_searched_by_its_most_selective_words(
    search: Callable[..., SearchResult],
) -> None:
    # 70 different words, 1,000+ characters: past both limits of a query with syntax.
    query = " ".join(["peace war treaty"] * 100 + RARE)
    assert len(query) > 1_000
    result = search(query)
    assert ids(result) == ["rare"]  # 64 of its rare words; peace, war and treaty left out
    assert result.notices == (
        "The query has 73 different words; searched the 64 most selective (those in fewest "
        "documents).",
    )


def test_a_long_or_of_plain_words_is_accepted_too(search: Callable[..., SearchResult]) -> None:
    result = search(" OR ".join(["treaty", *RARE]))
    assert ids(result) == ["rare"]  # the least selective word, treaty, was left out


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('"peace war" ' + " ".join(RARE), "The query has more than 64 words, phrases and filters"),
        ("(peace OR war) " + "x" * 1_000, "characters long; the limit is 1,000 (10,000 for plain"),
        ("peace " * 2_000, "characters long; the limit is 1,000 (10,000 for plain words)"),
    ],
)
def test_long_queries_with_syntax_are_still_refused(
    search: Callable[..., SearchResult], query: str, message: str
) -> None:
    with pytest.raises(QueryTooComplex, match=re.escape(message)):
        search(query)
