"""What an analyst sees of annotations in the pages: the document view's side panel and editor,
the note preview, and the Annotations page with its filters."""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Callable
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag
from json_api import DOC, QUOTE

from corpus.model import DocumentDraft

OTHER = "Vladimir Putin opened the plenary session"


def annotate(api: Any, quote: str = QUOTE, **fields: Any) -> dict[str, Any]:
    start = api.text.index(quote)
    body = {"document_id": DOC, "version": 1, "start": start, "end": start + len(quote)}
    response = api.post("/api/annotations", json={**body, "quote": quote, **fields})
    assert response.status_code == 201, response.get_json()
    found: dict[str, Any] = response.get_json()
    return found


def soup(api: Any, url: str, status: int = 200) -> BeautifulSoup:
    response = api.get(url)
    assert response.status_code == status, response.data[:500]
    return BeautifulSoup(response.data, "html.parser")


def one(node: Tag, selector: str) -> Tag:
    found = node.select_one(selector)
    assert found is not None, selector
    return found


def republish(store: Any, old: str, new: str) -> None:
    current = store.get(DOC)
    names = {f.name for f in dataclasses.fields(DocumentDraft)} - {"text", "origin", "id_from"}
    fields = {name: getattr(current, name) for name in names if hasattr(current, name)}
    origin = current.extra.get("origin", "")
    store.put(DocumentDraft(text=current.text.replace(old, new), origin=origin, **fields))


def test_the_side_panel_lists_annotations_in_text_order_with_notes_rendered_safely(
    api: Any,
) -> None:
    later = annotate(api, note="Peace **zone** <script>alert(1)</script>", tags=["DPRK", "peace"])
    earlier = annotate(api, OTHER, colour="blue", visibility="team")

    page = soup(api, f"/documents/{DOC}")
    items = page.select("[data-annotation-panel] li.annotation-item")
    assert [i["data-annotation-item"] for i in items] == [earlier["id"], later["id"]]
    assert one(page, "[data-annotation-count]").get_text() == "2"
    first, second = items
    link = one(first, "a.annotation-quote")
    assert (link["href"], link.get_text()) == (f"#annotation-{earlier['id']}", OTHER)
    assert first["data-colour"] == "blue"
    assert "team" in one(first, ".annotation-meta").get_text()
    note = one(second, ".annotation-note")
    assert one(note, "strong").get_text() == "zone"
    assert note.find("script") is None
    assert [a.get_text() for a in second.select(".annotation-tags a.tag")] == ["DPRK", "peace"]
    assert one(second, ".annotation-tags a.tag")["href"] == "/annotations?tag=DPRK"
    actions = [b["data-annotation-action"] for b in second.select("[data-annotation-action]")]
    assert actions == ["edit", "delete"]  # exact: nothing to re-attach
    assert page.select(".orphaned-heading") == []
    layer = one(page, "[data-layer='annotation'] [data-layer-count]")
    assert layer.get_text() == "2"


def test_an_annotation_gone_from_a_new_version_is_listed_apart_with_its_quote(
    api: Any, store: Any
) -> None:
    gone = annotate(api, note="Where did it go?")
    kept = annotate(api, OTHER)
    republish(store, "should build a zone of peace in the Far East", "met the delegation")

    page = soup(api, f"/documents/{DOC}")
    assert page.select(f"mark.annotation[data-annotation='{gone['id']}']") == []
    assert page.select(f"mark.annotation[data-annotation='{kept['id']}']")
    assert one(page, ".review-note").get_text().startswith("1 to review")
    orphaned = page.select("ol.orphaned li.annotation-item")
    assert [i["data-annotation-item"] for i in orphaned] == [gone["id"]]
    assert one(orphaned[0], "blockquote.annotation-quote").get_text() == QUOTE
    status = one(orphaned[0], ".annotation-status.orphaned")
    assert one(status, "a")["href"] == f"/documents/{DOC}?version=1#annotation-{gone['id']}"
    actions = [b["data-annotation-action"] for b in orphaned[0].select("[data-annotation-action]")]
    assert actions == ["edit", "reattach", "delete"]

    old = soup(api, f"/documents/{DOC}?version=1")
    assert old.select(f"mark.annotation[data-annotation='{gone['id']}']")  # still there
    assert old.select("ol.orphaned") == []


def test_replies_are_listed_under_their_annotation(api: Any) -> None:
    made = annotate(api)
    api.post(f"/api/annotations/{made['id']}/replies", json={"body": "Check the *Russian*"})
    item = one(soup(api, f"/documents/{DOC}"), f"[data-annotation-item='{made['id']}']")
    assert one(item, "details.replies summary").get_text() == "1 reply"
    assert one(item, ".reply-body em").get_text() == "Russian"
    assert one(item, "form[data-reply-form] textarea")["name"] == "body"


