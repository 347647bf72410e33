"""Dates as sources write them, turned into a ``PartialDate`` that keeps how precise they are.

Only unambiguous forms are read: ISO 8601 (``2019``, ``2019-09``, ``2019-09-05``, with or without a
time and zone), year-first ``2019/09/05``, English month names (``May 2019``, ``5 September 2019``,
``September 5, 2019``) and RFC 2822 (``Thu, 05 Sep 2019 10:00:00 +0300``, common in HTML meta
tags). Day-first or month-first numeric forms such as ``05/09/2019`` are refused, because they mean
different days in different countries.
"""

from __future__ import annotations

import datetime as dt
import re

from corpus.errors import InvalidDocument
from corpus.model import PRECISIONS, PartialDate, Precision

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month_name>[a-z]+)\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
_WEEKDAY = r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+)?"
_TIME = (
    r"(?:(?:t|\s+)(?P<time>\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)"
    r"\s*(?:z|[a-z]{2,4}|[+-]\d{2}(?::?\d{2})?)?)?"
)

_FORMS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern + "$", re.IGNORECASE)
    for pattern in (
        _YEAR,
        _YEAR + r"[-/.](?P<month>\d{1,2})",
        _YEAR + r"[-/.](?P<month>\d{1,2})[-/.]" + _DAY + _TIME,
        _YEAR + r"(?P<month>\d{2})(?P<day>\d{2})",
        _WEEKDAY + _MONTH + r",?\s+" + _YEAR,
        _WEEKDAY + _DAY + r"\s+(?:of\s+)?" + _MONTH + r",?\s+" + _YEAR + _TIME,
        _WEEKDAY + _MONTH + r"\s+" + _DAY + r",?\s+" + _YEAR + _TIME,
    )
)
_TIME_PART = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")


def parse_date(value: str | None, precision: str | None = None) -> PartialDate | None:
    """Read a date; ``precision`` (``day``/``month``/``year``) is an optional separate field.

    Returns None for a missing or blank value. Raises ``InvalidDocument`` quoting the value for an
    impossible date (``2013-02-30``), a form that is not understood, or a precision that claims
    more (or, with non-first parts, less) than the value shows.
    """
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    found = _match(text)
    if found is None:
        raise InvalidDocument(
            f'Date "{text}" is not in a form Dossier reads. Write it as YYYY, YYYY-MM or '
            "YYYY-MM-DD (or like 5 September 2019)."
        )
    year, month, day, time = found
    written: Precision = "day" if day else ("month" if month else "year")
    try:
        date = dt.date(year, month or 1, day or 1)
        if time:
            _check_time(time)
    except ValueError as exc:
        raise InvalidDocument(
            f'Date "{text}" does not exist ({exc}). Correct it or leave the date empty.'
        ) from exc
    return PartialDate(date, _reconcile(text, date, written, precision))


def _match(text: str) -> tuple[int, int | None, int | None, str | None] | None:
    """(year, month, day, time of day) from the first form that matches ``text``, or None."""
    for form in _FORMS:
        m = form.match(text)
        if m is None:
            continue
        groups = m.groupdict()
        month = int(groups["month"]) if groups.get("month") else None
        if groups.get("month_name"):
            month = _MONTHS.get(groups["month_name"].lower())
            if month is None:
                return None
        day = int(groups["day"]) if groups.get("day") else None
        return int(groups["year"]), month, day, groups.get("time")
    return None


def _check_time(time: str) -> None:
    """Raise ValueError for a time of day that cannot exist (25:00, 10:61)."""
    m = _TIME_PART.match(time)
    if m:
        dt.time(int(m.group(1)), int(m.group(2)), int(m.group(3) or 0))


def _reconcile(text: str, date: dt.date, written: Precision, given: str | None) -> Precision:
    """The precision to keep: the written one, or a coarser given one when the rest is ``01``."""
    if given is None or not str(given).strip():
        return written
    wanted = str(given).strip().lower()
    if wanted not in PRECISIONS:
        raise InvalidDocument(
            f'Date precision "{given}" for "{text}" is unknown. Use day, month or year.'
        )
    rank = {"year": 0, "month": 1, "day": 2}
    if rank[wanted] > rank[written]:
        raise InvalidDocument(
            f'Date "{text}" is given to the {written} but its precision says "{wanted}". '
            "Write the full date or correct date_precision."
        )
    dropped_nonfirst = (wanted == "year" and (date.month, date.day) != (1, 1)) or (
        wanted == "month" and date.day != 1
    )
    if dropped_nonfirst:
        raise InvalidDocument(
            f'Date "{text}" names a {written} but its precision says "{wanted}". '
            "Write the date as precisely as it is known, or correct date_precision."
        )
    return wanted  # type: ignore[return-value]
