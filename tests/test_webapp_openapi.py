"""The OpenAPI description served by the app matches its real routes, and real answers match
its schemas."""

from __future__ import annotations

import re
from typing import Any

import jsonschema
import pytest
from json_api import with_csrf
from referencing import Registry
from referencing.jsonschema import DRAFT202012

IGNORED_METHODS = {"HEAD", "OPTIONS"}


def _described(spec: dict[str, Any]) -> set[tuple[str, str]]:
    methods = {"get", "post", "put", "patch", "delete"}
    return {
        (path, method.upper())
        for path, item in spec["paths"].items()
        for method in item
        if method in methods
    }


def _routes(app: Any) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(("/api/", "/passages/")):
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        found.update((path, m) for m in rule.methods - IGNORED_METHODS)
    return found


def test_every_api_route_is_described_and_every_description_is_a_route(
    app: Any, client: Any
) -> None:
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.1")
    assert _described(spec) == _routes(app)


def test_every_described_path_parameter_is_in_its_path(client: Any) -> None:
    spec = client.get("/api/openapi.json").get_json()
    for path, item in spec["paths"].items():
        named = set(re.findall(r"{([a-z_]+)}", path))
        declared = {p["name"] for p in item.get("parameters", []) if p["in"] == "path"}
        for method in ("get", "post", "patch", "delete"):
            if method in item:
                declared |= {
                    p["name"] for p in item[method].get("parameters", []) if p["in"] == "path"
                }
        assert declared == named, path


@pytest.fixture
def validate(client: Any) -> Any:
    spec = client.get("/api/openapi.json").get_json()
    registry = Registry().with_resource("urn:dossier:openapi", DRAFT202012.create_resource(spec))

    def check(name: str, instance: Any) -> None:
        schema = {"$ref": f"urn:dossier:openapi#/components/schemas/{name}"}
        jsonschema.Draft202012Validator(schema, registry=registry).validate(instance)

    return check


def test_answers_match_the_described_schemas(client: Any, store: Any, validate: Any) -> None:
    with_csrf(client)
    text = store.get("fixture-eastern-forum-2019").text
    quote = "a zone of peace"
    selection = {
        "document_id": "fixture-eastern-forum-2019", "version": 1,
        "start": text.index(quote), "end": text.index(quote) + len(quote), "quote": quote,
    }  # fmt: skip
    validate("NewAnnotation", {**selection, "note": "n", "tags": ["t"], "client_key": "k"})
    created = client.post("/api/annotations", json={**selection, "note": "n", "tags": ["t"]})
    validate("Annotation", created.get_json())
    id = created.get_json()["id"]
    reply = client.post(f"/api/annotations/{id}/replies", json={"body": "r"}).get_json()
    validate("Reply", reply)
    validate("AnnotationList", client.get("/api/annotations").get_json())
    validate("TagList", client.get("/api/annotations/tags").get_json())
    stale = client.patch(f"/api/annotations/{id}", json={"note": "x", "revision": 7})
    validate("Conflict", stale.get_json())
    validate("Error", client.get("/api/annotations/nope").get_json())
    validate("Passage", client.post("/api/passages", json=selection).get_json())
    validate("SearchResult", client.get("/api/search?q=peace").get_json())
