"""The search page and the document view, through the test client, parsed with BeautifulSoup."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag

from corpus.model import DocumentDraft, PartialDate

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def soup_of(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def one(node: Tag, selector: str) -> Tag:
    """The one element ``selector`` finds under ``node`` (fails the test if there is none)."""
    found = node.select_one(selector)
    assert found is not None, selector
    return found


def menu_actions(page: BeautifulSoup) -> list[str]:
    """The actions of the selection menu's items (in a <template>, which CSS selectors skip)."""
    template = page.find("template", id="selection-menu")
    assert isinstance(template, Tag)
    return [str(i["data-selection-action"]) for i in template.find_all(role="menuitem")]


def facet(page: BeautifulSoup, title: str) -> dict[str, int]:
    section = page.find("section", attrs={"data-facet": title})
    assert isinstance(section, Tag), title
    return {
        one(a, ".facet-value").get_text(): int(one(a, ".count").get_text())
        for a in section.select("li a")
    }


def test_front_page_counts_the_collection_offers_its_facets_and_explains_the_syntax(
    client: Any,
) -> None:
    page = soup_of(client.get("/"))
    assert one(page, ".empty-state h1").get_text() == "Search 7 documents"
    assert facet(page, "Kind") == {"forum": 2, "news": 2, "other": 2, "speech": 1}
    assert page.select("table.syntax")
    assert one(page, "input#q")["value"] == ""


def test_search_lists_each_hit_with_its_metadata_and_the_total(client: Any) -> None:
    response = client.get("/?q=Pyongyang")
    page = soup_of(response)
    assert response.status_code == 200
    assert one(page, ".result-summary")["data-total"] == "3"
    ids = [li["data-id"] for li in page.select("li.hit-result")]
    assert sorted(ids) == ["fixture-eastern-forum-2019", "fixture-un-statement-2017", "tass-report"]
    un = one(page, 'li.hit-result[data-id="fixture-un-statement-2017"]')
    assert one(un, "h2 a").get_text() == "Statement in the General Debate"
    assert one(un, ".kind").get_text() == "speech"
    assert one(un, ".date time").get_text() == "September 2017"
    assert one(un, ".date time")["datetime"] == "2017-09"
    assert one(un, ".speaker").get_text() == "Sergey Lavrov"
    assert one(un, ".source").get_text() == "Fixture UN Records"
    assert one(page, "input#q")["value"] == "Pyongyang"


def test_facets_count_the_whole_result_set(client: Any) -> None:
    page = soup_of(client.get("/?q=talks"))
    assert facet(page, "Kind") == {"news": 2, "forum": 1, "other": 1}
    assert facet(page, "Year") == {"2019": 1, "2018": 2}


def test_snippets_mark_exactly_the_matched_words(client: Any) -> None:
    page = soup_of(client.get("/?q=nuclear"))
    marks = page.select("li.hit-result .snippet mark.hit")
    assert [m.get_text() for m in marks] == ["nuclear", "nuclear"]


def test_a_snippet_links_to_its_passage_through_the_hit_it_starts_at(client: Any) -> None:
    page = soup_of(client.get("/?q=talks&kind=forum"))
    (link,) = page.select("li.hit-result a.snippet-link")
    response = client.get(link["href"])
    assert response.status_code == 302
    assert response.location == (
        "/documents/fixture-eastern-forum-2019?q=talks&kind=forum&version=1#hit-1"
    )
    after_the_last_hit = client.get("/documents/fixture-eastern-forum-2019?q=talks&at=100000")
    assert after_the_last_hit.location == "/documents/fixture-eastern-forum-2019?q=talks#hit-1"


def test_a_snippet_found_in_an_older_version_shows_and_links_to_that_version(
    store: Any, make_app: Callable[..., Any]
) -> None:
    client = make_app().test_client()
    old = store.get("fixture-no-date")
    store.put(DocumentDraft(text="Background: talks resumed.", id=old.id, id_from="given"))

    page = soup_of(client.get("/?q=stalled"))  # the index has not caught up with version 2

    (snippet,) = page.select("li.hit-result .snippet")
    assert [m.get_text() for m in snippet.select("mark.hit")] == ["stalled"]
    response = client.get(one(snippet, "a.snippet-link")["href"])
    assert response.location == "/documents/fixture-no-date?q=stalled&version=1#hit-1"
    shown = soup_of(client.get(response.location))
    assert one(shown, ".document-text").get_text() == old.text
    assert [m.get_text() for m in shown.select(".document-text mark.hit")] == ["stalled"]


