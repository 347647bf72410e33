"""Random indexes and query trees for the property tests of indexer/search/postings.py,
ranking.py and words.py (and the corpora of the query-text tests): several segments, deleted
documents, the query shapes the planner builds."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from whoosh import index as wi
from whoosh import query as wq

from indexer.schema import build_schema, text_terms
from indexer.search.phrases import ExactPhrase, phrase_at
from indexer.search.words import Term, Words

WORDS = ["a", "b", "c", "of", "the"]


def texts_of(words: list[str], *, min_size: int = 0) -> st.SearchStrategy[str]:
    """Texts of up to 12 of ``words``."""
    return st.lists(st.sampled_from(words), min_size=min_size, max_size=12).map(" ".join)


def corpora_of(
    titles: st.SearchStrategy[str], texts: st.SearchStrategy[str]
) -> st.SearchStrategy[list[list[tuple[str, str]]]]:
    """Batches of (title, text) documents: one segment a batch."""
    return st.lists(
        st.lists(st.tuples(titles, texts), min_size=1, max_size=5), min_size=1, max_size=3
    )


texts = texts_of(WORDS)
corpora = corpora_of(texts, texts)
# The document numbers to delete (or to replace with a new version).
deletions = st.lists(st.integers(min_value=0, max_value=14), max_size=4, unique=True)


def _words(counts: dict[str, int], min_match: int) -> Words:
    return Words([Term(text, count, text) for text, count in counts.items()], min_match)


# Bare words as the planner groups them: distinct terms (a repeated one counts more), and how
# many of them a document must hold.
words_queries = st.builds(
    _words,
    st.dictionaries(st.sampled_from([*WORDS, "zzz"]), st.integers(1, 3), min_size=1, max_size=4),
    st.integers(1, 4),
)


def query_trees(slops: list[int]) -> st.SearchStrategy[Any]:
    """Query trees of the shapes the planner builds (terms, words, phrases, And/Or/AndNot/Not)."""
    leaves = st.one_of(
        st.builds(wq.Term, st.sampled_from(["text", "title"]), st.sampled_from([*WORDS, "zzz"])),
        words_queries,
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


def segmented_index(folder: Any, batches: list[list[tuple[str, str]]], delete: list[int]) -> Any:
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


def expected_docs(batches: list[list[tuple[str, str]]], delete: list[int], query: Any) -> set[int]:
    """What ``query`` should match in ``segmented_index(batches, delete)``, worked out word by
    word on the texts themselves (document n is the n-th (title, text) pair)."""
    docs = [pair for batch in batches for pair in batch]
    live = [n for n in range(len(docs)) if n not in delete]
    return {n for n in live if _matches(query, dict(zip(("title", "text"), docs[n], strict=True)))}


def _matches(query: Any, fields: dict[str, str]) -> bool:
    if isinstance(query, Words):
        held = [t for t in query.words if any(t.text in text_terms(v) for v in fields.values())]
        return len(held) >= query.min_match
    if isinstance(query, ExactPhrase):
        terms = list(text_terms(fields[query.fieldname]))
        positions = [[i for i, t in enumerate(terms) if t == w] for w in query.words]
        return all(positions) and phrase_at(positions, query.slop)
    if isinstance(query, wq.Term):
        return query.text in list(text_terms(fields[query.fieldname]))
    if isinstance(query, wq.And):
        return all(_matches(q, fields) for q in query.subqueries)
    if isinstance(query, wq.Or):
        return any(_matches(q, fields) for q in query.subqueries)
    if isinstance(query, wq.AndNot):
        return _matches(query.a, fields) and not _matches(query.b, fields)
    if isinstance(query, wq.Not):
        return not _matches(query.query, fields)
    if isinstance(query, wq.Every):
        return True
    raise TypeError(f"no reference for {query!r}")
