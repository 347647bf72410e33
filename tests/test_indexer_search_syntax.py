"""The query language (indexer/query.py, indexer/syntax.py): what each piece of syntax parses
to, and the limits checked before any search runs (no index needed here;
tests/test_indexer_search.py runs queries for real)."""

from __future__ import annotations

import datetime as dt

import pytest

from indexer.errors import EmptyQuery, QueryError, QueryTooComplex
from indexer.search.query import (
    MAX_CLAUSES,
    MAX_DEPTH,
    MAX_PLAIN_CHARS,
    MAX_PLAIN_WORDS,
    MAX_QUERY_CHARS,
    And,
    DateFilter,
    Filter,
    Fuzzy,
    Node,
    Not,
    Or,
    Phrase,
    Prefix,
    Word,
    leaves,
    positive_leaves,
)
from indexer.search.syntax import parse_query


def root(query: str) -> Node | None:
    return parse_query(query).root


def texts(node: Node | None) -> list[str]:
    return [leaf.text for leaf in leaves(node) if isinstance(leaf, Word | Phrase)]


def test_words_are_joined_by_and_and_remember_where_they_are() -> None:
    assert root("nuclear weapons") == And(
        (Word("nuclear", None, 0, 7), Word("weapons", None, 8, 15))
    )


def test_explicit_and_is_the_same_as_a_space() -> None:
    assert root("nuclear AND weapons") == And(
        (Word("nuclear", None, 0, 7), Word("weapons", None, 12, 19))
    )


def test_or_binds_tighter_than_and() -> None:
    assert root("nuclear weapons OR missiles") == And(
        (
            Word("nuclear", None, 0, 7),
            Or((Word("weapons", None, 8, 15), Word("missiles", None, 19, 27))),
        )
    )


def test_parentheses_group() -> None:
    assert root("(nuclear weapons) OR missiles") == Or(
        (
            And((Word("nuclear", None, 1, 8), Word("weapons", None, 9, 16))),
            Word("missiles", None, 21, 29),
        )
    )


def test_not_and_leading_minus_negate() -> None:
    assert root("talks NOT railway -pipeline") == And(
        (
            Word("talks", None, 0, 5),
            Not(Word("railway", None, 10, 17)),
            Not(Word("pipeline", None, 19, 27)),
        )
    )


def test_double_negation_cancels() -> None:
    assert root("NOT -peace") == Word("peace", None, 5, 10)


def test_lowercase_operators_are_words() -> None:
    assert texts(root("war and peace or not")) == [
        "war",
        "and",
        "peace",
        "or",
        "not",
    ]


def test_hyphen_inside_a_word_is_not_negation() -> None:
    assert root("Six-Party") == Word("Six-Party", None, 0, 9)


def test_phrase_and_proximity() -> None:
    assert root('"zone of peace"') == Phrase("zone of peace")
    assert root('"russia korea"~3') == Phrase("russia korea", slop=3)
    assert root('"russia korea"~') == Phrase("russia korea", slop=1)


def test_typographic_quotes_work_like_straight_ones() -> None:
    assert root("\u201czone of peace\u201d") == Phrase("zone of peace")


def test_prefix_and_fuzzy() -> None:
    assert root("Negotiat*") == Prefix("negotiat")
    assert root("negotiatons~") == Fuzzy("negotiatons", 1)
    assert root("negotiatons~2") == Fuzzy("negotiatons", 2)


def test_fuzzy_distance_is_capped_at_two_with_a_notice() -> None:
    parsed = parse_query("security~3")
    assert parsed.root == Fuzzy("security", 2)
    assert parsed.notices == ('Fuzzy distance for "security~3" capped at 2.',)


def test_field_filters() -> None:
    assert root('kind:speech speaker:"Vladimir Putin" source:UN tag:energy') == And(
        (
            Filter("kind", "speech"),
            Filter("speaker", "Vladimir Putin"),
            Filter("source", "UN"),
            Filter("tag", "energy"),
        )
    )


def test_tag_values_may_hold_colons() -> None:
    assert root("tag:countries:china") == Filter("tag", "countries:china")


