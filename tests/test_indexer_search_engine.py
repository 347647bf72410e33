"""Search on the real test corpus: every piece of syntax, filters, facets, sorting, pages,
snippets, did-you-mean, the hostile queries, and a kept searcher following index changes."""

from __future__ import annotations

import datetime as dt
import string
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus.model import DocumentDraft, PartialDate, Span
from indexer.errors import EmptyQuery, QueryError, QueryTooComplex
from indexer.search import hot
from indexer.search.engine import Hit, SearchIndex, SearchRequest, SearchResult, Snippet, hit_spans
from indexer.search.query import Fuzzy, Prefix
from indexer.search.snippets import make_snippets
from indexer.search.syntax import parse_query
from indexer.search.vocabulary import Budget, expand_fuzzy, expand_prefix

TESTS_DIR = Path(__file__).parent
EASTERN = "fixture-eastern-forum-2019"
UN = "fixture-un-statement-2017"
NEWS = "fixture-news-pipeline-2018"
NO_DATE = "fixture-no-date"
VALDAI = "fixture-valdai-2017"
TASS = "tass-report"
NOTES = "analyst-notes"


@dataclass(frozen=True)
class Corpus:
    store: Any
    index: SearchIndex
    index_dir: Path


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    """The test corpus in a store and an index, built once: these tests only read them."""
    from corpus.ingestion import ingest
    from corpus.store import Store
    from indexer.build import build_index

    path = tmp_path_factory.mktemp("search")
    store = Store.open(f"sqlite:///{path / 'dossier.db'}")
    assert not ingest([TESTS_DIR / "data"], store).failed
    build_index(store, path / "index", procs=1)
    index = SearchIndex.open(path / "index")
    yield Corpus(store, index, path / "index")
    index.close()
    store.close()


def run(corpus: Corpus, query: str, **options: Any) -> SearchResult:
    return corpus.index.search(SearchRequest(query, **options), corpus.store)


def found(corpus: Corpus, query: str, **options: Any) -> list[str]:
    result = run(corpus, query, per_page=100, **options)
    assert result.total == len(result.hits)
    return sorted(hit.id for hit in result.hits)


@pytest.mark.parametrize(
    ("query", "ids"),
    [
        ("pyongyang", [EASTERN, TASS, UN]),
        ("PYONGYANG", [EASTERN, TASS, UN]),
        ("negotiation", [NO_DATE, NEWS, UN]),  # stems: negotiations, Negotiating, negotiators
        ("korea", [EASTERN, UN, VALDAI]),  # "Koreas" yes, "Korean" no
        ("korea pyongyang", [EASTERN, UN]),
        ("korea AND pyongyang", [EASTERN, UN]),
        ("pipeline OR railway", [NOTES, EASTERN, NEWS]),
        ("talks -railway", [EASTERN, NO_DATE, TASS]),
        ("talks NOT railway", [EASTERN, NO_DATE, TASS]),
        ("NOT pyongyang", [NOTES, NO_DATE, NEWS, VALDAI]),
        ("(korea OR railway) -pyongyang", [NOTES, NEWS, VALDAI]),
        ('"zone of peace"', [EASTERN]),
        ('"russia korea"', []),
        ('"russia korea"~1', []),
        ('"russia korea"~2', [EASTERN]),  # "Russia and North Korea": two words between
        ("Six-Party", [NO_DATE]),
        ("negotiat*", [NO_DATE, NEWS, UN]),
        ("pyong*", [EASTERN, TASS, UN]),
        ("pyongyng~", [EASTERN, TASS, UN]),
        ("kind:forum", [EASTERN, VALDAI]),
        ("kind:forum putin", [EASTERN]),
        ("speaker:putin", [EASTERN, VALDAI]),
        ('speaker:"sergey lavrov"', [UN]),
        ('source:"fixture forum"', [EASTERN, VALDAI]),
        ("tag:energy", [EASTERN, NEWS]),
        ("tag:russia", [EASTERN, UN]),
        ('tag:"north korea"', [EASTERN]),
        ("tag:countries:china", [NEWS]),
        ("tag:keywords:china", []),
        ("kind:forum OR kind:speech", [EASTERN, UN, VALDAI]),
        ("-kind:forum korea", [UN]),
        ("date:2017", [UN, VALDAI]),
        ("date:2018-05", [TASS]),
        ("date:[2017-10 TO 2019]", [EASTERN, NEWS, VALDAI, TASS]),
        ("date:>2018", [EASTERN]),
        ("date:<2018", [UN, VALDAI]),
        ("title:talks", [NEWS]),
        ('title:"general debate"', [UN]),
        ("chairman", [NEWS]),  # in the title only
    ],
)
def test_each_piece_of_syntax_finds_exactly_these_documents(
    corpus: Corpus, query: str, ids: list[str]
) -> None:
    assert found(corpus, query) == sorted(ids)


