"""The brief page's editor tools through the Flask test client: the inline search and typed
quotes beside the editor (owner only), the caret the page starts at, quotes marked
[unsourced] flagged in the rendered brief and not looked for again, a count of typed quotes
without a note, and "Cite in brief…" on every annotation of the document view."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag
from json_api import DOC, QUOTE

from annotations.briefs import BriefChanges, BriefDraft, BriefStore
from annotations.model import AnnotationDraft, Selection
from annotations.store import AnnotationStore

TYPED = 'Putin wants "a zone of peace in the Far East" and "pipelines finished by next spring".'


@pytest.fixture
def bstore(store: Any) -> BriefStore:
    return BriefStore(AnnotationStore(store))


def soup(client: Any, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, response.data[:500]
    return BeautifulSoup(response.data, "html.parser")


def one(node: Tag, selector: str) -> Tag:
    found = node.select_one(selector)
    assert found is not None, selector
    return found


def test_the_owner_gets_search_and_quote_tools_and_the_saved_caret(
    api: Any, bstore: BriefStore
) -> None:
    brief, _ = bstore.create(BriefDraft("Far East", "Opening.\n\nClosing."), owner="local")
    bstore.update(brief.id, BriefChanges(cursor=10), revision=1, actor="local")

    page = soup(api, f"/briefs/{brief.id}")

    assert one(page, "article.brief")["data-brief-cursor"] == "10"
    search = one(page, "[data-brief-search] form[role=search]")
    assert one(search, "input[type=search]")["name"] == "q"
    assert page.select_one("[data-brief-quotes] button[data-brief-check-quotes]") is not None
    scripts = [str(s["src"]) for s in page.select("script[src]")]
    assert any(s.endswith("brief_editor.js") for s in scripts)
    assert any(s.endswith("brief_tools.js") for s in scripts)


def test_a_team_viewer_gets_no_editor_tools(api: Any, bstore: BriefStore) -> None:
    team, _ = bstore.create(BriefDraft("Team", TYPED, visibility="team"), owner="bob")

    page = soup(api, f"/briefs/{team.id}")

    assert page.select_one("[data-brief-search]") is None
    assert not any(str(s["src"]).endswith("brief_tools.js") for s in page.select("script[src]"))
    assert "unchecked against the sources" in one(page, "[data-brief-unlinked]").get_text()


def test_typed_quotes_without_a_note_are_counted_and_marked_ones_flagged(
    api: Any, bstore: BriefStore
) -> None:
    brief, _ = bstore.create(BriefDraft("Far East", TYPED), owner="local")
    url = f"/api/briefs/{brief.id}"
    before = soup(api, f"/briefs/{brief.id}")
    assert one(before, "[data-brief-unlinked]").get_text().startswith("2 quotes typed by hand")
    assert before.select(".unsourced-flag") == []

    marked = TYPED.replace('spring"', 'spring" [unsourced]')
    assert api.patch(url, json={"body": marked, "revision": 1}).status_code == 200
    found = api.get(f"{url}/quotes").get_json()["quotes"]

    assert [(q["quote"], q["unsourced"], q["marked_unsourced"]) for q in found] == [
        (QUOTE, False, False),
        ("pipelines finished by next spring", True, True),
    ]
    after = soup(api, f"/briefs/{brief.id}")
    assert one(after, "[data-brief-unlinked]").get_text().startswith("1 quote typed by hand")
    body = one(after, "[data-brief-body]")
    assert one(body, "span.unsourced-flag").get_text() == "unsourced"
    assert "[unsourced]" not in body.get_text()
    preview = api.post(f"{url}/preview", json={"body": marked}).get_json()["body_html"]
    assert 'class="unsourced-flag"' in preview


def test_the_unsourced_mark_cannot_smuggle_markup(api: Any, bstore: BriefStore) -> None:
    body = 'He said "four words at least here" [unsourced]<img src=x onerror=alert(1)>'
    brief, _ = bstore.create(BriefDraft("Far East", body), owner="local")

    page = soup(api, f"/briefs/{brief.id}")

    assert page.select("img[onerror]") == []
    assert one(page, "[data-brief-body] span.unsourced-flag")["title"] == (
        "Quoted without a source in the corpus"
    )


def test_every_annotation_offers_cite_in_brief(api: Any, store: Any, bstore: BriefStore) -> None:
    text = store.get(DOC).text
    start = text.index(QUOTE)
    selection = Selection(DOC, 1, start, start + len(QUOTE), QUOTE)
    annotation, _ = bstore.astore.create(AnnotationDraft(selection), author="local")

    page = soup(api, f"/documents/{DOC}")

    item = one(page, f"[data-annotation-item='{annotation.id}']")
    button = one(item, "button[data-annotation-cite]")
    assert button["data-annotation-cite"] == annotation.id
    assert button.get_text() == "Cite in brief…"
