"""Annotate a Kremlin transcript as an analyst would: search, select a sentence, note and tag it,
see it highlighted and listed after a reload, link and cite the passage, edit the note, find it
again on the Annotations page; the selection menu and the editor from the keyboard; an
annotation orphaned by a new version, re-attached to new words."""

from __future__ import annotations

import dataclasses
import gzip
import json
import re
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Dialog, Locator, Page, expect

from corpus.entities import corrections
from corpus.entities.analyses import replace_mentions
from corpus.entities.store import EntityStore
from corpus.ingestion import ingest
from corpus.model import DocumentDraft
from corpus.store import Store
from indexer.build import build_index
from indexer.entities.alias_matcher import AliasMatcher
from indexer.entities.analysis import analyse_document

pytestmark = pytest.mark.browser

SCREENSHOTS = "/tmp"
UGANDA = "kremlin-17113"  # Meeting with President of Uganda Yoweri Museveni
HUNGARY = "kremlin-17400"  # Meeting with Prime Minister of Hungary Viktor Orban
SOCHI = "kremlin-17093"  # Meeting on preparations for 2014 Winter Olympics in Sochi
KREMLIN = (UGANDA, HUNGARY, SOCHI)
SENTENCE = (
    "I am very pleased that, due in part to your personal efforts, "
    "our trade turnover increased 12-fold last year."
)
# A paragraph of the Sochi transcript that a later version drops.
PARAGRAPH = (
    "A combined 48-kilometre railway and road project will be put into operation in April 2013."
)
REGISTRY = [("Vladimir Putin", "PERSON", ["Putin"]), ("Uganda", "LOCATION", [])]
Select = Callable[[Page, str, str], dict[str, Any]]


@pytest.fixture(scope="module")
def demo_instance(demo_instance: dict[str, Any], shared_data_dir: Path) -> dict[str, Any]:
    """The demo subset plus three Kremlin transcripts read from the bench collection (never
    copied into the repository), with a small registry's names marked."""
    home = Path(demo_instance["HOME"])
    wanted = home / "kremlin.jsonl"
    with gzip.open(shared_data_dir / "bench" / "kremlin.jsonl.gz", "rt", encoding="utf-8") as f:
        lines = [line for line in f if json.loads(line)["id"] in KREMLIN]
    assert len(lines) == len(KREMLIN)
    wanted.write_text("".join(lines), encoding="utf-8")
    with Store.open(demo_instance["DATABASE_URL"]) as store:
        assert not ingest([wanted], store).failed
        entity_store = EntityStore(store)
        for name, type, aliases in REGISTRY:
            corrections.add_entity(entity_store, name, type, aliases=aliases)
        registry = entity_store.registry()
        matcher = AliasMatcher(registry.entities, registry.revision)
        for id in KREMLIN:
            document = store.get(id)
            found = analyse_document(document, None, matcher)
            replace_mentions(entity_store, id, document.version, found.mentions, found.sentences)
        build_index(store, demo_instance["INDEX_DIR"], procs=1)
    return demo_instance


@pytest.fixture
def context(context: BrowserContext) -> BrowserContext:
    """A browser that lets the page write to the clipboard, as a reader's would on a click."""
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    return context


def field(scope: Locator, name: str) -> Locator:
    """The editor's text field whose label starts with ``name`` ("Note", "Tags")."""
    return scope.get_by_label(re.compile(f"^{name}"))


def annotated(page: Page, colour: str | None = None) -> str:
    """The text of the annotation highlights on the page (pieces joined)."""
    selector = "[data-document-text] mark.annotation"
    if colour:
        selector += f"[data-colour='{colour}']"
    return "".join(page.locator(selector).all_inner_texts())


def choose(page: Page, select_words: Select, first: str, last: str, item: str) -> None:
    """Select the words from ``first`` to ``last`` and choose ``item`` in the selection menu."""
    select_words(page, first, last)
    page.locator("[data-document-text]").dispatch_event("mouseup")
    page.get_by_role("menu", name="Selected words").get_by_role("menuitem", name=item).click()