def test_a_misspelt_fuzzy_word_finds_inflected_forms(corpus: Corpus) -> None:
    # "negotiatons" is one edit from "negotiations"; its stem also holds "Negotiating" and
    # "negotiators", the only forms in fixture-no-date.
    assert found(corpus, "negotiatons~1") == sorted([NO_DATE, NEWS, UN])
    assert found(corpus, "negotiatons") == []


def test_request_filters_combine_with_the_query_by_and(corpus: Corpus) -> None:
    assert found(corpus, "korea", kinds=("forum",)) == [EASTERN, VALDAI]
    assert found(corpus, "korea", kinds=("forum", "speech")) == [EASTERN, UN, VALDAI]
    assert found(corpus, "korea kind:speech", kinds=("forum",)) == []
    assert found(corpus, "korea", speakers=("Vladimir Putin",)) == [EASTERN, VALDAI]
    assert found(corpus, "korea", sources=("Fixture UN Records",)) == [UN]
    assert found(corpus, "talks", tags=("energy",)) == [EASTERN, NEWS]
    assert found(corpus, "korea", date_from="2017-10", date_to="2019") == [EASTERN, VALDAI]
    assert found(corpus, "korea", date_to=PartialDate(dt.date(2017, 9, 1), "month")) == [UN]
    assert found(corpus, "korea", date_from=dt.date(2017, 9, 2)) == [EASTERN, VALDAI]


def test_request_names_match_whole_names_and_query_names_match_words(corpus: Corpus) -> None:
    assert found(corpus, "", speakers=("vladimir putin",)) == [EASTERN, VALDAI]
    assert found(corpus, "", speakers=("Putin",)) == []
    assert found(corpus, "speaker:Putin") == [EASTERN, VALDAI]
    assert found(corpus, "", sources=("Fixture Forum",)) == []
    assert found(corpus, 'source:"Fixture Forum"') == [EASTERN, VALDAI]


def test_choosing_a_facet_value_gives_as_many_hits_as_it_counted(corpus: Corpus) -> None:
    result = run(corpus, "talks OR korea OR railway")
    options = {"kind": "kinds", "source": "sources", "speaker": "speakers"}
    for facet, option in options.items():
        for value, count in result.facets[facet]:
            chosen = run(corpus, "talks OR korea OR railway", **{option: (value,)})
            assert chosen.total == count, (facet, value)
    for year, count in result.facets["year"]:
        chosen = run(corpus, "talks OR korea OR railway", date_from=year, date_to=year)
        assert chosen.total == count, year


def test_filters_alone_browse_newest_first(corpus: Corpus) -> None:
    result = run(corpus, "", kinds=("news", "speech"))
    assert [hit.id for hit in result.hits] == [TASS, NEWS, UN]
    assert [hit.score for hit in result.hits] == [0.0, 0.0, 0.0]
    assert [hit.id for hit in run(corpus, "kind:forum").hits] == [EASTERN, VALDAI]


def test_a_blank_query_without_filters_is_an_empty_query(corpus: Corpus) -> None:
    with pytest.raises(EmptyQuery, match="^Nothing to search for. Try a word"):
        run(corpus, "   ")


def test_a_filter_ored_with_words_is_refused(corpus: Corpus) -> None:
    with pytest.raises(QueryError) as info:
        run(corpus, "peace OR kind:speech")
    assert str(info.value).startswith(
        'In "peace OR kind:speech", a filter is joined to words by OR or inside NOT with them.'
    )


def test_bad_request_values_are_query_errors(corpus: Corpus) -> None:
    with pytest.raises(QueryError, match='^Unknown sort "newest". Use relevance, date or -date.'):
        run(corpus, "korea", sort="newest")
    with pytest.raises(QueryError, match='^Unknown kind "memo".'):
        run(corpus, "korea", kinds=("memo",))
    with pytest.raises(QueryError, match='^"2017-13" is not a date.'):
        run(corpus, "korea", date_from="2017-13")


def test_facets_count_the_whole_matching_set(corpus: Corpus) -> None:
    result = run(corpus, "korea", per_page=1)
    assert result.total == 3
    assert len(result.hits) == 1
    assert result.facets == {
        "kind": (("forum", 2), ("speech", 1)),
        "source": (("Fixture Forum Transcripts", 2), ("Fixture UN Records", 1)),
        "speaker": (("Vladimir Putin", 2), ("Sergey Lavrov", 1)),
        "year": (("2017", 2), ("2019", 1)),
        **{name: () for name in ("person", "org", "place", "nationality", "said")},  # none
    }


def test_facets_leave_out_missing_values_and_can_be_skipped(
    corpus: Corpus,
) -> None:
    result = run(corpus, "talks OR railway")
    assert result.facets["speaker"] == (
        ("Fixture Press Office", 1),
        ("Fixture Wire Correspondent", 1),
        ("Vladimir Putin", 1),
    )
    assert result.facets["year"] == (("2018", 2), ("2019", 1))
    assert run(corpus, "korea", facets=False).facets == {}


