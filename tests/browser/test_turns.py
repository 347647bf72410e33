"""Read a transcript one speaker at a time: the SPIEF 2019 plenary (demo collection), filtered
to the moderator's turns and stepped through with "Next turn"."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from corpus.entities import EntityStore, add_entity
from corpus.ingestion import ingest
from corpus.store import Store
from indexer.build import build_index
from indexer.entities import analyse_documents

pytestmark = pytest.mark.browser

SCREENSHOTS = "/tmp"
PLENARY = "kremlin-60707"  # Plenary session of St Petersburg International Economic Forum
OPENING = "Good afternoon, friends and colleagues"  # Putin's words, not the moderator's


@pytest.fixture(scope="module")
def demo_instance(demo_instance: dict[str, Any], shared_data_dir: Path) -> dict[str, Any]:
    """The demo subset plus the plenary, with Putin in the registry, analysed and indexed."""
    home = Path(demo_instance["HOME"])
    plenary = home / "plenary.jsonl"
    with (shared_data_dir / "demo" / "demo.jsonl").open(encoding="utf-8") as demo:
        lines = [line for line in demo if json.loads(line)["id"] == PLENARY]
    assert len(lines) == 1
    plenary.write_text(lines[0], encoding="utf-8")
    with Store.open(demo_instance["DATABASE_URL"]) as store:
        assert not ingest([plenary], store).failed
        entities = EntityStore(store)
        add_entity(entities, "Vladimir Putin", "PERSON", aliases=["President Putin"])
        assert not analyse_documents(store, entities, recogniser=None, procs=1).failed
        build_index(store, demo_instance["INDEX_DIR"], procs=1)
    return demo_instance


def test_read_only_the_moderators_turns_and_follow_next_turn(page: Page, live_server: str) -> None:
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_server}/documents/{PLENARY}")
    speakers = page.locator(".doc-speakers li.speaker")
    expect(speakers.first.locator(".speaker-name")).to_have_text("Vladimir Putin")
    moderator = speakers.filter(has_text="Sophie Shevardnadze")
    moderator.get_by_role("link", name=re.compile(r"Only their turns")).click()

    expect(page).to_have_url(re.compile(r"turns=~person:sophie_shevardnadze"))
    status = page.locator("[data-turn-status]")
    expect(status).to_have_text(re.compile(r"^\d+ turns by Sophie Shevardnadze"))
    total = int(status.inner_text().split()[0])
    assert total >= 10
    chosen = page.locator(".document-text mark.speaker[data-chosen]")
    expect(chosen).to_have_count(total)
    # Only her paragraphs show: Putin's opening speech is hidden, her own words are not.
    expect(page.get_by_text(OPENING, exact=False)).to_be_hidden()
    expect(chosen.first).to_be_visible()

    page.get_by_role("link", name="Next turn ›").click()
    first = chosen.nth(0)
    expect(first).to_have_class(re.compile(r"\bcurrent\b"))
    expect(first).to_be_in_viewport()
    expect(status).to_have_text(f"Turn 1 of {total} by Sophie Shevardnadze")
    y = page.evaluate("window.scrollY")
    page.get_by_role("link", name="Next turn ›").click()
    second = chosen.nth(1)
    expect(second).to_have_class(re.compile(r"\bcurrent\b"))
    expect(first).not_to_have_class(re.compile(r"\bcurrent\b"))
    expect(second).to_be_in_viewport()
    expect(status).to_have_text(f"Turn 2 of {total} by Sophie Shevardnadze")
    assert page.evaluate("window.location.hash") == "#" + str(second.get_attribute("id"))
    assert page.evaluate("window.scrollY") > y
    page.screenshot(path=f"{SCREENSHOTS}/dossier-turns.png")

    page.get_by_role("link", name="Every speaker").first.click()
    expect(page.get_by_text(OPENING, exact=False)).to_be_visible()


def test_from_a_speakers_page_read_what_they_said_in_the_transcript(
    page: Page, live_server: str
) -> None:
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_server}/entities/name?type=PERSON&name=Sophie+Shevardnadze")
    said = page.locator("section.said")
    expect(said.locator("h2")).to_have_text(re.compile(r"^Said \d+ turns in 1 transcript$"))
    expect(page.locator("#passages-title")).to_have_text("Mentioned")
    statements = said.locator("li.statement")
    expect(statements.first.locator("blockquote")).not_to_be_empty()
    said.screenshot(path=f"{SCREENSHOTS}/dossier-said-section.png")
    second = statements.nth(1)
    offset = second.get_attribute("data-offset")
    second.get_by_role("link").click()

    expect(page).to_have_url(re.compile(rf"turns=~person:sophie_shevardnadze#turn-{offset}$"))
    # the page opens on that turn, the second of hers
    expect(page.locator("[data-turn-status]")).to_have_text(
        re.compile(r"^Turn 2 of \d+ by Sophie Shevardnadze")
    )
    expect(page.locator(f"#turn-{offset}")).to_be_in_viewport()
    expect(page.get_by_text(OPENING, exact=False)).to_be_hidden()
    page.screenshot(path=f"{SCREENSHOTS}/dossier-said-turn.png")

    page.goto(f"{live_server}/entities/name?type=PERSON&name=Vladimir+Putin")
    putin = page.locator("section.said")
    expect(putin.locator("h2")).to_have_text(re.compile(r"^Said \d+ turns in \d+ transcripts?$"))


def test_stage_directions_show_in_the_transcript_styled_apart(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/documents/{PLENARY}")
    directions = page.locator(".document-text mark.direction")
    expect(directions.first).to_have_text(re.compile(r"^\((Applause|Laughter)\.\)$"))
    assert directions.count() >= 3
    first = directions.first
    first.scroll_into_view_if_needed()
    expect(first).to_be_visible()
    assert first.evaluate("e => getComputedStyle(e).fontStyle") == "italic"
    assert "not counted" in str(first.get_attribute("title"))
    page.screenshot(path=f"{SCREENSHOTS}/dossier-directions.png")
