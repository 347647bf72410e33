"""The JSON API: /api/search and /api/documents/<id>, their shapes and their 400s."""

from __future__ import annotations

from typing import Any

import pytest


def test_search_returns_the_documented_shape(client: Any) -> None:
    body = client.get("/api/search?q=Pyongyang&kind=speech").get_json()
    assert set(body) == {
        "query", "total", "page", "per_page", "hits", "facets", "less_sure", "suggestion",
        "notices", "partial",
    }  # fmt: skip
    assert (body["query"], body["total"], body["page"], body["per_page"]) == (
        "Pyongyang",
        1,
        1,
        20,
    )
    (hit,) = body["hits"]
    assert set(hit) == {
        "id", "version", "score", "title", "kind", "date", "date_precision", "speaker", "source",
        "url", "snippets", "annotation_count",
    }  # fmt: skip
    assert (hit["id"], hit["version"]) == ("fixture-un-statement-2017", 1)
    assert hit["annotation_count"] == 0
    assert (hit["kind"], hit["date"], hit["date_precision"]) == ("speech", "2017-09", "month")
    assert hit["url"] == "http://localhost/documents/fixture-un-statement-2017?q=Pyongyang"
    assert hit["score"] > 0
    assert body["facets"]["kind"] == [{"value": "speech", "count": 1}]
    assert body["suggestion"] is None
    assert body["notices"] == []
    assert body["partial"] is None


def test_an_answer_with_no_hits_has_every_facet_key(client: Any) -> None:
    some = client.get("/api/search?q=pyongyang").get_json()
    none = client.get("/api/search?q=zebra").get_json()
    assert none["total"] == 0
    assert set(none["facets"]) == set(some["facets"]) == {
        "kind", "source", "speaker", "year", "person", "org", "place", "nationality", "said",
    }  # fmt: skip
    assert all(values == [] for values in none["facets"].values())


def test_words_no_document_holds_together_give_the_documents_with_most_of_them(
    client: Any,
) -> None:
    body = client.get("/api/search?q=Pyongyang+nuclear+zebra").get_json()
    assert body["partial"] == {"words": 3, "complete": 0, "missing": ["zebra"]}
    assert body["notices"] == [
        "No document has all 3 words; showing those that have some of them, best matches "
        'first. No document has "zebra".'
    ]
    # Pyongyang and nuclear (the forum) first, then Pyongyang alone.
    assert [h["id"] for h in body["hits"]][0] == "fixture-eastern-forum-2019"
    assert body["total"] == 3
    assert client.get("/api/search?q=Pyongyang+nuclear").get_json()["partial"] is None


def test_snippet_spans_point_into_the_snippet_and_the_document(client: Any, store: Any) -> None:
    body = client.get("/api/search?q=nuclear").get_json()
    (hit,) = body["hits"]
    text = store.get(hit["id"]).text
    for snippet in hit["snippets"]:
        assert text[snippet["start"] : snippet["start"] + len(snippet["text"])] == snippet["text"]
        for start, end in snippet["spans"]:
            assert snippet["text"][start:end] == "nuclear"


def test_filters_combine_and_repeat(client: Any) -> None:
    body = client.get("/api/search?q=talks&kind=news&kind=forum&from=2018&to=2018-12").get_json()
    assert sorted(h["id"] for h in body["hits"]) == ["fixture-news-pipeline-2018", "tass-report"]


def test_filters_alone_browse_without_a_query(client: Any) -> None:
    body = client.get("/api/search?speaker=Vladimir+Putin&sort=oldest").get_json()
    assert [h["id"] for h in body["hits"]] == ["fixture-valdai-2017", "fixture-eastern-forum-2019"]
    assert all(h["snippets"] for h in body["hits"])


def test_pages_split_the_hits(client: Any) -> None:
    first = client.get("/api/search?q=talks&per_page=3").get_json()
    second = client.get("/api/search?q=talks&per_page=3&page=2").get_json()
    assert (first["total"], len(first["hits"]), len(second["hits"])) == (4, 3, 1)
    assert {h["id"] for h in first["hits"]}.isdisjoint(h["id"] for h in second["hits"])


def test_a_misspelling_gets_a_suggestion(client: Any) -> None:
    body = client.get("/api/search?q=nucler+weapons").get_json()
    assert body["suggestion"] == "nuclear weapons"
    assert body["partial"] == {"words": 2, "complete": 0, "missing": ["nucler"]}


