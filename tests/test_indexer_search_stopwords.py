"""Stop words: left out of bare-word matching, ranking and highlighting, kept in phrases and in
queries made only of them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from corpus.model import DocumentDraft
from indexer.search import SearchRequest, hit_spans
from indexer.search.query import And, Word
from indexer.search.stopwords import is_stop_word, keeps_stop_words
from indexer.search.syntax import parse_query

TEXTS = {
    "axis": "The axis of evil speech named three states.",
    "axis-no-of": "Evil axis, said the critics, without a single function word between.",
    "long": "Axis evil. " + "Of the people, of the states, of the world, and of the year. " * 30,
    "hamlet": "To be or not to be, that is the question.",
    "scattered": "Not all of it is to be read; to or from, be it so.",
}


@pytest.fixture
def search(index_of: Callable[..., Any], empty_store: Any) -> Callable[..., Any]:
    index = index_of(*(DocumentDraft(id=id, text=text) for id, text in TEXTS.items()))

    def run(query: str) -> list[str]:
        result = index.search(SearchRequest(query, per_page=20), empty_store)
        assert result.total == len(result.hits)
        return [hit.id for hit in result.hits]

    return run


def test_a_bare_stop_word_is_neither_required_nor_ranked(search: Callable[..., Any]) -> None:
    assert sorted(search("axis of evil")) == ["axis", "axis-no-of", "long"]
    # "of" (31 times in "long") adds nothing: the order is that of "axis evil".
    assert search("axis of evil") == search("axis evil")


def test_a_phrase_keeps_its_stop_words(search: Callable[..., Any]) -> None:
    assert search('"axis of evil"') == ["axis"]


def test_a_query_made_only_of_stop_words_searches_them(search: Callable[..., Any]) -> None:
    assert sorted(search("to be or not to be")) == ["hamlet", "scattered"]
    assert search('"to be or not to be"') == ["hamlet"]


def test_stop_words_in_capitals_are_read_as_acronyms() -> None:
    root = parse_query("IS fighters in the OF region").root
    assert isinstance(root, And)
    words = {leaf.text: is_stop_word(leaf) for leaf in root.children if isinstance(leaf, Word)}
    assert words == {
        "IS": False, "fighters": False, "in": True, "the": True, "OF": False, "region": False,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("query", "keeps"),
    [
        ("to be or not to be", True),
        ("the kind:speech", True),  # filters are not words
        ("the -war", True),
        ("the war", False),
        ('the "zone"', False),
        ("the negotiat*", False),
        ("the title:war", False),
    ],
)
def test_stop_words_are_kept_only_when_nothing_else_is_searched(query: str, keeps: bool) -> None:
    assert keeps_stop_words(parse_query(query).root) is keeps


def test_bare_stop_words_are_not_highlighted_but_phrases_are_whole() -> None:
    text = TEXTS["axis"]
    assert [text[s.start : s.end] for s in hit_spans(text, "axis of evil")] == ["axis", "evil"]
    assert [text[s.start : s.end] for s in hit_spans(text, '"axis of evil"')] == ["axis of evil"]
    assert [text[s.start : s.end] for s in hit_spans(text, "of")] == ["of"]
