"""Value types shared by every stage: a document, its date and the spans that point into it.

Every span anywhere in Dossier (query hits, entity mentions, annotation anchors) is a ``Span``:
a pair of character offsets into ``Document.text``, the one canonical plain text of a version.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

KINDS: tuple[str, ...] = ("speech", "forum", "news", "other")
PRECISIONS: tuple[str, ...] = ("day", "month", "year")

Precision = Literal["day", "month", "year"]


@dataclass(frozen=True, order=True)
class Span:
    """Half-open character range ``[start, end)`` in a document's canonical text."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"invalid span [{self.start}, {self.end})")

    def __len__(self) -> int:
        return self.end - self.start

    def overlaps(self, other: Span) -> bool:
        """True when the two ranges share at least one character."""
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class PartialDate:
    """A date known to a day, a month or a year; ``value`` is the first day of that period."""

    value: dt.date
    precision: Precision = "day"

    def __post_init__(self) -> None:
        if self.precision not in PRECISIONS:
            raise ValueError(f"unknown date precision {self.precision!r}")

    def iso(self) -> str:
        """``2013``, ``2013-06`` or ``2013-06-01``, as precise as the date is known."""
        if self.precision == "year":
            return f"{self.value.year:04d}"
        if self.precision == "month":
            return f"{self.value.year:04d}-{self.value.month:02d}"
        return self.value.isoformat()

    def last_day(self) -> dt.date:
        """The last day the date may stand for (for range queries)."""
        if self.precision == "day":
            return self.value
        if self.precision == "month":
            nxt = (self.value.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
            return nxt - dt.timedelta(days=1)
        return self.value.replace(month=12, day=31)


@dataclass(frozen=True)
class DocumentDraft:
    """A document as a reader found it, before the store gives it an id and a version.

    ``origin`` names where it came from (``path`` or ``path:line``) for messages only.
    """

    text: str
    id: str | None = None
    kind: str = "other"
    title: str = ""
    date: PartialDate | None = None
    speaker: str = ""
    source: str = ""
    url: str = ""
    language: str = "en"
    tags: tuple[str, ...] = ()
    licence: str = ""
    origin: str = ""

    def content_hash(self) -> str:
        """Hash of the text and metadata: equal hashes mean re-ingesting changes nothing."""
        return content_hash(self)


@dataclass(frozen=True)
class Document:
    """One stored version of a document; ``text`` is what every offset refers to."""

    id: str
    version: int
    text: str
    kind: str = "other"
    title: str = ""
    date: PartialDate | None = None
    speaker: str = ""
    source: str = ""
    url: str = ""
    language: str = "en"
    tags: tuple[str, ...] = ()
    licence: str = ""
    content_hash: str = ""
    ingested_at: dt.datetime | None = None
    seq: int = 0
    is_current: bool = True
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def passage(self, span: Span) -> str:
        """The text a span covers."""
        return self.text[span.start : span.end]


def content_hash(draft: DocumentDraft) -> str:
    """SHA-256 over the fields that define a version (not ``id`` or ``origin``)."""
    h = hashlib.sha256()
    parts = [
        draft.text,
        draft.kind,
        draft.title,
        draft.date.iso() if draft.date else "",
        draft.speaker,
        draft.source,
        draft.url,
        draft.language,
        "\x1f".join(draft.tags),
        draft.licence,
    ]
    for part in parts:
        h.update(part.encode("utf-8"))
        h.update(b"\x1e")
    return h.hexdigest()


# --- Entities: the registry's values, the mentions that point at them, and analysts' corrections.

ENTITY_TYPES: tuple[str, ...] = (
    "PERSON",
    "ORGANIZATION",
    "LOCATION",
    "NORP",
    "DATE",
    "MONEY",
    "PERCENT",
)
MENTION_SOURCES: tuple[str, ...] = ("analyst", "registry", "rule", "model")
"""Who found a mention, most trusted first (ties between overlapping mentions go that way)."""

MentionSource = Literal["analyst", "registry", "rule", "model"]


@dataclass(frozen=True)
class Entity:
    """A canonical person, organisation, place...: the id never changes, even on rename."""

    id: str
    name: str
    type: str
    aliases: tuple[str, ...] = ()
    description: str = ""
    external_id: str = ""

    def forms(self) -> tuple[str, ...]:
        """The name and the aliases, name first, without repeats: what the matcher looks for."""
        return tuple(dict.fromkeys((self.name, *self.aliases)))


@dataclass(frozen=True)
class Mention:
    """One occurrence of a typed name in a text; ``entity_id`` links it to the registry."""

    span: Span
    type: str
    text: str
    source: str
    confidence: float
    entity_id: str | None = None


@dataclass(frozen=True)
class Correction:
    """One analyst correction as logged: what (``kind``), by whom, when, and its details."""

    id: int
    kind: str
    who: str
    at: dt.datetime
    entity_id: str = ""
    detail: dict[str, object] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class TaggedSpan:
    """A mention an analyst tagged by hand in one version of a document.

    ``quote`` with ``prefix``/``suffix`` context lets it be found again in a later version;
    ``located`` is where it was last found (None while unchecked or orphaned).
    """

    id: int
    document_id: str
    version: int
    span: Span
    quote: str
    prefix: str
    suffix: str
    type: str
    entity_id: str | None = None
    who: str = ""
    at: dt.datetime | None = None
    located: Span | None = None
    located_version: int | None = None
    is_orphaned: bool = False


@dataclass(frozen=True)
class Suppression:
    """A surface form that is "not an entity" anywhere (of ``type``, or of any type if "")."""

    key: str
    type: str
    surface: str
    who: str = ""
    at: dt.datetime | None = None


@dataclass(frozen=True)
class EntityCorrections:
    """What analysis needs from the corrections: suppressed forms and a document's tags."""

    suppressed: frozenset[tuple[str, str]] = frozenset()
    tagged: tuple[TaggedSpan, ...] = ()

    def is_suppressed(self, key: str, type: str) -> bool:
        """True when the normalised form ``key`` is suppressed for ``type`` (or for all types)."""
        return (key, "") in self.suppressed or (key, type) in self.suppressed


# Alias keys. A name is compared with another by its key: Unicode compatibility-decomposed with
# combining marks dropped (plus a few letters that do not decompose, like "ł"), case-folded;
# dots and apostrophes vanish ("U.S." = "US", "O'Brien" = "OBrien") and every other
# non-alphanumeric character separates words ("Jong-un" = "Jong un"). The store keys aliases and
# suppressions with it; the matcher in ``indexer/`` applies the same rule token by token.
_JOINERS = frozenset(".'\u2019\u02bc\u00ad\u200c\u200d")  # and combining marks
_LETTERS = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
    | {"Ø": "o", "Æ": "ae", "Œ": "oe", "Ł": "l", "Đ": "d", "Ð": "d", "Þ": "th"}
)


