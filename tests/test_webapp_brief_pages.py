"""The briefs pages through the Flask test client: the list (needing verification first) and
its create form with CSRF, a brief's page (body with numbered notes and their statuses, export
links, the editor for its owner only), another's private brief a 404, hostile text escaped,
and the "Cite in brief…" item of the document view's selection menu."""

from __future__ import annotations

import dataclasses
from typing import Any

from bs4 import BeautifulSoup, Tag
from json_api import DOC, QUOTE

from annotations.briefs import BriefDraft, BriefStore
from annotations.briefs.tables import briefs as briefs_table
from annotations.store import AnnotationStore
from corpus.model import DocumentDraft

HOSTILE = '<script>alert("t")</script><img src=x onerror=alert(1)>'


def soup(api: Any, url: str, status: int = 200) -> BeautifulSoup:
    response = api.get(url)
    assert response.status_code == status, response.data[:500]
    return BeautifulSoup(response.data, "html.parser")


def one(node: Tag, selector: str) -> Tag:
    found = node.select_one(selector)
    assert found is not None, selector
    return found


def new_brief(api: Any, title: str = "Far East", body: str = "") -> dict[str, Any]:
    response = api.post("/api/briefs", json={"title": title, "body": body})
    assert response.status_code == 201, response.get_json()
    found: dict[str, Any] = response.get_json()
    return found


def cite(api: Any, brief: dict[str, Any], quote: str = QUOTE) -> dict[str, Any]:
    start = api.text.index(quote)
    selection = {"document_id": DOC, "version": 1, "start": start, "end": start + len(quote)}
    response = api.post(
        f"/api/briefs/{brief['id']}/citations", json={**selection, "quote": quote, "append": True}
    )
    assert response.status_code == 201, response.get_json()
    found: dict[str, Any] = response.get_json()
    return found


def test_the_create_form_needs_the_csrf_token_and_opens_the_new_brief(
    client: Any, store: Any
) -> None:
    page = soup(client, "/briefs")
    form = one(page, "form[aria-label='New brief']")
    token = one(form, "input[name=csrf_token]")["value"]

    refused = client.post("/briefs", data={"title": "No token"})
    made = client.post("/briefs", data={"title": "Far East", "csrf_token": token})

    assert refused.status_code == 400
    assert made.status_code == 303
    assert made.headers["Location"].startswith("/briefs/")
    page = soup(client, made.headers["Location"])
    assert one(page, "h1").get_text() == "Far East"
    assert one(page, "form[data-brief-editor] input[name=title]")["value"] == "Far East"
    listed = soup(client, "/briefs").select("li.brief-result a")
    assert [a.get_text() for a in listed] == ["Far East"]


def test_an_empty_title_is_a_400_page_that_says_what_to_fix(api: Any) -> None:
    response = api.post("/briefs", data={"title": "  ", "csrf_token": api.token})
    assert response.status_code == 400
    page = BeautifulSoup(response.data, "html.parser")
    assert "title" in one(page, "[role=alert]").get_text()
    assert page.select_one("form[aria-label='New brief']") is not None


def test_a_brief_page_shows_the_quote_numbered_notes_statuses_and_exports(api: Any) -> None:
    brief = new_brief(api, body="Putin said:")
    citation = cite(api, brief)["citation"]

    page = soup(api, f"/briefs/{brief['id']}")

    body = one(page, "[data-brief-body]")
    assert one(body, "blockquote").get_text(" ", strip=True) == f"{QUOTE} 1"
    assert one(body, "sup.note-ref a")["href"] == "#note-1"
    note = one(page, "ol.notes li#note-1")
    assert (note["data-status"], note["data-citation"]) == ("exact", citation["id"])
    assert one(note, ".note-status").get_text() == "exact"
    link = one(note, "a.passage")["href"]
    assert link == f"http://localhost/briefs/{brief['id']}/citations/{citation['id']}"
    assert api.get(link).status_code == 302
    exports = [str(a["href"]) for a in page.select(".brief-actions a[download]")]
    assert [e.split("format=")[1] for e in exports] == ["markdown", "html", "docx", "w3c"]
    assert one(page, "nav.site-nav a[aria-current=page]").get_text() == "Briefs"


