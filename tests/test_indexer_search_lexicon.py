"""The vocabulary read a prefix at a time from the terms file (``indexer/search/lexicon.py``)
must list what Whoosh's ``expand_prefix`` lists, and words within an edit distance must be
those Whoosh's ``distance`` finds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import index as wi
from whoosh.support.levenshtein import distance as whoosh_distance

from indexer.schema import build_schema
from indexer.search.lexicon import (
    remember_term_lookups,
    terms_of_lengths,
    terms_with_prefix,
    words_within,
)
from indexer.search.vocabulary import VOCABULARY_FIELD

BATCHES = [
    ["Sanctions on steel", "sanction sanctioned security council", "Zürich zone"],
    ["security secure secured", "ÿes séance", "sécurité council counsel"],
    ["steel stele stale", "a an and ant"],
]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Three segments (one commit each, not merged), one document deleted."""
    ix = wi.create_in(str(tmp_path_factory.mktemp("ix")), build_schema())
    n = 0
    for batch in BATCHES:
        writer = ix.writer()
        for text in batch:
            writer.add_document(id=str(n), text=text, words=text, kind="other")
            n += 1
        writer.commit(merge=False)
    writer = ix.writer()
    writer.delete_by_term("id", "0")
    writer.commit(merge=False)
    return ix


@pytest.mark.parametrize("prefix", ["", "s", "se", "sec", "secur", "z", "zü", "a", "x", "ÿ", "é"])
def test_a_prefix_lists_the_terms_whoosh_lists(index: Any, prefix: str) -> None:
    with index.searcher() as searcher:
        reader = searcher.reader()
        assert len(list(reader.leaf_readers())) == 3
        expected = [t.decode("utf-8") for t in reader.expand_prefix(VOCABULARY_FIELD, prefix)]
        assert terms_with_prefix(reader, VOCABULARY_FIELD, prefix) == expected
        for sub, _ in reader.leaf_readers():  # one segment alone too
            alone = [t.decode("utf-8") for t in sub.expand_prefix(VOCABULARY_FIELD, prefix)]
            assert terms_with_prefix(sub, VOCABULARY_FIELD, prefix) == alone


@pytest.mark.parametrize("prefix", ["", "s", "se", "sec", "z", "é", "x"])
def test_terms_of_some_lengths_are_the_prefixs_terms_of_those_lengths(
    index: Any, prefix: str
) -> None:
    """Short prefixes are kept per reader, grouped by length: asked again, and for other
    lengths, the answers are still the listed terms of those lengths, in order."""
    with index.searcher() as searcher:
        reader = searcher.reader()
        listed = terms_with_prefix(reader, VOCABULARY_FIELD, prefix)
        for low, high in [(0, 40), (5, 5), (6, 8), (3, 2), (-1, 1), (5, 5)]:
            expected = [t for t in listed if low <= len(t) <= high]
            assert terms_of_lengths(reader, VOCABULARY_FIELD, prefix, low, high) == expected


def test_the_prefix_scan_keeps_to_its_field(index: Any) -> None:
    """``text`` holds stems ("secur"), ``words`` the surface words: the stretch read is one
    field's."""
    with index.searcher() as searcher:
        reader = searcher.reader()
        stems = terms_with_prefix(reader, "text", "secur")
        assert stems == ["secur", "securit"]  # "sécurité"
        assert stems == [t.decode("utf-8") for t in reader.expand_prefix("text", "secur")]
        words = terms_with_prefix(reader, VOCABULARY_FIELD, "secur")
        assert words == ["secure", "secured", "securite", "security"]  # accents folded
        assert terms_with_prefix(reader, "no_such_field", "s") == []


def test_a_reader_of_another_kind_takes_whooshs_path(tmp_path: Path) -> None:
    from whoosh.filedb.filestore import RamStorage

    ix = RamStorage().create_index(build_schema())
    with ix.writer() as writer:
        writer.add_document(id="1", text="steel", words="steel stale", kind="other")
    with ix.searcher() as searcher:
        assert terms_with_prefix(searcher.reader(), VOCABULARY_FIELD, "st") == ["stale", "steel"]


letters = st.text(alphabet="abcdeé", min_size=0, max_size=7)


@settings(max_examples=300, deadline=None)
@given(word=letters, words=st.lists(letters, max_size=30), distance=st.integers(0, 3))
def test_words_within_are_those_whoosh_finds(word: str, words: list[str], distance: int) -> None:
    expected = [
        w
        for w in words
        if abs(len(w) - len(word)) <= distance and whoosh_distance(word, w, distance) <= distance
    ]
    assert words_within(words, word, distance) == expected


def test_a_swap_of_neighbours_is_one_edit_and_order_is_kept() -> None:
    words = ["secruity", "security", "sceurity", "securities", "obscurity"]
    assert words_within(words, "security", 1) == ["secruity", "security", "sceurity"]


def test_remembered_term_lookups_answer_as_the_terms_file_does(index: Any) -> None:
    with index.searcher() as plain, index.searcher() as remembered:
        remember_term_lookups(remembered)
        remember_term_lookups(remembered)  # twice: wrapped once
        pairs = [
            (sub.reader(), other.reader())
            for (sub, _), (other, _) in zip(
                plain.leaf_searchers(), remembered.leaf_searchers(), strict=True
            )
        ]
        for _ in range(2):  # the second time from what was remembered
            for reader, kept in pairs:
                for field, term in [
                    ("text", b"secur"),
                    ("text", b"steel"),
                    ("words", b"zone"),
                    ("text", b"absent"),
                    ("title", b"steel"),
                ]:
                    assert ((field, term) in kept) == ((field, term) in reader)
                    if (field, term) in reader:
                        assert kept.doc_frequency(field, term) == reader.doc_frequency(field, term)
                        assert list(kept.postings(field, term).all_ids()) == list(
                            reader.postings(field, term).all_ids()
                        )
        table = pairs[0][1]._terms._tindex
        assert table.ranges_for_key.cache_info().hits > 0
        assert "ranges_for_key" not in vars(pairs[0][0]._terms._tindex)  # the other searcher's
