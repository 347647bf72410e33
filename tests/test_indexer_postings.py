"""matching_docs must give exactly what Whoosh's docs_for_query gives, for every query shape
the planner builds, across segments and deletions."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from query_trees import query_trees, segmented_index, texts

from indexer.postings import matching_docs


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    batches=st.lists(
        st.lists(st.tuples(texts, texts), min_size=1, max_size=5), min_size=1, max_size=3
    ),
    delete=st.lists(st.integers(min_value=0, max_value=14), max_size=4, unique=True),
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
        # Whoosh's Not can yield deleted documents (its InverseMatcher ignores deletions).
        live = set(searcher.reader().all_doc_ids())
        assert matching_docs(searcher, query) == set(searcher.docs_for_query(query)) & live
