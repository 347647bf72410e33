"""Rendering and exporting briefs through the API: the rendered body and notes, each export
format as a download, the 409 warning for changed quotes (and force=1), and the note link
back to the highlighted passage."""

from __future__ import annotations

import dataclasses
import io
import json
from typing import Any

import docx
import pytest
from bs4 import BeautifulSoup
from json_api import DOC, QUOTE

from corpus.model import DocumentDraft


@pytest.fixture
def brief(api: Any, store: Any) -> dict[str, Any]:
    created = api.post("/api/briefs", json={"title": "Far East peace", "body": "Putin:"})
    text = store.get(DOC).text
    start = text.index(QUOTE)
    sel = {
        "document_id": DOC,
        "version": 1,
        "start": start,
        "end": start + len(QUOTE),
        "quote": QUOTE,
    }
    url = f"/api/briefs/{created.get_json()['id']}/citations"
    found: dict[str, Any] = api.post(url, json={**sel, "append": True}).get_json()["brief"]
    return found


def test_the_rendered_brief_has_numbered_references_and_house_style_notes(
    api: Any, brief: dict[str, Any]
) -> None:
    body = api.get(f"/api/briefs/{brief['id']}/rendered").get_json()

    html = BeautifulSoup(body["body_html"], "html.parser")
    assert html.select_one("blockquote sup.note-ref a")["href"] == "#note-1"  # type: ignore[index]
    [note] = body["notes"]
    assert note["line"].startswith(
        "Vladimir Putin, “Plenary session of the Eastern Economic Forum”, Fixture Forum "
        "Transcripts, 5 September 2019. https://example.org/forum/2019 http://localhost/briefs/"
    )
    assert (note["number"], note["status"], note["warning"], body["problems"]) == (
        1,
        "exact",
        "",
        0,
    )
    followed = api.get(note["link"].removeprefix("http://localhost"))
    passage = api.get(followed.headers["Location"])
    assert passage.headers["Location"].startswith(f"/documents/{DOC}?passage=")


@pytest.mark.parametrize(
    ("fmt", "media_type", "suffix"),
    [
        ("markdown", "text/markdown", "md"),
        ("html", "text/html", "html"),
        ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
        ("w3c", "application/ld+json", "jsonld"),
    ],
)
def test_each_format_downloads_as_a_file_that_parses(
    api: Any, brief: dict[str, Any], fmt: str, media_type: str, suffix: str
) -> None:
    response = api.get(f"/api/briefs/{brief['id']}/export?format={fmt}")

    assert response.status_code == 200
    assert response.mimetype == media_type
    assert (
        response.headers["Content-Disposition"] == f'attachment; filename="far-east-peace.{suffix}"'
    )
    if fmt == "markdown":
        assert response.data.decode().splitlines()[4] == f"> {QUOTE}[^1]"
    elif fmt == "html":
        page = BeautifulSoup(response.data, "html.parser")
        assert page.find("script") is None and page.select("ol.notes > li")
        assert "script-src" not in response.headers["Content-Security-Policy"]
    elif fmt == "docx":
        texts = [p.text for p in docx.Document(io.BytesIO(response.data)).paragraphs]
        assert texts[:3] == ["Far East peace", "Putin:", QUOTE]
    else:
        bundle = json.loads(response.data)
        assert bundle["first"]["items"][0]["target"]["selector"][0]["exact"] == QUOTE


def test_exporting_a_brief_with_a_changed_quote_warns_unless_forced(
    api: Any, brief: dict[str, Any], store: Any
) -> None:
    current = store.get(DOC)
    names = [f.name for f in dataclasses.fields(DocumentDraft) if f.name not in ("text", "origin")]
    fields = {name: getattr(current, name) for name in names if hasattr(current, name)}
    text = current.text.replace("zone of peace", "zone of calm")
    store.put(DocumentDraft(text=text, origin=current.extra.get("origin", ""), **fields))
    url = f"/api/briefs/{brief['id']}/export?format=markdown"

    refused = api.get(url)
    forced = api.get(url + "&force=1")

    assert refused.status_code == 409
    body = refused.get_json()
    assert (body["status"], body["notes"]) == (409, [1])
    assert "Notes 1 (changed)" in body["error"] and "force" in body["error"]
    assert forced.status_code == 200
    assert "differs from the current version" in forced.data.decode()
    assert api.get(f"/api/briefs/{brief['id']}/export?format=pdf").status_code == 400


def test_answers_match_the_described_schemas(api: Any, brief: dict[str, Any]) -> None:
    import jsonschema
    from referencing import Registry
    from referencing.jsonschema import DRAFT202012

    spec = api.get("/api/openapi.json").get_json()
    registry = Registry().with_resource("urn:dossier:openapi", DRAFT202012.create_resource(spec))

    def check(name: str, instance: Any) -> None:
        schema = {"$ref": f"urn:dossier:openapi#/components/schemas/{name}"}
        jsonschema.Draft202012Validator(schema, registry=registry).validate(instance)

    check("RenderedBrief", api.get(f"/api/briefs/{brief['id']}/rendered").get_json())


def test_a_preview_renders_an_unsaved_body_and_stores_nothing(
    api: Any, brief: dict[str, Any]
) -> None:
    citation = brief["citations"][0]["id"]
    body = f"**New** draft: “{QUOTE}” [@{citation}] <script>x</script>"

    response = api.post(f"/api/briefs/{brief['id']}/preview", json={"body": body})

    html = BeautifulSoup(response.get_json()["body_html"], "html.parser")
    assert response.status_code == 200
    assert html.find("strong") is not None and html.find("script") is None
    assert html.select_one("sup.note-ref a")["href"] == "#note-1"  # type: ignore[index]
    assert api.get(f"/api/briefs/{brief['id']}").get_json()["body"] == brief["body"]
    assert api.post(f"/api/briefs/{brief['id']}/preview", json={"text": "x"}).status_code == 400
