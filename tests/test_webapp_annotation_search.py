"""Searching with annotations: note:, author:, tag: and annotated: in the query language,
answered by the web app's resolver; hits and documents say how many annotations they have."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from json_api import with_csrf

from indexer.search.engine import SearchIndex, SearchRequest

DOC = "fixture-eastern-forum-2019"
QUOTE = "a zone of peace in the Far East"


@pytest.fixture
def api(client: Any, store: Any) -> Any:
    with_csrf(client)
    text = store.get(DOC).text
    start = text.index(QUOTE)
    created = client.post(
        "/api/annotations",
        json={
            "document_id": DOC, "version": 1, "start": start, "end": start + len(QUOTE),
            "quote": QUOTE, "note": "First mention of ruble settlement", "tags": ["rubles"],
        },
    )  # fmt: skip
    assert created.status_code == 201
    return client


def ids(api: Any, query: str) -> list[str]:
    response = api.get("/api/search", query_string={"q": query})
    assert response.status_code == 200, response.get_json()
    return [hit["id"] for hit in response.get_json()["hits"]]


def test_annotation_filters_find_the_annotated_documents(api: Any) -> None:
    assert ids(api, "note:ruble") == [DOC]
    assert ids(api, "note:pipeline") == []
    assert ids(api, "annotated:yes") == [DOC]
    assert ids(api, "author:local") == [DOC]
    assert ids(api, "author:ana") == []
    assert ids(api, "peace annotated:yes") == [DOC]
    assert DOC not in ids(api, "annotated:no")
    assert ids(api, "tag:rubles") == [DOC]  # an annotation's tag


def test_tag_matches_a_document_tag_or_an_annotation_tag(api: Any) -> None:
    documents_tagged = ids(api, "tag:energy")
    assert DOC in documents_tagged  # keywords:energy, the document's own tag
    assert set(ids(api, "tag:energy OR tag:rubles")) == set(documents_tagged)


def test_hits_and_documents_say_how_many_annotations_they_have(api: Any) -> None:
    hits = api.get("/api/search?q=peace").get_json()["hits"]
    counted = {hit["id"]: hit["annotation_count"] for hit in hits}
    assert counted[DOC] == 1 and set(counted.values()) <= {0, 1}
    assert api.get(f"/api/documents/{DOC}").get_json()["annotation_count"] == 1


def test_a_bad_annotated_value_is_a_400(api: Any) -> None:
    response = api.get("/api/search?q=annotated:maybe")
    assert response.status_code == 400
    assert "annotated:yes or annotated:no" in response.get_json()["error"]


def test_without_a_resolver_annotation_filters_select_nothing(store: Any, index_dir: Path) -> None:
    index = SearchIndex.open(index_dir)
    try:
        assert index.search(SearchRequest("note:ruble"), store).total == 0
        assert index.search(SearchRequest("tag:energy"), store).total > 0
    finally:
        index.close()


@pytest.mark.parametrize(
    "query, total",
    [
        ("ruble", 1),
        ('"Far East"', 1),
        ("zon*", 1),
        ("tag:RUBLES", 1),
        ("note:settlement", 1),
        ("note:pipeline", 0),
        ("peace -ruble", 0),
        ("kind:forum author:local", 1),
        ("kind:news OR tag:energy", 0),
    ],
)
def test_annotation_search_reads_the_same_query_language(api: Any, query: str, total: int) -> None:
    response = api.get("/api/annotations", query_string={"search": query})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["total"] == total


def test_annotation_search_refuses_what_it_cannot_answer(api: Any) -> None:
    response = api.get("/api/annotations", query_string={"search": "speaker:putin"})
    assert response.status_code == 400
    assert "cannot use speaker:" in response.get_json()["error"]
