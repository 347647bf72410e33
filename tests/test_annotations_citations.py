"""Citation lines: one house style, the date at its real precision."""

from __future__ import annotations

import datetime as dt

import pytest

from annotations.citations import citation_line, cite, format_date
from corpus.model import Document, PartialDate

LINK = "http://127.0.0.1:5000/passages/3f2a9c0d1e4b5a68"


def speech(date: PartialDate | None, **fields: str) -> Document:
    values = {
        "speaker": "Vladimir  Putin",
        "title": "Plenary session of the Eastern Economic Forum.",
        "source": "President of Russia",
        "url": "http://en.kremlin.ru/events/president/news/61451",
    }
    values.update(fields)
    return Document(id="eef-2019", version=1, text="…", date=date, **values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "date, shown",
    [
        (PartialDate(dt.date(2019, 9, 5), "day"), "5 September 2019"),
        (PartialDate(dt.date(2019, 9, 1), "month"), "September 2019"),
        (PartialDate(dt.date(2019, 1, 1), "year"), "2019"),
        (None, "undated"),
    ],
)
def test_a_citation_gives_the_date_only_as_precisely_as_it_is_known(
    date: PartialDate | None, shown: str
) -> None:
    assert format_date(date) == shown
    assert citation_line(cite(speech(date), link=LINK)) == (
        "Vladimir Putin, “Plenary session of the Eastern Economic Forum”, President of Russia, "
        f"{shown}. {LINK}"
    )


def test_missing_parts_are_left_out_with_their_commas() -> None:
    document = speech(None, speaker="", source="")
    assert citation_line(cite(document, link=LINK)) == (
        f"“Plenary session of the Eastern Economic Forum”, undated. {LINK}"
    )


def test_a_title_that_repeats_the_speaker_is_left_out() -> None:
    document = speech(PartialDate(dt.date(2018, 1, 1), "year"), title="Vladimir Putin")
    assert citation_line(cite(document, link="")) == "Vladimir Putin, President of Russia, 2018."


def test_the_source_url_can_come_before_the_link() -> None:
    line = citation_line(cite(speech(None), link=LINK), with_source_url=True)
    assert line.endswith(f"undated. http://en.kremlin.ru/events/president/news/61451 {LINK}")
