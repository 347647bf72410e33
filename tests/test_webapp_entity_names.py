"""Pages for names the registry does not know: every name on a page leads to its mentions,
timeline and co-occurrences, with "add to registry" and "hide it" (issue 13).

A fresh instance's registry is empty, so every name the model finds is unlinked. The mentions
here are stored as the model's analysis would store them (``replace_mentions``), for names
found in the test corpus's real texts.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag

from corpus.entities import Mention, UnlinkedName, add_entity, alias_key, cooccurring, passages
from corpus.entities.analyses import replace_mentions
from corpus.entities.store import EntityStore
from corpus.ingestion import ingest
from corpus.model import Span
from corpus.store import Store
from indexer.build import build_index

FORUM = "fixture-eastern-forum-2019"
UN = "fixture-un-statement-2017"
NAMES = [("Putin", "PERSON"), ("Pyongyang", "LOCATION"), ("Washington", "LOCATION")]


def store_model_mentions(store: Store, unsure: str = "") -> None:
    """Every occurrence of ``NAMES`` in the current texts, stored as unlinked model mentions
    (sentences counted at ". " and paragraph breaks); those of ``unsure`` with a confidence
    below the facets' threshold."""
    entity_store = EntityStore(store)
    for document in store.iter_documents():
        found = sorted(
            (m.start(), name, type)
            for name, type in NAMES
            for m in re.finditer(rf"\b{name}\b", document.text)
        )
        mentions = [
            Mention(Span(at, at + len(name)), type, name, "model", 0.4 if name == unsure else 0.9)
            for at, name, type in found
        ]
        sentences = [len(re.findall(r"\. |\n\n", document.text[:at])) for at, _, _ in found]
        replace_mentions(entity_store, document.id, document.version, mentions, sentences)


@pytest.fixture
def client(store: Store, make_app: Callable[..., Any]) -> Any:
    store_model_mentions(store)
    return make_app().test_client()


def soup_of(response: Any, status: int = 200) -> BeautifulSoup:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def one(node: Tag, selector: str) -> Tag:
    found = node.select_one(selector)
    assert found is not None, selector
    return found


def test_a_name_not_in_the_registry_has_a_page_with_its_mentions(client: Any) -> None:
    page = soup_of(client.get("/entities/name?type=LOCATION&name=Pyongyang"))
    assert one(page, "h1").get_text() == "Pyongyang"
    assert "Not in the registry" in one(page, ".entity-meta").get_text()
    assert one(page, ".entity-stats")["data-mentions"] == "4"
    kwic = [(r["data-document"], r["data-offset"]) for r in page.select(".kwic-row")]
    assert {d for d, _ in kwic} == {FORUM, UN, "tass-report"}
    bars = {r["data-period"]: r["data-count"] for r in page.select(".bar-chart rect.bar")}
    assert (bars["2017"], bars["2018"], bars["2019"]) == ("1", "1", "1")
    with_ = {a.get_text(): a["href"] for a in page.select(".cooccurring a")}
    assert with_ == {
        "Putin": "/entities/name?type=PERSON&name=Putin",
        "Washington": "/entities/name?type=LOCATION&name=Washington",
    }


def test_the_name_page_offers_add_to_registry_and_hide_with_csrf(client: Any) -> None:
    page = soup_of(client.get("/entities/name?type=PERSON&name=putin"))  # any case finds it
    add = one(page, "form:has(button[data-add-to-registry])")
    fields = {i["name"]: i.get("value") for i in add.select("input")}
    assert add["action"] == "/entities" and fields["csrf_token"]
    assert (fields["name"], fields["type"]) == ("putin", "PERSON")
    hide = one(page, "form:has(button[data-suppress])")
    assert hide["action"] == "/entities/suppressions"
    assert {i["name"]: i.get("value") for i in hide.select("input")}["surface"] == "putin"


def test_added_to_the_registry_the_name_page_leads_to_the_entity(client: Any) -> None:
    page = soup_of(client.get("/entities/name?type=PERSON&name=Putin"))
    token = one(page, "input[name=csrf_token]")["value"]
    added = client.post("/entities", data={"csrf_token": token, "name": "Putin", "type": "PERSON"})
    assert added.status_code == 303
    entity_page = added.headers["Location"]
    assert entity_page.startswith("/entities/putin-")
    again = client.get("/entities/name?type=PERSON&name=Putin")
    assert (again.status_code, again.headers["Location"]) == (302, entity_page)
    assert soup_of(client.get(entity_page)).select(".kwic-row")  # its mentions moved with it


def test_the_document_view_links_each_unlinked_name_to_its_page(client: Any) -> None:
    page = soup_of(client.get(f"/documents/{FORUM}"))
    marks = {m.get_text(): m.get("data-name-href") for m in page.select("mark.entity")}
    assert marks == {
        "Putin": "/entities/name?type=PERSON&name=Putin",
        "Pyongyang": "/entities/name?type=LOCATION&name=Pyongyang",
    }
    panel = {a.get_text(strip=True): a["href"] for a in page.select("a.unlinked-name")}
    assert panel == {
        "Putin": "/entities/name?type=PERSON&name=Putin",
        "Pyongyang": "/entities/name?type=LOCATION&name=Pyongyang",
    }


