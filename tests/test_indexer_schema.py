"""The schema and its analyzers: exact phrases, stemming, the surface-word vocabulary, dates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from whoosh.query import DateRange, Every, Phrase, Term

from corpus.ingestion import ingest
from corpus.model import DocumentDraft
from corpus.store import Store
from indexer.build import build_index
from indexer.live import open_index
from indexer.schema import (
    SURFACE_ANALYZER,
    TEXT_ANALYZER,
    build_schema,
    date_desc_key,
    text_terms,
)
from indexer.search.vocabulary import frequency

# The written test corpus, file by file, so that fixtures added later leave these counts alone.
FILES = ("speeches.jsonl", "valdai-remarks.md", "tass-report.html", "analyst-notes.txt")
FORUM = "fixture-eastern-forum-2019"


@pytest.fixture(scope="module")
def searcher(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A searcher (read-only) on the test corpus plus a document that only says "zone peace"."""
    tmp_path = tmp_path_factory.mktemp("schema")
    store = Store.open(f"sqlite:///{tmp_path / 'dossier.db'}")
    report = ingest([corpus_dir / name for name in FILES], store)
    assert not report.failed, report.failed
    store.put(
        DocumentDraft(
            id="fixture-zone-peace",
            text="Médvédev wrote zone peace on the board: a zone peace, never the other phrase.",
            kind="news",
            speaker="Fixture Desk",
        )
    )
    build_index(store, tmp_path / "index", procs=1)
    store.close()
    ix, _ = open_index(tmp_path / "index")
    with ix.searcher() as s:
        yield s


def _ids(searcher: Any, query: Any, **kwargs: Any) -> list[str]:
    return [hit["id"] for hit in searcher.search(query, limit=None, **kwargs)]


def test_schema_has_the_field_names_search_relies_on() -> None:
    assert sorted(build_schema().names()) == [
        "date",
        "date_desc",
        "entities",
        "entity_names",
        "id",
        "kind",
        "language",
        "less_sure_ids",
        "nationality_ids",
        "nationality_text",
        "org_ids",
        "org_text",
        "person_ids",
        "person_text",
        "place_ids",
        "place_text",
        "said_ids",
        "said_names",
        "seq",
        "source",
        "source_text",
        "speaker",
        "speaker_text",
        "tags",
        "text",
        "title",
        "version",
        "words",
        "year",
    ]


def test_text_analyzer_keeps_stop_words_so_positions_stay_consecutive() -> None:
    tokens = [(t.text, t.pos) for t in TEXT_ANALYZER("a zone of peace", positions=True)]
    assert tokens == [("a", 0), ("zone", 1), ("of", 2), ("peac", 3)]


def test_text_analyzer_stems_inflections_to_one_term() -> None:
    assert text_terms("negotiations") == text_terms("negotiating") == ("negoti",)
    assert text_terms("negotiators") == text_terms("negotiated") == ("negoti",)
    assert text_terms("news") == ("news",)


def test_text_analyzer_folds_case_accents_apostrophes_and_possessives() -> None:
    assert text_terms("Putin's") == text_terms("PUTIN\u2019S") == text_terms("putin") == ("putin",)
    assert text_terms("Médvédev") == text_terms("Medvedev") == ("medvedev",)
    assert text_terms("don\u2019t") == ("don't",)


def test_text_analyzer_splits_hyphens_and_keeps_abbreviations_and_decimals() -> None:
    assert text_terms("Kim Jong-un") == ("kim", "jong", "un")
    assert text_terms("U.S. growth of 3.5") == ("u.", "growth", "of", "3.5")


def test_text_analyzer_character_offsets_cover_the_original_words() -> None:
    text = "Putin\u2019s Médvédev"
    spans = [(t.startchar, t.endchar) for t in TEXT_ANALYZER(text, chars=True)]
    assert [text[a:b] for a, b in spans] == ["Putin\u2019s", "Médvédev"]


def test_surface_analyzer_normalises_like_text_but_does_not_stem() -> None:
    assert [t.text for t in SURFACE_ANALYZER("Negotiations, Putin's Médvédev")] == [
        "negotiations",
        "putin",
        "medvedev",
    ]


def test_phrase_matches_only_the_exact_words_in_order(searcher: Any) -> None:
    zone_of_peace = Phrase("text", list(text_terms("zone of peace")))
    zone_peace = Phrase("text", list(text_terms("zone peace")))
    assert _ids(searcher, zone_of_peace) == [FORUM]
    assert sorted(_ids(searcher, zone_peace)) == [FORUM, "fixture-zone-peace"]


