"""The query language: what a parsed query is (a tree of frozen nodes) and its limits.

    words (AND by default)   OR   NOT word / -word   ( groups )   "exact phrase"   "a b"~3
    prefix*   fuzzy~ fuzzy~2   kind:  speaker:  source:  tag:  title:   date:2013  date:2013-06
    date:[2013-06 TO 2014-01]  date:>2010  date:<=2012
    person:"Vladimir Putin"  org:NATO  place:Pyongyang  nationality:Russian (or norp:)
    entity:vladimir-putin-1c2f3a   said:putin "Far East" (the words inside Putin's turns)
    in:annotations sanctions (the words inside annotated passages: indexer/search/passages.py)

``OR`` binds tighter than ``AND`` (``nuclear weapons OR missiles`` needs *nuclear*). Operators are
upper case; ``and``/``or``/``not`` are ordinary words. Unbalanced quotes and parentheses are
repaired, with a notice. A query past the limits below is refused, unless it is plain words
(all AND-ed or all OR-ed, filters aside): pasted text or a long question is searched by its
most selective words. ``indexer/syntax.py`` parses a query string into this tree, within the
limits below; ``indexer/plan.py`` turns the tree into Whoosh queries.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from corpus.model import PartialDate
from indexer.errors import EmptyQuery, QueryError

MAX_QUERY_CHARS = 1_000
MAX_DEPTH = 8
MAX_CLAUSES = 64
# A longer query made only of plain words (pasted text, a question) is searched by its
# MAX_CLAUSES most selective words (indexer/search/plan.py), within these bounds.
MAX_PLAIN_CHARS = 10_000
MAX_PLAIN_WORDS = 2_000
MIN_PREFIX = 2
MAX_FUZZY = 2
MAX_SLOP = 50

FILTER_FIELDS = (
    "kind",
    "speaker",
    "source",
    "tag",
    "person",
    "org",
    "place",
    "nationality",
    "entity",
    "said",
)
# Other names users write for the entity filters.
FIELD_ALIASES = {
    "organization": "org",
    "organisation": "org",
    "location": "place",
    "norp": "nationality",
}
_DATE_RE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
DATE_HELP = "Use date:2013, date:2013-06, date:2013-06-05, date:[2013-06 TO 2014-01] or date:>2010."


@dataclass(frozen=True)
class Word:
    """A word: matches its stem; ``start``/``end`` locate it in the query string."""

    text: str
    field: str | None = None
    start: int = 0
    end: int = 0


@dataclass(frozen=True)
class Prefix:
    """``text*``: every vocabulary word that starts with ``text``."""

    text: str
    field: str | None = None


@dataclass(frozen=True)
class Fuzzy:
    """``text~N``: vocabulary words within ``distance`` edits (first letter kept)."""

    text: str
    distance: int
    field: str | None = None


@dataclass(frozen=True)
class Phrase:
    """``"exact words"``; ``slop`` words may sit between neighbours (order kept)."""

    text: str
    slop: int = 0
    field: str | None = None


@dataclass(frozen=True)
class Filter:
    """``kind:``, ``speaker:``, ``source:``, ``tag:``, an entity type's prefix (``person:``,
    ``org:``, ``place:``, ``nationality:``) or ``entity:`` with a value.

    ``speaker:putin`` matches the words of a name ("Vladimir Putin"), and so does
    ``person:putin`` among the names of the people a document mentions; an ``exact`` filter (a
    facet value chosen in the web app) matches the whole name only. ``entity:`` takes an entity
    id (case-sensitive) or another entity ref from a facet; the other filters ignore case.
    ``said:`` names a speaker and scopes the query's words to their turns
    (``indexer/search/said.py``); an ``exact`` one holds a speaker's ref.
    """

    field: str
    value: str
    exact: bool = False


@dataclass(frozen=True)
class DateFilter:
    """Documents whose date (the first day of its known period) is in ``[first, last]``.

    Either end may be open (``None``); documents with no date never match.
    """

    first: dt.date | None
    last: dt.date | None
    label: str = ""


@dataclass(frozen=True)
class Not:
    """Documents that do not match ``child`` (``NOT x`` or ``-x``)."""

    child: Node


@dataclass(frozen=True)
class And:
    """Documents matching every child (a space or ``AND``)."""

    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    """Documents matching any child (``OR``)."""

    children: tuple[Node, ...]


Node = Word | Prefix | Fuzzy | Phrase | Filter | DateFilter | Not | And | Or
Leaf = Word | Prefix | Fuzzy | Phrase | Filter | DateFilter


@dataclass(frozen=True)
class ParsedQuery:
    """The parsed tree (``None`` when only filters came from the request) and repair notices."""

    source: str
    root: Node | None
    notices: tuple[str, ...] = ()


def empty_query(source: str) -> EmptyQuery:
    """The one message for a query with nothing searchable left in it."""
    return EmptyQuery(
        f'Nothing to search for in "{shorten(source)}". Try a word, or a phrase in quotes.'
    )


def leaves(node: Node | None) -> list[Leaf]:
    """All leaves of a tree, left to right (negated ones included)."""
    if node is None:
        return []
    if isinstance(node, And | Or):
        return [leaf for child in node.children for leaf in leaves(child)]
    if isinstance(node, Not):
        return leaves(node.child)
    return [node]


def positive_leaves(node: Node | None) -> list[Leaf]:
    """Leaves that are not under a NOT: the ones worth highlighting."""
    if node is None or isinstance(node, Not):
        return []
    if isinstance(node, And | Or):
        return [leaf for child in node.children for leaf in positive_leaves(child)]
    return [node]


def parse_date_bound(text: str, *, upper: bool) -> dt.date:
    """First day (or, for ``upper``, last day) of ``2013``, ``2013-06`` or ``2013-06-05``."""
    period = parse_period(text)
    return period.last_day() if upper else period.value


def parse_period(text: str) -> PartialDate:
    """``2013`` / ``2013-06`` / ``2013-06-05`` as a ``PartialDate``; ``QueryError`` otherwise."""
    m = _DATE_RE.fullmatch(text.strip())
    if not m:
        raise QueryError(f'"{shorten(text)}" is not a date. {DATE_HELP}')
    year, month, day = m.groups()
    try:
        if day:
            return PartialDate(dt.date(int(year), int(month), int(day)), "day")
        if month:
            return PartialDate(dt.date(int(year), int(month), 1), "month")
        return PartialDate(dt.date(int(year), 1, 1), "year")
    except ValueError:
        raise QueryError(f'"{shorten(text)}" is not a date. {DATE_HELP}') from None


def shorten(text: str, limit: int = 60) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis, for quoting it in messages."""
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"
