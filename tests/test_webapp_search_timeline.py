"""The search page's year facet ("more" past 20 years, one chip for a year) and the chart of
matching documents per year above the hits, whose bars filter by their year."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag

from corpus.model import DocumentDraft, PartialDate

YEARS = [*range(1960, 1990, 1), 2006, 2006, 2006]  # 31 years, 2006 the busiest


@pytest.fixture
def client(store: Any, make_app: Callable[..., Any], catch_up: Callable[[], Any]) -> Any:
    """The test corpus plus one "embargo" speech a year from 1960 to 1989 and three in 2006,
    and one undated."""
    for n, year in enumerate(YEARS):
        store.put(
            DocumentDraft(
                text=f"The embargo was debated again, for the {n + 1}th time.",
                id=f"embargo-{n}",
                kind="speech",
                title=f"Embargo debate {n}",
                date=PartialDate(dt.date(year, 3, 1)),
            )
        )
    store.put(DocumentDraft(text="An embargo, undated.", id="embargo-undated", kind="news"))
    catch_up()
    return make_app().test_client()


def soup_of(response: Any) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def one(node: Tag, selector: str) -> Tag:
    found = node.select_one(selector)
    assert found is not None, selector
    return found


def year_facet(page: BeautifulSoup) -> tuple[list[str], list[str]]:
    """The years shown at once, and those behind "more"."""
    section = one(page, 'section[data-facet="Year"]')
    more = section.select_one("details.facet-more")
    hidden = [one(a, ".facet-value").get_text() for a in more.select("li a")] if more else []
    shown = [one(a, ".facet-value").get_text() for a in section.select("li a")]
    return shown[: len(shown) - len(hidden)], hidden


def test_the_year_facet_lists_every_year_newest_first_the_rest_behind_more(client: Any) -> None:
    shown, hidden = year_facet(soup_of(client.get("/?q=embargo")))
    assert shown == ["2006", *map(str, range(1989, 1970, -1))]
    assert hidden == [str(y) for y in range(1970, 1959, -1)]
    assert "11 more" in one(soup_of(client.get("/?q=embargo")), ".facet-more").get_text()


def test_a_year_chosen_from_the_facet_is_one_chip_that_removes_it(client: Any) -> None:
    page = soup_of(client.get("/?q=embargo"))
    link = next(a for a in page.select('[data-facet="Year"] li a') if "1975" in a.get_text())
    filtered = soup_of(client.get(link["href"]))
    assert [li["data-id"] for li in filtered.select("li.hit-result")] == ["embargo-15"]
    chips = filtered.select(".active-filters a")
    assert [c.get_text() for c in chips] == ["year: 1975"]
    back = soup_of(client.get(chips[0]["href"]))
    assert one(back, ".result-summary")["data-total"] == str(len(YEARS) + 1)


def test_a_from_to_range_keeps_two_chips(client: Any) -> None:
    page = soup_of(client.get("/?q=embargo&from=1970&to=1979"))
    assert [c.get_text() for c in page.select(".active-filters a")] == ["from 1970", "to 1979"]


def test_a_chart_above_the_hits_counts_each_year_and_its_bars_filter(client: Any) -> None:
    page = soup_of(client.get("/?q=embargo"))
    chart = page.select_one(".result-timeline")
    assert chart is not None and chart.find_next("ol", class_="results") is not None
    bars = {r["data-period"]: int(str(r["data-count"])) for r in chart.select("rect.bar")}
    assert bars == {str(y): 1 for y in range(1960, 1990)} | {"2006": 3}  # empty years: no bar
    assert "1 undated not shown" in chart.get_text()
    link = next(a for a in chart.select("a.bar-link") if one(a, "rect")["data-period"] == "2006")
    filtered = soup_of(client.get(link["href"]))
    assert sorted(li["data-id"] for li in filtered.select("li.hit-result")) == [
        "embargo-30",
        "embargo-31",
        "embargo-32",
    ]
    assert filtered.select_one(".result-timeline") is None  # one year: no chart


def test_the_front_page_charts_the_whole_collection(client: Any) -> None:
    page = soup_of(client.get("/"))
    assert len(page.select(".result-timeline rect.bar")) > 30