def test_the_hit_count_counts_hits_not_the_passage_a_link_marks(api: Any) -> None:
    start = api.text.index(QUOTE)
    body = {"document_id": DOC, "version": 1, "start": start, "end": start + len(QUOTE)}
    link = api.post("/api/passages", json={**body, "quote": QUOTE}).get_json()
    page = soup(api, f"/documents/{DOC}?q=nuclear&passage={link['id']}")
    assert one(page, "[data-hit-status]").get_text().startswith("2 hits")
    assert one(page, "mark.passage#passage").get_text() == QUOTE


def test_the_editor_offers_every_colour_and_both_visibilities(api: Any) -> None:
    page = soup(api, f"/documents/{DOC}")
    template = page.find("template", id="annotation-editor")
    assert isinstance(template, Tag)
    colours = [i["value"] for i in template.find_all("input", attrs={"name": "colour"})]
    assert colours == ["yellow", "green", "blue", "pink", "purple", "orange"]
    visibility = template.find("select", attrs={"name": "visibility"})
    assert isinstance(visibility, Tag)
    assert [o["value"] for o in visibility.find_all("option")] == ["private", "team"]


def test_the_preview_is_the_sanitized_rendering_of_the_note(api: Any) -> None:
    note = "**Bold** [x](javascript:alert(1)) <img src=x onerror=alert(1)> [e](https://e.org)"
    response = api.post("/annotations/preview", json={"note": note})
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    page = BeautifulSoup(html, "html.parser")
    assert one(page, "strong").get_text() == "Bold"
    assert page.find("img") is None
    assert all(not str(a.get("href", "")).startswith("javascript") for a in page.find_all("a"))
    assert all(not name.startswith("on") for el in page.find_all(True) for name in el.attrs)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"note": "x" * 20_001}, "The note is 20,001 characters long"),
        ({"text": "hello"}, 'Send a JSON object {"note": "..."}'),
        (["note"], 'Send a JSON object {"note": "..."}'),
    ],
)
def test_a_preview_of_a_bad_note_says_what_is_wrong(api: Any, body: Any, message: str) -> None:
    response = api.post("/annotations/preview", json=body)
    assert response.status_code == 400
    assert response.get_data(as_text=True).startswith(message)


def test_the_preview_needs_the_csrf_token(client: Any) -> None:
    assert client.post("/annotations/preview", json={"note": "hi"}).status_code == 400


def test_the_annotations_page_lists_them_with_their_document_and_links_to_each(api: Any) -> None:
    made = annotate(api, note="A *zone*", tags=["peace"])
    page = soup(api, "/annotations")
    assert one(page, ".result-summary").get_text(" ", strip=True).startswith("1 annotation")
    (row,) = page.select("li.annotation-result")
    title = one(row, "h2 a")
    assert title.get_text() == "Plenary session of the Eastern Economic Forum"
    assert title["href"] == f"/documents/{DOC}#annotation-{made['id']}"
    assert one(row, "blockquote.annotation-quote").get_text(strip=True) == QUOTE
    assert one(row, ".annotation-note em").get_text() == "zone"
    assert one(page, ".site-nav a[aria-current=page]").get_text() == "Annotations"
    tags = {a.get_text(): a["href"] for a in page.select(".facet li a")}
    assert tags == {"peace1": "/annotations?tag=peace"}


def test_the_annotations_page_filters_by_tag_words_kind_and_status(api: Any) -> None:
    peace = annotate(api, note="Peace", tags=["peace"])
    opening = annotate(api, OTHER, note="Opening", tags=["protocol"])

    def listed(query: str) -> list[str]:
        page = soup(api, "/annotations?" + query)
        return [str(li["data-annotation-result"]) for li in page.select("li.annotation-result")]

    assert listed("tag=PEACE") == [peace["id"]]
    assert listed("q=opening") == [opening["id"]]
    assert listed("kind=forum&q=peace") == [peace["id"]]
    assert listed("kind=news") == []
    assert listed("status=exact") == [opening["id"], peace["id"]]  # newest first
    assert listed("status=fuzzy&status=orphaned") == []
    review = one(soup(api, "/annotations"), ".facet-footer a")["href"]
    assert review == "/annotations?status=fuzzy&status=orphaned"
    box = one(soup(api, "/annotations?status=exact"), "input[name=status][value=exact]")
    assert box.has_attr("checked")