def test_field_names_ignore_case() -> None:
    assert root("Kind:speech") == Filter("kind", "speech")


def test_title_searches_words_phrases_and_prefixes_in_titles() -> None:
    assert root("title:debate") == Word("debate", "title", 6, 12)
    assert root('title:"General Debate"') == Phrase("General Debate", field="title")
    assert root("title:deb*") == Prefix("deb", "title")


def test_unknown_field_names_are_plain_words() -> None:
    assert root("Memo:railway") == Word("Memo:railway", None, 0, 12)


def test_date_year_month_and_day() -> None:
    assert root("date:2013") == DateFilter(dt.date(2013, 1, 1), dt.date(2013, 12, 31), "date:2013")
    assert root("date:2012-02") == DateFilter(
        dt.date(2012, 2, 1), dt.date(2012, 2, 29), "date:2012-02"
    )
    assert root("date:2013-06-05") == DateFilter(
        dt.date(2013, 6, 5), dt.date(2013, 6, 5), "date:2013-06-05"
    )


def test_date_ranges_include_the_whole_end_period() -> None:
    assert root("date:[2013-06 TO 2014-01]") == DateFilter(
        dt.date(2013, 6, 1), dt.date(2014, 1, 31), "date:[2013-06 TO 2014-01]"
    )
    assert root("date:[2013 to *]") == DateFilter(dt.date(2013, 1, 1), None, "date:[2013 to *]")


def test_date_comparisons() -> None:
    assert root("date:>2010") == DateFilter(dt.date(2011, 1, 1), None, "date:>2010")
    assert root("date:>=2010") == DateFilter(dt.date(2010, 1, 1), None, "date:>=2010")
    assert root("date:<2010-06") == DateFilter(None, dt.date(2010, 5, 31), "date:<2010-06")
    assert root("date:<=2010-06") == DateFilter(None, dt.date(2010, 6, 30), "date:<=2010-06")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("date:2013-13", '"2013-13" is not a date. Use date:2013, date:2013-06'),
        ("date:2013-02-30", '"2013-02-30" is not a date.'),
        ("date:[2014 TO 2013]", 'The date range "2014 TO 2013" ends before it starts.'),
        ("date:[2013 TO", 'The date range "date:[2013 TO" is missing "]".'),
        ("date:[2013]", 'Write a date range as date:[2013-06 TO 2014-01], not "2013".'),
        ("kind:spaceship", 'Unknown kind "spaceship". Use one of speech, forum, news, other.'),
        ("kind:", '"kind:" needs a value, e.g. kind:speech.'),
        ('speaker:""', '"speaker:" needs a value, e.g. speaker:"Vladimir Putin".'),
        ("*", '"*" alone would match every document.'),
        ("title:*", '"title:*" alone would match every document.'),
        ("neg*tion", 'In "neg*tion", "*" can only end a word, as in "negotiat*".'),
        ("*ation", 'In "*ation", "*" can only end a word'),
    ],
)
def test_bad_syntax_is_refused_with_a_message_quoting_it(query: str, message: str) -> None:
    with pytest.raises(QueryError) as info:
        parse_query(query)
    assert str(info.value).startswith(message)


def test_nothing_searchable_is_an_empty_query() -> None:
    for query in ("AND OR", "NOT", "OR OR", "()", '""', "( AND )"):
        with pytest.raises(EmptyQuery) as info:
            parse_query(query)
        assert str(info.value) == (
            f'Nothing to search for in "{query}". Try a word, or a phrase in quotes.'
        )


def test_dangling_operators_are_dropped() -> None:
    assert root("OR OR peace AND AND") == Word("peace", None, 6, 11)
    assert root("peace NOT") == Word("peace", None, 0, 5)


def test_an_unclosed_quote_is_closed_with_a_notice() -> None:
    parsed = parse_query('"zone of peace')
    assert parsed.root == Phrase("zone of peace")
    assert parsed.notices == ('Added the missing closing quote after "zone of peace".',)


