"""Annotation values: an analyst's note on a passage, its replies, passage links, filters.

Every analyst-made object has an owner id (``author``; today the one local user, ``"local"``,
stored as an id so that accounts can come later without a data migration) and a visibility:
``private`` (its author only) or ``team`` (everyone who can read the corpus).

An annotation's target is an ``Anchor`` (``corpus/anchors.py``) made on one document version.
When the document gets new versions, re-anchoring (``annotations/anchoring.py``) records where
the anchor is found in the current version (``located``) and how (``status``: exact, moved,
fuzzy with a ``score``, or orphaned: kept, listed with its quote, never deleted).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from annotations.errors import InvalidAnnotation
from corpus.anchors import Anchor
from corpus.model import Span

REANCHOR = "re-anchor"  # the kind of job that re-anchors a document's annotations
LOCAL_USER = "local"  # the owner id of everything made while Dossier runs for one user
VISIBILITIES: tuple[str, ...] = ("private", "team")
STATUSES: tuple[str, ...] = ("exact", "moved", "fuzzy", "orphaned")
# The highlight colours a page offers; the CSS names each (``mark.annotation[data-colour]``).
COLOURS: tuple[str, ...] = ("yellow", "green", "blue", "pink", "purple", "orange")
DEFAULT_COLOUR = "yellow"
MAX_NOTE_CHARS = 20_000
MAX_QUOTE_CHARS = 20_000
MAX_TAGS = 20
MAX_TAG_CHARS = 100
MAX_CLIENT_KEY_CHARS = 200
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")

Visibility = Literal["private", "team"]
Status = Literal["exact", "moved", "fuzzy", "orphaned"]


@dataclass(frozen=True)
class Located:
    """Where an anchor was found in a document version (the current one, unless asked)."""

    version: int
    span: Span


@dataclass(frozen=True)
class Reply:
    """One message in the thread under an annotation; edited only by its author."""

    id: str
    annotation_id: str
    body: str
    author: str
    visibility: Visibility
    created: dt.datetime
    modified: dt.datetime
    revision: int = 1


@dataclass(frozen=True)
class Annotation:
    """An analyst's note, tags and colour on a passage of one document.

    ``anchor.version`` is the version the passage was selected in; ``located`` is where it is
    in the version re-anchoring last looked at (None: orphaned there).
    """

    id: str
    document_id: str
    anchor: Anchor
    author: str
    visibility: Visibility
    created: dt.datetime
    modified: dt.datetime
    note: str = ""
    tags: tuple[str, ...] = ()
    colour: str = DEFAULT_COLOUR
    revision: int = 1
    checked_version: int = 1
    status: Status = "exact"
    score: float = 1.0
    located: Located | None = None
    replies: tuple[Reply, ...] = ()
    client_key: str = ""

    @property
    def is_orphaned(self) -> bool:
        """True when the passage was not found in the version last looked at."""
        return self.located is None


@dataclass(frozen=True)
class Selection:
    """A passage an analyst selected on a page: the offsets and the text the page showed."""

    document_id: str
    version: int
    start: int
    end: int
    quote: str

    def __post_init__(self) -> None:
        if not self.quote.strip():
            raise InvalidAnnotation("The selection is empty: select some words first.")
        if len(self.quote) > MAX_QUOTE_CHARS:
            raise InvalidAnnotation(
                f"The selection is {len(self.quote):,} characters long; select at most "
                f"{MAX_QUOTE_CHARS:,} (a few paragraphs)."
            )


@dataclass(frozen=True)
class AnnotationDraft:
    """What an analyst asks to create; ``client_key`` makes a retried create harmless."""

    selection: Selection
    note: str = ""
    tags: tuple[str, ...] = ()
    colour: str = DEFAULT_COLOUR
    visibility: Visibility = "private"
    client_key: str = ""

    def __post_init__(self) -> None:
        check_note(self.note)
        object.__setattr__(self, "tags", clean_tags(self.tags))
        check_colour(self.colour)
        check_visibility(self.visibility)
        check_client_key(self.client_key)


@dataclass(frozen=True)
class Changes:
    """An edit of an annotation's bodies: None leaves a field as it is."""

    note: str | None = None
    tags: tuple[str, ...] | None = None
    colour: str | None = None
    visibility: Visibility | None = None

    def __post_init__(self) -> None:
        if self.note is not None:
            check_note(self.note)
        if self.tags is not None:
            object.__setattr__(self, "tags", clean_tags(self.tags))
        if self.colour is not None:
            check_colour(self.colour)
        if self.visibility is not None:
            check_visibility(self.visibility)


@dataclass(frozen=True)
class Passage:
    """A shareable link to a passage (annotated or not), kept working by its anchor."""

    id: str
    document_id: str
    anchor: Anchor
    owner: str
    visibility: Visibility
    created: dt.datetime


