"""Rule-based DATE, MONEY and PERCENT mentions: regular expressions over the raw text.

A match's span is the expression itself: "in late March" gives "late March", "by 2020" gives
"2020" (the preposition only tells a year from a count), "$1 billion" and "5 percent" are whole.
A bare year needs a date word before it ("in", "by", "since", "the", ...) so that "2000 troops"
is not a date. "May" alone is a month only after such a word. Words that need the document's
date to mean anything ("today", "now") are not matched. Overlaps go to the longest match.

Speed: each rule first scans for a rare trigger (a digit, a month, a currency sign, "percent")
that lets the regular-expression engine skip most of the text, then checks the few words before
the trigger with a second expression anchored at the trigger's start. The month and digit
expressions are alternations the engine would try at every character of the text (70% of the
rules' time on UN speeches); ``_matches`` tries them only where a month's first three letters or
a digit stand (8x faster for digits, 6x for months; the same matches).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from corpus.model import Span

RULE_TYPES: tuple[str, ...] = ("DATE", "MONEY", "PERCENT")

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.)"
)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[6-9]\d\d|20\d\d)"
_MODIFIER = (
    r"(?:(?:[Ee]arly|[Ll]ate|[Mm]id|[Tt]he end of|[Tt]he beginning of|[Tt]he middle of)[- ])"
)
_DATE_WORD = (
    r"(?:[Ii]n|[Bb]y|[Ss]ince|[Uu]ntil|[Tt]ill|[Ff]rom|[Tt]o|[Bb]efore|[Aa]fter|[Dd]uring|[Oo]f"
    r"|[Tt]hrough|[Tt]hroughout|[Bb]etween|[Aa]nd|[Aa]round|[Tt]he|[Tt]his|[Ll]ast|[Nn]ext"
    r"|[Ee]arly|[Ll]ate|[Mm]id-?|[Ff]iscal|[Yy]ear|[Ss]pring|[Ss]ummer|[Aa]utumn|[Ff]all"
    r"|[Ww]inter|[Oo]n|[Ff]or)"
)
_NUMBER = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_AMOUNT = (
    rf"(?:{_NUMBER}|[Oo]ne|[Tt]wo|[Tt]hree|[Ff]our|[Ff]ive|[Ss]ix|[Ss]even|[Ee]ight|[Nn]ine"
    r"|[Tt]en|[Tt]welve|[Ff]ifteen|[Tt]wenty|[Tt]hirty|[Ff]orty|[Ff]ifty|[Hh]undred|[Aa])"
)
_SCALE = r"(?:\s?(?:thousand|million|billion|trillion|mln|bln|mn|bn|tn|m|k)\b)"
_CURRENCY_CODE = r"(?:USD|EUR|GBP|JPY|CNY|RUB|INR|CHF)"
_LOOKBACK = 80  # characters before a trigger that a "before" expression may use


def _before(pattern: str) -> re.Pattern[str]:
    """An expression that must end exactly where a trigger starts; group ``x`` is kept."""
    return re.compile(rf"(?P<x>{pattern})\Z")


_MONTHS = re.compile(
    rf"(?P<month>{_MONTH})(?P<rest>\s{_DAY}\b(?:,?\s{_YEAR}\b)?|,?\s{_YEAR}\b)?(?!\w)"
)
_MONTH_STARTS = re.compile(r"Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec")
_MONTH_BEFORE = _before(rf"\b{_DAY}\s(?:of\s)?|\b{_MODIFIER}")
_DATE_WORD_BEFORE = re.compile(rf"\b{_DATE_WORD}\s(?:the\s)?(?P<x>{_MODIFIER})?\Z")
_DIGIT_DATES = re.compile(
    rf"(?P<iso>{_YEAR}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01]))\b"
    rf"|(?P<dmy>(?:0?[1-9]|[12]\d|3[01])[/.](?:0?[1-9]|1[0-2])[/.]{_YEAR})\b"
    rf"|(?P<decade>(?:1[6-9]|20)\d0s)\b"
    rf"|(?P<year>{_YEAR}(?:\s?[-–]\s?(?:{_YEAR}|\d\d))?)(?![\d%]|[,.]\d|\s?percent)"
)
_DIGIT = re.compile(r"\d")
_DECADE_BEFORE = _before(rf"(?:\b[Tt]he\s)?(?:\b{_MODIFIER})?")
_MODIFIER_BEFORE = _before(rf"\b{_MODIFIER}")
_WEEKDAYS = re.compile(r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")
_WEEKDAY_BEFORE = _before(r"\b(?:[Ll]ast|[Nn]ext|[Tt]his)\s")
_UNITS = re.compile(r"(?:week|month|year|decade|century|spring|summer|autumn|fall|winter)\b")
_UNIT_BEFORE = _before(r"\b(?:[Ll]ast|[Nn]ext|[Tt]his|[Ee]arlier this|[Ll]ater this)\s")
_AGO = re.compile(r"ago\b")
_AGO_BEFORE = _before(rf"\b(?:{_AMOUNT}|several|a few)\s(?:days?|weeks?|months?|years?|decades?)\s")
_SIGNED_MONEY = re.compile(rf"(?:US\$|C\$|A\$|HK\$|[$€£¥₽₹])\s?{_NUMBER}{_SCALE}?")
_CODES = re.compile(rf"{_CURRENCY_CODE}\b(?P<amount>\s?{_NUMBER}{_SCALE}?)?")
_CURRENCIES = re.compile(
    r"(?:dollars?|euros?|pounds sterling|yen|yuan|renminbi|roubles?|rubles?|rupees?|francs?"
    r"|dinars?|riyals?|pesos?)\b"
)
_AMOUNT_BEFORE = _before(
    rf"\b{_AMOUNT}{_SCALE}?(?:\sof)?\s(?:US |U\.S\. |Hong Kong |Canadian |Australian )?"
)
_PERCENTS = re.compile(r"%|(?:percent|per cent|percentage points?)\b")
_PERCENT_BEFORE = _before(rf"(?<![\w.,]){_AMOUNT}(?:\s?(?:-|–|to)\s?{_NUMBER})?\s?")


class _Spanned(Protocol):
    @property
    def span(self) -> Span: ...


T = TypeVar("T", bound=_Spanned)


@dataclass(frozen=True)
class RuleMatch:
    """A span the rules recognised, and its type (one of ``RULE_TYPES``)."""

    span: Span
    type: str


def find(text: str) -> list[RuleMatch]:
    """DATE, MONEY and PERCENT spans in ``text``, non-overlapping and in text order."""
    candidates = [RuleMatch(Span(s, e), kind) for s, e, kind in _candidates(text)]
    kept = resolve_overlaps(
        candidates, lambda m: (-len(m.span), m.span.start, RULE_TYPES.index(m.type))
    )
    return sorted(kept, key=lambda m: m.span)


def _matches(
    pattern: re.Pattern[str], starts: re.Pattern[str], text: str
) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)``, for a pattern whose every match begins where ``starts``
    matches (and no match of ``starts`` begins inside another): tried only there."""
    end = 0
    for start in starts.finditer(text):
        at = start.start()
        if at >= end and (found := pattern.match(text, at)):
            end = found.end()
            yield found