def test_a_bad_filter_on_the_annotations_page_is_a_400_that_keeps_the_form(api: Any) -> None:
    page = soup(api, "/annotations?from=2026-02-30&q=peace", status=400)
    assert "2026-02-30" in one(page, ".message.error").get_text()
    assert one(page, ".annotation-filters input[name=q]")["value"] == "peace"
    page = soup(api, "/annotations?status=lost", status=400)
    assert "Unknown anchoring status 'lost'" in one(page, ".message.error").get_text()


def test_search_hits_say_how_many_annotations_their_document_has_and_snippets_show_them(
    api: Any,
) -> None:
    annotate(api, note="Peace")
    annotate(api, "zone of peace", colour="green")
    page = soup(api, "/?q=peace")
    hit = one(page, f"li.hit-result[data-id='{DOC}']")
    count = one(hit, ".annotation-count a")
    assert count.get_text() == "2 annotations"
    assert str(count["href"]).endswith("#annotations-title")
    marks = hit.select(".snippet mark.annotation")
    assert {m["data-colour"] for m in marks} == {"yellow", "green"}
    assert all(not m.get("id") for m in marks)  # ids belong to the document view
    others = [li for li in page.select("li.hit-result") if li["data-id"] != DOC]
    assert all(li.select(".annotation-count") == [] for li in others)


def test_on_a_long_document_the_panel_lists_every_annotation_and_links_to_its_part(
    store: Any, make_app: Callable[..., Any]
) -> None:
    paragraphs = [f"Paragraph {n} says that trade grew by {n} percent." for n in range(40)]
    store.put(DocumentDraft(text="\n\n".join(paragraphs), id="long-note", kind="other"))
    client = make_app(DOCUMENT_PART_CHARS=400).test_client()
    page = BeautifulSoup(client.get("/").data, "html.parser")
    token = page.select_one("meta[name=csrf-token]")["content"]  # type: ignore[index]
    client.environ_base["HTTP_X_CSRF_TOKEN"] = token
    text = store.get("long-note").text
    made = {}
    for n in (1, 35):
        quote = paragraphs[n]
        start = text.index(quote)
        body = {"document_id": "long-note", "version": 1, "start": start, "end": start + len(quote)}
        made[n] = client.post("/api/annotations", json={**body, "quote": quote}).get_json()["id"]

    first = soup(client, "/documents/long-note")
    assert one(first, ".part-nav").get_text()  # the document is shown a part at a time
    assert [m["data-annotation"] for m in first.select("mark.annotation")] == [made[1]]
    links = {a["data-annotation-link"]: a["href"] for a in first.select("a[data-annotation-link]")}
    assert links[made[1]] == f"#annotation-{made[1]}"
    later = str(links[made[35]])
    assert later.startswith("/documents/long-note?part=") and later.endswith(
        f"#annotation-{made[35]}"
    )
    there = soup(client, later.split("#")[0])
    assert [m["data-annotation"] for m in there.select("mark.annotation")] == [made[35]]
    assert one(there, f"mark.annotation#annotation-{made[35]}").get_text() == paragraphs[35]


def test_the_annotations_page_downloads_what_its_filters_select_as_csv_or_w3c(api: Any) -> None:
    peace = annotate(api, note='=HYPERLINK("http://x")', tags=["peace"])
    annotate(api, OTHER, note="Opening", tags=["protocol"])
    api.post(f"/api/annotations/{peace['id']}/replies", json={"body": "Agreed"})

    links = one(soup(api, "/annotations?tag=peace&page=1"), "[data-annotation-exports]")
    urls = {a.get_text(): a["href"] for a in links.select("a")}
    assert urls == {
        "CSV": "/annotations/export?format=csv&tag=peace",
        "W3C Web Annotations": "/annotations/export?format=w3c&tag=peace",
    }
    response = api.get(urls["CSV"])
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="dossier-')
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [(r["kind"], r["quote"]) for r in rows] == [("annotation", QUOTE), ("reply", "")]
    assert rows[0]["note"] == '\'=HYPERLINK("http://x")'  # never a formula in a spreadsheet

    collection = api.get(urls["W3C Web Annotations"]).get_json(force=True)
    assert collection["type"] == "AnnotationCollection"
    items = collection["first"]["items"]
    assert [i["type"] for i in items] == ["Annotation", "Annotation"]  # the note, its reply
    assert items[0]["target"]["selector"][0]["exact"] == QUOTE
    everything = api.get("/annotations/export?format=csv").get_data(as_text=True)
    assert len(list(csv.DictReader(io.StringIO(everything)))) == 3


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("format=pdf", 'Unknown format "pdf": use format=csv or format=w3c.'),
        ("from=2026-02-30", "2026-02-30"),
    ],
)
def test_a_bad_download_request_is_a_400_that_names_the_value(
    api: Any, query: str, message: str
) -> None:
    response = api.get("/annotations/export?" + query)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