# What a DocTable and a SpeakerTable read from the index's columns (cached on the table).
COLUMN_READS = {"columns", "refs", "less_sure_refs", "_names_column", "day", "_read"}


def _read_columns(index: SearchIndex) -> set[str]:
    tables = (index._table, index._speakers)
    return {name for table in tables if table is not None for name in vars(table)} & COLUMN_READS


def test_a_search_reads_the_columns_only_for_facets_filters_and_date_order(
    corpus: Corpus,
) -> None:
    """``dossier search`` opens an index for one search and prints no facets: it should not
    pay for reading every document's facet, date and speaker columns."""
    index = SearchIndex.open(corpus.index_dir)
    try:
        assert index.search(SearchRequest("korea", facets=False), corpus.store).total == 3
        assert _read_columns(index) == set()
        index.search(SearchRequest("korea", kinds=("speech",), facets=False), corpus.store)
        assert _read_columns(index) == {"columns"}
        index.search(SearchRequest("korea", sort="date", facets=False), corpus.store)
        assert _read_columns(index) == {"columns", "day"}
        assert index.search(SearchRequest("korea"), corpus.store).facets["year"]
        assert _read_columns(index) == COLUMN_READS - {"_names_column"}  # no entity facet
    finally:
        index.close()
    warmed = SearchIndex.open(corpus.index_dir)
    try:
        warmed.warm()
        assert _read_columns(warmed) == COLUMN_READS
    finally:
        warmed.close()


def test_sort_by_date_puts_unknown_dates_last_both_ways(corpus: Corpus) -> None:
    oldest = [hit.id for hit in run(corpus, "talks OR railway", sort="date").hits]
    newest = [hit.id for hit in run(corpus, "talks OR railway", sort="-date").hits]
    assert oldest[:3] == [NEWS, TASS, EASTERN]
    assert newest[:3] == [EASTERN, TASS, NEWS]
    assert sorted(oldest[3:]) == sorted(newest[3:]) == [NOTES, NO_DATE]


def test_date_sorted_hits_keep_their_scores(corpus: Corpus) -> None:
    by_score = {hit.id: hit.score for hit in run(corpus, "korea").hits}
    by_date = {hit.id: hit.score for hit in run(corpus, "korea", sort="date").hits}
    assert by_date == pytest.approx(by_score)
    assert all(score > 0 for score in by_score.values())


def test_relevance_ranks_title_matches_first(corpus: Corpus) -> None:
    assert run(corpus, "pyongyang").hits[0].id == TASS  # in the title and twice in the text


def test_a_title_made_from_the_first_line_is_shown_but_not_searched_as_a_title(
    corpus: Corpus,
) -> None:
    assert found(corpus, "title:railway") == []
    (hit,) = [hit for hit in run(corpus, "khasan").hits if hit.id == NOTES]
    assert hit.title == "Working notes on the Russia–DPRK railway project."


def test_pages_cover_every_hit_once(corpus: Corpus) -> None:
    pages = [run(corpus, "talks OR railway", per_page=2, page=n) for n in (1, 2, 3)]
    assert [len(page.hits) for page in pages] == [2, 2, 1]
    assert {page.total for page in pages} == {5}
    ids = [hit.id for page in pages for hit in page.hits]
    assert sorted(ids) == sorted([NOTES, EASTERN, NEWS, NO_DATE, TASS])
    dated = [run(corpus, "talks OR railway", per_page=2, page=n, sort="date") for n in (1, 2)]
    assert [hit.id for page in dated for hit in page.hits][:3] == [NEWS, TASS, EASTERN]


def test_a_page_beyond_the_end_is_empty_not_an_error(corpus: Corpus) -> None:
    result = run(corpus, "korea", page=50)
    assert (result.total, result.hits) == (3, ())
    assert run(corpus, "korea", page=10**12).hits == ()


def test_page_size_is_capped_and_page_numbers_start_at_one(
    corpus: Corpus,
) -> None:
    result = run(corpus, "korea", per_page=10_000, page=0)
    assert (result.request.per_page, result.request.page) == (100, 1)
    assert len(result.hits) == 3


def test_a_hit_carries_metadata_and_the_date_precision_from_the_store(
    corpus: Corpus,
) -> None:
    (hit,) = run(corpus, "khasan kind:news").hits
    assert hit == Hit(
        id=NEWS,
        version=1,
        score=hit.score,
        title="Talks with the Chairman of the State Affairs Commission",
        kind="news",
        date=PartialDate(dt.date(2018, 1, 1), "year"),
        speaker="Fixture Press Office",
        source="Fixture News Service",
        snippets=hit.snippets,
    )