def test_a_facet_link_filters_and_the_selected_value_links_back(client: Any) -> None:
    page = soup_of(client.get("/?q=Pyongyang"))
    speech = next(a for a in page.select('[data-facet="Kind"] li a') if "speech" in a.get_text())
    filtered = soup_of(client.get(speech["href"]))
    assert [li["data-id"] for li in filtered.select("li.hit-result")] == [
        "fixture-un-statement-2017"
    ]
    selected = one(filtered, '[data-facet="Kind"] a.selected')
    assert one(selected, ".facet-value").get_text() == "speech"
    assert [c.get_text() for c in filtered.select(".active-filters a")] == ["kind: speech"]
    unfiltered = soup_of(client.get(selected["href"]))
    assert one(unfiltered, ".result-summary")["data-total"] == "3"


def test_year_facet_filters_on_that_year(client: Any) -> None:
    page = soup_of(client.get("/?q=talks"))
    year = next(a for a in page.select('[data-facet="Year"] li a') if "2019" in a.get_text())
    filtered = soup_of(client.get(year["href"]))
    assert [li["data-id"] for li in filtered.select("li.hit-result")] == [
        "fixture-eastern-forum-2019"
    ]


def test_newest_and_oldest_sort_by_date_with_unknown_dates_last(client: Any) -> None:
    newest = soup_of(client.get("/?q=negotiations&sort=newest"))
    oldest = soup_of(client.get("/?q=negotiations&sort=oldest"))
    assert [li["data-id"] for li in newest.select("li.hit-result")] == [
        "fixture-news-pipeline-2018",
        "fixture-un-statement-2017",
        "fixture-no-date",
    ]
    assert [li["data-id"] for li in oldest.select("li.hit-result")] == [
        "fixture-un-statement-2017",
        "fixture-news-pipeline-2018",
        "fixture-no-date",
    ]
    assert one(oldest, 'select[name="sort"] option[selected]')["value"] == "oldest"


def test_pagination_links_walk_the_pages(client: Any) -> None:
    first = soup_of(client.get("/?q=talks&per_page=3"))
    assert len(first.select("li.hit-result")) == 3
    assert one(first, ".page-status").get_text() == "Page 1 of 2"
    second = soup_of(client.get(one(first, '.pagination a[rel="next"]')["href"]))
    assert len(second.select("li.hit-result")) == 1
    assert one(second, ".results")["start"] == "4"
    assert second.select_one('.pagination a[rel="next"]') is None
    assert second.select('.pagination a[rel="prev"]')


def test_a_misspelt_word_gets_a_did_you_mean_link(client: Any) -> None:
    page = soup_of(client.get("/?q=Pyongyng"))
    link = one(page, ".suggestion a")
    assert link.get_text() == "Pyongyang"
    corrected = soup_of(client.get(link["href"]))
    assert one(corrected, ".result-summary")["data-total"] == "3"


def test_a_query_with_no_hits_says_so_and_shows_the_syntax(client: Any) -> None:
    page = soup_of(client.get("/?q=zeppelin"))
    assert one(page, ".no-results h1").get_text() == "No documents match “zeppelin”"
    assert page.select(".no-results table.syntax")


def test_a_bad_query_is_a_400_with_the_message_and_the_query_kept_in_the_box(
    client: Any,
) -> None:
    response = client.get("/?q=date:2013-02-30")
    page = soup_of(response)
    assert response.status_code == 400
    assert one(page, "input#q")["value"] == "date:2013-02-30"
    message = one(page, ".message.error").get_text(" ", strip=True)
    assert message.startswith('"2013-02-30" is not a date.')


def test_a_bad_parameter_on_the_page_is_a_400_naming_it(client: Any) -> None:
    response = client.get("/?q=talks&page=abc")
    page = soup_of(response)
    assert response.status_code == 400
    assert one(page, ".message.error").get_text(strip=True) == (
        'Parameter "page" must be a whole number from 1 to 500, not "abc".'
    )
    assert one(page, "input#q")["value"] == "talks"


