"""The briefs API through the Flask test client: create, list, conflicting edits answered with
both texts, revisions and restore, citing a selection or an annotation, following a note back
to its passage, access by owner and visibility, CSRF and the error shape."""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup
from json_api import DOC, QUOTE, selection

from annotations.briefs import BriefDraft, BriefStore
from annotations.store import AnnotationStore


def new_brief(api: Any, **fields: Any) -> dict[str, Any]:
    response = api.post("/api/briefs", json={"title": "Far East", **fields})
    assert response.status_code == 201, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def test_creating_a_brief_answers_201_with_its_etag_and_location(api: Any) -> None:
    response = api.post(
        "/api/briefs", json={"title": "Far East", "body": "Draft.", "visibility": "team"}
    )

    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["ETag"] == '"rev-1"'
    assert response.headers["Location"] == f"/api/briefs/{body['id']}"
    assert (body["title"], body["body"], body["visibility"], body["owner"]) == (
        "Far East", "Draft.", "team", "local",
    )  # fmt: skip
    assert (body["revision"], body["citations"], body["needs_verification"]) == (1, [], False)
    assert api.get(f"/api/briefs/{body['id']}").get_json() == body
    listed = api.get("/api/briefs").get_json()["briefs"]
    assert [(b["id"], b["citation_count"]) for b in listed] == [(body["id"], 0)]


def test_an_edit_on_an_old_revision_answers_412_with_both_texts(api: Any) -> None:
    brief = new_brief(api, body="First.")
    url = f"/api/briefs/{brief['id']}"
    saved = api.patch(url, json={"body": "Mine."}, headers={"If-Match": '"rev-1"'})
    assert (saved.status_code, saved.headers["ETag"]) == (200, '"rev-2"')

    late = api.patch(url, json={"body": "Theirs."}, headers={"If-Match": '"rev-1"'})

    assert late.status_code == 412
    body = late.get_json()
    assert (body["status"], body["current"]["body"], body["yours"]) == (
        412,
        "Mine.",
        {"body": "Theirs."},
    )
    assert "revision 2" in body["error"]
    assert late.headers["ETag"] == '"rev-2"'
    assert api.get(url).get_json()["body"] == "Mine."


def test_an_edit_without_a_revision_answers_428(api: Any) -> None:
    brief = new_brief(api)
    response = api.patch(f"/api/briefs/{brief['id']}", json={"body": "No revision."})
    assert response.status_code == 428
    assert response.get_json()["status"] == 428


def test_revisions_are_listed_and_an_old_one_restored(api: Any) -> None:
    brief = new_brief(api, body="One.")
    url = f"/api/briefs/{brief['id']}"
    api.patch(url, json={"body": "Two.", "revision": 1})

    history = api.get(f"{url}/revisions").get_json()["revisions"]
    restored = api.post(f"{url}/revisions/1/restore", json={"revision": 2})

    assert [(r["revision"], r["body"]) for r in history] == [(2, "Two."), (1, "One.")]
    assert restored.status_code == 200
    assert (restored.get_json()["body"], restored.get_json()["revision"]) == ("One.", 3)


def test_citing_a_selection_appends_quote_and_marker_and_the_note_opens_the_passage(
    api: Any,
) -> None:
    brief = new_brief(api, body="Putin:")
    response = api.post(
        f"/api/briefs/{brief['id']}/citations", json={**selection(api.text), "append": True}
    )

    assert response.status_code == 201
    citation = response.get_json()["citation"]
    found = response.get_json()["brief"]
    assert citation["anchor"]["quote"] == QUOTE
    assert (citation["status"], citation["marker"]) == ("exact", f"[@{citation['id']}]")
    assert found["body"] == f"Putin:\n\n> {QUOTE} [@{citation['id']}]\n"
    assert [c["id"] for c in found["citations"]] == [citation["id"]]

    note = api.get(f"/briefs/{brief['id']}/citations/{citation['id']}")
    assert note.status_code == 302
    passage = api.get(note.headers["Location"])
    assert passage.status_code == 302
    assert passage.headers["Location"].startswith(f"/documents/{DOC}?passage=")
    page = BeautifulSoup(api.get(passage.headers["Location"]).data, "html.parser")
    marked = page.select_one("#passage")
    assert marked is not None and QUOTE in marked.get_text()


