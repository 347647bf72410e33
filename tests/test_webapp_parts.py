"""Long documents are read a part at a time: bounded pages and API answers, hits and mentions
capped with a sentence saying so, and links that find the next hit across parts."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag
from hypothesis import given
from hypothesis import strategies as st

from corpus import DocumentDraft, Span
from corpus.entities import EntityStore, Mention, replace_mentions
from webapp.parts import MAX_HITS, MAX_MARKS, next_hit, previous_hit, split_parts

LONG = "fixture-long-report"
PART = 1_000


def _paragraph(n: int, word: str = "") -> str:
    """About 100 characters of text, with ``word`` in it when given."""
    return (
        f"Paragraph {n} of the long report on the northern {word or 'port'} route and its ferries."
    )


def _long_text() -> str:
    """Nine parts of text; "zebra" only in parts 2 and 7 (two each)."""
    lines = []
    for n in range(100):
        word = "zebra" if n in (16, 19, 75, 78) else ""
        lines.append(_paragraph(n, word))
    return "\n\n".join(lines)


@pytest.fixture
def long_app(store: Any, make_app: Callable[..., Any]) -> Any:
    store.put(DocumentDraft(text=_long_text(), id=LONG, kind="news", title="A long report"))
    return make_app(DOCUMENT_PART_CHARS=PART)


def one(node: Tag, selector: str) -> Tag:
    found = node.select_one(selector)
    assert found is not None, selector
    return found


def soup_of(response: Any) -> BeautifulSoup:
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


@given(st.text(alphabet="ab \n", max_size=300), st.integers(4, 50))
def test_parts_cover_the_text_in_order_each_at_most_the_size(text: str, size: int) -> None:
    parts = split_parts(text, size)
    assert parts.spans[0].start == 0 and parts.spans[-1].end == len(text)
    assert all(a.end == b.start for a, b in zip(parts.spans, parts.spans[1:], strict=False))
    assert all(0 < s.end - s.start <= size for s in parts.spans) or text == ""
    assert all(parts.number_at(s.start) == n for n, s in enumerate(parts.spans, 1))


def test_parts_end_after_a_blank_line_when_there_is_one() -> None:
    text = _long_text()
    parts = split_parts(text, PART)
    assert parts.count == 9
    assert all(text[s.end - 2 : s.end] == "\n\n" for s in parts.spans[:-1])


def test_the_next_and_previous_hit_are_found_across_parts_and_round_the_end() -> None:
    text = _long_text()
    parts = split_parts(text, PART)
    zebras = [n for n in range(len(text)) if text.startswith("zebra", n)]
    first = next_hit(text, parts, "zebra", 0)
    assert (first.part, first.hit) == (parts.number_at(zebras[0]), 1)
    after_second = next_hit(text, parts, "zebra", zebras[1] + 5)
    assert (after_second.part, after_second.hit) == (parts.number_at(zebras[2]), 1)
    round_the_end = next_hit(text, parts, "zebra", len(text))
    assert (round_the_end.part, round_the_end.hit) == (parts.number_at(zebras[0]), 1)
    before_third = previous_hit(text, parts, "zebra", zebras[2])
    assert (before_third.part, before_third.hit) == (parts.number_at(zebras[1]), 2)
    nowhere = next_hit(text, parts, "unicorn", 0)
    assert (nowhere.hit, nowhere.is_everywhere) == (0, False)  # 8 of 9 parts looked through
    assert nowhere.part == 8


def test_a_long_document_page_shows_one_part_with_links_to_the_others(long_app: Any) -> None:
    text = _long_text()
    parts = split_parts(text, PART)
    client = long_app.test_client()
    response = client.get(f"/documents/{LONG}?part=3")
    page = soup_of(response)
    third = parts.spans[2]
    inner = re.search(r'<div class="document-text"[^>]*>(.*?)</div>', response.text, re.S)
    assert inner is not None  # the raw HTML: BeautifulSoup shortens whitespace-only strings
    assert html.unescape(re.sub(r"<[^>]+>", "", inner.group(1))) == text[third.start : third.end]
    body = one(page, "[data-document-text]")
    assert body["data-at"] == str(third.start)
    for p in body.select("p"):
        at = int(str(p["data-at"]))
        assert text[at : at + len(p.get_text())] == p.get_text()
    nav = one(page, ".part-nav")
    assert " ".join(one(nav, ".part-status").get_text().split()) == (
        f"Part 3 of 9 (characters {third.start + 1:,}–{third.end:,} of {len(text):,})"
    )
    assert [a["rel"][0] for a in nav.select("a")] == ["first", "prev", "next", "last"]
    assert one(nav, "a[rel=next]")["href"] == f"/documents/{LONG}?part=4"
    assert client.get(f"/documents/{LONG}?part=10").status_code == 400


def test_hits_are_marked_in_the_part_shown_and_lead_on_to_the_other_parts(long_app: Any) -> None:
    text = _long_text()
    parts = split_parts(text, PART)
    client = long_app.test_client()
    zebras = [n for n in range(len(text)) if text.startswith("zebra", n)]
    part = parts.number_at(zebras[0])
    page = soup_of(client.get(f"/documents/{LONG}?q=zebra&part={part}"))
    assert [m["id"] for m in page.select("mark.hit[id]")] == ["hit-1", "hit-2"]
    assert one(page, "[data-hit-status]").get_text() == "2 hits for “zebra” in this part"
    nav = one(page, "[data-hit-nav]")
    span = parts.span(part)
    assert nav["data-hit-next-url"] == f"/documents/{LONG}?at={span.end}&q=zebra"
    assert nav["data-hit-previous-url"] == f"/documents/{LONG}?before={span.start}&q=zebra"
    later = client.get(nav["data-hit-next-url"])
    assert later.location == f"/documents/{LONG}?q=zebra&part={parts.number_at(zebras[2])}#hit-1"
    earlier = client.get(f"/documents/{LONG}?q=zebra&before={zebras[2]}")
    assert earlier.location == f"/documents/{LONG}?q=zebra&part={part}#hit-2"
    none_here = soup_of(client.get(f"/documents/{LONG}?q=zebra&part=1"))
    assert one(none_here, ".hit-status").get_text() == "No hits for “zebra” in this part."


def test_a_page_marks_at_most_max_hits_and_says_how_many_there_are(
    store: Any, make_app: Callable[..., Any]
) -> None:
    store.put(DocumentDraft(text="alpha beta " * (MAX_HITS + 200), id="fixture-alphas"))
    client = make_app().test_client()
    page = soup_of(client.get("/documents/fixture-alphas?q=alpha"))
    assert len(page.select("mark.hit[id]")) == MAX_HITS
    assert one(page, ".capped-hits").get_text(strip=True) == (
        f"Showing the first {MAX_HITS:,} of {MAX_HITS + 200:,} hits. Narrow the query to see "
        "the others."
    )
    api = client.get("/api/documents/fixture-alphas?q=alpha").get_json()
    assert (len(api["hits"]), api["hit_count"]) == (MAX_HITS, MAX_HITS + 200)


def test_a_page_marks_at_most_max_marks_mentions_and_says_so(
    store: Any, make_app: Callable[..., Any]
) -> None:
    count = MAX_MARKS + 100
    store.put(DocumentDraft(text="Oslo and " * count, id="fixture-oslos"))
    found = [
        Mention(Span(9 * n, 9 * n + 4), "LOCATION", "Oslo", "model", 0.9) for n in range(count)
    ]
    replace_mentions(EntityStore(store), "fixture-oslos", 1, found, [0] * count)
    page = soup_of(make_app().test_client().get("/documents/fixture-oslos"))
    assert len(page.select("mark.entity")) == MAX_MARKS
    assert one(page, ".capped-marks").get_text(strip=True) == (
        f"Marking the first {MAX_MARKS:,} of {count:,} entity mentions."
    )


def test_the_api_answers_one_part_of_a_long_text_with_its_hits(long_app: Any) -> None:
    text = _long_text()
    parts = split_parts(text, PART)
    zebras = [n for n in range(len(text)) if text.startswith("zebra", n)]
    number = parts.number_at(zebras[2])
    span = parts.span(number)
    body = long_app.test_client().get(f"/api/documents/{LONG}?q=zebra&part={number}").get_json()
    assert body["text"] == text[span.start : span.end]
    assert (body["length"], body["part"]) == (
        len(text),
        {"number": number, "count": 9, "start": span.start, "end": span.end},
    )
    assert body["hits"] == [[z, z + 5] for z in zebras[2:]]
    assert body["hit_count"] == 2


def test_an_address_over_4_kb_gets_a_414_in_the_api_s_own_shape(client: Any) -> None:
    response = client.get("/api/search?q=" + "a" * 4_100)
    assert response.status_code == 414
    assert response.get_json() == {
        "error": "The address is 4,114 bytes long; Dossier answers addresses of up to 4,000 "
        "bytes. Shorten the query or use fewer filters.",
        "status": 414,
    }
    assert client.get("/?q=" + "a" * 4_100).status_code == 414