def test_document_view_marks_every_hit_with_a_numbered_id(client: Any) -> None:
    page = soup_of(client.get("/documents/fixture-eastern-forum-2019?q=nuclear"))
    marks = page.select(".document-text mark.hit")
    assert [(m.get("id"), m.get_text()) for m in marks] == [
        ("hit-1", "nuclear"),
        ("hit-2", "nuclear"),
    ]
    assert one(page, "[data-hit-status]").get_text() == "2 hits for “nuclear”"
    assert one(page, "[data-hit-next]")["href"] == "#hit-1"
    assert one(page, "[data-hit-previous]")["href"] == "#hit-2"


def test_document_view_highlights_a_phrase_as_one_hit(client: Any) -> None:
    page = soup_of(client.get('/documents/fixture-eastern-forum-2019?q="zone of peace"'))
    assert [m.get_text() for m in page.select(".document-text mark.hit")] == ["zone of peace"]


def test_document_view_does_not_mark_the_stop_words_of_bare_words(client: Any) -> None:
    page = soup_of(client.get("/documents/fixture-eastern-forum-2019?q=zone of peace"))
    marks = [m.get_text() for m in page.select(".document-text mark.hit")]
    assert marks == ["zone", "peace", "zone", "peace"]
    assert one(page, "[data-hit-status]").get_text() == "4 hits for “zone of peace”"


def test_a_search_no_document_fully_matches_says_it_shows_partial_matches(
    client: Any,
) -> None:
    page = soup_of(client.get("/?q=Pyongyang+nuclear+zebra"))
    notices = [n.get_text(" ", strip=True) for n in page.select(".message.notice")]
    assert notices == [
        "No document has all 3 words; showing those that have some of them, best matches "
        'first. No document has "zebra".'
    ]
    assert one(page, ".result-summary")["data-total"] == "3"


def test_document_view_keeps_the_paragraphs_and_the_exact_text(client: Any, store: Any) -> None:
    response = client.get("/documents/fixture-eastern-forum-2019?q=nuclear")
    page = soup_of(response)
    assert len(page.select(".document-text p")) == 3
    # BeautifulSoup shortens whitespace-only strings, so read the exact text from the raw HTML.
    inner = re.search(r'<div class="document-text"[^>]*>(.*?)</div>', response.text, re.S)
    assert inner is not None
    assert html.unescape(re.sub(r"<[^>]+>", "", inner.group(1))) == (
        store.get("fixture-eastern-forum-2019").text
    )


def test_each_paragraph_of_the_document_view_says_where_it_starts_in_the_text(
    client: Any, store: Any
) -> None:
    text = store.get("fixture-eastern-forum-2019").text
    page = soup_of(client.get("/documents/fixture-eastern-forum-2019?q=nuclear"))
    assert one(page, "[data-document-text]")["data-at"] == "0"
    paragraphs = page.select(".document-text p[data-at]")
    assert len(paragraphs) == 3
    for p in paragraphs:
        at = int(str(p["data-at"]))
        assert text[at : at + len(p.get_text())] == p.get_text()


def test_document_view_without_a_query_has_no_hit_bar(client: Any) -> None:
    page = soup_of(client.get("/documents/fixture-eastern-forum-2019"))
    assert page.select_one(".hit-nav") is None
    assert page.select(".document-text mark") == []


def test_document_view_shows_the_metadata(client: Any) -> None:
    page = soup_of(client.get("/documents/fixture-eastern-forum-2019"))
    assert one(page, "h1").get_text() == "Plenary session of the Eastern Economic Forum"
    aside = one(page, ".document-aside")
    fields = {
        term.get_text(): value.get_text(" ", strip=True)
        for term, value in zip(aside.select("dt"), aside.select("dd"), strict=True)
    }
    assert fields["Date"] == "5 September 2019 (known to the day)"
    assert fields["Speaker or author"] == "Vladimir Putin"
    assert fields["Licence"] == "CC0-1.0"
    link = one(aside, "a.original-url")
    assert link["href"] == "https://example.org/forum/2019"
    assert set(link["rel"]) >= {"noopener", "noreferrer"}
    assert [t.get_text() for t in aside.select(".tags .tag")] == [
        "countries:Russia",
        "countries:North Korea",
        "keywords:energy",
    ]


def test_a_url_that_is_not_http_is_shown_as_text_not_a_link(
    store: Any, make_app: Callable[..., Any]
) -> None:
    store.put(DocumentDraft(text="A note.", id="odd-url", url="javascript:alert(1)"))
    page = soup_of(make_app().test_client().get("/documents/odd-url"))
    shown = one(page, ".original-url")
    assert shown.name == "span"
    assert shown.get_text() == "javascript:alert(1)"


