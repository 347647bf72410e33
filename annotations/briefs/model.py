"""Brief values: an analyst's write-up in Markdown and its ordered citations.

A brief has an owner id and a visibility (``private``: its owner only; ``team``: everyone who
can read the corpus) like every analyst-made object; only its owner edits it. Each edit names
the revision it was made on (``BriefConflict`` otherwise) and is kept in its history.

A citation points at a passage through the same ``Anchor`` as annotations (document, version,
quote with context, offsets) and may name the annotation it came from. The body refers to a
citation by a marker, ``[@<citation id>]``; notes are numbered in the order their markers first
appear (``annotations/briefs/notes.py``). Verification (``annotations/briefs/verify.py``)
records whether each quote is still in its document's current version: ``exact``, ``moved``,
``changed`` (an approximate match: the words differ) or ``missing``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from annotations.errors import InvalidAnnotation
from annotations.model import Selection, Visibility, check_client_key, check_visibility
from corpus.anchors import Anchor
from corpus.model import Span

VERIFY_BRIEFS = "verify-briefs"  # the kind of job that re-checks citations of a changed document
CHECKS: tuple[str, ...] = ("exact", "moved", "changed", "missing")
MAX_TITLE_CHARS = 300
MAX_BODY_CHARS = 200_000
MAX_CITATIONS = 500
MARKER = re.compile(r"\[@([a-z0-9][a-z0-9_-]{0,63})\]")
NOTE_REF = re.compile(r"[ \t]*" + MARKER.pattern)  # a marker and the spaces before it

Check = Literal["exact", "moved", "changed", "missing"]


@dataclass(frozen=True)
class BriefCitation:
    """A brief's link to a passage; ``status`` is what verification found in
    ``checked_version`` (``located``: where, None when missing)."""

    id: str
    brief_id: str
    document_id: str
    anchor: Anchor
    position: int
    created: dt.datetime
    annotation_id: str | None = None
    status: Check = "exact"
    score: float = 1.0
    checked_version: int = 1
    located: Span | None = None

    @property
    def marker(self) -> str:
        """What the body holds where it cites this passage."""
        return f"[@{self.id}]"


@dataclass(frozen=True)
class Brief:
    """A brief with its citations in order."""

    id: str
    title: str
    body: str
    owner: str
    visibility: Visibility
    created: dt.datetime
    modified: dt.datetime
    revision: int = 1
    needs_verification: bool = False
    verified: dt.datetime | None = None
    citations: tuple[BriefCitation, ...] = ()
    client_key: str = ""
    cursor: int | None = None  # where its owner's editor last saved the caret in the body

    def citation(self, id: str) -> BriefCitation | None:
        """The citation with that id, if the brief has it."""
        return next((c for c in self.citations if c.id == id), None)


@dataclass(frozen=True)
class BriefDraft:
    """What an analyst asks to create; ``client_key`` makes a retried create harmless."""

    title: str
    body: str = ""
    visibility: Visibility = "private"
    client_key: str = ""

    def __post_init__(self) -> None:
        check_title(self.title)
        check_body(self.body)
        check_visibility(self.visibility)
        check_client_key(self.client_key)


@dataclass(frozen=True)
class BriefChanges:
    """An edit of a brief: None leaves a field as it is. A new body without a ``cursor``
    forgets the saved caret (it pointed into the old text)."""

    title: str | None = None
    body: str | None = None
    visibility: Visibility | None = None
    cursor: int | None = None  # the editor's caret in the (new) body

    def __post_init__(self) -> None:
        if self.cursor is not None and self.cursor < 0:
            raise InvalidAnnotation(f'"cursor" must be 0 or more, not {self.cursor}.')
        if self.title is not None:
            check_title(self.title)
        if self.body is not None:
            check_body(self.body)
        if self.visibility is not None:
            check_visibility(self.visibility)


@dataclass(frozen=True)
class Insertion:
    """Where a citation's quote and marker go in the body (``at``: None for the saved caret,
    else the end) and whether only the marker goes in."""

    at: int | None = None
    marker_only: bool = False

    def __post_init__(self) -> None:
        if self.marker_only and self.at is None:
            raise InvalidAnnotation(
                'Only a marker goes at a given place: send "at", the offset just after the '
                "quote it links."
            )


@dataclass(frozen=True)
class CitationDraft:
    """A passage to cite: a selection, or an annotation (its anchor is cited). ``append``
    adds the quote and its marker at the end of the body, ``insertion`` where it says
    (``annotations/briefs/insertion.py``); either makes a new revision."""

    selection: Selection | None = None
    annotation_id: str | None = None
    append: bool = False
    insertion: Insertion | None = None

    def __post_init__(self) -> None:
        if (self.selection is None) == (self.annotation_id is None):
            raise InvalidAnnotation(
                "Cite either a selection (document_id, version, start, end, quote) or an "
                "annotation (annotation_id), not both and not neither."
            )
        if self.append and self.insertion is not None:
            raise InvalidAnnotation(
                'Send "append" (at the end) or "insert"/"at" (at the caret or an offset), not both.'
            )


@dataclass(frozen=True)
class BriefRevision:
    """One saved state of a brief's title, body and visibility, and who saved it."""

    brief_id: str
    revision: int
    title: str
    body: str
    visibility: Visibility
    author: str
    saved: dt.datetime


def check_title(title: str) -> None:
    """Raise ``InvalidAnnotation`` for an empty, overlong or multi-line title."""
    if not title.strip():
        raise InvalidAnnotation("The brief needs a title, such as 'Far East infrastructure'.")
    if len(title) > MAX_TITLE_CHARS:
        raise InvalidAnnotation(
            f"The title is {len(title):,} characters long; use at most {MAX_TITLE_CHARS}."
        )
    if any(c in title for c in "\r\n\x00"):
        raise InvalidAnnotation("The title must be one line: remove its line breaks.")


def check_body(body: str) -> None:
    """Raise ``InvalidAnnotation`` for a body too long or not storable."""
    if len(body) > MAX_BODY_CHARS:
        raise InvalidAnnotation(
            f"The body is {len(body):,} characters long; the most is {MAX_BODY_CHARS:,}. "
            "Split the brief in two."
        )
    if "\x00" in body:
        raise InvalidAnnotation("The body contains a NUL character; remove it and save again.")


def markers(body: str) -> list[str]:
    """The citation ids the body refers to, in order of first appearance."""
    return list(dict.fromkeys(m.group(1) for m in MARKER.finditer(body)))