def test_snippet_text_and_spans(corpus: Corpus) -> None:
    text = corpus.store.get(EASTERN).text
    (hit,) = run(corpus, '"zone of peace" nuclear').hits
    assert hit.snippets == (
        Snippet(
            text=(
                "He said that Russia and North Korea should build a zone of peace in the Far "
                "East. A zone peace is not what the moderator wrote on the board.\n\nThe "
                "moderator asked about pipelines, ports and the nuclear"
            ),
            spans=(Span(51, 64), Span(193, 200)),
            start=text.index("He said"),
        ),
        Snippet(
            text=(
                "Putin replied that Pyongyang needs security guarantees before any talks on "
                "nuclear weapons."
            ),
            spans=(Span(75, 82),),
            start=text.index("Putin replied"),
        ),
    )
    for snippet in hit.snippets:
        assert text[snippet.start : snippet.start + len(snippet.text)] == snippet.text


def test_a_title_only_hit_gets_the_opening_of_its_text(corpus: Corpus) -> None:
    (hit,) = run(corpus, "chairman").hits
    (snippet,) = hit.snippets
    assert snippet.start == 0
    assert snippet.spans == ()
    assert snippet.text.startswith("The leaders discussed a gas pipeline")


def test_hit_spans_mark_every_match_for_the_document_view(corpus: Corpus) -> None:
    text = corpus.store.get(EASTERN).text

    def marked(query: str) -> list[str]:
        return [text[span.start : span.end] for span in hit_spans(text, query)]

    assert marked("putin") == ["Putin", "Putin"]
    assert marked('"zone of peace"') == ["zone of peace"]
    assert marked('"zone peace"') == ["zone peace"]
    assert marked("zone -peace") == ["zone", "zone"]
    assert marked("pipeline port*") == ["pipelines", "ports"]
    assert marked("pyongyng~1 kind:forum title:session") == ["Pyongyang"]
    assert marked('"russia korea"~2') == ["Russia", "Korea"]


def test_highlighting_analyses_text_exactly_as_the_index_does() -> None:
    from indexer.schema import TEXT_ANALYZER
    from indexer.search.matching import analyse_text

    text = "M\u00e9dv\u00e9dev\u2019s talks: U.S. negotiators didn't stall; Jong-un's 3.5% rise."
    expected = [(t.text, t.startchar, t.endchar) for t in TEXT_ANALYZER(text, chars=True)]
    assert [(t.stem, t.start, t.end) for t in analyse_text(text)] == expected
    assert [t.surface for t in analyse_text(text)][:3] == ["medvedev", "talks", "u.s"]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_highlighting_and_the_index_agree_on_any_text(text: str) -> None:
    from indexer.schema import TEXT_ANALYZER
    from indexer.search.matching import analyse_text

    expected = [(t.text, t.startchar, t.endchar) for t in TEXT_ANALYZER(text, chars=True)]
    assert [(t.stem, t.start, t.end) for t in analyse_text(text)] == expected


def test_exact_phrases_are_exact_in_both_directions(empty_store: Any, tmp_path: Path) -> None:
    from indexer.build import build_index

    empty_store.put(DocumentDraft(id="with-of", text="They agreed on a zone of peace."))
    empty_store.put(DocumentDraft(id="without-of", text="They agreed on a zone peace."))
    build_index(empty_store, tmp_path / "index", procs=1)
    index = SearchIndex.open(tmp_path / "index")
    try:

        def ids(query: str) -> list[str]:
            result = index.search(SearchRequest(query), empty_store)
            return sorted(hit.id for hit in result.hits)

        assert ids('"zone of peace"') == ["with-of"]
        assert ids('"zone peace"') == ["without-of"]
        assert ids("zone peace") == ["with-of", "without-of"]
        assert ids('"zone peace"~1') == ["with-of", "without-of"]
    finally:
        index.close()


def test_did_you_mean_corrects_rare_words_in_the_whole_query(
    corpus: Corpus,
) -> None:
    assert run(corpus, "Pyongyng").suggestion == "Pyongyang"
    assert run(corpus, "negotiatons kind:news").suggestion == "negotiations kind:news"
    assert run(corpus, "talks negotiatons -railway").suggestion == "talks negotiations -railway"
    assert run(corpus, "pyongyang").suggestion is None
    assert run(corpus, "zqxj").suggestion is None


def test_a_word_that_finds_documents_gets_no_did_you_mean(index_of: Any, empty_store: Any) -> None:
    drafts = [DocumentDraft(id=f"spied-{n}", text="They spied on the forum.") for n in range(12)]
    index = index_of(*drafts, DocumentDraft(id="spief", text="SPIEF opened in June."))
    result = index.search(SearchRequest("SPIEF"), empty_store)
    assert ([hit.id for hit in result.hits], result.suggestion) == (["spief"], None)
    assert index.search(SearchRequest("SPIEG"), empty_store).suggestion == "SPIED"