def test_hostile_document_text_and_title_are_escaped_everywhere(
    store: Any, make_app: Callable[..., Any], catch_up: Callable[[], Any]
) -> None:
    store.put(
        DocumentDraft(
            text=f"Sanctions {HOSTILE} were discussed.",
            id="hostile",
            kind="news",
            title=f"Sanctions {HOSTILE}",
            speaker=HOSTILE,
            tags=(HOSTILE,),
            date=PartialDate(dt.date(2020, 1, 2)),
        )
    )
    catch_up()
    client = make_app().test_client()
    for url in ("/?q=sanctions&kind=news", "/documents/hostile?q=sanctions"):
        page = soup_of(client.get(url))
        scripts = page.find_all("script")
        assert [s.get("src") for s in scripts] == ["/static/dossier.js", "/static/briefs.js"]
        assert page.find("img") is None
        assert HOSTILE in page.get_text()
    page = soup_of(client.get("/documents/hostile?q=sanctions"))
    assert one(page, "h1").get_text() == f"Sanctions {HOSTILE}"
    assert [m.get_text() for m in page.select(".document-text mark.hit")] == ["Sanctions"]


def test_versions_are_listed_and_an_old_one_can_be_read(
    store: Any, make_app: Callable[..., Any]
) -> None:
    old = store.get("fixture-no-date")
    store.put(DocumentDraft(text=old.text + " Talks resumed in 2011.", id=old.id, id_from="given"))
    client = make_app().test_client()
    current = soup_of(client.get("/documents/fixture-no-date"))
    items = current.select(".versions li")
    assert [li.get_text(" ", strip=True).split(" ·")[0] for li in items] == [
        "Version 2",
        "Version 1",
    ]
    assert one(current, ".versions [aria-current]").get_text(strip=True).startswith("Version 2")
    first = soup_of(client.get(one(items[1], "a")["href"]))
    assert one(first, ".document-text").get_text() == old.text
    assert "version 1 of 2" in one(first, ".version-note").get_text()
    everywhere = ["reattach", "annotate", "copy-link", "copy-citation", "cite-in-brief"]
    assert menu_actions(current) == [*everywhere, "tag"]
    assert menu_actions(first) == everywhere  # an old version's names are not tagged


def test_back_to_results_returns_to_the_same_search(client: Any) -> None:
    results = soup_of(client.get("/?q=talks&kind=news&sort=oldest"))
    link = one(results, "li.hit-result h2 a")["href"]
    page = soup_of(client.get(link))
    back = one(page, "a[rel=prev]")["href"]
    again = soup_of(client.get(back))
    assert one(again, "input#q")["value"] == "talks"
    assert [c.get_text() for c in again.select(".active-filters a")] == ["kind: news"]
    assert one(again, 'select[name="sort"] option[selected]')["value"] == "oldest"


def test_an_unknown_document_is_a_404_page(client: Any) -> None:
    response = client.get("/documents/no-such-document")
    page = soup_of(response)
    assert response.status_code == 404
    assert one(page, "h1").get_text() == "Not found"
    assert "'no-such-document'" in one(page, ".error-message").get_text()


def test_an_unknown_version_is_a_404_naming_the_versions_there_are(client: Any) -> None:
    response = client.get("/documents/tass-report?version=7")
    assert response.status_code == 404
    assert one(soup_of(response), ".error-message").get_text() == (
        "Document 'tass-report' has no version 7: its versions are 1 to 1."
    )


def test_every_response_carries_the_security_headers(client: Any) -> None:
    for url in ("/", "/documents/tass-report", "/api/search?q=talks", "/missing"):
        headers = client.get(url).headers
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert "'unsafe-inline'" not in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_scripts_or_styles(client: Any) -> None:
    for url in ("/", "/?q=nuclear", "/documents/fixture-eastern-forum-2019?q=nuclear"):
        page = soup_of(client.get(url))
        assert all(s.get("src") for s in page.find_all("script"))
        assert page.find("style") is None
        assert page.select("[style]") == []


@pytest.mark.parametrize("path", ["/entities/", "/api/search/?q=peace"])
def test_a_trailing_slash_finds_the_same_page(client: Any, path: str) -> None:
    assert client.get(path).status_code == 200
