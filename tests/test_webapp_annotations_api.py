"""The annotations API through the Flask test client: create, idempotent retry, conflicting
edits, delete, lists and filters, replies, passage links, CSRF and the error shape."""

from __future__ import annotations

from typing import Any

import pytest
from json_api import DOC, QUOTE, selection


def create(api: Any, **fields: Any) -> Any:
    return api.post("/api/annotations", json={**selection(api.text), **fields})


def test_creating_an_annotation_answers_201_with_the_documented_shape(api: Any) -> None:
    response = create(api, note="First **public** mention.", tags=["energy"], colour="green")

    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["ETag"] == '"rev-1"'
    assert response.headers["Location"] == f"/api/annotations/{body['id']}"
    assert {
        "id", "document_id", "version", "anchor", "located", "status", "score", "note",
        "note_html", "tags", "colour", "visibility", "author", "created", "modified",
        "revision", "replies",
    } <= set(body)  # fmt: skip
    start = api.text.index(QUOTE)
    assert body["anchor"]["quote"] == QUOTE
    assert (body["anchor"]["start"], body["anchor"]["end"]) == (start, start + len(QUOTE))
    assert body["located"] == {"version": 1, "start": start, "end": start + len(QUOTE)}
    assert (body["status"], body["score"], body["revision"]) == ("exact", 1.0, 1)
    assert body["note_html"] == "<p>First <strong>public</strong> mention.</p>"
    assert (body["author"], body["visibility"], body["editable"]) == ("local", "private", True)
    assert api.get(f"/api/annotations/{body['id']}").get_json() == body


def test_a_retried_create_with_the_same_client_key_returns_the_first(api: Any) -> None:
    first = create(api, note="once", client_key="9b1c-retry")
    again = create(api, note="once", client_key="9b1c-retry")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["id"] == first.get_json()["id"]
    assert api.get(f"/api/annotations?document={DOC}").get_json()["total"] == 1


def test_an_edit_on_a_stale_revision_answers_412_with_the_current_annotation(api: Any) -> None:
    id = create(api, note="draft").get_json()["id"]
    ok = api.patch(f"/api/annotations/{id}", json={"note": "mine"}, headers={"If-Match": '"rev-1"'})
    stale = api.patch(f"/api/annotations/{id}", json={"note": "theirs", "revision": 1})

    assert (ok.status_code, ok.headers["ETag"], ok.get_json()["note"]) == (200, '"rev-2"', "mine")
    assert stale.status_code == 412
    body = stale.get_json()
    assert (body["status"], body["current"]["note"], body["current"]["revision"]) == (
        412,
        "mine",
        2,
    )
    assert "revision 2" in body["error"]
    assert stale.headers["ETag"] == '"rev-2"'


def test_an_edit_without_a_revision_is_refused_with_428(api: Any) -> None:
    id = create(api).get_json()["id"]
    response = api.patch(f"/api/annotations/{id}", json={"note": "blind"})
    assert response.status_code == 428
    assert 'If-Match: "rev-N"' in response.get_json()["error"]


def test_deleting_answers_204_then_404(api: Any) -> None:
    id = create(api).get_json()["id"]
    assert api.delete(f"/api/annotations/{id}", headers={"If-Match": '"rev-9"'}).status_code == 412
    assert api.delete(f"/api/annotations/{id}").status_code == 204
    gone = api.get(f"/api/annotations/{id}")
    assert gone.status_code == 404
    assert gone.get_json() == {"error": gone.get_json()["error"], "status": 404}


def test_the_list_filters_by_document_tag_status_and_words(api: Any) -> None:
    create(api, note="Ruble settlement", tags=["energy", "rubles"])
    create(api, **{**selection(api.text, "Vladimir Putin opened"), "tags": ["people"]})

    listed = api.get(f"/api/annotations?document={DOC}").get_json()
    assert [a["anchor"]["quote"] for a in listed["annotations"]] == ["Vladimir Putin opened", QUOTE]
    assert (listed["total"], listed["page"], listed["per_page"]) == (2, 1, 50)
    assert api.get("/api/annotations?tag=ENERGY").get_json()["total"] == 1
    assert api.get("/api/annotations?tag=energy&tag=people").get_json()["total"] == 0
    assert api.get("/api/annotations?q=ruble").get_json()["total"] == 1
    assert api.get("/api/annotations?status=orphaned").get_json()["total"] == 0
    assert api.get("/api/annotations?kind=forum&author=local").get_json()["total"] == 2
    assert api.get("/api/annotations?per_page=1&page=2").get_json()["annotations"][0]["tags"]
    tags = api.get("/api/annotations/tags?prefix=e").get_json()
    assert tags == {"tags": [{"tag": "energy", "count": 1}]}


@pytest.mark.parametrize(
    "query, message",
    [
        ("status=lost", "Unknown anchoring status 'lost'"),
        ("page=0", '"page"'),
        ("sort=random", '"sort"'),
        ("from=2026-02-30", '"from"'),
        ("version=2", 'give one "document"'),
    ],
)
def test_a_bad_list_parameter_is_a_400_that_names_it(api: Any, query: str, message: str) -> None:
    response = api.get(f"/api/annotations?{query}")
    assert response.status_code == 400
    assert message in response.get_json()["error"]