@functools.lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str | None:
    """A character's folded form: "" for a separator, None for a joiner (dot, apostrophe,
    soft hyphen, combining mark)."""
    if ch in _JOINERS or unicodedata.combining(ch):
        return None
    decomposed = unicodedata.normalize("NFKD", ch.translate(_LETTERS))
    folded = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return folded if folded and all(c.isalnum() for c in folded) else ""


def alias_pieces(text: str) -> list[tuple[str, int, int]]:
    """The words of ``text`` as ``(key, start, end)``: each folded word and its offsets.

    A word's span runs from its first to its last alphanumeric character, plus dots that end
    it ("U.S." keeps its final dot), so a match of words is an exact span of the text.
    """
    if text.isascii() and text.isalnum():
        return [(text.lower(), 0, len(text))]
    out: list[tuple[str, int, int]] = []
    word: list[str] = []
    start = end = 0
    for i, ch in enumerate(text):
        folded = _fold_char(ch)
        if folded is None:
            if word and end == i and (ch == "." or unicodedata.combining(ch)):
                end = i + 1  # "U.S." keeps its final dot, "Nu\u0301" its accent
        elif folded:
            if not word:
                start = i
            word.append(folded)
            end = i + 1
        elif word:
            out.append(("".join(word), start, end))
            word = []
    if word:
        out.append(("".join(word), start, end))
    return out


@functools.lru_cache(maxsize=65_536)
def alias_key(text: str) -> str:
    """The normalised form of a name: "Kim Jong-un", "KIM JONG UN" -> "kim jong un".

    Cached: storing an analysis computes one per mention, and names recur across documents."""
    return " ".join(key for key, _, _ in alias_pieces(text))
