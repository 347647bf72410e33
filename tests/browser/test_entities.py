"""Read a document with its entity layer: colours, layer toggles, a tag from a selection, and an
entity link followed to the entity's page."""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from corpus.entities import corrections
from corpus.entities.analyses import replace_mentions
from corpus.entities.store import EntityStore
from corpus.ingestion import ingest
from corpus.store import Store
from indexer.build import build_index
from indexer.entities.alias_matcher import AliasMatcher
from indexer.entities.analysis import analyse_document

pytestmark = pytest.mark.browser

SCREENSHOTS = "/tmp"
ADDRESS = "sotu-2003-GWBush"
# Flags and emoji are two UTF-16 units per code point: offsets must still be exact.
EMOJI_ID = "fixture-emoji-note"
EMOJI_TEXT = (
    "\U0001f1f7\U0001f1fa Saddam Hussein met officials \U0001f600 in Baghdad.\n\n"
    "The United Nations \u2014 \u00e9t\u00e9 \U0001d4d0 \u2014 said Beijing was silent."
)
REGISTRY = [
    ("Saddam Hussein", "PERSON", ["Saddam"]),
    ("Dick Cheney", "PERSON", ["Cheney"]),
    ("Iraq", "LOCATION", []),
    ("United Nations", "ORGANIZATION", ["UN"]),
    ("Congress", "ORGANIZATION", []),
]
TRANSPARENT = "rgba(0, 0, 0, 0)"


@pytest.fixture(scope="module")
def demo_instance(demo_instance: dict[str, Any]) -> dict[str, Any]:
    """The demo subset plus a note with emoji, a registry, and every document analysed."""
    home = Path(demo_instance["HOME"])
    note = home / "emoji.jsonl"
    draft = {"id": EMOJI_ID, "title": "Emoji note", "kind": "other", "text": EMOJI_TEXT}
    note.write_text(json.dumps(draft) + "\n", encoding="utf-8")
    with Store.open(demo_instance["DATABASE_URL"]) as store:
        assert not ingest([note], store).failed
        entity_store = EntityStore(store)
        for name, type, aliases in REGISTRY:
            corrections.add_entity(entity_store, name, type, aliases=aliases)
        registry = entity_store.registry()
        matcher = AliasMatcher(registry.entities, registry.revision)
        for document in store.iter_documents():
            found = analyse_document(document, None, matcher)
            replace_mentions(
                entity_store, document.id, document.version, found.mentions, found.sentences
            )
        build_index(store, demo_instance["INDEX_DIR"], procs=1)
    return demo_instance


def text_of(live_server: str, document_id: str) -> str:
    with urllib.request.urlopen(f"{live_server}/api/documents/{document_id}") as response:
        text: str = json.load(response)["text"]
    return text


def style(page: Page, selector: str, prop: str) -> str:
    value: str = page.locator(selector).first.evaluate(
        "(el, prop) => getComputedStyle(el)[prop]", prop
    )
    return value


def test_entity_colours_toggle_off_and_stay_off_across_pages(page: Page, live_server: str) -> None:
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server}/documents/{ADDRESS}?q=Iraq")
    person = "mark.entity[data-type='PERSON'][data-entity]"
    expect(page.locator(person).first).to_be_visible()
    assert style(page, person, "backgroundColor") != TRANSPARENT
    assert style(page, person, "textDecorationLine") == "underline"
    assert style(page, "mark.hit", "backgroundColor") != TRANSPARENT
    page.screenshot(path=f"{SCREENSHOTS}/dossier-entities-document.png")

    page.locator("label.layer-toggle[data-layer='PERSON']").click()
    expect(page.locator("#layer-PERSON")).not_to_be_checked()
    assert style(page, person, "backgroundColor") == TRANSPARENT
    assert style(page, person, "textDecorationLine") == "none"
    assert style(page, "mark.entity[data-type='LOCATION']", "backgroundColor") != TRANSPARENT
    assert style(page, "mark.hit", "backgroundColor") != TRANSPARENT

    page.reload()
    expect(page.locator("#layer-PERSON")).not_to_be_checked()
    assert style(page, person, "backgroundColor") == TRANSPARENT
    page.locator("label.layer-toggle[data-layer='hit']").click()
    assert style(page, "mark.hit", "backgroundColor") == TRANSPARENT
    page.screenshot(path=f"{SCREENSHOTS}/dossier-entities-layers-off.png")
    page.locator("label.layer-toggle[data-layer='PERSON']").click()
    page.locator("label.layer-toggle[data-layer='hit']").click()
    assert style(page, person, "backgroundColor") != TRANSPARENT