def test_citing_an_annotation_keeps_its_id(api: Any, store: Any) -> None:
    annotation = api.post("/api/annotations", json=selection(api.text)).get_json()
    brief = new_brief(api)

    response = api.post(
        f"/api/briefs/{brief['id']}/citations", json={"annotation_id": annotation["id"]}
    )

    citation = response.get_json()["citation"]
    assert (response.status_code, citation["annotation_id"]) == (201, annotation["id"])
    assert citation["anchor"] == annotation["anchor"]
    both = api.post(
        f"/api/briefs/{brief['id']}/citations",
        json={**selection(api.text), "annotation_id": annotation["id"]},
    )
    assert both.status_code == 400
    assert "not both" in both.get_json()["error"]


def test_removing_a_citation_leaves_the_others(api: Any) -> None:
    brief = new_brief(api)
    url = f"/api/briefs/{brief['id']}/citations"
    first = api.post(url, json=selection(api.text)).get_json()["citation"]
    second = api.post(
        url, json=selection(api.text, "Pyongyang needs security guarantees")
    ).get_json()
    response = api.delete(f"{url}/{first['id']}")
    assert response.status_code == 200
    assert [c["id"] for c in response.get_json()["citations"]] == [second["citation"]["id"]]
    assert api.delete(f"{url}/{first['id']}").status_code == 404


def test_another_users_private_brief_is_a_404_and_a_team_brief_read_only(
    api: Any, store: Any
) -> None:
    bstore = BriefStore(AnnotationStore(store))
    private, _ = bstore.create(BriefDraft("Bob's"), owner="bob")
    team, _ = bstore.create(BriefDraft("Team", visibility="team"), owner="bob")

    assert api.get(f"/api/briefs/{private.id}").status_code == 404
    assert [b["id"] for b in api.get("/api/briefs").get_json()["briefs"]] == [team.id]
    assert api.get(f"/api/briefs/{team.id}").get_json()["editable"] is False
    response = api.patch(f"/api/briefs/{team.id}", json={"body": "x", "revision": 1})
    assert response.status_code == 403
    assert "only its owner" in response.get_json()["error"]


def test_bad_requests_answer_400_in_the_api_shape(api: Any) -> None:
    assert api.post("/api/briefs", json={"title": ""}).get_json() == {
        "error": "\"title\" must be non-empty text, not ''.",
        "status": 400,
    }
    unknown = api.post("/api/briefs", json={"title": "T", "text": "typo"})
    assert unknown.status_code == 400
    assert "Unknown field 'text'" in unknown.get_json()["error"]
    brief = new_brief(api)
    bad = api.post(
        f"/api/briefs/{brief['id']}/citations", json={**selection(api.text), "append": "yes"}
    )
    assert (bad.status_code, bad.get_json()["status"]) == (400, 400)
    assert api.get("/api/briefs/nope").get_json()["status"] == 404


def test_a_write_without_the_csrf_token_is_refused(client: Any, store: Any) -> None:
    response = client.post("/api/briefs", json={"title": "No token"})
    assert response.status_code == 400
    assert client.get("/api/briefs").get_json() == {"briefs": []}


def test_answers_match_the_described_schemas(api: Any) -> None:
    import jsonschema
    from referencing import Registry
    from referencing.jsonschema import DRAFT202012

    spec = api.get("/api/openapi.json").get_json()
    registry = Registry().with_resource("urn:dossier:openapi", DRAFT202012.create_resource(spec))

    def check(name: str, instance: Any) -> None:
        schema = {"$ref": f"urn:dossier:openapi#/components/schemas/{name}"}
        jsonschema.Draft202012Validator(schema, registry=registry).validate(instance)

    check("NewBrief", {"title": "T", "body": "B", "visibility": "team", "client_key": "k"})
    brief = new_brief(api, body="B")
    check("Brief", brief)
    url = f"/api/briefs/{brief['id']}"
    check("NewCitation", {**selection(api.text), "append": True})
    check(
        "Cited",
        api.post(f"{url}/citations", json={**selection(api.text), "append": True}).get_json(),
    )
    check("BriefList", api.get("/api/briefs").get_json())
    check("BriefRevisionList", api.get(f"{url}/revisions").get_json())
    check("BriefConflict", api.patch(url, json={"body": "x", "revision": 1}).get_json())


def test_backlinks_list_citing_briefs_with_their_citations_of_the_document(api: Any) -> None:
    brief = new_brief(api, title="Citing")
    url = f"/api/briefs/{brief['id']}/citations"
    citation = api.post(url, json=selection(api.text)).get_json()["citation"]
    new_brief(api, title="Not citing")

    found = api.get(f"/api/briefs?document={DOC}").get_json()["briefs"]

    assert [(b["title"], [c["id"] for c in b["citations"]]) for b in found] == [
        ("Citing", [citation["id"]])
    ]
    assert api.get("/api/briefs?document=other").get_json() == {"briefs": []}
