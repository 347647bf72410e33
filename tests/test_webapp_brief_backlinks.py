"""Backlinks: the document view marks the passages cited by briefs the viewer may see, per
exact passage, with links to the citing briefs; the API lists a passage's citing briefs.
Another analyst's private brief never shows, in marks, counts, the panel or the API."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag

from annotations.briefs import BriefDraft, BriefStore, CitationDraft
from annotations.model import Selection
from annotations.store import AnnotationStore
from corpus.model import DocumentDraft

DOC = "fixture-eastern-forum-2019"
ZONE = "a zone of peace in the Far East"
KOREA = "Pyongyang needs security guarantees"


@pytest.fixture
def bstore(store: Any) -> BriefStore:
    return BriefStore(AnnotationStore(store))


def cite(bstore: BriefStore, brief_id: str, quote: str, owner: str) -> None:
    text = bstore.store.get(DOC).text
    start = text.index(quote)
    sel = Selection(DOC, 1, start, start + len(quote), quote)
    bstore.cite(brief_id, CitationDraft(selection=sel), actor=owner)


def brief(bstore: BriefStore, title: str, owner: str, visibility: str = "private") -> str:
    made, _ = bstore.create(BriefDraft(title, visibility=visibility), owner=owner)  # type: ignore[arg-type]
    return made.id


def page(client: Any) -> BeautifulSoup:
    response = client.get(f"/documents/{DOC}")
    assert response.status_code == 200
    return BeautifulSoup(response.data, "html.parser")


def marks(soup: BeautifulSoup) -> dict[str, Tag]:
    return {m["id"]: m for m in soup.select(".document-text mark.cited[id]")}  # type: ignore[misc]


def test_cited_passages_are_marked_with_links_to_the_viewers_and_teams_briefs_only(
    client: Any, bstore: BriefStore
) -> None:
    mine = brief(bstore, "Far East", "local")
    team = brief(bstore, "Team note", "bob", "team")
    secret = brief(bstore, "Bob's secret", "bob")
    cite(bstore, mine, ZONE, "local")
    cite(bstore, team, ZONE, "bob")
    cite(bstore, secret, ZONE, "bob")
    cite(bstore, secret, KOREA, "bob")  # only a private brief of another cites this one

    soup = page(client)
    found = marks(soup)
    start = bstore.store.get(DOC).text.index(ZONE)
    assert list(found) == [f"cited-{start}-{start + len(ZONE)}"]
    [mark] = found.values()
    assert mark.get_text() == ZONE
    assert set(str(mark["data-briefs"]).split()) == {mine, team}
    assert "2 briefs" in str(mark["title"]) and "Bob" not in str(mark["title"])
    panel = soup.select_one("[data-cited-panel]")
    assert panel is not None
    links = {a["href"] for a in panel.select("a[data-brief]")}
    assert links == {f"/briefs/{mine}", f"/briefs/{team}"}
    assert secret not in str(soup) and "Bob's secret" not in soup.get_text()
    count = panel.select_one("[data-cited-count]")
    assert count is not None and count.get_text() == "2"  # briefs: mine and the team's
    assert soup.select_one("#layer-cited") is not None


def test_the_api_lists_a_passages_citing_briefs_the_viewer_may_see(
    client: Any, bstore: BriefStore
) -> None:
    mine = brief(bstore, "Far East", "local")
    secret = brief(bstore, "Bob's secret", "bob")
    cite(bstore, mine, ZONE, "local")
    cite(bstore, mine, KOREA, "local")
    cite(bstore, secret, KOREA, "bob")
    text = bstore.store.get(DOC).text
    start = text.index(KOREA)

    every = client.get(f"/api/documents/{DOC}/cited").get_json()
    one = client.get(f"/api/documents/{DOC}/cited?start={start}&end={start + 9}").get_json()
    bad = client.get(f"/api/documents/{DOC}/cited?start=9&end=2")
    unknown = client.get("/api/documents/no-such-document/cited")

    assert [p["quote"] for p in every["passages"]] == [ZONE, KOREA]
    assert (every["document_id"], every["version"]) == (DOC, 1)
    [passage] = one["passages"]
    assert (passage["start"], passage["end"], passage["status"]) == (
        start,
        start + len(KOREA),
        "exact",
    )
    assert [b["id"] for b in passage["briefs"]] == [mine]
    assert passage["briefs"][0]["url"].endswith(f"/api/briefs/{mine}")
    assert passage["briefs"][0]["page"].endswith(f"/briefs/{mine}")
    assert secret not in str(every) and secret not in str(one)
    assert bad.status_code == 400 and "start" in bad.get_json()["error"]
    assert unknown.status_code == 404
    _check_schema(client, "CitedPassages", every)


def _check_schema(client: Any, name: str, instance: Any) -> None:
    import jsonschema
    from referencing import Registry
    from referencing.jsonschema import DRAFT202012

    spec = client.get("/api/openapi.json").get_json()
    registry = Registry().with_resource("urn:dossier:openapi", DRAFT202012.create_resource(spec))
    schema = {"$ref": f"urn:dossier:openapi#/components/schemas/{name}"}
    jsonschema.Draft202012Validator(schema, registry=registry).validate(instance)


def test_a_cited_passage_is_marked_where_it_is_in_a_newer_version(
    client: Any, bstore: BriefStore, store: Any
) -> None:
    mine = brief(bstore, "Far East", "local")
    cite(bstore, mine, ZONE, "local")
    current = store.get(DOC)
    names = [f.name for f in dataclasses.fields(DocumentDraft) if f.name not in ("text", "origin")]
    fields = {name: getattr(current, name) for name in names if hasattr(current, name)}
    edited = "A new opening paragraph.\n\n" + current.text
    store.put(DocumentDraft(text=edited, origin=current.extra.get("origin", ""), **fields))

    [mark] = marks(page(client)).values()
    start = edited.index(ZONE)
    assert mark["id"] == f"cited-{start}-{start + len(ZONE)}"
    assert mark["data-status"] == "moved"


def test_an_annotation_shows_the_briefs_the_viewer_may_see_that_cite_it(
    client: Any, bstore: BriefStore
) -> None:
    from annotations.model import AnnotationDraft

    text = bstore.store.get(DOC).text
    start = text.index(ZONE)
    selection = Selection(DOC, 1, start, start + len(ZONE), ZONE)
    note, _ = bstore.astore.create(
        AnnotationDraft(selection, visibility="team"),  # type: ignore[arg-type]
        author="local",
    )
    mine = brief(bstore, "Far East", "local")
    team = brief(bstore, "Team note", "bob", "team")
    secret = brief(bstore, "Bob's secret", "bob")
    for brief_id, owner in ((mine, "local"), (mine, "local"), (team, "bob"), (secret, "bob")):
        bstore.cite(brief_id, CitationDraft(annotation_id=note.id), actor=owner)
    plain = brief(bstore, "Plain citation", "local")
    cite(bstore, plain, ZONE, "local")  # the same words, not through the annotation

    soup = page(client)
    item = soup.select_one(f"#note-{note.id}")
    assert item is not None
    cited = item.select_one("[data-annotation-cited]")
    assert cited is not None
    assert [a["href"] for a in cited.select("a[data-brief]")] == [
        f"/briefs/{mine}",
        f"/briefs/{team}",
    ]  # each brief once, oldest citation first; another analyst's private brief never
    assert "Bob's secret" not in soup.get_text() and "Plain citation" not in cited.get_text()