def test_phrase_match_sits_at_the_positions_of_the_written_words(searcher: Any) -> None:
    forum_text = (
        "Vladimir Putin opened the plenary session in Vladivostok.\n\nHe said that Russia and "
        "North Korea should build a zone of peace in the Far East. A zone peace is not what"
    )
    tokens = [t.text for t in TEXT_ANALYZER(forum_text)]
    first = tokens.index("zone")
    assert tokens[first : first + 3] == ["zone", "of", "peac"]
    doc = searcher.document_number(id=FORUM)
    matcher = Phrase("text", ["zone", "of", "peac"]).matcher(searcher)
    matcher.skip_to(doc)
    assert matcher.id() == doc
    assert [(s.start, s.end) for s in matcher.spans()] == [(first, first + 2)]


def test_text_is_not_stored_in_the_index(searcher: Any) -> None:
    fields = searcher.stored_fields(searcher.document_number(id=FORUM))
    assert "text" not in fields and "words" not in fields
    assert fields["title"] == "Plenary session of the Eastern Economic Forum"


def test_stemmed_term_finds_every_inflection(searcher: Any) -> None:
    (term,) = text_terms("negotiating")
    assert sorted(_ids(searcher, Term("text", term))) == [
        "fixture-news-pipeline-2018",
        "fixture-no-date",
        "fixture-un-statement-2017",
    ]


def test_misspelt_word_reaches_stemmed_postings_through_the_words_vocabulary(
    searcher: Any,
) -> None:
    reader = searcher.reader()
    words = sorted(reader.terms_within("words", "negotiatons", 1))
    assert words == ["negotiations", "negotiators"]
    assert {text_terms(word) for word in words} == {("negoti",)}
    # A word's frequency is its stem's: three documents say negotiations/negotiating/...
    (term,) = text_terms("negotiations")
    assert searcher.doc_frequency("text", term) == 3
    assert frequency(reader, "negotiations") == frequency(reader, "negotiating") == 3


def test_accented_and_plain_spellings_find_the_same_document(searcher: Any) -> None:
    (term,) = text_terms("Medvedev")
    assert _ids(searcher, Term("text", term)) == ["fixture-zone-peace"]


def test_speaker_text_finds_a_surname_and_speaker_keeps_the_exact_name(searcher: Any) -> None:
    putin = sorted(_ids(searcher, Term("speaker_text", "putin")))
    assert putin == [FORUM, "fixture-valdai-2017"]
    assert sorted(_ids(searcher, Term("speaker", "Vladimir Putin"))) == putin
    assert _ids(searcher, Term("speaker", "vladimir putin")) == []


def test_tags_are_lowercased_keywords(searcher: Any) -> None:
    assert _ids(searcher, Term("tags", "countries:north korea")) == [FORUM]


def test_unknown_dates_are_excluded_by_date_ranges_and_sort_last(searcher: Any) -> None:
    everything = DateRange("date", dt.datetime(1, 1, 1), dt.datetime(9999, 12, 31))
    undated = {"analyst-notes", "fixture-no-date", "fixture-zone-peace"}
    dated = set(_ids(searcher, Every())) - undated
    assert set(_ids(searcher, everything)) == dated
    oldest_first = _ids(searcher, Every(), sortedby="date")
    newest_first = _ids(searcher, Every(), sortedby="date_desc")
    assert oldest_first[:3] == [
        "fixture-un-statement-2017",
        "fixture-valdai-2017",
        "fixture-news-pipeline-2018",
    ]
    assert newest_first[:2] == [FORUM, "tass-report"]
    assert set(oldest_first[-3:]) == set(newest_first[-3:]) == undated


def test_year_groups_documents_and_leaves_unknown_dates_in_an_empty_group(searcher: Any) -> None:
    groups = searcher.search(Every(), groupedby="year").groups("year")
    counts = {year: len(docs) for year, docs in groups.items()}
    assert counts == {"2017": 2, "2018": 2, "2019": 1, "": 3}


def test_date_desc_key_orders_later_days_first() -> None:
    assert date_desc_key(dt.date(2019, 9, 5)) < date_desc_key(dt.date(2019, 9, 4))
    assert 0 < date_desc_key(dt.date.max) < date_desc_key(dt.date.min) < 2**32 - 1


def test_seq_and_date_are_one_term_a_document(searcher: Any) -> None:
    # Whoosh's default is a trie (16 terms for a 64-bit seq, 8 for a date) for range queries
    # nothing here runs; they were a sixth of a short document's postings.
    reader = searcher.reader()
    documents = reader.doc_count()
    dated = len(list(searcher.search(Every("date"), limit=None)))
    assert len(list(reader.lexicon("seq"))) == documents
    assert len(list(reader.lexicon("date"))) == len(
        {hit["date"] for hit in searcher.search(Every("date"), limit=None)}
    )
    assert 0 < dated < documents
