"""Cite a passage in a new brief as an analyst would: select words in a Kremlin transcript,
"Cite in brief…", name a new brief, open it, see the quote and note 1 (exact), and follow the
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

    note.get_by_role("link", name="Open the passage").click()
    expect(page).to_have_url(re.compile(rf"/documents/{DIRECT_LINE}\?passage=\w+#passage$"))
    passage = page.locator("mark.passage#passage")
    expect(passage).to_have_text(QUOTE)
    expect(passage).to_be_in_viewport()
