"""Verification in the web app: POST /api/briefs/<id>/verify after a cited document changed,
the pipeline's "verify-briefs" follow-up marking briefs (listed first), the worker's handler,
and hand-typed quotes found in the real index or flagged unsourced."""

from __future__ import annotations

import dataclasses
from typing import Any

from bs4 import BeautifulSoup
from json_api import DOC

from corpus.model import DocumentDraft
from webapp import jobs
from webapp.pipeline import Run, VerifyBriefs

QUOTE = "Pyongyang needs security guarantees before any talks"


def republish(store: Any, text: str) -> None:
    current = store.get(DOC)
    names = [f.name for f in dataclasses.fields(DocumentDraft) if f.name not in ("text", "origin")]
    fields = {name: getattr(current, name) for name in names if hasattr(current, name)}
    store.put(DocumentDraft(text=text, origin=current.extra.get("origin", ""), **fields))


def cited_brief(api: Any, store: Any, quote: str = QUOTE) -> tuple[str, str]:
    brief = api.post("/api/briefs", json={"title": "Korea"}).get_json()
    text = store.get(DOC).text
    start = text.index(quote)
    sel = {
        "document_id": DOC,
        "version": 1,
        "start": start,
        "end": start + len(quote),
        "quote": quote,
    }
    citation = api.post(f"/api/briefs/{brief['id']}/citations", json=sel).get_json()["citation"]
    return brief["id"], citation["id"]


def test_verifying_after_an_edit_shows_the_changed_quote_with_its_word_diff(
    api: Any, store: Any, app: Any
) -> None:
    brief_id, citation_id = cited_brief(api, store)
    republish(store, store.get(DOC).text.replace("security guarantees", "firm security guarantees"))

    step = Run(store, app.config).do(VerifyBriefs())
    listed = api.get("/api/briefs").get_json()["briefs"]
    response = api.post(f"/api/briefs/{brief_id}/verify")

    assert dict(step.counts) == {"queued": 1, "documents": 1, "briefs": 1, "changed": 1}
    assert [(b["id"], b["needs_verification"]) for b in listed] == [(brief_id, True)]
    body = response.get_json()
    assert response.status_code == 200
    assert (body["counts"], body["problems"]) == ({"changed": 1}, 1)
    [verdict] = body["verdicts"]
    assert (verdict["citation_id"], verdict["status"], verdict["version"]) == (
        citation_id,
        "changed",
        2,
    )
    assert verdict["current"] == "Pyongyang needs firm security guarantees before any talks"
    assert {"op": "insert", "text": "firm"} in verdict["diff"]
    assert body["brief"]["needs_verification"] is False
    assert body["brief"]["citations"][0]["status"] == "changed"


def test_a_removed_quote_is_missing(api: Any, store: Any) -> None:
    brief_id, _ = cited_brief(api, store)
    republish(store, store.get(DOC).text.replace(QUOTE, "Nothing was said about it"))
    body = api.post(f"/api/briefs/{brief_id}/verify").get_json()
    assert [v["status"] for v in body["verdicts"]] == ["missing"]
    assert body["verdicts"][0]["located"] is None


def test_the_worker_drains_verify_briefs_jobs(make_app: Any) -> None:
    app = make_app()
    assert "verify-briefs" in jobs.handlers_of(app)


def test_hand_typed_quotes_are_offered_for_linking_or_flagged_unsourced(api: Any) -> None:
    body = (
        'Putin said Russia and North Korea "should build a zone of peace in the Far East", '
        'and "the pipeline will be finished next spring", which nobody else reported.'
    )
    brief = api.post("/api/briefs", json={"title": "Korea", "body": body}).get_json()

    found = api.get(f"/api/briefs/{brief['id']}/quotes").get_json()["quotes"]

    assert [(q["quote"], q["unsourced"]) for q in found] == [
        ("should build a zone of peace in the Far East", False),
        ("the pipeline will be finished next spring", True),
    ]
    [offer] = found[0]["offers"]
    assert offer["document_id"] == DOC
    assert offer["selection"]["quote"] == "should build a zone of peace in the Far East"
    cited = api.post(
        f"/api/briefs/{brief['id']}/citations", json={**offer["selection"], "append": True}
    )
    assert cited.status_code == 201
    again = api.get(f"/api/briefs/{brief['id']}/quotes").get_json()["quotes"]
    assert [q["quote"] for q in again] == ["the pipeline will be finished next spring"]


def test_answers_match_the_described_schemas(api: Any, store: Any) -> None:
    import jsonschema
    from referencing import Registry
    from referencing.jsonschema import DRAFT202012

    spec = api.get("/api/openapi.json").get_json()
    registry = Registry().with_resource("urn:dossier:openapi", DRAFT202012.create_resource(spec))

    def check(name: str, instance: Any) -> None:
        schema = {"$ref": f"urn:dossier:openapi#/components/schemas/{name}"}
        jsonschema.Draft202012Validator(schema, registry=registry).validate(instance)

    brief_id, _ = cited_brief(api, store)
    republish(store, store.get(DOC).text.replace("security", "firm security"))
    check("Verification", api.post(f"/api/briefs/{brief_id}/verify").get_json())
    api.patch(
        f"/api/briefs/{brief_id}", json={"body": '"a zone of peace in the Far East"', "revision": 1}
    )
    check("TypedQuoteList", api.get(f"/api/briefs/{brief_id}/quotes").get_json())


def test_the_catch_up_before_serving_marks_briefs_a_stopped_process_left(
    api: Any, store: Any, app: Any
) -> None:
    from webapp import pipeline

    brief_id, _ = cited_brief(api, store)
    republish(store, store.get(DOC).text.replace("security guarantees", "guarantees"))

    step = pipeline.verify_briefs_changed(app.config)

    assert (step.step, step.counts["queued"], step.counts["briefs"]) == ("verify-briefs", 1, 1)
    assert api.get(f"/api/briefs/{brief_id}").get_json()["needs_verification"] is True


def test_a_short_quote_with_a_word_inserted_is_changed_and_its_page_shows_the_word_diff(
    api: Any, store: Any
) -> None:
    """ "zone of peace" republished as "zone of lasting peace": changed (it was reported
    missing), the note shows the words kept, deleted and inserted."""
    brief_id, citation_id = cited_brief(api, store, "zone of peace")
    republish(store, store.get(DOC).text.replace("a zone of peace", "a zone of lasting peace"))
    body = api.post(f"/api/briefs/{brief_id}/verify").get_json()
    [verdict] = body["verdicts"]
    assert (verdict["status"], verdict["current"]) == ("changed", "zone of lasting peace")
    assert verdict["diff"] == [
        {"op": "equal", "text": "zone of"},
        {"op": "insert", "text": "lasting"},
        {"op": "equal", "text": "peace"},
    ]
    rendered = api.get(f"/api/briefs/{brief_id}/rendered").get_json()
    assert rendered["notes"][0]["current"] == "zone of lasting peace"
    assert rendered["notes"][0]["diff"] == verdict["diff"]
    page = BeautifulSoup(api.get(f"/briefs/{brief_id}").data, "html.parser")
    note = page.select_one(f"li[data-citation='{citation_id}']")
    assert note is not None and note["data-status"] == "changed"
    diff = note.select_one(".word-diff")
    assert diff is not None and [i.get_text() for i in diff.select("ins")] == ["lasting"]
    assert diff.select("del") == [] and "zone of" in diff.get_text()
