"""The brief editor as an analyst uses it on a real Kremlin transcript: "Cite in brief…" in a
document tab inserts the quote where the caret is in the brief's editor tab (which shows it at
once), and the editor's inline search inserts a passage of a result at the caret without leaving
the page, cited exactly as a selection in the document would be."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

DIRECT_LINE = "kremlin-17976"  # Direct Line with Vladimir Putin
QUOTE = "the President answered more than 85 questions"
PRICES = "I think they are still too high for the Russian Far East."
PRICES_QUERY = '"too high for the Russian Far East" speaker:putin'
Select = Callable[[Page, str, str], dict[str, Any]]


@pytest.fixture(autouse=True)
def patient_expectations() -> Iterator[None]:
    """Round trips through the server and the editor's autosave delay, on a machine shared by
    several suites: wait up to 15 s for what the page should come to show (5 s by default)."""
    expect.set_options(timeout=15_000)
    yield
    expect.set_options(timeout=5_000)


def new_brief(page: Page, live_server: str, title: str, body: str) -> str:
    page.goto(f"{live_server}/briefs")
    token = page.locator("meta[name=csrf-token]").get_attribute("content") or ""
    response = page.request.post(
        f"{live_server}/api/briefs",
        data={"title": title, "body": body},
        headers={"X-CSRF-Token": token},
    )
    assert response.status == 201, response.text()
    brief_id: str = response.json()["id"]
    return brief_id


def test_cite_in_brief_from_a_document_tab_lands_at_the_editors_caret(
    page: Page, live_server: str, select_words: Select
) -> None:
    page.set_viewport_size({"width": 1366, "height": 900})
    brief = new_brief(page, live_server, "Direct Line notes", "Opening.\n\nClosing.")
    page.goto(f"{live_server}/briefs/{brief}")
    text = page.get_by_label(re.compile("^Text"))
    text.click()
    text.press("Control+Home")
    text.press("ArrowDown")
    text.press("ArrowDown")  # the start of "Closing."
    article = page.locator("article.brief")
    expect(article).to_have_attribute("data-brief-cursor", str(len("Opening.\n\n")))

    document = page.context.new_page()
    document.goto(f"{live_server}/documents/{DIRECT_LINE}")
    assert select_words(document, "the President answered", "85 questions")["quote"] == QUOTE
    document.locator("[data-document-text]").dispatch_event("mouseup")
    document.get_by_role("menu", name="Selected words").get_by_role(
        "menuitem", name="Cite in brief…"
    ).click()
    card = document.get_by_role("dialog", name="Cite in brief")
    card.get_by_role("button", name="Direct Line notes").click()
    expect(card).to_contain_text("Cited in Direct Line notes, at its cursor")

    expect(text).to_have_value(re.compile(rf"^Opening\.\n\n> {QUOTE} \[@\w+\]\n\nClosing\.$"))
    expect(page.locator("[data-brief-saved]")).to_have_text(
        "A citation was inserted at the cursor in another tab (revision 2)."
    )
    expect(page.locator("[data-brief-preview] blockquote")).to_contain_text(QUOTE)
    document.close()


def test_search_the_corpus_in_the_editor_and_insert_a_passage_at_the_caret(
    page: Page, live_server: str
) -> None:
    page.set_viewport_size({"width": 1366, "height": 900})
    brief = new_brief(page, live_server, "Electricity", "Putin on prices: \n\nMore later.")
    page.goto(f"{live_server}/briefs/{brief}")
    text = page.get_by_label(re.compile("^Text"))
    text.click()
    text.press("Control+Home")
    text.press("End")  # after "Putin on prices: "

    tools = page.get_by_role("region", name="Search the corpus")
    tools.get_by_label("Search the corpus").fill(PRICES_QUERY)
    tools.get_by_role("button", name="Search").click()
    hit = tools.locator("li.brief-hit").first
    expect(hit.get_by_role("link")).to_have_text("Direct Line with Vladimir Putin")
    expect(hit.locator("mark.hit").first).to_have_text(re.compile("too", re.IGNORECASE))
    hit.get_by_role(
        "button", name="Insert at cursor, from Direct Line with Vladimir Putin"
    ).first.click()

    expect(tools.locator("[data-brief-search-status]")).to_contain_text(f"Inserted “{PRICES}”")
    expect(text).to_have_value(
        re.compile(rf"^Putin on prices: “{re.escape(PRICES)}” \[@\w+\]\n\nMore later\.$")
    )
    expect(page).to_have_url(re.compile(rf"/briefs/{brief}$"))
    cited = page.request.get(f"{live_server}/api/briefs/{brief}").json()
    [citation] = cited["citations"]
    assert (citation["document_id"], citation["status"]) == (DIRECT_LINE, "exact")
    assert citation["anchor"]["quote"] == PRICES
    anchor = citation["anchor"]
    assert anchor["end"] - anchor["start"] == len(PRICES)
    assert anchor["prefix"].endswith("optimal. ") and anchor["suffix"]
    expect(page.locator("[data-brief-preview] li#preview-note-1")).to_contain_text(
        "Direct Line with Vladimir Putin"
    )


def test_link_a_typed_quote_to_its_passage_and_mark_another_unsourced(
    page: Page, live_server: str
) -> None:
    body = f"Kleymenov said “{QUOTE}” and “nobody saw this programme coming at all”."
    brief = new_brief(page, live_server, "Typed quotes", body)
    page.goto(f"{live_server}/briefs/{brief}")
    expect(page.locator("[data-brief-unlinked]")).to_contain_text("2 quotes typed by hand")

    quotes = page.get_by_role("region", name="Quotes typed by hand")
    quotes.get_by_role("button", name="Check quotes").click()
    items = quotes.locator("[data-brief-quote-list] > li")
    expect(items).to_have_count(2)
    found, missing = items.all()
    expect(found).to_contain_text("found in the corpus")
    expect(missing).to_contain_text("not found in the corpus")
    found.get_by_role(
        "button",
        name=f"Link “{QUOTE}” to the passage in Vladimir Putin, Direct Line with Vladimir Putin",
    ).click()
    expect(quotes.locator("[data-brief-quotes-status]")).to_contain_text("Linked to")
    quotes.locator("[data-brief-quote-list] > li").get_by_role(
        "button", name="Mark “nobody saw this programme coming at all” unsourced"
    ).click()
    expect(quotes.locator("[data-brief-quotes-status]")).to_contain_text(
        "Every quote has a note or is marked unsourced."
    )

    text = page.get_by_label(re.compile("^Text"))
    expect(text).to_have_value(
        re.compile(
            rf"^Kleymenov said “{QUOTE}” \[@\w+\] and “nobody saw this programme coming at all”"
            r" \[unsourced\]\.$"
        )
    )
    page.reload()
    expect(page.locator("[data-brief-body] .unsourced-flag")).to_have_text("unsourced")
    expect(page.locator("[data-brief-notes] li#note-1 .note-status")).to_have_text("exact")
    expect(page.locator("[data-brief-unlinked]")).to_have_count(0)
