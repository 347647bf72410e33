"""A brief's history through the Flask test client: the list of revisions, one revision's text
with a word diff against the current text, restoring it through a CSRF-protected form (a new
revision; a 409 page when the brief moved on meanwhile), text escaped, another's private brief
a 404 and a team brief's history read-only."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag

from annotations.briefs import BriefChanges, BriefDraft, BriefStore
from annotations.store import AnnotationStore

HOSTILE = '<script>alert("t")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def bstore(store: Any) -> BriefStore:
    return BriefStore(AnnotationStore(store))


@pytest.fixture
def token(client: Any) -> str:
    page = BeautifulSoup(client.get("/briefs").data, "html.parser")
    return str(page.select_one("meta[name=csrf-token]")["content"])  # type: ignore[index]


def soup(client: Any, url: str, status: int = 200) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == status, response.data[:500]
    return BeautifulSoup(response.data, "html.parser")


def one(node: Tag, selector: str) -> Tag:
    found = node.select_one(selector)
    assert found is not None, selector
    return found


def three_revisions(bstore: BriefStore) -> str:
    """A brief of the local user at revision 3: "Putin spoke." → "... of ports." → retitled."""
    brief, _ = bstore.create(BriefDraft("Far East", "Putin spoke."), owner="local")
    bstore.update(
        brief.id,
        BriefChanges(body="Putin spoke of ports.\n\nThen roads."),
        revision=1,
        actor="local",
    )
    bstore.update(brief.id, BriefChanges(title="Ports"), revision=2, actor="local")
    return brief.id


def test_the_history_lists_every_revision_newest_first_linked_from_the_brief(
    client: Any, bstore: BriefStore
) -> None:
    id = three_revisions(bstore)

    history = one(soup(client, f"/briefs/{id}"), "article.brief .meta a[href$='/revisions']")
    page = soup(client, str(history["href"]))

    items = page.select("ol.brief-history li")
    assert [li["data-revision"] for li in items] == ["3", "2", "1"]
    assert "current" in items[0].get_text()
    assert [str(a["href"]) for a in page.select("ol.brief-history li > a")][-1] == (
        f"/briefs/{id}/revisions/1"
    )


def test_a_revision_shows_its_text_and_the_words_changed_since(
    client: Any, bstore: BriefStore
) -> None:
    id = three_revisions(bstore)

    page = soup(client, f"/briefs/{id}/revisions/1")

    assert one(page, "[data-revision-title]").get_text() == "Far East"
    assert one(page, "[data-revision-text]").get_text() == "Putin spoke."
    diff = one(page, "[data-revision-diff]")
    assert [d.get_text() for d in diff.select("del")] == ["spoke."]
    assert [i.get_text() for i in diff.select("ins")] == ["spoke of ports.\n\nThen roads."]
    assert diff.get_text() == "Putin spoke.spoke of ports.\n\nThen roads."
    assert one(page, "form[aria-label=Restore] button").get_text() == "Restore revision 1"


def test_restoring_needs_the_token_and_makes_a_new_revision(
    client: Any, bstore: BriefStore, token: str
) -> None:
    id = three_revisions(bstore)
    form = one(soup(client, f"/briefs/{id}/revisions/1"), "form[aria-label=Restore]")
    fields = {i["name"]: i["value"] for i in form.select("input[type=hidden]")}
    assert fields["revision"] == "3"

    refused = client.post(str(form["action"]), data={"revision": "3"})
    restored = client.post(str(form["action"]), data=fields)

    assert refused.status_code == 400
    assert (restored.status_code, restored.headers["Location"]) == (303, f"/briefs/{id}")
    brief = bstore.get(id, viewer="local")
    assert (brief.revision, brief.title, brief.body) == (4, "Far East", "Putin spoke.")
    assert [r.revision for r in bstore.revisions(id, viewer="local")] == [4, 3, 2, 1]
    assert one(soup(client, f"/briefs/{id}/revisions/4"), "h1").get_text() == "Revision 4 (current)"
    assert soup(client, f"/briefs/{id}/revisions/4").select_one("form[aria-label=Restore]") is None


def test_restoring_from_a_page_shown_before_another_save_is_a_409_that_says_so(
    client: Any, bstore: BriefStore, token: str
) -> None:
    id = three_revisions(bstore)
    bstore.update(id, BriefChanges(body="Saved in another tab."), revision=3, actor="local")

    response = client.post(
        f"/briefs/{id}/revisions/1/restore", data={"csrf_token": token, "revision": "3"}
    )

    assert response.status_code == 409
    page = BeautifulSoup(response.data, "html.parser")
    assert "it is at revision 4" in one(page, "[role=alert]").get_text()
    assert one(page, "form[aria-label=Restore] input[name=revision]")["value"] == "4"
    assert bstore.get(id, viewer="local").body == "Saved in another tab."
    bad = client.post(f"/briefs/{id}/revisions/1/restore", data={"csrf_token": token})
    assert bad.status_code == 400
    assert (
        "The form's revision is ''"
        in one(BeautifulSoup(bad.data, "html.parser"), "[role=alert]").get_text()
    )


def test_a_revision_the_brief_never_had_is_a_404_page_naming_it(
    client: Any, bstore: BriefStore
) -> None:
    id = three_revisions(bstore)
    page = soup(client, f"/briefs/{id}/revisions/9", status=404)
    assert "has no revision 9; it is at revision 3" in page.get_text()


def test_another_users_private_history_is_a_404_and_a_team_one_read_only(
    client: Any, bstore: BriefStore, token: str
) -> None:
    private, _ = bstore.create(BriefDraft("Bob's secret", "Hidden."), owner="bob")
    team, _ = bstore.create(BriefDraft("Team", "One.", visibility="team"), owner="bob")
    bstore.update(team.id, BriefChanges(body="Two."), revision=1, actor="bob")

    for url in (f"/briefs/{private.id}/revisions", f"/briefs/{private.id}/revisions/1"):
        response = client.get(url)
        assert response.status_code == 404
        assert b"Hidden." not in response.data
    shared = soup(client, f"/briefs/{team.id}/revisions/1")
    assert one(shared, "[data-revision-text]").get_text() == "One."
    assert shared.select_one("form[aria-label=Restore]") is None
    refused = client.post(
        f"/briefs/{team.id}/revisions/1/restore", data={"csrf_token": token, "revision": "2"}
    )
    assert refused.status_code == 403
    assert bstore.get(team.id, viewer="bob").body == "Two."


def test_hostile_titles_and_texts_are_escaped_in_the_history(
    client: Any, bstore: BriefStore
) -> None:
    brief, _ = bstore.create(BriefDraft(HOSTILE, f"Text {HOSTILE}"), owner="local")
    bstore.update(brief.id, BriefChanges(body=f"New {HOSTILE}"), revision=1, actor="local")

    for url in (f"/briefs/{brief.id}/revisions", f"/briefs/{brief.id}/revisions/1"):
        page = soup(client, url)
        assert page.find("script", string=lambda s: bool(s and "alert" in s)) is None
        assert page.select("img[onerror]") == []
    page = soup(client, f"/briefs/{brief.id}/revisions/1")
    assert one(page, "[data-revision-text]").get_text() == f"Text {HOSTILE}"


def test_a_long_history_shows_the_latest_hundred_and_links_to_all(
    client: Any, bstore: BriefStore
) -> None:
    brief, _ = bstore.create(BriefDraft("Autosaved", "0"), owner="local")
    for n in range(1, 105):
        bstore.update(brief.id, BriefChanges(body=str(n)), revision=n, actor="local")

    page = soup(client, f"/briefs/{brief.id}/revisions")

    items = page.select("ol.brief-history li")
    assert (len(items), items[0]["data-revision"], items[-1]["data-revision"]) == (100, "105", "6")
    more = one(page, "[data-history-more] a")
    assert more.get_text() == "Show all 105"
    assert len(soup(client, str(more["href"])).select("ol.brief-history li")) == 105
