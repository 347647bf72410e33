"""Search -> open a State of the Union address -> read its highlighted hits, hit by hit."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

SCREENSHOTS = "/tmp"


def test_search_nuclear_then_step_through_the_hits_of_a_state_of_the_union(
    page: Page, live_server: str
) -> None:
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(live_server + "/")
    page.get_by_role("searchbox", name="Search the documents").fill("nuclear")
    page.get_by_role("button", name="Search").click()

    results = page.locator("li.hit-result")
    expect(page.locator(".result-summary")).to_contain_text("4 documents")
    expect(results).to_have_count(4)
    expect(results.locator("mark.hit").first).to_have_text(re.compile("nuclear", re.I))
    page.screenshot(path=f"{SCREENSHOTS}/dossier-search.png", full_page=True)

    address = results.filter(has_text="State Of The Union").filter(has_text="2003")
    address.get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"/documents/sotu-2003-GWBush\?q=nuclear"))

    hits = page.locator(".document-text mark.hit")
    expect(hits.first).to_be_visible()
    expect(page.locator("[data-hit-status]")).to_have_text("12 hits for “nuclear”")
    for text in hits.all_inner_texts():
        assert text.lower() == "nuclear"
    assert page.locator(".document-text mark.hit[id^='hit-']").count() == 12

    page.get_by_role("link", name="Next ›").click()
    expect(page.locator("#hit-1")).to_have_class(re.compile(r"\bcurrent\b"))
    expect(page.locator("#hit-1")).to_be_in_viewport()
    first_y = page.evaluate("window.scrollY")
    page.get_by_role("link", name="Next ›").click()
    expect(page.locator("#hit-2")).to_have_class(re.compile(r"\bcurrent\b"))
    expect(page.locator("#hit-1")).not_to_have_class(re.compile(r"\bcurrent\b"))
    expect(page.locator("#hit-2")).to_be_in_viewport()
    expect(page.locator("[data-hit-status]")).to_have_text("Hit 2 of 12")
    assert page.evaluate("window.location.hash") == "#hit-2"
    assert page.evaluate("window.scrollY") > first_y
    page.screenshot(path=f"{SCREENSHOTS}/dossier-document.png")

    page.get_by_role("link", name="‹ Previous").click()
    expect(page.locator("#hit-1")).to_have_class(re.compile(r"\bcurrent\b"))
    page.get_by_role("link", name="← Back to results").click()
    expect(page.locator("#q")).to_have_value("nuclear")