def test_a_trailing_lone_quote_is_ignored_with_a_notice() -> None:
    parsed = parse_query('zone of peace"')
    assert texts(parsed.root) == ["zone", "of", "peace"]
    assert parsed.notices == ("Ignored a quote mark that closes nothing.",)


def test_unbalanced_parentheses_are_repaired_with_notices() -> None:
    opened = parse_query("((peace OR war")
    assert opened.root == Or((Word("peace", None, 2, 7), Word("war", None, 11, 14)))
    assert opened.notices == ('Added 2 missing ")" at the end.',)
    closed = parse_query("peace))")
    assert closed.root == Word("peace", None, 0, 5)
    assert closed.notices == ('Ignored 2 unmatched ")".',)


def test_the_length_limit_is_checked_first() -> None:
    with pytest.raises(QueryTooComplex) as info:
        parse_query("a" * 100_000)
    message = str(info.value)
    assert message.startswith('The query "aaaa')
    assert message.endswith(
        "is 100,000 characters long; the limit is 1,000 (10,000 for plain words). Shorten it, or "
        "split it into several searches."
    )
    parse_query("a" * MAX_QUERY_CHARS)
    parse_query("peace " * (MAX_PLAIN_CHARS // 6))  # plain words: the planner cuts them
    with pytest.raises(QueryTooComplex, match="characters long"):
        parse_query("(peace) OR " + "war " * MAX_QUERY_CHARS)


def test_ten_thousand_nested_parentheses_are_refused() -> None:
    with pytest.raises(QueryTooComplex, match="characters long"):
        parse_query("(" * 10_000 + "peace" + ")" * 10_000)


def test_nesting_deeper_than_the_limit_is_refused() -> None:
    parse_query("(" * MAX_DEPTH + "peace" + ")" * MAX_DEPTH)
    with pytest.raises(QueryTooComplex) as info:
        parse_query("(" * (MAX_DEPTH + 1) + "peace" + ")" * (MAX_DEPTH + 1))
    assert str(info.value).startswith(f"Parentheses nest deeper than {MAX_DEPTH} levels at")


def test_more_clauses_than_the_limit_are_refused_unless_all_are_plain_words() -> None:
    parse_query('"zone of peace" ' + " ".join(["peace"] * (MAX_CLAUSES - 1)))
    with pytest.raises(QueryTooComplex) as info:
        parse_query('"zone of peace" ' + " ".join(["peace"] * MAX_CLAUSES))
    assert str(info.value).startswith(f"The query has more than {MAX_CLAUSES} words")
    for plain in ("peace", "peace OR", "kind:speech peace"):
        parse_query(" ".join([plain] * (MAX_CLAUSES + 1)))
    for mixed in ("peace OR war kind:speech", "peace -war", "title:peace"):
        with pytest.raises(QueryTooComplex):
            parse_query(" ".join([mixed] * (MAX_CLAUSES + 1)))
    with pytest.raises(QueryTooComplex, match="more than 2,000 words"):
        parse_query("a " * (MAX_PLAIN_WORDS + 1))


def test_one_letter_prefixes_are_refused() -> None:
    with pytest.raises(QueryTooComplex) as info:
        parse_query(
            " OR ".join(f"{c}*" for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
        )
    assert str(info.value) == 'The prefix "a*" is too short: give at least 2 letters before "*".'


def test_positive_leaves_skip_negated_parts() -> None:
    parsed = parse_query('talks "gas pipeline" -railway NOT (port OR ports)')
    assert positive_leaves(parsed.root) == [Word("talks", None, 0, 5), Phrase("gas pipeline")]


def test_lone_surrogates_do_not_break_parsing() -> None:
    assert texts(root("peace \ud800")) == ["peace", "?"]


def test_annotation_fields_are_filters_for_the_caller_to_answer() -> None:
    assert root("note:ruble") == Filter("note", "ruble")
    assert root('author:"local"') == Filter("author", "local")
    assert root("annotated:yes") == Filter("annotated", "yes")
    with pytest.raises(QueryError, match="annotated:yes or annotated:no"):
        root("annotated:maybe")