@pytest.mark.parametrize(
    "body, message",
    [
        ({"document_id": DOC}, '"version"'),
        ({"note": 5}, '"note" must be text'),
        ({"tags": "energy, rubles", "colour": "red"}, "Unknown colour 'red'"),
        ({"tags": [1]}, '"tags" must be a list of strings'),
        ({"visibility": "public"}, "Unknown visibility"),
        ({"notes": "typo"}, "Unknown field 'notes'"),
        ({"quote": "not the text there"}, "Reload the page"),
        ({"document_id": "nope"}, "No document with id 'nope'"),
    ],
)
def test_a_bad_create_is_refused_with_a_message_naming_the_field(
    api: Any, body: dict[str, Any], message: str
) -> None:
    payload = {**selection(api.text), **body}
    if body == {"document_id": DOC}:
        payload.pop("version")
    response = api.post("/api/annotations", json=payload)
    assert response.status_code in (400, 404)
    assert message in response.get_json()["error"]
    assert set(response.get_json()) == {"error", "status"}


def test_a_body_that_is_not_a_json_object_is_a_400(api: Any) -> None:
    response = api.post("/api/annotations", data="note=x", content_type="text/plain")
    assert response.status_code == 400
    assert "JSON object" in response.get_json()["error"]


def test_a_write_without_the_csrf_token_is_refused(api: Any) -> None:
    del api.environ_base["HTTP_X_CSRF_TOKEN"]
    response = create(api)
    assert response.status_code == 400
    assert api.get("/api/annotations").get_json()["total"] == 0


def test_replies_thread_under_an_annotation(api: Any) -> None:
    id = create(api, visibility="team").get_json()["id"]

    first = api.post(f"/api/annotations/{id}/replies", json={"body": "Source?", "client_key": "r"})
    again = api.post(f"/api/annotations/{id}/replies", json={"body": "Source?", "client_key": "r"})
    reply = first.get_json()
    edited = api.patch(
        f"/api/annotations/{id}/replies/{reply['id']}",
        json={"body": "Which *source*?"},
        headers={"If-Match": '"rev-1"'},
    )
    stale = api.patch(
        f"/api/annotations/{id}/replies/{reply['id']}", json={"body": "x", "revision": 1}
    )

    assert (first.status_code, again.status_code, again.get_json()["id"]) == (201, 200, reply["id"])
    assert (reply["visibility"], reply["body_html"]) == ("team", "<p>Source?</p>")
    assert edited.get_json()["body_html"] == "<p>Which <em>source</em>?</p>"
    assert (stale.status_code, stale.get_json()["current"]["revision"]) == (412, 2)
    replies = api.get(f"/api/annotations/{id}").get_json()["replies"]
    assert [r["body"] for r in replies] == ["Which *source*?"]
    assert api.delete(f"/api/annotations/{id}/replies/{reply['id']}").status_code == 204
    assert api.get(f"/api/annotations/{id}").get_json()["replies"] == []


def test_reattaching_moves_an_annotation_to_newly_selected_words(api: Any) -> None:
    id = create(api, note="keep").get_json()["id"]
    new = selection(api.text, "Vladimir Putin opened")
    del new["document_id"]

    moved = api.post(f"/api/annotations/{id}/reattach", json=new, headers={"If-Match": '"rev-1"'})

    body = moved.get_json()
    assert (body["anchor"]["quote"], body["note"], body["revision"]) == (
        "Vladimir Putin opened",
        "keep",
        2,
    )


def test_a_passage_link_opens_the_document_at_the_passage_with_a_citation(api: Any) -> None:
    response = api.post("/api/passages", json=selection(api.text))
    again = api.post("/api/passages", json=selection(api.text))

    body = response.get_json()
    assert response.status_code == 201 and again.get_json()["id"] == body["id"]
    assert body["url"] == f"http://localhost/passages/{body['id']}"
    assert body["citation"] == (
        "Vladimir Putin, “Plenary session of the Eastern Economic Forum”, Fixture Forum "
        f"Transcripts, 5 September 2019. {body['url']}"
    )
    opened = api.get(f"/passages/{body['id']}")
    assert opened.status_code == 302
    assert opened.headers["Location"] == f"/documents/{DOC}?passage={body['id']}#passage"
    original = api.get(f"/passages/{body['id']}?version=original")
    assert (
        original.headers["Location"] == f"/documents/{DOC}?version=1&passage={body['id']}#passage"
    )
    located = api.get(f"/api/passages/{body['id']}").get_json()
    assert (located["status"], located["located"]["start"]) == (
        "exact",
        selection(api.text)["start"],
    )
    assert api.get("/passages/0000").status_code == 404


def test_a_write_from_another_site_is_refused_even_with_the_token(api: Any) -> None:
    response = api.post(
        "/api/annotations", json=selection(api.text), headers={"Origin": "http://evil.example"}
    )
    assert response.status_code == 403
    assert set(response.get_json()) == {"error", "status"}
    same_site = api.post(
        "/api/annotations", json=selection(api.text), headers={"Origin": "http://localhost"}
    )
    assert same_site.status_code == 201
    assert api.get("/api/annotations").get_json()["total"] == 1