def test_a_missing_speaker_is_null_not_an_empty_string(client: Any) -> None:
    hits = client.get("/api/search?q=khasan").get_json()["hits"]
    assert {h["id"]: h["speaker"] for h in hits}["analyst-notes"] is None
    assert client.get("/api/documents/analyst-notes").get_json()["speaker"] is None


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("q=talks&page=abc", 'Parameter "page" must be a whole number from 1 to 500, not "abc".'),
        ("q=talks&page=0", 'Parameter "page" must be a whole number from 1 to 500, not "0".'),
        (
            "q=talks&per_page=-1",
            'Parameter "per_page" must be a whole number from 1 to 100, not "-1".',
        ),
        (
            "q=talks&per_page=1000",
            'Parameter "per_page" must be a whole number from 1 to 100, not "1000".',
        ),
        (
            "q=talks&from=2013-02-30",
            'Parameter "from": "2013-02-30" is not a calendar date. Use a year, month or day '
            "such as 2013, 2013-06 or 2013-06-05.",
        ),
        (
            "q=talks&to=yesterday",
            'Parameter "to": "yesterday" is not a date. Use a year, month or day such as 2013, '
            "2013-06 or 2013-06-05.",
        ),
        (
            "q=talks&from=2015&to=2014",
            'The "from" date (2015) is after the "to" date (2014). Swap them, or leave one out.',
        ),
        (
            "q=talks&sort=random",
            'Parameter "sort" must be one of relevance, newest, oldest, not "random".',
        ),
        ("q=talks&kind=poem", 'Unknown kind "poem". Use one of: speech, forum, news, other.'),
        ("q=", "Nothing to search for. Try a word, or a phrase in quotes."),
        ("q=AND+OR", 'Nothing to search for in "AND OR". Try a word, or a phrase in quotes.'),
    ],
)
def test_malformed_parameters_are_a_400_with_a_specific_message(
    client: Any, query: str, message: str
) -> None:
    response = client.get(f"/api/search?{query}")
    assert response.status_code == 400
    assert response.get_json() == {"error": message, "status": 400}


def test_document_returns_metadata_text_and_versions(client: Any, store: Any) -> None:
    body = client.get("/api/documents/fixture-un-statement-2017").get_json()
    document = store.get("fixture-un-statement-2017")
    assert body["text"] == document.text
    assert body["title"] == "Statement in the General Debate"
    assert (body["date"], body["date_precision"]) == ("2017-09", "month")
    assert body["tags"] == ["country:Russia", "iso3:RUS"]
    assert (body["version"], body["versions"], body["is_current"]) == (1, [1], True)
    assert body["view_url"] == "http://localhost/documents/fixture-un-statement-2017"
    assert "hits" not in body


def test_document_with_a_query_lists_the_hit_spans(client: Any, store: Any) -> None:
    body = client.get("/api/documents/fixture-eastern-forum-2019?q=nuclear").get_json()
    text = store.get("fixture-eastern-forum-2019").text
    assert [text[s:e] for s, e in body["hits"]] == ["nuclear", "nuclear"]


def test_document_versions_can_be_read_one_by_one(client: Any, store: Any) -> None:
    from corpus.model import DocumentDraft

    store.put(DocumentDraft(text="Rewritten.", id="tass-report", kind="news"), replace=True)
    old = client.get("/api/documents/tass-report?version=1").get_json()
    new = client.get("/api/documents/tass-report").get_json()
    assert (old["version"], old["is_current"], old["versions"]) == (1, False, [1, 2])
    assert (new["version"], new["text"]) == (2, "Rewritten.")


def test_an_unknown_document_is_a_json_404(client: Any) -> None:
    response = client.get("/api/documents/nope")
    assert response.status_code == 404
    assert response.get_json() == {
        "error": "No document with id 'nope'. Ids are case-sensitive: check it, or ingest the "
        "document first.",
        "status": 404,
    }


def test_a_bad_version_is_a_json_400(client: Any) -> None:
    response = client.get("/api/documents/tass-report?version=first")
    assert response.status_code == 400
    assert response.get_json()["error"].startswith('Parameter "version" must be a whole number')