def test_a_quote_gone_from_the_source_shows_missing_and_exports_say_so(
    api: Any, store: Any
) -> None:
    brief = new_brief(api, body="Putin said:")
    cite(api, brief)
    current = store.get(DOC)
    names = {f.name for f in dataclasses.fields(DocumentDraft)} - {"text", "origin", "id_from"}
    fields = {name: getattr(current, name) for name in names if hasattr(current, name)}
    edited = current.text.replace(QUOTE, "a region of trade")
    store.put(DocumentDraft(text=edited, origin=current.extra.get("origin", ""), **fields))
    assert api.post(f"/api/briefs/{brief['id']}/verify").status_code == 200

    page = soup(api, f"/briefs/{brief['id']}")

    note = one(page, "[data-brief-notes] li#note-1")
    assert (note["data-status"], one(note, ".note-status").get_text()) == ("missing", "missing")
    assert "1 quote changed or missing" in one(page, "article.brief [role=alert]").get_text()
    exports = [str(a["href"]) for a in page.select(".brief-actions a[download]")]
    assert all("force=1" in e for e in exports)
    assert api.get(exports[0]).status_code == 200


def test_the_list_shows_briefs_needing_verification_first(api: Any, store: Any) -> None:
    first = new_brief(api, "Verified")
    flagged = new_brief(api, "Source changed")
    new_brief(api, "Newest")
    bstore = BriefStore(AnnotationStore(store))
    with bstore.connect(write=True) as conn:  # as the verify-briefs job after a re-ingest
        conn.execute(
            briefs_table.update()
            .where(briefs_table.c.id == flagged["id"])
            .values(needs_verification=True)
        )

    items = soup(api, "/briefs").select("li.brief-result")

    assert items[0]["data-brief"] == flagged["id"]
    assert "Needs verification" in items[0].get_text()
    assert items[-1]["data-brief"] == first["id"]


def test_another_users_private_brief_is_a_404_page_and_a_team_brief_read_only(
    api: Any, store: Any
) -> None:
    bstore = BriefStore(AnnotationStore(store))
    private, _ = bstore.create(BriefDraft("Bob's secret"), owner="bob")
    team, _ = bstore.create(BriefDraft("Team", body="Shared.", visibility="team"), owner="bob")

    response = api.get(f"/briefs/{private.id}")
    assert response.status_code == 404
    assert b"Bob's secret" not in response.data
    assert b"Bob&#39;s secret" not in soup(api, "/briefs").encode()
    shared = soup(api, f"/briefs/{team.id}")
    assert one(shared, "[data-brief-body]").get_text(strip=True) == "Shared."
    assert shared.select_one("form[data-brief-editor]") is None
    assert "read-only" in one(shared, "article.brief .meta").get_text()


def test_a_hostile_title_and_body_are_escaped(api: Any) -> None:
    brief = new_brief(api, title=HOSTILE, body=f"Text {HOSTILE} **bold**")

    response = api.get(f"/briefs/{brief['id']}")
    page = BeautifulSoup(response.data, "html.parser")

    assert page.find("script", string=lambda s: bool(s and "alert" in s)) is None
    assert page.select("img[onerror]") == []
    assert one(page, "h1").get_text() == HOSTILE
    assert one(page, "[data-brief-body] strong").get_text() == "bold"
    assert one(page, "textarea[name=body]").get_text() == f"Text {HOSTILE} **bold**"
    listed = soup(api, "/briefs")
    assert one(listed, "li.brief-result a").get_text() == HOSTILE
    assert listed.select("img[onerror]") == []


def test_the_selection_menu_offers_cite_in_brief(api: Any) -> None:
    page = soup(api, f"/documents/{DOC}")
    menu = one(page, "template#selection-menu")
    items = [b["data-selection-action"] for b in menu.find_all("button")]
    assert "cite-in-brief" in items
    assert page.select_one("script[src$='briefs.js']") is not None
