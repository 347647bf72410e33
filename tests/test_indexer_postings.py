"""matching_docs must give exactly what Whoosh's docs_for_query gives, for every query shape
the planner builds, across segments and deletions."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh import index as wi
from whoosh import query as wq

from indexer.phrases import ExactPhrase
from indexer.postings import matching_docs
from indexer.schema import build_schema

WORDS = ["a", "b", "c", "of", "the"]

texts = st.lists(st.sampled_from(WORDS), max_size=12).map(" ".join)


def query_trees(slops: list[int]) -> st.SearchStrategy[Any]:
    """Query trees of the shapes the planner builds (terms, phrases, And/Or/AndNot/Not)."""
    leaves = st.one_of(
        st.builds(wq.Term, st.sampled_from(["text", "title"]), st.sampled_from([*WORDS, "zzz"])),
        st.builds(
            lambda words, slop: ExactPhrase("text", words, slop=slop),
            st.lists(st.sampled_from(WORDS), min_size=2, max_size=3),
            st.sampled_from(slops),
        ),
        st.just(wq.Every()),
    )
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.builds(wq.And, st.lists(inner, min_size=1, max_size=3)),
            st.builds(wq.Or, st.lists(inner, min_size=1, max_size=3)),
            st.builds(wq.AndNot, inner, inner),
            st.builds(wq.Not, inner),
        ),
        max_leaves=6,
    )


def _index(folder: Any, batches: list[list[tuple[str, str]]], delete: list[int]) -> Any:
    ix = wi.create_in(str(folder), build_schema())
    n = 0
    for batch in batches:
        writer = ix.writer()
        for title, text in batch:
            writer.add_document(id=str(n), title=title, text=text, kind="other")
            n += 1
        writer.commit(merge=False)
    if delete:
        writer = ix.writer()
        for docnum in delete:
            writer.delete_by_term("id", str(docnum))
        writer.commit(merge=False)
    return ix


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
    ix = _index(tmp_path_factory.mktemp("ix"), batches, delete)
    with ix.searcher() as searcher:
        # Whoosh's Not can yield deleted documents (its InverseMatcher ignores deletions).
        live = set(searcher.reader().all_doc_ids())
        assert matching_docs(searcher, query) == set(searcher.docs_for_query(query)) & live
