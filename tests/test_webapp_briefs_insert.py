"""Inserting a citation at the editor's caret through the briefs API: the caret saved without a
new revision, "insert" landing there, "at" an offset of a named revision (412 when the brief
moved on), "marker_only" linking a typed quote, bad values a 400 naming them, CSRF and access
kept."""

from __future__ import annotations

from typing import Any

import pytest
from json_api import QUOTE, selection

from annotations.briefs import BriefDraft, BriefStore
from annotations.store import AnnotationStore


def new_brief(api: Any, body: str) -> str:
    response = api.post("/api/briefs", json={"title": "Far East", "body": body})
    assert response.status_code == 201, response.get_json()
    return str(response.get_json()["id"])


def test_the_caret_is_saved_without_a_new_revision_and_a_citation_lands_there(
    api: Any,
) -> None:
    id = new_brief(api, "Putin said.\n\nThen he left.")
    url = f"/api/briefs/{id}"

    moved = api.patch(url, json={"cursor": 13}, headers={"If-Match": '"rev-1"'})
    assert (moved.status_code, moved.headers["ETag"]) == (200, '"rev-1"')
    assert (moved.get_json()["revision"], moved.get_json()["cursor"]) == (1, 13)
    cited = api.post(f"{url}/citations", json={**selection(api.text), "insert": True})

    assert cited.status_code == 201
    brief, marker = cited.get_json()["brief"], cited.get_json()["citation"]["marker"]
    assert brief["body"] == f"Putin said.\n\n> {QUOTE} {marker}\n\nThen he left."
    assert (brief["revision"], cited.headers["ETag"]) == (2, '"rev-2"')
    assert brief["cursor"] == brief["body"].index("\nThen")
    assert api.get(url).get_json()["cursor"] == brief["cursor"]


def test_at_names_an_offset_of_a_revision_and_a_moved_brief_is_a_412(api: Any) -> None:
    id = new_brief(api, "He called it  and left.")
    url = f"/api/briefs/{id}"
    at = len("He called it ")

    cited = api.post(f"{url}/citations", json={**selection(api.text), "at": at, "revision": 1})
    assert cited.status_code == 201, cited.get_json()
    marker = cited.get_json()["citation"]["marker"]
    assert cited.get_json()["brief"]["body"] == f"He called it “{QUOTE}” {marker} and left."

    stale = api.post(f"{url}/citations", json={**selection(api.text), "at": at, "revision": 1})
    assert stale.status_code == 412
    assert stale.get_json()["current"]["revision"] == 2
    assert len(api.get(url).get_json()["citations"]) == 1


def test_a_typed_quote_is_linked_by_its_marker_alone(api: Any) -> None:
    body = f'Putin spoke of "{QUOTE}" in Vladivostok.'
    id = new_brief(api, body)
    url = f"/api/briefs/{id}"
    offer = api.get(f"{url}/quotes").get_json()["quotes"][0]["offers"][0]["selection"]
    closing = body.index('" in') + 1

    cited = api.post(
        f"{url}/citations", json={**offer, "at": closing, "marker_only": True, "revision": 1}
    )

    marker = cited.get_json()["citation"]["marker"]
    assert cited.get_json()["brief"]["body"] == f'Putin spoke of "{QUOTE}" {marker} in Vladivostok.'
    assert api.get(f"{url}/quotes").get_json()["quotes"] == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"at": 3}, '"at" is an offset into the body of one revision: send "revision"'),
        ({"at": 99, "revision": 1}, '"at" is 99, outside the body (0 to 5 characters'),
        ({"at": -1, "revision": 1}, '"at" must be a character offset (0 or more), not -1.'),
        ({"insert": "yes"}, "\"insert\" must be true or false, not 'yes'."),
        ({"marker_only": True}, 'Only a marker goes at a given place: send "at"'),
        ({"append": True, "insert": True}, 'Send "append" (at the end) or "insert"/"at"'),
    ],
)
def test_bad_placements_are_a_400_naming_the_value(
    api: Any, fields: dict[str, Any], message: str
) -> None:
    id = new_brief(api, "Short")

    response = api.post(f"/api/briefs/{id}/citations", json={**selection(api.text), **fields})

    assert response.status_code == 400
    assert response.get_json()["status"] == 400
    assert message in response.get_json()["error"]
    assert api.get(f"/api/briefs/{id}").get_json()["citations"] == []


def test_a_caret_past_the_end_is_a_400(api: Any) -> None:
    id = new_brief(api, "Short")
    response = api.patch(f"/api/briefs/{id}", json={"cursor": 6, "revision": 1})
    assert response.status_code == 400
    assert '"cursor" is 6, past the end of the body (5 characters)' in response.get_json()["error"]


def test_inserting_needs_the_csrf_token_and_another_users_private_brief_is_a_404(
    api: Any, client: Any, store: Any
) -> None:
    private, _ = BriefStore(AnnotationStore(store)).create(BriefDraft("Bob's"), owner="bob")
    response = api.post(
        f"/api/briefs/{private.id}/citations", json={**selection(api.text), "insert": True}
    )
    assert response.status_code == 404
    id = new_brief(api, "Mine")
    del client.environ_base["HTTP_X_CSRF_TOKEN"]
    refused = client.post(
        f"/api/briefs/{id}/citations", json={**selection(api.text), "insert": True}
    )
    assert refused.status_code == 400
    assert client.get(f"/api/briefs/{id}").get_json()["citations"] == []