def test_annotate_a_transcript_then_find_link_cite_and_edit_it(
    page: Page, live_server: str, select_words: Select
) -> None:
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(live_server + "/")
    page.get_by_role("searchbox", name="Search the documents").fill('"trade turnover" Uganda')
    page.get_by_role("button", name="Search").click()
    page.locator("li.hit-result", has_text="Uganda").get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(rf"/documents/{UGANDA}\?q="))

    found = select_words(page, "I am very pleased", "12-fold last year.")
    assert found["quote"] == SENTENCE
    page.locator("[data-document-text]").dispatch_event("mouseup")
    page.get_by_role("menuitem", name="Annotate").click()
    editor = page.get_by_role("form", name="Annotation")
    expect(field(editor, "Note")).to_be_focused()
    field(editor, "Note").fill("First **public** figure for trade growth")
    expect(editor.locator("[data-note-preview] strong")).to_have_text("public")
    field(editor, "Tags").fill("trade, Africa")
    editor.locator("label.colour-option", has_text="Green").click()
    editor.get_by_label("Visible to").select_option("team")
    page.screenshot(path=f"{SCREENSHOTS}/dossier-annotate.png")
    editor.get_by_role("button", name="Save").click()

    expect(editor).to_have_count(0)
    expect(page.locator("mark.annotation[data-colour='green']").first).to_be_visible()
    assert annotated(page, "green") == SENTENCE
    panel = page.locator("[data-annotation-panel]")
    item = panel.locator("li.annotation-item")
    expect(item).to_have_count(1)
    expect(item.locator(".annotation-note strong")).to_have_text("public")
    expect(item.locator(".annotation-tags .tag")).to_have_text(["trade", "Africa"])
    expect(page.locator("[data-layer='annotation'] [data-layer-count]")).to_have_text("1")
    expect(page.locator("[data-document-text] mark.hit").first).to_be_visible()  # hits stay

    page.reload()
    assert annotated(page, "green") == SENTENCE
    expect(item.locator(".annotation-quote")).to_have_text(SENTENCE)
    item.locator(".annotation-quote").click()
    expect(page.locator("mark.annotation.current").first).to_be_in_viewport()
    page.screenshot(path=f"{SCREENSHOTS}/dossier-annotated.png")

    choose(page, select_words, "our trade turnover", "12-fold", "Copy link")
    copied = page.locator("[data-copied]")
    expect(copied).to_have_value(re.compile(rf"^{re.escape(live_server)}/passages/\w+$"))
    link = copied.input_value()
    assert page.evaluate("navigator.clipboard.readText()") == link
    page.keyboard.press("Escape")
    choose(page, select_words, "our trade turnover", "12-fold", "Copy citation")
    expect(copied).to_have_value(
        "Vladimir Putin, “Meeting with President of Uganda Yoweri Museveni”, President of Russia "
        f"website (en.kremlin.ru), 11 December 2012. {link}"
    )

    page.goto(link)
    expect(page).to_have_url(re.compile(rf"/documents/{UGANDA}\?passage=\w+#passage$"))
    passage = page.locator("mark.passage#passage")
    expect(passage).to_have_text("our trade turnover increased 12-fold")
    expect(passage).to_be_in_viewport()
    assert annotated(page, "green") == SENTENCE  # the annotation and the passage, layered

    item.get_by_role("button", name=re.compile("^Edit")).click()
    panel_editor = item.get_by_role("form", name="Annotation")
    expect(field(panel_editor, "Note")).to_have_value("First **public** figure for trade growth")
    field(panel_editor, "Note").fill("Trade grew *twelve-fold* in 2011")
    panel_editor.get_by_role("button", name="Save").click()
    expect(item.locator(".annotation-note em")).to_have_text("twelve-fold")
    expect(item.get_by_role("button", name=re.compile("^Edit"))).to_be_focused()

    item.locator("details.replies summary").click()
    item.get_by_label(re.compile("^Reply to")).fill("Check the **Russian** text")
    item.locator("form[data-reply-form] button[type='submit']").click()
    expect(item.locator(".reply-body strong")).to_have_text("Russian")

    page.get_by_role("link", name="Annotations", exact=True).click()
    page.get_by_label("Tag", exact=True).fill("africa")
    page.get_by_label("Words in the note or the quote").fill("twelve")
    page.get_by_role("button", name="Filter").click()
    results = page.locator("li.annotation-result")
    expect(results).to_have_count(1)
    expect(results.locator(".annotation-note em")).to_have_text("twelve-fold")
    page.screenshot(path=f"{SCREENSHOTS}/dossier-annotations-page.png", full_page=True)
    results.get_by_role("link", name="Meeting with President of Uganda Yoweri Museveni").click()
    expect(page).to_have_url(re.compile(rf"/documents/{UGANDA}#annotation-\w+$"))
    expect(page.locator("mark.annotation.current").first).to_be_in_viewport()

    page.get_by_role("searchbox", name="Search the documents").fill("note:twelve tag:africa")
    page.get_by_role("searchbox", name="Search the documents").press("Enter")
    hit = page.locator("li.hit-result")
    expect(hit).to_have_count(1)
    expect(hit.locator(".annotation-count")).to_have_text("1 annotation")


