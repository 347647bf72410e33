"""Value types shared by every stage: a document, its date and the spans that point into it.

Every span anywhere in Dossier (query hits, entity mentions, annotation anchors) is a ``Span``:
a pair of character offsets into ``Document.text``, the one canonical plain text of a version.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

KINDS: tuple[str, ...] = ("speech", "forum", "news", "other")
PRECISIONS: tuple[str, ...] = ("day", "month", "year")

Precision = Literal["day", "month", "year"]
IdFrom = Literal["given", "file", "url", "text"]
"""How a draft's id was chosen: ``given`` by its source (front matter, a JSONL ``id``, a
loader's own naming scheme), or derived from the file name, the url or the text."""


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
    """A document as a reader found it, before the store gives it a version.

    ``origin`` names where it came from (``path`` or ``path:line``; ingest gives absolute
    paths). ``id_from`` says how the id was chosen (``IdFrom``; None when the caller did not
    say, which counts as derived): only a ``given`` id may take a stored document's next
    version from another origin (``corpus/identity.py``). ``is_title_derived``: the source
    gave no title and ``title`` was made from the text (its first line), for display only:
    search does not index it as a title.
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
    id_from: IdFrom | None = None
    is_title_derived: bool = False

    def content_hash(self) -> str:
        """Hash of the text and metadata: equal hashes mean re-ingesting changes nothing."""
        return content_hash(self)


@dataclass(frozen=True)
class Document:
    """One stored version of a document; ``text`` is what every offset refers to.

    ``is_title_derived``: ``title`` was made from the text because the source gave none.
    """

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
    is_title_derived: bool = False
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def passage(self, span: Span) -> str:
        """The text a span covers."""
        return self.text[span.start : span.end]


def content_hash(draft: DocumentDraft) -> str:
    """SHA-256 over the fields that define a version (not ``id`` or ``origin``)."""
    import hashlib  # here: a search never hashes, and hashlib costs as much as this module

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