def test_a_word_in_one_document_next_to_a_far_commoner_one_gets_a_did_you_mean(
    index_of: Any, empty_store: Any
) -> None:
    drafts = [DocumentDraft(id=f"n-{n}", text="A nuclear test.") for n in range(100)]
    index = index_of(*drafts, DocumentDraft(id="typo", text="A nucler weapon."))
    result = index.search(SearchRequest("nucler weapon"), empty_store)
    assert ([hit.id for hit in result.hits], result.suggestion) == (["typo"], "nuclear weapon")


def test_expansions_keep_the_most_frequent_words_within_the_budget(corpus: Corpus) -> None:
    from indexer.live import open_index

    whoosh_index, _ = open_index(corpus.index_dir)
    with whoosh_index.reader() as reader:
        # "ne*": negotiations (2 documents), then needs, negotiating, negotiators, neighbours.
        one_word = Budget(words=1)
        assert expand_prefix(reader, Prefix("ne"), one_word) == ["negoti"]
        assert one_word.notices == [
            '"ne*" matches 5 words; searched the 1 most frequent. Type more letters to narrow it.'
        ]
        # negoti is in 3 documents, need in 1; negotiating and negotiators add no new postings.
        few_postings = Budget(postings=4)
        assert expand_prefix(reader, Prefix("ne"), few_postings) == ["negoti", "need"]
        assert few_postings.notices == [
            '"ne*" matches 5 words; searched the 4 most frequent. Type more letters to narrow it.'
        ]
        assert (few_postings.words, few_postings.postings) == (252, 0)
        assert expand_fuzzy(reader, Fuzzy("pyongyng", 2), Budget()) == ["pyongyang"]
        with pytest.raises(QueryTooComplex) as info:
            expand_fuzzy(reader, Fuzzy("pyongyng", 2), few_postings)
    assert str(info.value) == (
        '"pyongyng~2" does not fit: the prefixes and fuzzy words before it already expand to as '
        "many words as one query may search. Use fewer of them, or longer prefixes."
    )


def test_a_query_estimated_to_take_too_long_is_refused_before_it_runs(corpus: Corpus) -> None:
    from indexer.live import open_index
    from indexer.search.plan import US_PER_WORD, US_PER_WORD_POSTING, plan_query

    whoosh_index, _ = open_index(corpus.index_dir)
    # "korea the": two bare words, 15 postings in all; the phrase adds six terms' postings
    # (three words in text and title).
    limit = 2 * US_PER_WORD + 100 * US_PER_WORD_POSTING
    with whoosh_index.reader() as reader:
        plan_query(parse_query("korea the"), reader, max_cost_us=limit)
        with pytest.raises(QueryTooComplex) as info:
            plan_query(parse_query('korea the "zone of peace"'), reader, max_cost_us=limit)
    assert str(info.value) == (
        '"korea the "zone of peace"" would read too much of the index to answer quickly (the '
        'most costly part is the phrase "zone of peace"). Use fewer very common words, or a '
        "phrase with at least one less common word."
    )


def hostile_queries() -> list[str]:
    lines = (TESTS_DIR / "hostile_queries.txt").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line and not line.startswith("#")]


# Outcome of each line of tests/hostile_queries.txt: (error class or None, start of the message
# or of a notice).
HOSTILE: dict[str, tuple[type[QueryError] | None, str]] = {
    "*": (QueryError, '"*" alone would match every document.'),
    "***": (QueryError, '"***" alone would match every document.'),
    "title:*": (QueryError, '"title:*" alone would match every document.'),
    "a*": (QueryTooComplex, 'The prefix "a*" is too short: give at least 2 letters'),
    "a* OR b* OR c* OR d* OR e* OR f* OR g* OR h* OR i* OR j* OR k* OR l* OR m*": (
        QueryTooComplex,
        'The prefix "a*" is too short',
    ),
    "co*": (None, ""),
    "th* OR co* OR pr* OR re* OR st* OR in* OR de* OR ma* OR pa* OR ca*": (None, ""),
    "neg*tion": (QueryError, 'In "neg*tion", "*" can only end a word'),
    "*ation": (QueryError, 'In "*ation", "*" can only end a word'),
    "security~3": (None, 'Fuzzy distance for "security~3" capped at 2.'),
    "security~9": (None, 'Fuzzy distance for "security~9" capped at 2.'),
    "peace~2": (None, ""),
    "a~2": (None, '"a~2" is short: searched within 0 edits only.'),
    "~": (EmptyQuery, 'Nothing to search for in "~".'),
    "~~~": (EmptyQuery, 'Nothing to search for in "~~~".'),
    '"zone of peace': (None, 'Added the missing closing quote after "zone of peace".'),
    'zone of peace"': (None, "Ignored a quote mark that closes nothing."),
    '"zone of peace"~999999': (None, "Phrase distance lowered to 50 words."),
    "((((peace": (None, 'Added 4 missing ")" at the end.'),
    "peace))))": (None, 'Ignored 4 unmatched ")".'),
    "((((((((((peace))))))))))": (QueryTooComplex, "Parentheses nest deeper than 8 levels"),
    "()": (EmptyQuery, 'Nothing to search for in "()".'),
    "AND OR": (
        EmptyQuery,
        'Nothing to search for in "AND OR". Try a word, or a phrase in quotes.',
    ),
    "NOT": (EmptyQuery, 'Nothing to search for in "NOT".'),
    "---": (EmptyQuery, 'Nothing to search for in "---".'),
    "- - -": (EmptyQuery, 'Nothing to search for in "- - -".'),
    '""': (EmptyQuery, 'Nothing to search for in """".'),
    "OR OR OR peace AND AND": (None, ""),
    "kind:": (QueryError, '"kind:" needs a value, e.g. kind:speech.'),
    "kind:spaceship": (QueryError, 'Unknown kind "spaceship".'),
    'speaker:""': (QueryError, '"speaker:" needs a value'),
    "date:": (QueryError, '"date:" needs a value, e.g. date:2013-06.'),
    "date:2013-13": (QueryError, '"2013-13" is not a date.'),
    "date:[2013 TO": (QueryError, 'The date range "date:[2013 TO" is missing "]".'),
    "date:[2014 TO 2013]": (QueryError, 'The date range "2014 TO 2013" ends before it starts.'),
    "date:>abc": (QueryError, '"abc" is not a date.'),
    "date:[2013-06 TO 2014-01] OR peace": (
        QueryError,
        'In "date:[2013-06 TO 2014-01] OR peace", a filter is joined to words by OR',
    ),
    " ".join(f"w{i}" for i in range(70)): (None, "The query has 70 different words; searched"),
    "a" * 1001: (None, ""),  # plain words: searched (no document has such a word)
    "\U0001f600 \u202e peace \u200b": (None, ""),
}