def _candidates(text: str) -> Iterator[tuple[int, int, str]]:
    for m in _matches(_MONTHS, _MONTH_STARTS, text):
        s = m.start()
        if m["rest"] is None and m["month"].endswith("."):
            continue  # "Jan." alone is too often something else
        if m["rest"] is None and m["month"] == "May":
            word = _DATE_WORD_BEFORE.search(text, max(0, s - _LOOKBACK), s)
            if word and _word_starts(text, s):
                yield (word.start("x") if word["x"] else s), m.end(), "DATE"
        elif _word_starts(text, s):
            yield _extend(_MONTH_BEFORE, text, s), m.end(), "DATE"
    for m in _matches(_DIGIT_DATES, _DIGIT, text):
        s = m.start()
        if not _word_starts(text, s) or text[s - 1 : s] in ("$", ".", ",", "/"):
            continue
        if text[s - 1 : s] == "-" and text[s - 2 : s - 1].isdigit():
            continue
        if m["year"] is None:
            yield _extend(_DECADE_BEFORE, text, s) if m["decade"] else s, m.end(), "DATE"
            continue
        word = _DATE_WORD_BEFORE.search(text, max(0, s - _LOOKBACK), s)
        if word:
            yield (word.start("x") if word["x"] else s), m.end(), "DATE"
        elif modifier := _MODIFIER_BEFORE.search(text, max(0, s - _LOOKBACK), s):
            yield modifier.start(), m.end(), "DATE"
    for m in _WEEKDAYS.finditer(text):
        if _word_starts(text, m.start()):
            yield _extend(_WEEKDAY_BEFORE, text, m.start()), m.end(), "DATE"
    yield from _after(_UNITS, _UNIT_BEFORE, text, "DATE")
    yield from _after(_AGO, _AGO_BEFORE, text, "DATE")
    for m in _SIGNED_MONEY.finditer(text):
        yield m.start(), m.end(), "MONEY"
    for m in _CODES.finditer(text):
        if not _word_starts(text, m.start()):
            continue
        if m["amount"]:
            yield m.start(), m.end(), "MONEY"
        else:
            yield from _after(_CODES, _AMOUNT_BEFORE, text, "MONEY", m)
    yield from _after(_CURRENCIES, _AMOUNT_BEFORE, text, "MONEY")
    yield from _after(_PERCENTS, _PERCENT_BEFORE, text, "PERCENT")


def _after(
    trigger: re.Pattern[str],
    before: re.Pattern[str],
    text: str,
    kind: str,
    only: re.Match[str] | None = None,
) -> Iterator[tuple[int, int, str]]:
    """Spans of ``trigger`` matches that ``before`` must extend to the left."""
    for m in [only] if only else trigger.finditer(text):
        s = m.start()
        found = before.search(text, max(0, s - _LOOKBACK), s)
        if found and (kind == "PERCENT" or _word_starts(text, s)):
            yield found.start("x"), m.end(), kind


def _extend(before: re.Pattern[str], text: str, start: int) -> int:
    found = before.search(text, max(0, start - _LOOKBACK), start)
    return found.start("x") if found else start


def _word_starts(text: str, i: int) -> bool:
    return i == 0 or not text[i - 1].isalnum()


def resolve_overlaps(items: Iterable[T], rank: Callable[[T], Any]) -> list[T]:
    """Keep items whose ``span`` overlaps no better-ranked kept item (lowest ``rank`` first).

    Greedy in rank order, O(n log n) plus list inserts: the kept spans never overlap, so their
    starts and ends are both sorted and one bisection finds the only possible neighbours.
    Empty spans are dropped.
    """
    starts: list[int] = []
    ends: list[int] = []
    kept: list[T] = []
    for item in sorted(items, key=rank):
        span = item.span
        i = bisect.bisect_right(starts, span.start)
        if (
            not span
            or (i and ends[i - 1] > span.start)
            or (i < len(starts) and starts[i] < span.end)
        ):
            continue
        starts.insert(i, span.start)
        ends.insert(i, span.end)
        kept.append(item)
    return kept
