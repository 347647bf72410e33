"""matching_docs must match exactly the documents a query means, for every query shape the
planner builds, across segments and deletions."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from query_trees import corpora, deletions, expected_docs, query_trees, segmented_index
from whoosh import query as wq

from indexer.postings import matching_docs


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