# What each answered hostile query must find: the same documents as the query it is repaired,
# capped or expanded to (the expansions' limits are reached in test_indexer_search_queries.py).
PREFIXES = "th* OR co* OR pr* OR re* OR st* OR in* OR de* OR ma* OR pa* OR ca*"
SAME_AS: dict[str, str | list[str]] = {
    "co*": "come OR commission",  # the corpus's words in "co": the shortest prefix, searched whole
    PREFIXES: PREFIXES.split(" OR "),  # every prefix's documents: the budget is not reached
    "security~3": "security~2",
    "security~9": "security~2",
    "peace~2": "peace",  # no other word of the corpus is within 2 edits
    "a~2": "a",
    '"zone of peace': '"zone of peace"',
    'zone of peace"': "zone of peace",
    '"zone of peace"~999999': '"zone of peace"~50',
    "((((peace": "peace",
    "peace))))": "peace",
    "OR OR OR peace AND AND": "peace",  # dangling operators are dropped
    "\U0001f600 \u202e peace \u200b": "peace",  # so are symbols and invisible characters
    " ".join(f"w{i}" for i in range(70)): [],  # 64 of the words searched: none is in the corpus
    "a" * 1001: [],
}


def test_every_hostile_query_has_a_pinned_outcome() -> None:
    assert sorted(hostile_queries()) == sorted(HOSTILE)
    assert sorted(SAME_AS) == sorted(q for q, (error, _) in HOSTILE.items() if error is None)


@pytest.mark.parametrize("query", hostile_queries(), ids=lambda q: repr(q[:30]))
def test_hostile_queries_answer_or_are_refused_with_a_message(corpus: Corpus, query: str) -> None:
    error, message = HOSTILE[query]
    if error is None:
        result = run(corpus, query, per_page=100)
        assert any(n.startswith(message) for n in result.notices) or message == ""
        same = SAME_AS[query]
        parts = [same] if isinstance(same, str) else same
        expected = set().union(*(found(corpus, part) for part in parts))
        assert (result.total, sorted(hit.id for hit in result.hits)) == (
            len(expected),
            sorted(expected),
        )
    else:
        with pytest.raises(QueryError) as info:
            run(corpus, query)
        assert type(info.value) is error
        assert str(info.value).startswith(message)


@pytest.mark.parametrize(
    ("query", "error", "message"),
    [
        ("a" * 100_000, QueryTooComplex, "is 100,000 characters long; the limit is 1,000 "),
        ("(" * 10_000 + "peace" + ")" * 10_000, QueryTooComplex, "characters long"),
        (" OR ".join(f"{c}*" for c in string.ascii_letters), QueryTooComplex, "too short"),
        ("(" * 500 + "peace", QueryTooComplex, "Parentheses nest deeper than 8 levels"),
    ],
)
def test_generated_giant_queries_are_refused(
    corpus: Corpus, query: str, error: type[QueryError], message: str
) -> None:
    with pytest.raises(error, match=message):
        run(corpus, query)


def test_control_characters_are_ignored(corpus: Corpus) -> None:
    assert found(corpus, "\x00\x01\x02 pyongyang \x7f") == sorted([EASTERN, TASS, UN])


