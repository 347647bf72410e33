"""Cite a passage in a new brief as an analyst would: select words in a Kremlin transcript,
"Cite in brief…", name a new brief, open it, see the quote and note 1 (exact), write around it
(autosaved; a conflicting save elsewhere shown with both texts, "Keep mine"), and follow the
note back to the passage, highlighted in its document."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

DIRECT_LINE = "kremlin-17976"  # Direct Line with Vladimir Putin
QUOTE = "the President answered more than 85 questions"
Select = Callable[[Page, str, str], dict[str, Any]]


def test_cite_a_selection_in_a_new_brief_and_follow_its_note_back(
    page: Page, live_server: str, select_words: Select
) -> None:
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server}/documents/{DIRECT_LINE}")
    found = select_words(page, "the President answered", "85 questions")
    assert found["quote"] == QUOTE
    page.locator("[data-document-text]").dispatch_event("mouseup")
    page.get_by_role("menu", name="Selected words").get_by_role(
        "menuitem", name="Cite in brief…"
    ).click()

    card = page.get_by_role("dialog", name="Cite in brief")
    card.get_by_label("New brief").fill("Direct Line <b>2013</b>")
    card.get_by_role("button", name="Create and cite").click()
    expect(card).to_contain_text("Cited in Direct Line <b>2013</b>")
    card.get_by_role("link", name="Open brief").click()

    expect(page).to_have_url(re.compile(r"/briefs/\w+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Direct Line <b>2013</b>")
    expect(page.locator("[data-brief-body] blockquote")).to_contain_text(QUOTE)
    expect(page.locator("[data-brief-body] sup.note-ref a")).to_have_text("1")
    note = page.locator("[data-brief-notes] li#note-1")
    expect(note.locator(".note-status")).to_have_text("exact")
    expect(note).to_contain_text("Direct Line with Vladimir Putin")
    expect(page.locator("[data-brief-preview] blockquote")).to_contain_text(QUOTE)
    expect(page.locator("[data-brief-preview] li#preview-note-1")).to_have_count(1)
    page.screenshot(path="/tmp/dossier-brief.png", full_page=True)

    text = page.get_by_label(re.compile("^Text"))
    text.fill("Putin on the programme:\n\n" + text.input_value())
    saved = page.locator("[data-brief-saved]")
    expect(saved).to_have_text("Saved (revision 3).")
    expect(page.locator("[data-brief-preview] p").first).to_have_text("Putin on the programme:")
    theirs = edit_elsewhere(page, live_server, revision=3, body="Their version.")
    text.fill(text.input_value() + "\nMine too.")
    conflict = page.get_by_role("region", name="Conflict")
    expect(conflict).to_be_visible()
    expect(conflict.get_by_label("Theirs (saved)")).to_have_value(theirs)
    expect(conflict.get_by_label("Yours")).to_have_value(re.compile("Mine too.$"))
    conflict.get_by_role("button", name="Keep mine").click()
    expect(saved).to_have_text("Saved (revision 5).")
    expect(conflict).to_be_hidden()
    page.reload()
    expect(page.locator("[data-brief-body] p").first).to_have_text("Putin on the programme:")
    expect(page.locator("[data-brief-body]")).to_contain_text("Mine too.")

    note.get_by_role("link", name="Open the passage").click()
    expect(page).to_have_url(re.compile(rf"/documents/{DIRECT_LINE}\?passage=\w+#passage$"))
    passage = page.locator("mark.passage#passage")
    expect(passage).to_have_text(QUOTE)
    expect(passage).to_be_in_viewport()


def edit_elsewhere(page: Page, live_server: str, *, revision: int, body: str) -> str:
    """Save ``body`` over the brief on this page as another editor would (same session)."""
    brief = page.locator("article.brief").get_attribute("data-brief-id")
    token = page.locator("meta[name=csrf-token]").get_attribute("content")
    response = page.request.patch(
        f"{live_server}/api/briefs/{brief}",
        data={"body": body},
        headers={"If-Match": f'"rev-{revision}"', "X-CSRF-Token": token or ""},
    )
    assert response.status == 200, response.text()
    return body
