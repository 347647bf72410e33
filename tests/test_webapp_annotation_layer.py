"""The document view's annotation layer and the passage a passage link opens."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from bs4 import BeautifulSoup
from json_api import DOC, QUOTE, selection

from corpus.model import DocumentDraft


def page(client: Any, url: str) -> BeautifulSoup:
    response = client.get(url, follow_redirects=True)
    assert response.status_code == 200, response.data
    return BeautifulSoup(response.data, "html.parser")


def republish(store: Any, text: str) -> None:
    current = store.get(DOC)
    fields = {f.name: getattr(current, f.name) for f in dataclasses.fields(DocumentDraft)
              if hasattr(current, f.name) and f.name not in ("text", "origin")}  # fmt: skip
    store.put(DocumentDraft(text=text, origin=current.extra.get("origin", ""), **fields))


def test_annotations_are_a_layer_of_the_document_text(api: Any, store: Any) -> None:
    text = store.get(DOC).text
    body = api.post(
        "/api/annotations", json={**selection(text), "note": "Peace **zone**", "colour": "blue"}
    ).get_json()

    soup = page(api, f"/documents/{DOC}")

    marks = soup.select(f"mark.annotation[data-annotation='{body['id']}']")
    assert "".join(m.text for m in marks) == QUOTE
    assert marks[0]["id"] == f"annotation-{body['id']}"
    assert (marks[0]["data-colour"], marks[0]["data-status"]) == ("blue", "exact")
    assert marks[0]["title"] == "Peace **zone**"


def test_a_passage_link_marks_its_words_and_says_when_they_are_gone(api: Any, store: Any) -> None:
    text = store.get(DOC).text
    link = api.post("/api/passages", json=selection(text)).get_json()

    soup = page(api, link["url"])
    assert "".join(m.text for m in soup.select("mark.passage")) == QUOTE
    assert soup.select("mark.passage")[0]["id"] == "passage"
    assert soup.select(".passage-gone") == []

    republish(store, "Vladimir Putin opened the plenary session in Vladivostok.\n\nNothing else.")
    gone = page(api, link["url"])
    assert gone.select("mark.passage") == []
    (notice,) = gone.select(".passage-gone")
    assert notice.select_one(".passage-quote").text == QUOTE  # type: ignore[union-attr]
    assert "version=1" in notice.select_one("a")["href"]  # type: ignore[index]
    original = page(api, link["url"] + "?version=original")
    assert "".join(m.text for m in original.select("mark.passage")) == QUOTE


def test_a_passage_link_opens_the_part_of_a_long_document_that_holds_it(
    store: Any, make_app: Callable[..., Any]
) -> None:
    paragraphs = [f"Paragraph {n} says something about topic {n}." for n in range(200)]
    store.put(DocumentDraft(text="\n\n".join(paragraphs), id="long-1", origin="long-1"))
    app = make_app(DOCUMENT_PART_CHARS=1_000)
    client = app.test_client()
    page_ = BeautifulSoup(client.get("/").data, "html.parser")
    client.environ_base["HTTP_X_CSRF_TOKEN"] = page_.select_one("meta[name=csrf-token]")["content"]  # type: ignore[index]
    text = store.get("long-1").text
    quote = "Paragraph 150 says something"
    start = text.index(quote)
    link = client.post(
        "/api/passages",
        json={"document_id": "long-1", "version": 1, "start": start, "end": start + len(quote),
              "quote": quote},
    ).get_json()  # fmt: skip

    soup = page(client, link["url"])

    assert "".join(m.text for m in soup.select("mark.passage")) == quote