QUERY_ALPHABET = st.sampled_from(
    list("ab ()\"*~-+:[]{}<>=.,'\\")
    + ["AND", "OR", "NOT", "TO", "kind:", "date:", "tag:"]
    + ["title:", "speaker:", "2013", "peace", "korea", "zone", "\u00e9", "\ud800", "\x00"]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(QUERY_ALPHABET, max_size=30).map("".join))
def test_no_query_raises_anything_but_a_query_error(corpus: Corpus, query: str) -> None:
    try:
        result = run(corpus, query)
    except QueryError as exc:
        assert str(exc)
    else:
        assert 0 <= result.total <= 7
        for hit in result.hits:
            for snippet in hit.snippets:
                assert all(0 <= s.start < s.end <= len(snippet.text) for s in snippet.spans)


def test_snippets_pick_the_fragments_with_most_distinct_words_in_text_order() -> None:
    filler = "Nothing to see in this sentence at all. " * 8
    text = f"Peace now. {filler}Peace and war. {filler}War only. {filler}Peace, war and talks."
    spans = [
        Span(m, m + len(word))
        for word in ("Peace", "war", "War", "talks")
        for m in _find_all(text, word)
    ]
    snippets = make_snippets(text, sorted(spans), count=2)
    assert [s.start < t.start for s, t in zip(snippets, snippets[1:], strict=False)] == [True]
    assert ["talks" in s.text for s in snippets] == [False, True]
    assert all(len(s.text) <= 200 for s in snippets)
    for snippet in snippets:
        assert text[snippet.start : snippet.start + len(snippet.text)] == snippet.text
        assert not snippet.text[0].isspace() and not snippet.text[-1].isspace()


def test_a_long_match_is_never_cut_out_of_its_snippet() -> None:
    text = "x " * 300 + "y" * 250 + " z"
    span = Span(600, 850)
    (snippet,) = make_snippets(text, [span])
    assert snippet.spans == (Span(span.start - snippet.start, span.end - snippet.start),)


def _find_all(text: str, word: str) -> list[int]:
    out, at = [], text.find(word)
    while at >= 0:
        out.append(at)
        at = text.find(word, at + 1)
    return out


def test_a_kept_index_sees_updates_and_never_counts_replaced_versions(
    store: Any, index_dir: Path
) -> None:
    from indexer.build import update_index

    index = SearchIndex.open(index_dir, refresh_seconds=0)
    try:
        assert index.search(SearchRequest("stalled"), store).total == 1
        store.put(
            DocumentDraft(
                id=NO_DATE,
                kind="other",
                source="Fixture Notes",
                title="Untitled background note",
                text="Background: the talks resumed in 2025.",
                id_from="given",
            )
        )
        assert update_index(store, index_dir, procs=1) == 1
        assert index.search(SearchRequest("stalled"), store).total == 0
        result = index.search(SearchRequest("background"), store)
        assert [hit.id for hit in result.hits] == [NO_DATE]
        assert result.facets["kind"] == (("other", 1),)
        assert index.search(SearchRequest("", kinds=("other",)), store).total == 2
        assert index.search(SearchRequest("date:2014 OR kind:other"), store).total == 2
    finally:
        index.close()


def test_a_hit_is_the_version_the_index_holds_while_it_catches_up(
    store: Any, index_dir: Path
) -> None:
    old = store.get(NO_DATE)
    store.put(DocumentDraft(text="Background: talks resumed.", id=NO_DATE, id_from="given"))
    index = SearchIndex.open(index_dir)
    try:
        (hit,) = index.search(SearchRequest("stalled"), store).hits
    finally:
        index.close()
    assert (hit.id, hit.version) == (NO_DATE, 1)
    (snippet,) = hit.snippets
    assert snippet.text == old.text[snippet.start : snippet.start + len(snippet.text)]
    assert [snippet.text[s.start : s.end] for s in snippet.spans] == ["stalled"]


def test_a_kept_index_follows_a_rebuilt_generation(store: Any, index_dir: Path) -> None:
    from indexer.build import build_index

    index = SearchIndex.open(index_dir, refresh_seconds=0)
    try:
        assert index.search(SearchRequest("freeze"), store).total == 1
        store.put(DocumentDraft(id="late-note", text="A freeze on freight was discussed."))
        build_index(store, index_dir, procs=1)
        assert found_ids(index, store, "freeze") == ["fixture-un-statement-2017", "late-note"]
    finally:
        index.close()


def found_ids(index: SearchIndex, store: Any, query: str) -> list[str]:
    return sorted(hit.id for hit in index.search(SearchRequest(query), store).hits)