def test_overlapping_annotations_nest_and_each_stays_visible(
    page: Page, live_server: str, select_words: Select
) -> None:
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server}/documents/{HUNGARY}")
    choose(page, select_words, "Without a doubt", "Central Europe,", "Annotate")
    editor = page.get_by_role("form", name="Annotation")
    editor.locator("label.colour-option", has_text="Blue").click()
    editor.get_by_role("button", name="Save").click()
    expect(editor).to_have_count(0)
    expect(page.locator("mark.annotation[data-colour='blue']").first).to_be_visible()
    choose(page, select_words, "priority partner", "developing in almost all areas", "Annotate")
    editor.locator("label.colour-option", has_text="Pink").click()
    editor.get_by_role("button", name="Save").click()
    expect(page.locator("mark.annotation[data-colour='pink']").first).to_be_visible()

    inner = page.locator("mark.annotation[data-colour='blue'] mark.annotation[data-colour='pink']")
    outer = page.locator("mark.annotation[data-colour='blue']").first
    expect(inner).to_have_text("priority partner in Central Europe,")
    pad = "el => parseFloat(getComputedStyle(el).paddingBottom)"
    assert inner.evaluate(pad) < outer.evaluate(pad)  # the inner line sits above the outer one
    page.screenshot(path=f"{SCREENSHOTS}/dossier-annotations-nested.png")

    pink = page.locator("li.annotation-item[data-colour='pink']")
    delete = pink.get_by_role("button", name=re.compile("Delete the annotation"))
    delete.click()
    expect(delete).to_have_text("Delete? Click again")  # nothing is deleted on one click
    delete.click()
    expect(pink).to_have_count(0)
    expect(page.locator("mark.annotation[data-colour='pink']")).to_have_count(0)
    expect(page.locator("#annotations-title")).to_be_focused()


def test_the_selection_menu_and_the_editor_work_from_the_keyboard(
    page: Page, live_server: str, select_words: Select
) -> None:
    page.goto(f"{live_server}/documents/{HUNGARY}")
    select_words(page, "Russia plays an important role", "energy supply.")
    menu = page.get_by_role("menu", name="Selected words")
    expect(menu).to_be_visible()
    page.keyboard.press("Shift+F10")
    annotate = menu.get_by_role("menuitem", name="Annotate")
    expect(annotate).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(menu.get_by_role("menuitem", name="Copy link")).to_be_focused()
    page.keyboard.press("End")
    expect(menu.get_by_role("menuitem", name="Tag as entity")).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(annotate).to_be_focused()  # the arrows wrap around
    page.keyboard.press("Enter")

    editor = page.get_by_role("form", name="Annotation")
    expect(field(editor, "Note")).to_be_focused()
    page.keyboard.type("Energy dependence")
    page.keyboard.press("Tab")
    expect(field(editor, "Tags")).to_be_focused()
    page.keyboard.type("energy")
    page.keyboard.press("Control+Enter")
    item = page.locator("li.annotation-item", has_text="Energy dependence")
    expect(item.locator("[data-annotation-link]")).to_be_focused()
    assert "Russia plays an important role" in annotated(page)
    expect(page.locator("[data-announce]")).to_have_text("Annotation saved.")

    page.keyboard.press("Enter")  # follows the focused link to the highlight
    expect(page.locator("mark.annotation.current").first).to_be_in_viewport()

    select_words(page, "Our respective levels", "approximately equal")
    page.keyboard.press("Shift+F10")
    expect(annotate).to_be_focused()
    page.keyboard.press("Escape")
    expect(menu).to_have_count(0)