def test_a_bad_type_or_an_unknown_name_is_a_clear_error(client: Any) -> None:
    bad = soup_of(client.get("/entities/name?type=DATE&name=2019"), 400)
    assert 'Unknown type "DATE". Use one of: PERSON' in bad.get_text()
    empty = soup_of(client.get("/entities/name?type=PERSON&name=%20!"), 400)
    assert "Give the name to show" in empty.get_text()
    missing = soup_of(client.get("/entities/name?type=PERSON&name=Kim+Jong+Un"), 404)
    assert "No document mentions “Kim Jong Un” as a person" in missing.get_text()


def test_an_empty_registry_lists_the_names_found_most_mentioned_first(client: Any) -> None:
    page = soup_of(client.get("/entities"))
    rows = page.select(".unreviewed-names tbody tr")
    assert [r["data-unreviewed"] for r in rows] == [
        "LOCATION:pyongyang",
        "PERSON:putin",
        "LOCATION:washington",
    ]
    assert one(rows[0], "a")["href"] == "/entities/name?type=LOCATION&name=Pyongyang"
    places = soup_of(client.get("/entities?type=PERSON"))
    assert [
        r["data-unreviewed"] for r in places.select(".unreviewed-names tr[data-unreviewed]")
    ] == ["PERSON:putin"]
    found = soup_of(client.get("/entities?name=wash"))
    assert [a.get_text() for a in found.select(".unreviewed-names td a")] == ["Washington"]


def test_queries_take_a_name_not_in_the_registry(store_url: str, corpus_dir: Path) -> None:
    with Store.open(store_url) as store:  # SQLite, and PostgreSQL
        ingest([corpus_dir], store)
        store_model_mentions(store)
        _check_queries(EntityStore(store))


def _check_queries(entity_store: EntityStore) -> None:
    pyongyang = UnlinkedName("LOCATION", alias_key("PYONGYANG"))
    assert [p.match for p in passages(entity_store, pyongyang)] == ["Pyongyang"] * 4
    found = cooccurring(entity_store, pyongyang, unlinked_types=("PERSON", "LOCATION"))
    assert [(c.entity_id, c.name, c.sentences) for c in found] == [
        (None, "Putin", 1),
        (None, "Washington", 1),
    ]
    assert cooccurring(entity_store, pyongyang) == []  # registry entities only, by default


def test_entity_facets_put_the_registry_first_and_hide_a_name_in_one_click(
    store: Store, index_dir: Path, make_app: Callable[..., Any]
) -> None:
    store_model_mentions(store)
    add_entity(EntityStore(store), "Washington", "LOCATION")  # links its one mention
    build_index(store, index_dir, procs=1)
    client = make_app().test_client()
    page = soup_of(client.get("/?q=Pyongyang"))
    places = page.select('section[data-facet="Places"] li')
    names = [
        (one(li, ".facet-value").get_text(), li.select_one("form.facet-hide") is not None)
        for li in places
    ]
    assert names == [("Washington", False), ("Pyongyang", True)]  # the registry's first
    form = one(places[1], "form.facet-hide")
    fields = {i["name"]: i["value"] for i in form.select("input")}
    assert (form["action"], fields["surface"], fields["type"]) == (
        "/entities/suppressions",
        "Pyongyang",
        "LOCATION",
    )
    assert fields["next"] == "/?q=Pyongyang"
    response = client.post(form["action"], data=fields)
    assert (response.status_code, response.headers["Location"]) == (303, "/?q=Pyongyang")
    assert [(s.surface, s.type) for s in EntityStore(store).suppressions()] == [
        ("Pyongyang", "LOCATION")
    ]


@pytest.mark.parametrize(
    "type, text",
    [
        ("PERSON", "Putin"),
        ("PERSON", "Jean-Claude  Juncker"),
        ("LOCATION", "São Tomé & Príncipe"),
        ("ORGANIZATION", 'AT&T / "Gazprom" (Russia) 100%+1?'),
        ("NORP", "Côte d'Ivoire's"),
    ],
)
def test_the_page_links_of_names_are_what_url_for_writes(app: Any, type: str, text: str) -> None:
    from flask import url_for

    from webapp.entity_layer import EntityLinks

    with app.test_request_context("/"):
        expected = url_for("entities.name", type=type, name=" ".join(text.split()))
        assert EntityLinks().name(type, text) == expected


def test_a_name_the_model_is_unsure_of_is_behind_more_in_facets_and_not_to_review(
    store: Store, index_dir: Path, make_app: Callable[..., Any]
) -> None:
    store_model_mentions(store, unsure="Washington")
    build_index(store, index_dir, procs=1)
    client = make_app().test_client()
    places = one(soup_of(client.get("/?q=Pyongyang")), 'section[data-facet="Places"]')
    assert [v.get_text() for v in places.select(":scope > ul .facet-value")] == ["Pyongyang"]
    more = one(places, "details.less-sure")
    assert one(more, "summary").get_text() == "1 more, less sure"
    assert [v.get_text() for v in more.select(".facet-value")] == ["Washington"]
    chosen = str(one(more, "a")["href"])
    assert chosen.startswith("/?")  # a less sure name filters like any other
    assert [h["id"] for h in client.get("/api/search" + chosen[1:]).get_json()["hits"]] == [UN]
    api = client.get("/api/search?q=Pyongyang").get_json()
    assert api["less_sure"]["place"] == [{"value": "~place:washington", "count": 1}]
    assert "~place:washington" not in {f["value"] for f in api["facets"]["place"]}
    review = soup_of(client.get("/entities")).select(".unreviewed-names tbody tr")
    assert [r["data-unreviewed"] for r in review] == ["LOCATION:pyongyang", "PERSON:putin"]
    assert client.get("/entities/name?type=LOCATION&name=Washington").status_code == 200
