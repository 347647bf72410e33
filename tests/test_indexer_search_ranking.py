"""rank() must order and score documents as Whoosh's own search does (with the weighting
SearchIndex gives its searcher), for every query shape the planner builds, across segments and
deletions."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from query_trees import corpora, deletions, query_trees, segmented_index
from whoosh import query as wq

from indexer.search.bm25 import Weighting
from indexer.search.postings import matching_docs
from indexer.search.ranking import rank


def _ordered(pairs: list[tuple[int, float]]) -> list[tuple[float, int]]:
    return sorted((-round(score, 9), docnum) for docnum, score in pairs)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    batches=corpora,
    delete=deletions,
    query=query_trees([1]),
)
def test_rank_scores_as_whoosh_does(
    tmp_path_factory: pytest.TempPathFactory,
    batches: list[list[tuple[str, str]]],
    delete: list[int],
    query: Any,
) -> None:
    ix = segmented_index(tmp_path_factory.mktemp("ix"), batches, delete)
    with ix.searcher(weighting=Weighting()) as searcher:  # as SearchIndex opens it
        docs = matching_docs(searcher, query)
        ours = rank(searcher, query, docs, len(docs) + 1)
        assert ours is not None
        # Only documents the query matches (docs_for_query, checked in test_indexer_postings):
        # Whoosh's top-N search can return others (AndNot(text:a, title:a) finds a document
        # with "a" in both, its Not can yield deleted documents).
        hits = searcher.search(query, limit=None)
        theirs = [(hit.docnum, hit.score) for hit in hits if hit.docnum in docs]
        assert _ordered(ours) == _ordered(theirs)


def test_rank_returns_the_best_first_and_leaves_slop_phrases_to_whoosh(tmp_path: Any) -> None:
    ix = segmented_index(tmp_path, [[("", "a b a"), ("", "b c"), ("", "a a a a b")]], [])
    with ix.searcher() as searcher:
        query = wq.Or([wq.Term("text", "a"), wq.Term("title", "a")])
        top = rank(searcher, query, matching_docs(searcher, query), 2)
        assert top is not None and [d for d, _ in top] == [2, 0]
        from indexer.search.phrases import ExactPhrase

        assert rank(searcher, ExactPhrase("text", ["a", "b"], slop=2), {0, 2}, 2) is None