def test_a_passage_is_selected_and_annotated_with_the_keyboard_only(
    page: Page, live_server: str
) -> None:
    """No mouse and no caret browsing: Tab to the text, Down to a sentence, Shift+Down to add
    the next one, Enter for the menu, Enter on Annotate, type, Ctrl+Enter."""
    first = "However, these investments have not increased"
    last = "This is also one of our discussion topics today."
    page.goto(f"{live_server}/documents/{HUNGARY}")
    text = page.get_by_role("region", name="Document text")
    for _ in range(100):
        if text.evaluate("(el) => el === document.activeElement"):
            break
        page.keyboard.press("Tab")
    expect(text).to_be_focused()
    expect(text).to_have_accessible_description(re.compile("Select with the keys"))
    expect(page.locator("#text-keys")).to_be_visible()

    def selected() -> str:
        return str(page.evaluate("() => window.getSelection().toString().trim()"))

    for _ in range(40):
        page.keyboard.press("ArrowDown")
        if selected().startswith(first):
            break
    assert selected() == f"{first} or have increased only very slowly over the past three years."
    expect(page.locator("[data-announce]")).to_have_text(re.compile(f"^Sentence: {first}"))
    page.keyboard.press("Shift+ArrowDown")
    page.keyboard.press("Shift+ArrowDown")
    page.keyboard.press("Shift+ArrowUp")  # one back
    assert selected().startswith(first) and selected().endswith(last)
    expect(page.locator("[data-announce]")).to_have_text(re.compile("^2 sentences: However"))

    page.keyboard.press("Enter")
    menu = page.get_by_role("menu", name="Selected words")
    expect(menu.get_by_role("menuitem", name="Annotate")).to_be_focused()
    page.keyboard.press("Enter")
    editor = page.get_by_role("form", name="Annotation")
    expect(field(editor, "Note")).to_be_focused()
    page.keyboard.type("Investment has stalled")
    page.keyboard.press("Control+Enter")
    item = page.locator("li.annotation-item", has_text="Investment has stalled")
    expect(item).to_have_count(1)
    expect(item.locator("[data-annotation-link]")).to_be_focused()
    highlighted = " ".join(annotated(page).split())
    assert f"{first} or have increased only very slowly over the past three years. {last}" in (
        highlighted
    )

    page.locator("[data-document-text] p").first.click()  # a reader who clicks, then scrolls
    page.keyboard.press("ArrowDown")
    assert selected() == ""
    expect(page.locator("#text-keys")).to_be_hidden()


def republish(database_url: str, document_id: str, old: str, new: str) -> None:
    """Store a new version of a document with ``old`` replaced by ``new``, from the same
    source, as a re-ingest of an edited transcript would."""
    with Store.open(database_url) as store:
        current = store.get(document_id)
        assert old in current.text
        names = {f.name for f in dataclasses.fields(DocumentDraft)} - {"text", "origin", "id_from"}
        fields = {name: getattr(current, name) for name in names if hasattr(current, name)}
        origin = current.extra.get("origin", "")
        store.put(DocumentDraft(text=current.text.replace(old, new), origin=origin, **fields))


