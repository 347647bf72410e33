"""Exporting a search's results as CSV or JSON Lines, from the search page's link."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable
from typing import Any

from bs4 import BeautifulSoup

from corpus.model import DocumentDraft, PartialDate


def test_the_search_page_links_to_both_exports_of_the_same_search(client: Any) -> None:
    page = BeautifulSoup(
        client.get("/?q=talks&kind=forum&page=1").get_data(as_text=True), "html.parser"
    )
    links = [a["href"] for a in page.select(".result-summary .export a")]
    assert links == ["/export.csv?q=talks&kind=forum", "/export.jsonl?q=talks&kind=forum"]


def test_jsonl_has_one_line_per_document_in_the_pages_order(client: Any) -> None:
    response = client.get("/export.jsonl?q=Pyongyang&sort=newest")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="dossier-results.jsonl"'
    rows = [json.loads(line) for line in response.get_data(as_text=True).splitlines()]
    assert [r["id"] for r in rows] == [
        "fixture-eastern-forum-2019",
        "tass-report",
        "fixture-un-statement-2017",
    ]
    forum = rows[0]
    assert (forum["date"], forum["kind"], forum["speaker"]) == (
        "2019-09-05",
        "forum",
        "Vladimir Putin",
    )
    assert forum["link"] == "http://localhost/documents/fixture-eastern-forum-2019"
    assert forum["url"].startswith("https://")
    assert any("[Pyongyang]" in s for s in forum["snippets"])


def test_csv_has_a_header_and_the_same_rows(client: Any) -> None:
    text = client.get("/export.csv?q=Pyongyang&sort=newest").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["id"] for r in rows] == [
        "fixture-eastern-forum-2019",
        "tass-report",
        "fixture-un-statement-2017",
    ]
    assert "[Pyongyang]" in rows[0]["snippets"]


def test_a_cell_a_spreadsheet_would_run_is_made_inert(
    store: Any, make_app: Callable[..., Any], catch_up: Callable[[], Any]
) -> None:
    store.put(
        DocumentDraft(
            text="Embargo talks resumed.",
            id="formula",
            title='=HYPERLINK("http://evil.example","click")',
            speaker="@SUM(A1)",
            date=PartialDate(dt.date(2020, 1, 2)),
        )
    )
    catch_up()
    text = make_app().test_client().get("/export.csv?q=embargo").get_data(as_text=True)
    (row,) = csv.DictReader(io.StringIO(text))
    assert row["title"] == '\'=HYPERLINK("http://evil.example","click")'
    assert row["speaker"] == "'@SUM(A1)"


def test_a_bad_query_or_format_is_a_clear_error(client: Any) -> None:
    assert client.get("/export.csv?q=%22unclosed&page=x").status_code == 400
    missing = client.get("/export.xlsx?q=talks")
    assert missing.status_code == 404
    assert "use export.csv or export.jsonl" in missing.get_data(as_text=True)
