"""A correction at collection scale in the browser: adding a name that five documents hold asks
first (CONFIRM_DOCUMENTS is 2 here), and once applied the page counts the documents as a
worker re-analyses them ("n of N"), then offers to reload."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from corpus.entities.store import EntityStore
from corpus.jobs import QueuePolicy
from corpus.store import Store
from indexer.entities.reanalysis import drain

pytestmark = pytest.mark.browser

SCREENSHOTS = "/tmp"
ADDRESS = "sotu-1987-Reagan"


@pytest.fixture(scope="module")
def demo_instance(demo_instance: dict[str, Any]) -> dict[str, Any]:
    """The demo subset; corrections of more than 2 documents ask, and re-analysis waits in the
    queue until the test drains it."""
    return {**demo_instance, "CONFIRM_DOCUMENTS": 2, "REANALYSIS": "queue"}


def drain_some(instance: dict[str, Any], document_ids: list[str] | None) -> None:
    """What a worker does: re-analyse and re-index queued documents (these, or all)."""
    with Store.open(instance["DATABASE_URL"]) as store:
        drain(
            store,
            EntityStore(store),
            Path(instance["INDEX_DIR"]),
            None,
            worker="test",
            policy=QueuePolicy(),
            document_ids=document_ids,
        )


def test_a_large_correction_asks_then_counts_its_documents_as_they_are_done(
    page: Page, live_server: str, demo_instance: dict[str, Any]
) -> None:
    page.goto(f"{live_server}/entities")
    form = page.locator("form", has=page.get_by_role("button", name="Add to the registry"))
    form.get_by_label("Name").fill("Congress")
    form.get_by_label("Type").select_option("ORGANIZATION")
    form.get_by_role("button", name="Add to the registry").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Re-analyse 5 documents?")
    expect(page.locator(".confirm-fields dd")).to_have_text(["Congress", "Organisation"])
    page.screenshot(path=f"{SCREENSHOTS}/dossier-correction-confirm.png")
    page.get_by_role("button", name="Apply to 5 documents").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Congress")
    expect(page.locator(".flash")).to_contain_text("Queued 5 documents for re-analysis")
    counted = page.locator("[data-reanalysis-progress]")
    expect(counted).to_have_text("0 of 5 documents re-analysed")
    drain_some(demo_instance, [ADDRESS])
    done_one = re.compile(r"^1 of 5 documents re-analysed, about \d+ (s|min) left$")
    expect(counted).to_have_text(done_one)  # the page polls the API
    expect(page.locator(".reanalysis-pending progress")).to_have_attribute("value", "1")
    drain_some(demo_instance, None)
    expect(page.get_by_role("button", name="Reload to see the changes")).to_be_visible()
    expect(page.locator(".reanalysis-pending p").first).to_have_text(
        "Re-analysis after the correction is done."
    )
    page.screenshot(path=f"{SCREENSHOTS}/dossier-correction-progress.png")
    page.get_by_role("button", name="Reload to see the changes").click()
    expect(page.locator(".reanalysis-pending")).to_have_count(0)
