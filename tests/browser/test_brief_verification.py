"""The end of the briefs issue's path, in Chromium on a real SPIEF transcript: search, select a
passage, cite it in a new brief, see the passage marked as cited in its document; then an
edited copy of the speech is re-ingested through the real ingest path (``dossier ingest``'s
``ingest_sources``, with its "verify-briefs" follow-up), and the brief is flagged: first in
the list as needing verification, its changed quote shown with a word diff and its removed
quote as missing; "Verify" clears the flag."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

SPIEF = "kremlin-54667"  # St Petersburg International Economic Forum plenary meeting, 2017
OTHERS = ("kremlin-58537", "kremlin-17976")  # Eastern Economic Forum 2018, Direct Line 2013
CHANGED = ("our Far Eastern regions", "joined the leaders of change")
REMOVED = "a package of proposals to improve the judicial system has already been agreed upon"
Select = Callable[[Page, str, str], dict[str, Any]]


@pytest.fixture(scope="module")
def demo_instance(
    tmp_path_factory: pytest.TempPathFactory, shared_data_dir: Path
) -> dict[str, Any]:
    """This module's instance: the SPIEF transcript and two other Kremlin transcripts."""
    from corpus.ingestion import ingest
    from corpus.store import Store
    from indexer.build import build_index

    home = tmp_path_factory.mktemp("brief-verification")
    wanted = {SPIEF, *OTHERS}
    with (shared_data_dir / "demo" / "demo.jsonl").open(encoding="utf-8") as demo:
        lines = [line for line in demo if json.loads(line)["id"] in wanted]
    (home / "subset.jsonl").write_text("".join(lines), encoding="utf-8")
    config: dict[str, Any] = {
        "TESTING": True,
        "HOME": str(home),
        "DATABASE_URL": f"sqlite:///{home / 'dossier.db'}",
        "INDEX_DIR": str(home / "index"),
        "SECRET_KEY": "browser-test",
        "DEMO_CORPUS": False,
    }
    with Store.open(config["DATABASE_URL"]) as store:
        assert not ingest([home / "subset.jsonl"], store).failed
        build_index(store, config["INDEX_DIR"], procs=1)
    return config


def reingest_edited(config: dict[str, Any], shared_data_dir: Path) -> dict[str, int]:
    """Re-publish the SPIEF transcript with a word inserted into the first cited passage and
    the sentence of the second removed, through ``dossier ingest``'s pipeline."""
    from webapp.config import load_config
    from webapp.pipeline import ingest_sources

    with (shared_data_dir / "demo" / "demo.jsonl").open(encoding="utf-8") as demo:
        record = next(json.loads(line) for line in demo if json.loads(line)["id"] == SPIEF)
    text = record["text"]
    assert "for the first time joined" in text and REMOVED in text
    text = text.replace("for the first time joined", "for the very first time joined")
    record["text"] = text.replace(f"In this regard, I would like to say that {REMOVED}. ", "")
    edited = Path(config["HOME"]) / "spief-corrected.jsonl"
    edited.write_text(json.dumps(record) + "\n", encoding="utf-8")
    run = ingest_sources(load_config(config), [edited], analyse=False)
    assert not run.error, run.error
    verify = run.report("verify-briefs")
    assert verify is not None
    return dict(verify.counts)


def test_a_cited_speech_reingested_edited_flags_the_brief_until_verified(
    page: Page,
    live_server: str,
    select_words: Select,
    demo_instance: dict[str, Any],
    shared_data_dir: Path,
) -> None:
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server}/?q=%22Far+Eastern%22+speaker%3Aputin")
    page.get_by_role(
        "link", name="St Petersburg International Economic Forum plenary meeting"
    ).first.click()
    expect(page).to_have_url(re.compile(rf"/documents/{SPIEF}\b"))

    found = select_words(page, *CHANGED)
    page.locator("[data-document-text]").dispatch_event("mouseup")
    page.get_by_role("menu", name="Selected words").get_by_role(
        "menuitem", name="Cite in brief…"
    ).click()
    card = page.get_by_role("dialog", name="Cite in brief")
    card.get_by_label("New brief").fill("SPIEF 2017: the regions")
    card.get_by_role("button", name="Create and cite").click()
    expect(card).to_contain_text("Cited in SPIEF 2017: the regions")
    card.get_by_role("link", name="Open brief").click()
    expect(page).to_have_url(re.compile(r"/briefs/\w+$"))
    brief_id = page.locator("article.brief").get_attribute("data-brief-id")
    token = page.locator("meta[name=csrf-token]").get_attribute("content") or ""
    second = cite_by_api(page, live_server, token, brief_id or "", REMOVED)
    other = page.request.post(
        f"{live_server}/api/briefs", data={"title": "A newer brief"},
        headers={"X-CSRF-Token": token},
    )  # fmt: skip
    assert other.status == 201, other.text()

    page.goto(f"{live_server}/documents/{SPIEF}")  # the passage is marked as cited
    cited = page.locator(f"mark.cited#cited-{found['start']}-{found['end']}")
    expect(cited).to_have_text(found["quote"])
    expect(page.locator("[data-cited-panel] a[data-brief]").first).to_have_text(
        "SPIEF 2017: the regions"
    )

    counts = reingest_edited(demo_instance, shared_data_dir)
    assert counts == {"queued": 1, "documents": 1, "briefs": 1, "changed": 1, "missing": 1}

    page.goto(f"{live_server}/briefs")
    first = page.locator("li.brief-result").first
    expect(first).to_have_attribute("data-brief", brief_id or "")
    expect(first).to_contain_text("Needs verification")
    first.get_by_role("link").click()
    expect(page.get_by_role("status").first).to_contain_text("A cited source changed")
    note = page.locator("[data-brief-notes] li#note-1")
    expect(note.locator(".note-status")).to_have_text("changed")
    expect(note.locator(".word-diff ins")).to_have_text("very")
    expect(
        page.locator(f"[data-brief-notes] li[data-citation='{second}'] .note-status")
    ).to_have_text("missing")
    expect(page.get_by_role("alert")).to_contain_text("2 quotes changed or missing")
    page.screenshot(path="/tmp/dossier-brief-verification.png", full_page=True)

    page.get_by_role("button", name="Verify").click()
    expect(page.locator(".message.warning")).to_have_count(0)
    expect(note.locator(".note-status")).to_have_text("changed")
    page.goto(f"{live_server}/briefs")
    expect(page.locator("li.brief-result.needs-verification")).to_have_count(0)


def cite_by_api(page: Page, live_server: str, token: str, brief_id: str, quote: str) -> str:
    """Cite ``quote`` of the SPIEF transcript's first version in the brief; its citation id."""
    document = page.request.get(f"{live_server}/api/documents/{SPIEF}").json()
    start = document["text"].index(quote)
    response = page.request.post(
        f"{live_server}/api/briefs/{brief_id}/citations",
        data={"document_id": SPIEF, "version": 1, "start": start, "end": start + len(quote),
              "quote": quote, "append": True},
        headers={"X-CSRF-Token": token},
    )  # fmt: skip
    assert response.status == 201, response.text()
    citation_id: str = response.json()["citation"]["id"]
    return citation_id