def test_selection_offsets_are_exact_code_points_across_marks_and_paragraphs(
    page: Page, live_server: str, select_words: Callable[..., Any]
) -> None:
    for document_id, first, last in [
        (ADDRESS, "January 28, 2003", "Members of"),
        (EMOJI_ID, "Saddam", "\U0001d4d0 \u2014 said"),
        (EMOJI_ID, "\U0001f600", "Beijing"),
    ]:
        text = text_of(live_server, document_id)
        page.goto(f"{live_server}/documents/{document_id}")
        found = select_words(page, first, last)
        start, end = text.index(first), text.index(last) + len(last)
        assert (found["start"], found["end"]) == (start, end), document_id
        assert found["quote"] == text[start:end]


PARAGRAPH = """(n) => {
  // From the start of a paragraph to the start of the next one, as a triple click selects,
  // or to the end of the text after the last paragraph.
  const text = document.querySelector("[data-document-text]");
  const paragraphs = text.querySelectorAll("p");
  const range = document.createRange();
  range.setStart(paragraphs[n], 0);
  if (n + 1 < paragraphs.length) range.setEnd(paragraphs[n + 1], 0);
  else range.setEnd(text, text.childNodes.length);
  window.getSelection().removeAllRanges();
  window.getSelection().addRange(range);
  return window.dossierSelectionOffsets();
}"""


def test_whole_paragraph_selections_count_from_each_paragraphs_own_offset(
    page: Page, live_server: str
) -> None:
    text = text_of(live_server, EMOJI_ID)
    first, second = text.split("\n\n")
    page.goto(f"{live_server}/documents/{EMOJI_ID}")
    found = page.evaluate(PARAGRAPH, 0)
    assert (found["start"], found["end"], found["quote"]) == (0, len(first), first)
    # Text the page itself adds inside a paragraph cannot shift the paragraphs after it.
    page.evaluate(
        "() => document.querySelector('[data-document-text] p').append(' (added by the page)')"
    )
    found = page.evaluate(PARAGRAPH, 1)
    assert (found["start"], found["end"], found["quote"]) == (len(first) + 2, len(text), second)


