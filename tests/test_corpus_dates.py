"""parse_date: the forms sources write, their precision, and refusals that quote the value."""

from __future__ import annotations

import datetime as dt

import pytest

from corpus.dates import parse_date
from corpus.errors import InvalidDocument
from corpus.model import PartialDate


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2019", PartialDate(dt.date(2019, 1, 1), "year")),
        ("2019-09", PartialDate(dt.date(2019, 9, 1), "month")),
        ("2019-09-05", PartialDate(dt.date(2019, 9, 5), "day")),
        ("2018-05-31T10:15:00+03:00", PartialDate(dt.date(2018, 5, 31), "day")),
        ("2018-05-31T23:30:00.000Z", PartialDate(dt.date(2018, 5, 31), "day")),
        ("2018-05-31 10:15", PartialDate(dt.date(2018, 5, 31), "day")),
        ("May 2019", PartialDate(dt.date(2019, 5, 1), "month")),
        ("5 September 2019", PartialDate(dt.date(2019, 9, 5), "day")),
        ("September 5, 2019", PartialDate(dt.date(2019, 9, 5), "day")),
        ("Sept. 5, 2019", PartialDate(dt.date(2019, 9, 5), "day")),
        ("Thursday, 5th September 2019", PartialDate(dt.date(2019, 9, 5), "day")),
        ("Thu, 05 Sep 2019 10:00:00 +0300", PartialDate(dt.date(2019, 9, 5), "day")),
        ("2019/09/05", PartialDate(dt.date(2019, 9, 5), "day")),
        ("20190905", PartialDate(dt.date(2019, 9, 5), "day")),
        ("  2019-09  ", PartialDate(dt.date(2019, 9, 1), "month")),
    ],
)
def test_parse_date_reads_iso_and_english_forms_with_their_precision(
    value: str, expected: PartialDate
) -> None:
    assert parse_date(value) == expected


def test_a_date_with_a_zone_keeps_the_local_date_as_written() -> None:
    # 23:30 at UTC-05:00 is already the next day in UTC; the source meant the 31st.
    assert parse_date("2018-05-31T23:30:00-05:00") == PartialDate(dt.date(2018, 5, 31), "day")


@pytest.mark.parametrize("value", [None, "", "   "])
def test_a_missing_date_is_none(value: str | None) -> None:
    assert parse_date(value) is None
    assert parse_date(value, "day") is None


@pytest.mark.parametrize(
    ("value", "precision", "expected"),
    [
        ("2017-09", "month", PartialDate(dt.date(2017, 9, 1), "month")),
        ("2017", "year", PartialDate(dt.date(2017, 1, 1), "year")),
        ("2017-09-01", "month", PartialDate(dt.date(2017, 9, 1), "month")),
        ("2017-01-01", "YEAR", PartialDate(dt.date(2017, 1, 1), "year")),
        ("2019-09-05", "", PartialDate(dt.date(2019, 9, 5), "day")),
    ],
)
def test_a_consistent_separate_precision_is_accepted(
    value: str, precision: str, expected: PartialDate
) -> None:
    assert parse_date(value, precision) == expected


@pytest.mark.parametrize(
    ("value", "precision", "message"),
    [
        ("2013-02-30", None, 'Date "2013-02-30" does not exist (day is out of range for month)'),
        ("2013-13", None, 'Date "2013-13" does not exist (month must be in 1..12)'),
        ("2018-05-31T25:15:00", None, 'Date "2018-05-31T25:15:00" does not exist'),
        ("31 February 2019", None, 'Date "31 February 2019" does not exist'),
        ("05/09/2019", None, 'Date "05/09/2019" is not in a form Dossier reads'),
        ("Smarch 2019", None, 'Date "Smarch 2019" is not in a form Dossier reads'),
        ("2017", "day", 'Date "2017" is given to the year but its precision says "day"'),
        ("2017-09-05", "month", 'Date "2017-09-05" names a day but its precision says "month"'),
        ("2017", "week", 'Date precision "week" for "2017" is unknown'),
    ],
)
def test_impossible_or_inconsistent_dates_raise_quoting_the_value(
    value: str, precision: str | None, message: str
) -> None:
    with pytest.raises(InvalidDocument) as info:
        parse_date(value, precision)
    assert str(info.value).startswith(message)
