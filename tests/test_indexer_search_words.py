"""Words: the documents holding enough of the words, scored by BM25F worked out on the texts."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from query_trees import corpora, deletions, expected_docs, segmented_index, words_queries
from whoosh.util.numeric import byte_to_length, length_to_byte

from indexer.schema import text_terms
from indexer.search import bm25
from indexer.search.bm25 import Weighting
from indexer.search.words import Term, Words


def stored_length(length: int) -> int:
    """A field length as Whoosh keeps it: in one byte, exact for short fields only."""
    return byte_to_length(length_to_byte(length))


def expected_scores(
    searcher: Any, batches: list[list[tuple[str, str]]], delete: list[int], query: Words
) -> dict[int, float]:
    """BM25F by hand: each word's title and text frequencies over their length norms, added,
    saturated, times its idf (live documents holding it in either field) and its count in the
    query."""
    docs = [dict(zip(("title", "text"), pair, strict=True)) for batch in batches for pair in batch]
    terms = {n: {f: list(text_terms(v)) for f, v in d.items()} for n, d in enumerate(docs)}
    live = [n for n in range(len(docs)) if n not in delete]
    average = {f: searcher.avg_field_length(f) for f in ("title", "text")}

    def frequency(n: int, word: str) -> float:
        return sum(
            bm25.FIELD_WEIGHTS[f]
            * terms[n][f].count(word)
            / ((1 - bm25.B) + bm25.B * stored_length(len(terms[n][f])) / (average[f] or 1))
            for f in ("title", "text")
        )

    out = {}
    for n in live:
        held = [w for w in query.words if frequency(n, w.text) > 0]
        if len(held) < query.min_match:
            continue
        score = 0.0
        for word in held:
            df = sum(1 for m in live if frequency(m, word.text) > 0)
            tf = frequency(n, word.text)
            idf = bm25.idf(searcher.doc_count_all(), df)
            score += word.count * idf * tf * (bm25.K1 + 1) / (tf + bm25.K1)
        out[n] = score
    return out


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(batches=corpora, delete=deletions, query=words_queries)
def test_words_match_and_score_as_bm25f_worked_out_on_the_texts(
    tmp_path_factory: pytest.TempPathFactory,
    batches: list[list[tuple[str, str]]],
    delete: list[int],
    query: Words,
) -> None:
    ix = segmented_index(tmp_path_factory.mktemp("ix"), batches, delete)
    with ix.searcher(weighting=Weighting()) as searcher:
        scores = query.scores(searcher)
        assert query.matching_docs(searcher) == set(scores) == expected_docs(batches, delete, query)
        expected = expected_scores(searcher, batches, delete, query)
        assert scores == pytest.approx(expected)
        hits = searcher.search(query, limit=None)  # Whoosh's own search sees the same scores
        assert {hit.docnum: hit.score for hit in hits} == pytest.approx(expected)


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(batches=corpora, delete=deletions, query=words_queries)
def test_an_and_of_words_scores_exactly_as_the_same_words_or_ed(
    tmp_path_factory: pytest.TempPathFactory,
    batches: list[list[tuple[str, str]]],
    delete: list[int],
    query: Words,
) -> None:
    """An AND starts from its rarest word and scores only the documents holding them all;
    the sums must be those of the OR path, to the last bit (results pages stay identical)."""
    ix = segmented_index(tmp_path_factory.mktemp("ix"), batches, delete)
    every = query.with_min_match(len(query.words))
    with ix.searcher(weighting=Weighting()) as searcher:
        some = query.with_min_match(1).scores(searcher)
        scores = every.scores(searcher)
        docs, values = every.score_arrays(searcher)
    assert scores == {d: s for d, s in some.items() if d in scores}
    assert set(scores) == expected_docs(batches, delete, every)
    assert docs.tolist() == sorted(scores) and values.tolist() == [scores[d] for d in docs]


def test_a_word_written_twice_weighs_twice(tmp_path: Any) -> None:
    ix = segmented_index(tmp_path, [[("", "a b b b c"), ("", "a a a b c")]], [])
    with ix.searcher(weighting=Weighting()) as searcher:
        more_a = Words([Term("a", 2), Term("b", 1)]).scores(searcher)
        more_b = Words([Term("a", 1), Term("b", 2)]).scores(searcher)
    assert more_a[1] > more_a[0] and more_b[0] > more_b[1]


def test_missing_names_the_words_no_document_holds(tmp_path: Any) -> None:
    ix = segmented_index(tmp_path, [[("a", "b"), ("", "c")]], [])
    with ix.searcher(weighting=Weighting()) as searcher:
        query = Words([Term("a", 1, "A"), Term("zzz", 1, "Zzz"), Term("c", 1, "c")])
        assert [term.label for term in query.missing(searcher)] == ["Zzz"]
        assert query.matching_docs(searcher) == set()
        assert query.with_min_match(1).matching_docs(searcher) == {0, 1}
