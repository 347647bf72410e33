"""A long document is read a part at a time; "Next ›" past a part's last hit opens the part
with the next hit, and "‹ Previous" before its first opens the part with the one before."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

LONG = "fixture-long-report"
ZEBRAS = (16, 19, 75, 78)  # paragraphs with the word: two in part 2, two in part 7


def _text() -> str:
    return "\n\n".join(
        f"Paragraph {n} of the long report on the northern "
        f"{'zebra' if n in ZEBRAS else 'port'} route and its ferries."
        for n in range(100)
    )


@pytest.fixture(scope="module")
def demo_instance(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Replaces the demo instance: one long document, read in parts of 1,000 characters."""
    from corpus.model import DocumentDraft
    from corpus.store import Store
    from indexer.build import build_index

    home: Path = tmp_path_factory.mktemp("long-document")
    config: dict[str, Any] = {
        "TESTING": True,
        "HOME": str(home),
        "DATABASE_URL": f"sqlite:///{home / 'dossier.db'}",
        "INDEX_DIR": str(home / "index"),
        "SECRET_KEY": "browser-test",
        "DEMO_CORPUS": False,
        "DOCUMENT_PART_CHARS": 1_000,
    }
    with Store.open(config["DATABASE_URL"]) as store:
        store.put(DocumentDraft(text=_text(), id=LONG, title="A long report"))
        build_index(store, config["INDEX_DIR"], procs=1)
    return config


def test_next_and_previous_hit_move_across_the_parts_of_a_long_document(
    page: Page, live_server: str
) -> None:
    page.goto(f"{live_server}/documents/{LONG}?q=zebra&part=2")
    expect(page.locator(".part-nav .part-status").first).to_contain_text("Part 2 of 9")
    expect(page.locator("[data-hit-status]")).to_have_text("2 hits for “zebra” in this part")
    page.keyboard.press("n")
    page.keyboard.press("n")
    expect(page.locator("#hit-2")).to_have_class(re.compile(r"\bcurrent\b"))
    expect(page.locator("[data-hit-status]")).to_have_text("Hit 2 of 2 in this part")
    page.get_by_role("link", name="Next ›").click()
    expect(page).to_have_url(re.compile(rf"/documents/{LONG}\?q=zebra&part=7#hit-1$"))
    expect(page.locator("#hit-1")).to_have_class(re.compile(r"\bcurrent\b"))
    expect(page.locator("#hit-1")).to_be_in_viewport()
    page.keyboard.press("p")
    expect(page).to_have_url(re.compile(rf"/documents/{LONG}\?q=zebra&part=2#hit-2$"))
    expect(page.locator("#hit-2")).to_have_class(re.compile(r"\bcurrent\b"))