@dataclass(frozen=True)
class AnnotationFilter:
    """Which annotations a list shows; empty fields do not filter.

    ``viewer`` sees their own annotations and the team's. ``text`` is matched in notes and
    quotes (case ignored); ``tags`` must all be present; dates bound ``created``.
    """

    viewer: str = LOCAL_USER
    document_ids: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    text: str = ""
    created_from: dt.datetime | None = None
    created_to: dt.datetime | None = None
    sort: Literal["text", "newest", "oldest"] = "newest"
    page: int = 1
    per_page: int = 50

    def __post_init__(self) -> None:
        for status in self.statuses:
            if status not in STATUSES:
                raise InvalidAnnotation(
                    f"Unknown anchoring status {status!r}: use one of {', '.join(STATUSES)}."
                )


@dataclass(frozen=True)
class AnnotationPage:
    """One page of a filtered list and how many annotations match in all."""

    annotations: tuple[Annotation, ...]
    total: int
    page: int
    per_page: int


@dataclass(frozen=True)
class TagCount:
    """A tag and how many annotations the viewer can see carry it."""

    tag: str
    count: int


@dataclass(frozen=True)
class Counts:
    """Per document: annotations the viewer can see, and how many need review (fuzzy or
    orphaned)."""

    total: int = 0
    to_review: int = 0
    by_status: dict[str, int] = field(default_factory=dict, compare=False)


def check_note(note: str) -> None:
    """Raise ``InvalidAnnotation`` for a note that is too long or holds a NUL character."""
    if len(note) > MAX_NOTE_CHARS:
        raise InvalidAnnotation(
            f"The note is {len(note):,} characters long; the most is {MAX_NOTE_CHARS:,}. "
            "Shorten it, or split it into replies."
        )
    _check_storable("The note", note)


def clean_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Tags trimmed, inner white space made single, repeats (case ignored) dropped; raises
    ``InvalidAnnotation`` for an empty, overlong or unprintable tag, or too many."""
    cleaned: dict[str, str] = {}
    for raw in tags:
        if not isinstance(raw, str):
            raise InvalidAnnotation(f"A tag must be text, not {raw!r}.")
        tag = " ".join(unicodedata.normalize("NFC", raw).split())
        if not tag:
            continue
        if len(tag) > MAX_TAG_CHARS:
            raise InvalidAnnotation(
                f"The tag {tag[:40]!r}… is {len(tag)} characters long; use at most {MAX_TAG_CHARS}."
            )
        if any(unicodedata.category(c).startswith("C") for c in tag) or "," in tag:
            raise InvalidAnnotation(
                f"The tag {tag!r} holds a comma or a control character; tags are single "
                "labels such as 'energy' or 'DPRK-labour'."
            )
        cleaned.setdefault(tag_key(tag), tag)
    if len(cleaned) > MAX_TAGS:
        raise InvalidAnnotation(f"{len(cleaned)} tags given; an annotation takes {MAX_TAGS}.")
    return tuple(cleaned.values())


def tag_key(tag: str) -> str:
    """The form tags are compared in: case and inner spacing ignored."""
    return " ".join(tag.split()).casefold()


def check_colour(colour: str) -> None:
    """Raise ``InvalidAnnotation`` unless ``colour`` is one of ``COLOURS``."""
    if colour not in COLOURS:
        raise InvalidAnnotation(f"Unknown colour {colour!r}: use one of {', '.join(COLOURS)}.")


def check_visibility(visibility: str) -> None:
    """Raise ``InvalidAnnotation`` unless ``visibility`` is private or team."""
    if visibility not in VISIBILITIES:
        raise InvalidAnnotation(
            f"Unknown visibility {visibility!r}: use 'private' (only you) or 'team'."
        )


def check_client_key(key: str) -> None:
    """Raise ``InvalidAnnotation`` for a client key too long to store."""
    if len(key) > MAX_CLIENT_KEY_CHARS:
        raise InvalidAnnotation(
            f"client_key is {len(key)} characters long; use at most {MAX_CLIENT_KEY_CHARS} "
            "(a UUID is 36)."
        )
    _check_storable("client_key", key)


def check_body(body: str) -> None:
    """Raise ``InvalidAnnotation`` for an empty, overlong or unstorable reply."""
    if not body.strip():
        raise InvalidAnnotation("The reply is empty: write something first.")
    check_note(body)


def _check_storable(what: str, value: str) -> None:
    if "\x00" in value:
        raise InvalidAnnotation(f"{what} contains a NUL character; remove it and save again.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidAnnotation(
            f"{what} holds an unpaired surrogate at offset {exc.start}; it is not valid Unicode."
        ) from exc