def test_an_annotation_a_new_version_orphans_is_listed_and_re_attached(
    page: Page, live_server: str, select_words: Select, demo_instance: dict[str, Any]
) -> None:
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server}/documents/{SOCHI}")
    choose(page, select_words, "A combined", "into operation", "Annotate")
    field(page.get_by_role("form", name="Annotation"), "Note").fill("Opening date")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("li.annotation-item")).to_have_count(1)

    withdrawn = "The railway will open later than planned."
    republish(demo_instance["DATABASE_URL"], SOCHI, PARAGRAPH, withdrawn)
    page.reload()
    item = page.locator("li.annotation-item[data-status='orphaned']")
    expect(item).to_have_count(1)
    expect(page.locator("h3.orphaned-heading")).to_have_text("Not found in this version")
    expect(item.locator("blockquote.annotation-quote")).to_have_text(
        "A combined 48-kilometre railway and road project will be put into operation"
    )
    expect(item.get_by_role("link", name="see it in version 1")).to_be_visible()
    expect(page.locator("[data-document-text] mark.annotation")).to_have_count(0)
    page.screenshot(path=f"{SCREENSHOTS}/dossier-annotation-orphaned.png")

    item.get_by_role("button", name=re.compile("^Re-attach")).click()
    choose(page, select_words, "The railway will open", "than planned.", "Re-attach here")
    placed = page.locator("li.annotation-item[data-status='exact']")
    expect(placed).to_have_count(1)
    expect(placed.locator(".annotation-note")).to_have_text("Opening date")
    assert annotated(page) == withdrawn


def test_a_selection_that_stops_inside_a_word_takes_the_whole_word(
    page: Page, live_server: str, select_words: Select
) -> None:
    with urllib.request.urlopen(f"{live_server}/api/documents/{HUNGARY}") as response:
        text = json.load(response)["text"]
    page.goto(f"{live_server}/documents/{HUNGARY}")
    found = select_words(page, "ussia plays an imp", "energy sup")  # a drag a little short
    whole = "Russia plays an important role"
    assert found["quote"].startswith(whole) and found["quote"].endswith("energy supply")
    assert (found["start"], found["end"]) == (
        text.index(whole),
        text.index("energy supply", text.index(whole)) + len("energy supply"),
    )
    page.locator("[data-document-text]").dispatch_event("mouseup")
    page.get_by_role("menuitem", name="Annotate").click()
    quote = page.get_by_role("form", name="Annotation").locator("[data-editor-quote]")
    expect(quote).to_have_text(re.compile(r"^“Russia plays an important role.*energy supply”$"))


def test_a_written_note_is_not_lost_to_one_escape_or_a_page_change(
    page: Page, live_server: str, select_words: Select
) -> None:
    page.goto(f"{live_server}/documents/{HUNGARY}")
    choose(page, select_words, "Our respective levels", "approximately equal", "Annotate")
    editor = page.get_by_role("form", name="Annotation")
    field(editor, "Note").fill("Half an hour of thought")
    page.keyboard.press("Escape")
    expect(editor).to_have_count(1)  # one Escape only asks
    expect(editor.locator("[data-editor-error]")).to_contain_text("Discard your changes?")
    expect(field(editor, "Note")).to_have_value("Half an hour of thought")
    page.keyboard.type(" and more")  # typing again puts the question away
    expect(editor.locator("[data-editor-error]")).to_be_hidden()
    editor.get_by_role("button", name="Close").click()
    expect(editor).to_have_count(1)  # the close button asks as well
    expect(editor.locator("[data-editor-error]")).to_contain_text("Discard your changes?")

    dialogs: list[str] = []

    def stay(dialog: Dialog) -> None:
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.once("dialog", stay)
    page.evaluate("window.location.href = '/annotations'")  # leaving asks, and stays
    expect(field(editor, "Note")).to_have_value("Half an hour of thought and more")
    assert dialogs == ["beforeunload"]

    editor.get_by_role("button", name="Cancel").click()  # the second press discards
    expect(editor).to_have_count(0)
    expect(page.locator("li.annotation-item", has_text="Half an hour")).to_have_count(0)
