"""Query-string parameters of the search page and the API, parsed into a ``SearchRequest``.

One parser for both, so ``/?q=...`` and ``/api/search?q=...`` accept exactly the same things.
A malformed value raises ``InvalidParameter`` (400) with a message that names the parameter,
quotes the value and says what would work; it never becomes a 500.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the CLI passes its own mapping: Werkzeug is not loaded for a search
    from werkzeug.datastructures import MultiDict

from corpus import KINDS, PartialDate
from indexer import QueryError
from indexer.search import SearchRequest, parse_period

# The sort names users see -> the SearchRequest's sort.
SORTS: Mapping[str, str] = {"relevance": "relevance", "newest": "-date", "oldest": "date"}
MAX_PER_PAGE = 100
MAX_PAGE = 500
# Parameter name -> SearchRequest field; each may be given several times (any of them matches).
FILTERS: Mapping[str, str] = {
    "kind": "kinds",
    "speaker": "speakers",
    "source": "sources",
    "tag": "tags",
    "said": "said",  # speaker refs from the "Speakers" facet: their turns hold the words
}
MAX_FILTER_VALUES = 20
# Entity refs (registry ids, or the refs entity facets show); several combine by OR. Apart from
# FILTERS because the search page labels its values with entity names.
ENTITY_PARAM = "entity"
# ``?in=annotations``: only the hits inside annotated passages count (``in:annotations``).
IN_PARAM = "in"
_DATE_SHAPE = re.compile(r"\d{4}(-\d{1,2}){0,2}")


class InvalidParameter(ValueError):
    """A query-string parameter has a value that cannot be used (the message quotes it): a 400
    on the web (``webapp/errors.py`` reads ``status``), a one-line message on the CLI."""

    status = 400


def search_request(args: MultiDict[str, str], *, per_page: int) -> SearchRequest:
    """The search that ``args`` asks for; ``per_page`` is the default page size.

    Raises ``InvalidParameter`` for a bad page, page size, sort, kind or date, or for more
    than ``MAX_FILTER_VALUES`` values of one filter (``entity`` included).
    """
    fields: dict[str, Any] = {
        "query": args.get("q", "").strip(),
        "sort": SORTS[choice(args, "sort", tuple(SORTS), default="relevance")],
        "page": whole_number(args, "page", default=1, maximum=MAX_PAGE),
        "per_page": whole_number(args, "per_page", default=per_page, maximum=MAX_PER_PAGE),
        "date_from": period(args, "from"),
        "date_to": period(args, "to"),
    }
    for name, field in FILTERS.items():
        fields[field] = repeated(args, name)
    fields["entities"] = repeated(args, ENTITY_PARAM)
    fields["in_annotations"] = in_annotations_param(args)
    for kind in fields["kinds"]:
        if kind not in KINDS:
            raise InvalidParameter(
                f'Unknown kind "{shorten(kind)}". Use one of: {", ".join(KINDS)}.'
            )
    first, last = fields["date_from"], fields["date_to"]
    if first and last and first.value > last.last_day():
        raise InvalidParameter(
            f'The "from" date ({args["from"]}) is after the "to" date ({args["to"]}). '
            "Swap them, or leave one out."
        )
    return SearchRequest(**fields)


def in_annotations_param(args: MultiDict[str, str]) -> bool:
    """True for ``?in=annotations`` (the search page's "only in annotated passages")."""
    values = [v.strip() for v in args.getlist(IN_PARAM) if v.strip()]
    for raw in values:
        if raw.lower() not in ("annotations", "annotation"):
            raise InvalidParameter(
                f'Parameter "{IN_PARAM}" must be "annotations" (only the hits inside annotated '
                f'passages), not "{shorten(raw)}". Leave it out to search whole documents.'
            )
    return bool(values)


def version_number(args: MultiDict[str, str]) -> int | None:
    """The ``version`` parameter of a document page, or None for the current version."""
    if not args.get("version"):
        return None
    return whole_number(args, "version", default=1, maximum=2**31 - 1)


def part_number(args: MultiDict[str, str], count: int) -> int:
    """The ``part`` parameter of a document page (1 to ``count``), 1 when not given."""
    return whole_number(args, "part", default=1, maximum=count)


def text_offset(args: MultiDict[str, str], name: str) -> int | None:
    """A character offset into a document text (0 or more), or None when not given."""
    raw = args.get(name, "").strip()
    if not raw:
        return None
    if not raw.isascii() or not raw.isdigit():
        raise InvalidParameter(
            f'Parameter "{name}" must be a character offset (0 or more), not "{shorten(raw)}".'
        )
    return int(raw)


def whole_number(args: MultiDict[str, str], name: str, *, default: int, maximum: int) -> int:
    """A whole number from 1 to ``maximum``, or ``default`` when not given."""
    raw = args.get(name, "").strip()
    if not raw:
        return default
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= maximum:
        raise InvalidParameter(
            f'Parameter "{name}" must be a whole number from 1 to {maximum}, not "{shorten(raw)}".'
        )
    return int(raw)


def choice(args: MultiDict[str, str], name: str, choices: tuple[str, ...], *, default: str) -> str:
    """One of ``choices``, or ``default`` when not given."""
    raw = args.get(name, "").strip() or default
    if raw not in choices:
        raise InvalidParameter(
            f'Parameter "{name}" must be one of {", ".join(choices)}, not "{shorten(raw)}".'
        )
    return raw


def period(args: MultiDict[str, str], name: str) -> PartialDate | None:
    """A year, month or day (``2013``, ``2013-06``, ``2013-06-05``), or None when not given."""
    raw = args.get(name, "").strip()
    if not raw:
        return None
    try:
        return parse_period(raw)
    except QueryError:
        problem = "is not a calendar date" if _DATE_SHAPE.fullmatch(raw) else "is not a date"
        raise InvalidParameter(
            f'Parameter "{name}": "{shorten(raw)}" {problem}. Use a year, month or day such as '
            "2013, 2013-06 or 2013-06-05."
        ) from None


def repeated(args: MultiDict[str, str], name: str) -> tuple[str, ...]:
    """Every non-empty value of a repeatable parameter, each once, at most 20."""
    values = tuple(dict.fromkeys(v.strip() for v in args.getlist(name) if v.strip()))
    if len(values) > MAX_FILTER_VALUES:
        raise InvalidParameter(
            f'Parameter "{name}" is given {len(values)} times; the limit is {MAX_FILTER_VALUES}.'
        )
    return values


def shorten(value: str, limit: int = 60) -> str:
    """``value`` cut to ``limit`` characters with an ellipsis, for quoting it in a message."""
    return value if len(value) <= limit else value[: limit - 1] + "\u2026"