def test_threads_can_search_while_the_index_changes(store: Any, index_dir: Path) -> None:
    from indexer.build import update_index

    index = SearchIndex.open(index_dir, refresh_seconds=0)
    errors: list[BaseException] = []

    def search() -> None:
        try:
            for query in ("korea", "talks OR railway", "kind:forum", "pyong*", "pyongyng~"):
                for _ in range(5):
                    index.search(SearchRequest(query), store)
        except BaseException as exc:  # collected and re-raised by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=search) for _ in range(4)]
    for thread in threads:
        thread.start()
    store.put(DocumentDraft(id="extra", kind="news", text="Korea talks continue."))
    update_index(store, index_dir, procs=1)
    for thread in threads:
        thread.join()
    try:
        assert errors == []
        assert "extra" in found_ids(index, store, "korea")
    finally:
        index.close()


def test_snippets_of_a_long_text_come_from_its_opening_unless_only_its_end_matches(
    empty_store: Any, tmp_path: Path
) -> None:
    from indexer.build import build_index
    from indexer.search.engine import SNIPPET_SCAN_CHARS

    filler = "Delegates spoke at length about procedure. " * (SNIPPET_SCAN_CHARS // 40)
    empty_store.put(
        DocumentDraft(id="both", text=f"Sanctions opened the day. {filler} Sanctions closed it.")
    )
    empty_store.put(DocumentDraft(id="late", text=f"{filler} Only here: the pipeline."))
    build_index(empty_store, tmp_path / "index", procs=1)
    index = SearchIndex.open(tmp_path / "index")
    try:
        (both,) = index.search(SearchRequest("sanctions"), empty_store).hits
        assert [s.start for s in both.snippets] == [0]
        (late,) = index.search(SearchRequest("pipeline"), empty_store).hits
        (snippet,) = late.snippets
        assert snippet.start > SNIPPET_SCAN_CHARS
        ((start, end),) = [(s.start, s.end) for s in snippet.spans]
        assert snippet.text[start:end] == "pipeline"
    finally:
        index.close()


def test_snippets_come_from_the_opening_when_it_holds_every_query_word(
    empty_store: Any, tmp_path: Path
) -> None:
    # Finding the marked words costs time in proportion to the text a results page scans for
    # each hit: an opening with a snippet's worth of them is enough, even if a denser passage
    # comes later; a query word the opening lacks is looked for further on.
    from indexer.build import build_index
    from indexer.search.engine import SNIPPET_OPENING_CHARS

    opening = "Sanctions and tariffs were discussed. Sanctions again, then tariffs. "
    filler = "Delegates spoke at length about procedure. " * (SNIPPET_OPENING_CHARS // 40)
    dense = "Sanctions, tariffs, sanctions, tariffs, sanctions, tariffs and a pipeline. "
    empty_store.put(DocumentDraft(id="long", text=f"{opening}{filler}{dense}{filler}"))
    build_index(empty_store, tmp_path / "index", procs=1)
    index = SearchIndex.open(tmp_path / "index")
    try:
        (hit,) = index.search(SearchRequest("sanctions tariffs"), empty_store).hits
        assert hit.snippets and all(s.start < SNIPPET_OPENING_CHARS for s in hit.snippets)
        (hit,) = index.search(SearchRequest("sanctions pipeline"), empty_store).hits
        marked = {s.text[m.start : m.end].lower() for s in hit.snippets for m in s.spans}
        assert "pipeline" in marked
    finally:
        index.close()


def test_each_index_keeps_its_frequent_terms_in_its_own_store(corpus: Corpus) -> None:
    index = corpus.index
    searcher, _ = index._current()
    stores = {hot.store_for(sub.reader()) for sub, _ in searcher.leaf_searchers()}
    assert stores == {index._hot}
    other = SearchIndex.open(index.index_dir)
    try:
        assert other._hot is not index._hot
        readers = [sub.reader() for sub, _ in other._searcher.leaf_searchers()]
        assert {hot.store_for(r) for r in readers} == {other._hot}
    finally:
        other.close()


def test_a_did_you_mean_is_worked_out_again_when_the_index_changes(
    index_of: Any, empty_store: Any, tmp_path: Path
) -> None:
    """Suggestions are kept per reader (``vocabulary._SUGGESTED``): the same query again is
    not worked out again, but new documents that make a word common are seen at once."""
    from indexer.build import update_index
    from indexer.search import vocabulary

    few = [DocumentDraft(id=f"n-{n}", text="A nuclear test.") for n in range(5)]
    index_of(*few, DocumentDraft(id="typo", text="A nucler weapon."))
    index = SearchIndex.open(tmp_path / "small-index", refresh_seconds=0)
    try:
        assert index.search(SearchRequest("nucler"), empty_store).suggestion is None
        reader = index._searcher.reader()
        assert vocabulary._SUGGESTED[reader] == {"nucler": None}  # kept for this reader
        empty_store.put_many(
            [DocumentDraft(id=f"m-{n}", text="A nuclear treaty.") for n in range(100)]
        )
        update_index(empty_store, tmp_path / "small-index", procs=1)
        assert index.search(SearchRequest("nucler"), empty_store).suggestion == "nuclear"
    finally:
        index.close()
