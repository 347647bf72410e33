"""matching_docs must match exactly the documents a query means, for every query shape the
planner builds, across segments and deletions."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from query_trees import corpora, deletions, expected_docs, query_trees, segmented_index
from whoosh import query as wq

from indexer.search import hot, postings
from indexer.search.hot import HotPostings, LeastRecentlyUsed
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
    hot = LeastRecentlyUsed(budget=100)
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
        assert of.ids.tolist() == [0, 1]
        rare = postings.term_postings(first, "text", b"law")
        assert postings.term_postings(first, "text", b"law") is not rare  # in 1: read again
        assert postings.term_postings(second, "text", b"of").ids.tolist() == [0]  # its own segment


def test_a_frequent_terms_weights_are_read_once_and_kept_read_only(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    ix = segmented_index(tmp_path, [[("", "of peace"), ("", "rule of law of")]], [])
    monkeypatch.setattr(postings, "HOT_DOCS", 2)
    with ix.searcher() as searcher:
        (reader,) = (sub.reader() for sub, _ in searcher.leaf_searchers())
        ids, weights = postings.term_weights(reader, "text", b"of")
        assert (ids.tolist(), weights.tolist()) == ([0, 1], [1.0, 2.0])
        again = postings.term_weights(reader, "text", b"of")
        assert again[0] is ids and again[1] is weights  # kept: in 2 documents
        with pytest.raises(ValueError):
            ids[0] = 5  # shared between searches: nobody may change it
        postings.forget_hot_postings()
        assert postings.term_weights(reader, "text", b"of")[0] is not ids  # read again
        rare = postings.term_weights(reader, "text", b"law")
        assert postings.term_weights(reader, "text", b"law")[0] is not rare[0]  # in 1


def test_two_indexes_keep_their_frequent_terms_apart(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each index has its own budget: reading many words of one never drops the other's."""
    monkeypatch.setattr(postings, "HOT_DOCS", 1)
    words = " ".join(f"w{n}" for n in range(40))
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = segmented_index(tmp_path / "a", [[("", "of peace")]], [])
    second = segmented_index(tmp_path / "b", [[("", words), ("", words)]], [])
    with first.searcher() as a, second.searcher() as b:
        a_hot, b_hot = HotPostings(budget=1_000), HotPostings(budget=1_000)
        hot.keep(a, a_hot)
        hot.keep(b, b_hot)
        (a_reader,) = (sub.reader() for sub, _ in a.leaf_searchers())
        (b_reader,) = (sub.reader() for sub, _ in b.leaf_searchers())
        of = postings.term_postings(a_reader, "text", b"of")
        of_weights = postings.term_weights(a_reader, "text", b"of")
        kept = [postings.term_postings(b_reader, "text", f"w{n}".encode()) for n in range(40)]
        for n in range(40):
            postings.term_weights(b_reader, "text", f"w{n}".encode())
        assert postings.term_postings(b_reader, "text", b"w39") is kept[39]
        assert postings.term_postings(b_reader, "text", b"w0") is not kept[0]  # over its budget
        assert postings.term_postings(a_reader, "text", b"of") is of  # the other index's: kept
        assert postings.term_weights(a_reader, "text", b"of")[0] is of_weights[0]
        assert hot.store_for(a_reader) is a_hot and hot.store_for(b_reader) is b_hot
