"""matching_docs must match exactly the documents a query means, for every query shape the
planner builds, across segments and deletions."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from query_trees import corpora, deletions, expected_docs, query_trees, segmented_index
from whoosh import query as wq

from indexer.search import postings
from indexer.search.postings import matching_docs


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    batches=corpora,
    delete=deletions,
    query=query_trees([1, 2]),
)
def test_matching_docs_is_docs_for_query(
    tmp_path_factory: pytest.TempPathFactory,
    batches: list[list[tuple[str, str]]],
    delete: list[int],
    query: Any,
) -> None:
    ix = segmented_index(tmp_path_factory.mktemp("ix"), batches, delete)
    with ix.searcher() as searcher:
        assert matching_docs(searcher, query) == expected_docs(batches, delete, query)


def test_whoosh_and_not_keeps_a_document_it_should_exclude(tmp_path: Any) -> None:
    """Why the reference above is worked out on the texts, not asked of Whoosh: its AndNot
    matcher keeps a document that holds both words, and its Not yields deleted documents."""
    ix = segmented_index(tmp_path, [[("a", ""), ("a", "a")]], [])
    query = wq.AndNot(wq.Term("text", "a"), wq.Term("title", "a"))
    with ix.searcher() as searcher:
        assert set(searcher.docs_for_query(query)) == {1}  # wrong: document 1 has title "a"
        assert matching_docs(searcher, query) == set()


def test_frequent_terms_stay_decoded_and_the_least_recently_used_go_first() -> None:
    hot = postings._LeastRecentlyUsed(budget=100)
    hot.put("a", {0: b"a"}, 40)
    hot.put("b", {1: b"b"}, 40)
    assert hot.get("a") == {0: b"a"}  # "a" is now the most recently used
    hot.put("c", {2: b"c"}, 40)  # over budget: "b" goes
    assert (hot.get("a"), hot.get("b"), hot.get("c")) == ({0: b"a"}, None, {2: b"c"})
    hot.put("huge", {3: b"x"}, 101)  # larger than the whole budget: not kept, nothing dropped
    assert (hot.get("huge"), hot.get("a")) == (None, {0: b"a"})


def test_a_frequent_terms_postings_are_read_once_per_segment(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    ix = segmented_index(tmp_path, [[("", "of peace"), ("", "rule of law")], [("", "of")]], [])
    monkeypatch.setattr(postings, "HOT_DOCS", 2)
    with ix.searcher() as searcher:
        first, second = (sub.reader() for sub, _ in searcher.leaf_searchers())
        of = postings.term_postings(first, "text", b"of")
        assert postings.term_postings(first, "text", b"of") is of  # kept: in 2 documents
        postings.forget_hot_postings()
        assert postings.term_postings(first, "text", b"of") is not of  # read again
        assert sorted(of) == [0, 1]
        rare = postings.term_postings(first, "text", b"law")
        assert postings.term_postings(first, "text", b"law") is not rare  # in 1: read again
        assert sorted(postings.term_postings(second, "text", b"of")) == [0]  # its own segment