def test_tag_a_selected_name_then_follow_an_entity_link_to_its_page(
    page: Page, live_server: str, select_words: Callable[..., Any]
) -> None:
    page.set_viewport_size({"width": 1366, "height": 900})
    text = text_of(live_server, EMOJI_ID)
    page.goto(f"{live_server}/documents/{EMOJI_ID}")
    select_words(page, "Beijing", "Beijing")
    page.locator("[data-document-text]").dispatch_event("mouseup")
    menu = page.get_by_role("menu", name="Selected words")
    expect(menu).to_be_visible()
    expect(page.locator("form.tag-card")).to_have_count(0)  # a selection alone opens no form
    menu.get_by_role("menuitem", name="Tag as entity").click()
    expect(menu).to_have_count(0)
    form = page.locator("form.tag-card")
    expect(form).to_be_visible()
    expect(form.locator("[data-tag-quote]")).to_have_text("Beijing")
    form.get_by_label("Type").select_option("LOCATION")
    page.screenshot(path=f"{SCREENSHOTS}/dossier-entities-tag.png")
    form.get_by_role("button", name="Tag").click()

    expect(page.locator(".flash")).to_have_text("Tagged “Beijing” (Place). Re-analysed 1 document.")
    expect(page).to_have_url(re.compile(f"/documents/{EMOJI_ID}#m-{text.index('Beijing')}$"))
    tagged = page.locator(f"mark.entity#m-{text.index('Beijing')}")
    expect(tagged).to_have_text("Beijing")
    expect(tagged).to_have_attribute("data-source", "analyst")
    expect(tagged).to_have_attribute("data-type", "LOCATION")

    tagged.click()
    card = page.locator(".entity-card")
    expect(card.locator("[data-card-type]")).to_have_text("Place")
    expect(card.get_by_role("button", name="Add")).to_be_visible()
    expect(card.get_by_role("button", name="Not an entity")).to_be_visible()
    expect(card.locator("input[name='next']").first).to_have_value(
        f"/documents/{EMOJI_ID}?at={text.index('Beijing')}"  # back where the reader was
    )
    name_page = card.get_by_role("link", name="Its mentions in every document →")
    expect(name_page).to_have_attribute("href", "/entities/name?type=LOCATION&name=Beijing")
    page.keyboard.press("Escape")
    expect(card).to_have_count(0)

    saddam = page.locator("mark.entity[data-entity]", has_text="Saddam Hussein")
    expect(saddam).to_have_attribute("title", "Saddam Hussein · Person")
    saddam.click()
    expect(page).to_have_url(re.compile(r"/entities/saddam-hussein-[0-9a-f]{6}$"))
    expect(page.locator(".entity-head h1")).to_have_text("Saddam Hussein")
    expect(page.locator("tr.kwic-row").first).to_be_visible()
    page.screenshot(path=f"{SCREENSHOTS}/dossier-entities-page.png", full_page=True)


def test_the_selection_menu_sits_beside_the_words_and_works_from_the_keyboard(
    page: Page, live_server: str, select_words: Callable[..., Any]
) -> None:
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server}/documents/{ADDRESS}")
    found = select_words(page, "our resolve is firm", "our resolve is firm")
    assert found["quote"] == "our resolve is firm"
    menu = page.get_by_role("menu", name="Selected words")
    expect(menu).to_be_visible()  # shown after a selection made by any means
    selected = page.evaluate(
        "() => { const r = window.getSelection().getRangeAt(0).getBoundingClientRect();"
        " return {top: r.top, bottom: r.bottom, left: r.left, right: r.right}; }"
    )
    box = menu.bounding_box()
    assert box is not None
    covers = not (
        box["y"] + box["height"] <= selected["top"]
        or box["y"] >= selected["bottom"]
        or box["x"] + box["width"] <= selected["left"]
        or box["x"] >= selected["right"]
    )
    assert not covers, (box, selected)
    first = menu.get_by_role("menuitem").first
    item = menu.get_by_role("menuitem", name="Tag as entity")
    expect(first).not_to_be_focused()  # copying a quote is undisturbed
    page.screenshot(path=f"{SCREENSHOTS}/dossier-selection-menu.png")

    page.keyboard.press("Shift+F10")
    expect(first).to_be_focused()
    page.keyboard.press("Escape")
    expect(menu).to_have_count(0)

    select_words(page, "our resolve is firm", "our resolve is firm")
    page.keyboard.press("Shift+F10")
    page.keyboard.press("ArrowLeft")  # from the first item round to the last
    expect(item).to_be_focused()
    page.keyboard.press("Enter")
    form = page.locator("form.tag-card")
    expect(form).to_be_visible()
    expect(form.locator("[data-tag-quote]")).to_have_text("our resolve is firm")
    expect(form.get_by_label("Type")).to_be_focused()
    page.keyboard.press("Escape")
    expect(form).to_have_count(0)
