"""ExactPhrase must match exactly what Whoosh's own Phrase matches, across segments and
deletions, and score a phrase like a term."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from query_trees import segmented_index
from whoosh import query as wq

from indexer.schema import text_terms
from indexer.search import postings
from indexer.search.phrases import ExactPhrase, phrase_at

WORDS = ["a", "b", "c", "of", "the", "peace"]


def _index(folder: Path, batches: list[list[str]], delete: list[int]) -> Any:
    """One segment per batch of texts (no titles), then the ``delete`` documents removed."""
    return segmented_index(folder, [[("", text) for text in batch] for batch in batches], delete)


texts = st.lists(st.sampled_from(WORDS), min_size=0, max_size=25).map(" ".join)


# hot_docs=1: every word's decoded postings are kept (``postings._HOT``), as "of" and "the"
# are on a real index; each example's new index must never be answered from an old one's.
@pytest.mark.parametrize("hot_docs", [postings.HOT_DOCS, 1])
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    batches=st.lists(st.lists(texts, min_size=1, max_size=6), min_size=1, max_size=3),
    phrase=st.lists(st.sampled_from(WORDS), min_size=2, max_size=4),
    slop=st.sampled_from([1, 1, 2, 3]),
    delete=st.lists(st.integers(min_value=0, max_value=17), max_size=4, unique=True),
)
def test_exact_phrase_matches_what_whoosh_phrase_matches(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    hot_docs: int,
    batches: list[list[str]],
    phrase: list[str],
    slop: int,
    delete: list[int],
) -> None:
    monkeypatch.setattr(postings, "HOT_DOCS", hot_docs)
    ix = _index(tmp_path_factory.mktemp("ix"), batches, delete)
    with ix.searcher() as searcher:
        ours = sorted(searcher.docs_for_query(ExactPhrase("text", phrase, slop=slop)))
        theirs = sorted(searcher.docs_for_query(wq.Phrase("text", phrase, slop=slop)))
        assert ours == theirs
        # The ranked search finds the same documents as the count.
        ranked = searcher.search(ExactPhrase("text", phrase, slop=slop), limit=None)
        assert sorted(hit.docnum for hit in ranked) == ours


def test_zone_of_peace_is_not_zone_peace(tmp_path: Path) -> None:
    ix = _index(tmp_path, [["a zone of peace here", "a zone peace here", "peace zone of"]], [])
    with ix.searcher() as searcher:
        terms = list(text_terms("zone of peace"))
        assert sorted(searcher.docs_for_query(ExactPhrase("text", terms))) == [0]
        assert sorted(
            searcher.docs_for_query(ExactPhrase("text", list(text_terms("zone peace"))))
        ) == [1]


def test_a_phrase_found_more_often_ranks_higher_and_combines_with_words(tmp_path: Path) -> None:
    ix = _index(
        tmp_path,
        [
            [
                "rule of law once and some other words in between",
                "rule of law and the rule of law again, words in between",
                "law of rule, not the phrase",
            ]
        ],
        [],
    )
    phrase = ExactPhrase("text", list(text_terms("rule of law")))
    with ix.searcher() as searcher:
        assert [hit.docnum for hit in searcher.search(phrase)] == [1, 0]
        both = wq.And([phrase, wq.Term("text", "onc")])
        assert [hit.docnum for hit in searcher.search(both)] == [0]
        either = wq.Or([phrase, wq.Term("text", "phrase")])
        assert sorted(hit.docnum for hit in searcher.search(either)) == [0, 1, 2]


def test_a_phrase_with_a_word_the_index_lacks_matches_nothing(tmp_path: Path) -> None:
    ix = _index(tmp_path, [["zone of peace"]], [])
    with ix.searcher() as searcher:
        assert list(searcher.docs_for_query(ExactPhrase("text", ["zone", "of", "war"]))) == []
        assert list(searcher.docs_for_query(ExactPhrase("nofield", ["zone", "of"]))) == []


@pytest.mark.parametrize(
    ("positions", "slop", "expected"),
    [
        ([[1, 5], [2]], 1, True),
        ([[1, 5], [3]], 1, False),
        ([[1, 5], [3]], 2, True),
        ([[1], [2], [3]], 1, True),
        ([[1], [2], [4]], 1, False),
        ([[1], [3], [4]], 2, True),
        ([[4], [3]], 3, False),
        ([[2, 2], [3]], 1, True),
    ],
)
def test_phrase_at(positions: list[list[int]], slop: int, expected: bool) -> None:
    assert phrase_at(positions, slop) is expected
