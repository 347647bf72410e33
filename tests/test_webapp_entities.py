"""Entities in the web app: the entity layer of the document view and of snippets, the entity
pages and the registry list, and corrections posted from the pages.

Mentions are real: the test corpus is analysed with a registry added here (no model, so the
registry and the date/number rules speak) and stored with ``replace_mentions``.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag

from corpus.entities import corrections
from corpus.entities.analyses import mentions, replace_mentions
from corpus.entities.store import EntityStore
from corpus.jobs import QueuePolicy
from corpus.store import Store
from indexer.build import build_index
from indexer.entities.alias_matcher import AliasMatcher
from indexer.entities.analysis import analyse_document
from indexer.entities.reanalysis import drain

FORUM = "fixture-eastern-forum-2019"
UN = "fixture-un-statement-2017"
TASS = "tass-report"
REGISTRY: list[tuple[str, str, list[str], str, str]] = [
    ("Vladimir Putin", "PERSON", ["Putin"], "President of Russia", "Q7747"),
    ("Sergey Lavrov", "PERSON", ["Lavrov"], "", ""),
    ("North Korea", "LOCATION", ["DPRK", "Democratic People's Republic of Korea"], "", ""),
    ("Pyongyang", "LOCATION", [], "Capital of North Korea", ""),
    ("Russia", "LOCATION", [], "", ""),
    ("United Nations", "ORGANIZATION", ["UN"], "", ""),
]


def analyse_all(store: Store, entity_store: EntityStore) -> None:
    """Analyse every document as ingest does (registry and rules) and store the mentions."""
    registry = entity_store.registry()
    matcher = AliasMatcher(registry.entities, registry.revision)
    for document in store.iter_documents():
        found = analyse_document(document, None, matcher, entity_store.corrections_for(document.id))
        replace_mentions(
            entity_store,
            document.id,
            document.version,
            found.mentions,
            found.sentences,
            tag_locations=found.tag_locations,
        )


@pytest.fixture
def ids(store: Store, index_dir: Path) -> dict[str, str]:
    """The registry above, added to the test store, every document analysed with it (and the
    documents its corrections queued re-analysed), and the index built again with the
    mentions."""
    entity_store = EntityStore(store)
    found = {}
    for name, type, aliases, description, external_id in REGISTRY:
        result = corrections.add_entity(
            entity_store,
            name,
            type,
            aliases=aliases,
            description=description,
            external_id=external_id,
        )
        assert result.entity is not None
        found[name] = result.entity.id
    analyse_all(store, entity_store)
    drain(store, entity_store, index_dir, None, worker="setup", policy=QueuePolicy())
    build_index(store, index_dir, procs=1)
    return found


def soup_of(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def one(node: Tag, selector: str) -> Tag:
    found = node.select_one(selector)
    assert found is not None, selector
    return found


def token(client: Any) -> str:
    """This test client's CSRF token, as a page's forms carry it."""
    page = soup_of(client.get("/entities"))
    return str(one(page, "input[name=csrf_token]")["value"])


def post(client: Any, path: str, **form: Any) -> Any:
    return client.post(path, data={"csrf_token": token(client), **form})


def flashes(page: BeautifulSoup) -> list[str]:
    return [p.get_text() for p in page.select(".flash p")]


def entity_marks(page: BeautifulSoup) -> list[tuple[str, str, str]]:
    """(text, type, title) of each entity mark in the document text."""
    return [
        (m.get_text(), str(m["data-type"]), str(m["title"]))
        for m in page.select(".document-text mark.entity")
    ]


# -- the document view ---------------------------------------------------------------------


def test_document_view_marks_each_mention_with_its_type_name_and_entity_page(
    client: Any, ids: dict[str, str]
) -> None:
    page = soup_of(client.get(f"/documents/{FORUM}"))
    assert entity_marks(page) == [
        ("Vladimir Putin", "PERSON", "Vladimir Putin · Person"),
        ("Russia", "LOCATION", "Russia · Place"),
        ("North Korea", "LOCATION", "North Korea · Place"),
        ("Putin", "PERSON", "Vladimir Putin · Person"),
        ("Pyongyang", "LOCATION", "Pyongyang · Place"),
    ]
    putin = one(page, "mark.entity#m-270")
    assert putin.get_text() == "Putin"
    assert putin["data-entity"] == ids["Vladimir Putin"]
    assert putin["data-href"] == f"/entities/{ids['Vladimir Putin']}"
    assert putin["data-source"] == "registry"
    aside = one(page, ".doc-entities")
    links = {a.get_text(): a["href"] for a in aside.select("a[data-entity-link]")}
    assert links == {
        "Vladimir Putin": f"/entities/{ids['Vladimir Putin']}",
        "Russia": f"/entities/{ids['Russia']}",
        "North Korea": f"/entities/{ids['North Korea']}",
        "Pyongyang": f"/entities/{ids['Pyongyang']}",
    }


def test_the_legend_offers_a_toggle_per_layer_with_counts(client: Any, ids: dict[str, str]) -> None:
    page = soup_of(client.get(f"/documents/{FORUM}?q=nuclear"))
    rows = [
        (
            str(label["data-layer"]),
            one(label, ".layer-label").get_text(),
            one(label, ".count").get_text(),
        )
        for label in page.select(".layers label.layer-toggle")
    ]
    assert rows == [
        ("hit", "Search hits", "2"),
        ("annotation", "Annotations", "0"),
        ("PERSON", "People", "2"),
        ("LOCATION", "Places", "3"),
    ]
    boxes = page.select(".layers input[data-layer-toggle]")
    assert [(b["id"], b.has_attr("checked")) for b in boxes] == [
        ("layer-hit", True),
        ("layer-annotation", True),
        ("layer-PERSON", True),
        ("layer-LOCATION", True),
    ]


def test_a_hit_inside_a_mention_and_one_across_its_end_stay_well_formed(
    client: Any, ids: dict[str, str], store: Store
) -> None:
    response = client.get(f"/documents/{FORUM}", query_string={"q": '"Putin opened"'})
    raw = re.search(r"data-taggable>(.*?)</div>", response.get_data(as_text=True), re.S)
    assert raw is not None
    assert html.unescape(re.sub(r"<[^>]*>", "", raw[1])) == store.get(FORUM).text
    body = one(soup_of(response), ".document-text")
    first = one(body, "mark.entity#m-0")
    assert [m.get_text() for m in first.select("mark.hit")] == ["Putin"]
    pieces = body.select("mark.hit")
    assert [p.get_text() for p in pieces] == ["Putin", " opened"]
    assert len({p["data-mark"] for p in pieces}) == 1  # one hit, split at the mention's end
    assert pieces[1].find_parent("mark") is None


def test_the_at_offset_link_of_a_passage_scrolls_to_that_mention(
    client: Any, ids: dict[str, str]
) -> None:
    response = client.get(f"/documents/{FORUM}?at=270")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/documents/{FORUM}#m-270"


def test_a_mention_the_registry_does_not_know_says_so_and_can_be_added(
    client: Any, ids: dict[str, str], store: Store
) -> None:
    text = store.get(TASS).text
    start = text.index("Kim Jong Un")
    response = post(
        client,
        "/entities/tags",
        document_id=TASS,
        version="1",
        start=str(start),
        end=str(start + len("Kim Jong Un")),
        quote="Kim Jong Un",
        type="PERSON",
        next=f"/documents/{TASS}",
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/documents/{TASS}"
    page = soup_of(client.get(f"/documents/{TASS}"))
    assert flashes(page) == ["Tagged “Kim Jong Un” (Person). Re-analysed 1 document."]
    kim = one(page, f"mark.entity#m-{start}")
    assert kim["title"] == "Kim Jong Un · Person · not in the registry"
    assert kim["data-source"] == "analyst"
    assert not kim.has_attr("data-href")
    (row,) = page.select(".doc-entities .unlinked li")
    assert one(row, ".unlinked-name").get_text() == "Kim Jong Un"
    add_form = one(row, "form")
    assert add_form["action"] == "/entities"
    fields = {i["name"]: i.get("value") for i in add_form.select("input")}
    assert (fields["name"], fields["type"]) == ("Kim Jong Un", "PERSON")


def test_tagging_refuses_a_selection_that_is_not_at_its_offsets(
    client: Any, ids: dict[str, str], app: Any
) -> None:
    response = post(
        client,
        "/entities/tags",
        document_id=TASS,
        version="1",
        start="0",
        end="5",
        quote="Kim J",
        type="PERSON",
        next=f"/documents/{TASS}",
    )
    page = soup_of(client.get(response.headers["Location"]))
    (message,) = flashes(page)
    assert message.startswith("The selection 'Kim J' is not at [0, 5) of this version")
    assert not page.select(".document-text mark.entity[data-source=analyst]")


def test_not_an_entity_removes_the_form_from_every_document(
    client: Any, ids: dict[str, str], store: Store
) -> None:
    response = post(
        client, "/entities/suppressions", surface="Pyongyang", next=f"/documents/{FORUM}"
    )
    page = soup_of(client.get(response.headers["Location"]))
    assert flashes(page) == [
        "Marked “Pyongyang” as not an entity, everywhere. Re-analysed 3 documents."
    ]
    assert "Pyongyang" not in [text for text, _, _ in entity_marks(page)]
    others = soup_of(client.get(f"/documents/{UN}"))
    assert "Pyongyang" not in [text for text, _, _ in entity_marks(others)]


# -- search results ------------------------------------------------------------------------


def test_snippets_colour_the_mentions_they_contain(client: Any, ids: dict[str, str]) -> None:
    page = soup_of(client.get("/?q=Pyongyang"))
    forum = one(page, f'li.hit-result[data-id="{FORUM}"] .snippet')
    marks = [(m.get_text(), m["data-type"]) for m in forum.select("mark.entity")]
    assert ("Pyongyang", "LOCATION") in marks
    place = next(m for m in forum.select("mark.entity") if m.get_text() == "Pyongyang")
    assert [h.get_text() for h in place.select("mark.hit")] == ["Pyongyang"]
    assert place["title"] == "Pyongyang · Place"


def facet(page: BeautifulSoup, title: str) -> dict[str, int]:
    section = one(page, f'section.entity-facet[data-facet="{title}"]')
    return {
        one(a, ".facet-value").get_text(): int(one(a, ".count").get_text())
        for a in section.select("li a")
    }


def test_facets_count_the_people_organisations_and_places_of_the_results(
    client: Any, ids: dict[str, str]
) -> None:
    page = soup_of(client.get("/?q=Pyongyang"))
    assert facet(page, "Places") == {"Pyongyang": 3, "Russia": 3, "North Korea": 2}
    assert facet(page, "People") == {"Sergey Lavrov": 1, "Vladimir Putin": 1}
    assert facet(page, "Organisations") == {"United Nations": 1}
    assert not page.select('section.entity-facet[data-facet="Nationalities and groups"]')


def test_choosing_an_entity_facet_filters_the_results_and_shows_a_removable_chip(
    client: Any, ids: dict[str, str]
) -> None:
    page = soup_of(client.get("/?q=Pyongyang"))
    link = one(page, f'section.entity-facet a[data-ref="{ids["Vladimir Putin"]}"]')
    filtered = soup_of(client.get(str(link["href"])))
    assert [li["data-id"] for li in filtered.select("li.hit-result")] == [FORUM]
    (chip,) = filtered.select(".active-filters a")
    assert chip.get_text() == "entity: Vladimir Putin"
    assert one(filtered, f'section.entity-facet a[data-ref="{ids["Vladimir Putin"]}"]')[
        "class"
    ] == ["selected"]
    hidden = filtered.select('form.search-form input[type=hidden][name="entity"]')
    assert [h["value"] for h in hidden] == [ids["Vladimir Putin"]]


def test_a_correction_reindexes_what_it_affects(client: Any, ids: dict[str, str]) -> None:
    post(client, "/entities/suppressions", surface="Pyongyang", type="LOCATION")
    page = soup_of(client.get("/?q=Pyongyang"))
    assert facet(page, "Places") == {"Russia": 3, "North Korea": 2}


# -- the entity page -----------------------------------------------------------------------


def test_entity_page_shows_name_type_aliases_description_and_wikidata_link(
    client: Any, ids: dict[str, str]
) -> None:
    page = soup_of(client.get(f"/entities/{ids['Vladimir Putin']}"))
    assert one(page, ".entity-head h1").get_text() == "Vladimir Putin"
    assert one(page, ".entity-head .type-badge").get_text() == "Person"
    assert one(page, ".entity-description").get_text() == "President of Russia"
    assert [a.get_text() for a in page.select(".aliases .alias")] == ["Putin"]
    wikidata = one(page, ".external a")
    assert wikidata["href"] == "https://www.wikidata.org/wiki/Q7747"
    assert "noopener" in wikidata["rel"]
    assert one(page, ".entity-stats")["data-mentions"] == "2"


def test_entity_page_charts_documents_per_year_and_lists_passages_in_context(
    client: Any, ids: dict[str, str]
) -> None:
    page = soup_of(client.get(f"/entities/{ids['Pyongyang']}"))
    bars = [(b["data-period"], b["data-count"]) for b in page.select("svg.bar-chart rect.bar")]
    assert bars == [("2017", "1"), ("2018", "1"), ("2019", "1")]
    assert [t.get_text() for t in page.select("svg.bar-chart text.tick")] == [
        "2017",
        "2018",
        "2019",
    ]
    rows = [
        (
            one(r, ".kwic-left").get_text(),
            one(r, ".kwic-match").get_text(),
            one(r, ".kwic-right").get_text(),
            one(r, "a.kwic-match")["href"],
        )
        for r in page.select("tr.kwic-row")
    ]
    assert rows == [
        (
            "asked about pipelines, ports and the nuclear question. Putin replied that ",
            "Pyongyang",
            " needs security guarantees before any talks on nuclear weapons.",
            f"/documents/{FORUM}?at=289",
        ),
        (
            "Lavrov visits ",
            "Pyongyang",
            " Foreign Minister Sergey Lavrov arrived in Pyongyang on Thursday for talks on",
            f"/documents/{TASS}?at=14",
        ),
        (
            "Lavrov visits Pyongyang Foreign Minister Sergey Lavrov arrived in ",
            "Pyongyang",
            " on Thursday for talks on the denuclearisation of the Korean Peninsula. He",
            f"/documents/{TASS}?at=67",
        ),
        (
            "Republic of Korea cannot replace negotiations. We call on Washington and ",
            "Pyongyang",
            " to restrain themselves. Russia supports the initiative of a freeze for freeze",
            f"/documents/{UN}?at=195",
        ),
    ]


def test_entity_page_links_the_entities_mentioned_in_the_same_sentences(
    client: Any, ids: dict[str, str]
) -> None:
    page = soup_of(client.get(f"/entities/{ids['Pyongyang']}"))
    links = [
        (a.get_text(), a["href"], one(li, ".count").get_text())
        for li in page.select(".cooccurring li")
        for a in li.select("a")
    ]
    # TASS: the headline "Lavrov visits Pyongyang" is a sentence of its own (it ends a line),
    # and the first paragraph names both again.
    assert links == [
        ("Sergey Lavrov", f"/entities/{ids['Sergey Lavrov']}", "2"),
        ("Vladimir Putin", f"/entities/{ids['Vladimir Putin']}", "1"),
    ]


def test_an_unknown_entity_is_a_404_page(client: Any, ids: dict[str, str]) -> None:
    response = client.get("/entities/no-such-entity")
    assert response.status_code == 404
    assert (
        "No entity with id 'no-such-entity'" in one(soup_of(response), ".error-message").get_text()
    )


def test_registry_lists_entities_by_mentions_and_filters_by_type(
    client: Any, ids: dict[str, str]
) -> None:
    page = soup_of(client.get("/entities"))
    rows = [
        (one(r, "td a").get_text(), one(r, ".type-badge").get_text(), one(r, "td.num").get_text())
        for r in page.select("table.registry tbody tr")
    ]
    assert rows[:3] == [
        ("Pyongyang", "Place", "4"),
        ("Russia", "Place", "4"),
        ("North Korea", "Place", "3"),
    ]
    assert len(rows) == 6
    people = soup_of(client.get("/entities?type=PERSON"))
    names = [one(r, "td a").get_text() for r in people.select("table.registry tbody tr")]
    assert names == ["Sergey Lavrov", "Vladimir Putin"]
    assert client.get("/entities?type=WIZARD").status_code == 400


# -- corrections ---------------------------------------------------------------------------


def test_a_post_without_the_csrf_token_is_refused(client: Any, ids: dict[str, str]) -> None:
    response = client.post(f"/entities/{ids['Russia']}/aliases", data={"alias": "RF"})
    assert response.status_code == 400
    page = soup_of(client.get(f"/entities/{ids['Russia']}"))
    assert not page.select(".aliases .alias")


@pytest.mark.parametrize(
    "target", ["/\t/evil.example", "/\r\nX: 1", "//evil.example", "http://x.y/"]
)
def test_a_correction_returns_only_to_a_path_on_this_site(
    client: Any, ids: dict[str, str], target: str
) -> None:
    response = post(client, f"/entities/{ids['Russia']}/aliases", alias="RF", next=target)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/entities/{ids['Russia']}"


def test_adding_an_alias_marks_it_in_documents_and_says_how_many_were_reanalysed(
    client: Any, ids: dict[str, str]
) -> None:
    response = post(client, f"/entities/{ids['Sergey Lavrov']}/aliases", alias="Foreign Minister")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/entities/{ids['Sergey Lavrov']}"
    page = soup_of(client.get(response.headers["Location"]))
    assert flashes(page) == [
        "Added the alias “Foreign Minister” to Sergey Lavrov. Re-analysed 1 document."
    ]
    assert [a.get_text() for a in page.select(".aliases .alias")] == ["Foreign Minister", "Lavrov"]


def test_merging_moves_the_mentions_and_the_old_page_redirects(
    client: Any, ids: dict[str, str]
) -> None:
    dprk, korea = ids["North Korea"], ids["Pyongyang"]
    response = post(client, f"/entities/{korea}/merge", into="North Korea")
    assert response.headers["Location"] == f"/entities/{dprk}"
    page = soup_of(client.get(f"/entities/{dprk}"))
    assert flashes(page) == ["Merged Pyongyang into North Korea. Re-analysed 3 documents."]
    assert "Pyongyang" in [a.get_text() for a in page.select(".aliases .alias")]
    assert one(page, ".entity-stats")["data-mentions"] == "7"
    moved = client.get(f"/entities/{korea}")
    assert moved.status_code == 301
    assert moved.headers["Location"] == f"/entities/{dprk}"


def test_rename_retype_and_split_change_what_the_page_shows(
    client: Any, ids: dict[str, str]
) -> None:
    nk = ids["North Korea"]
    post(client, f"/entities/{nk}/rename", name="DPR Korea")
    post(client, f"/entities/{nk}/retype", type="ORGANIZATION")
    page = soup_of(client.get(f"/entities/{nk}"))
    assert one(page, ".entity-head h1").get_text() == "DPR Korea"
    assert one(page, ".entity-head .type-badge").get_text() == "Organisation"
    assert [a.get_text() for a in page.select(".aliases .alias")] == [
        "Democratic People's Republic of Korea",
        "DPRK",
        "North Korea",
    ]
    response = post(
        client,
        f"/entities/{nk}/split",
        alias=["North Korea"],
        name="North Korea (country)",
        type="LOCATION",
        next=f"/entities/{nk}",
    )
    page = soup_of(client.get(response.headers["Location"]))
    assert flashes(page)[-1].startswith("Split “North Korea” off into North Korea (country).")
    assert "North Korea" not in [a.get_text() for a in page.select(".aliases .alias")]


def test_a_refused_correction_is_explained_and_changes_nothing(
    client: Any, ids: dict[str, str]
) -> None:
    response = post(client, f"/entities/{ids['Russia']}/merge", into="Atlantis")
    assert response.headers["Location"] == "/entities"
    page = soup_of(client.get("/entities"))
    assert flashes(page) == [
        "No entity is called 'Atlantis'. Check the spelling, or add it to the registry first."
    ]
    assert client.get(f"/entities/{ids['Russia']}").status_code == 200


def test_adding_an_entity_links_the_analysts_tag_of_its_name(
    client: Any, ids: dict[str, str], store: Store
) -> None:
    text = store.get(TASS).text
    start = text.index("Kim Jong Un")
    span = {"start": str(start), "end": str(start + 11), "quote": "Kim Jong Un"}
    post(client, "/entities/tags", document_id=TASS, type="PERSON", **span)
    response = post(client, "/entities", name="Kim Jong Un", type="PERSON", aliases="Kim Jong-un")
    kim = mentions(EntityStore(store), TASS)
    linked = [m.entity_id for m in kim if m.text == "Kim Jong Un"]
    location = response.headers["Location"]
    assert linked == [location.rsplit("/", 1)[1]]
    page = soup_of(client.get(f"/documents/{TASS}"))
    mark = one(page, f"mark.entity#m-{start}")
    assert mark["data-href"] == location
