"""The registry's values, the mentions that point at them, and analysts' corrections; and the
alias key, the one rule by which names are compared (the store keys aliases with it, the
matcher in ``indexer/`` applies it token by token)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from corpus.model import Span

if TYPE_CHECKING:  # a search reads turns and mentions, never anchors (and their difflib)
    from corpus.anchors import Anchor

ENTITY_TYPES: tuple[str, ...] = (
    "PERSON",
    "ORGANIZATION",
    "LOCATION",
    "NORP",
    "DATE",
    "MONEY",
    "PERCENT",
)
FACET_CONFIDENCE = 0.8
"""The model's confidence in a name (the mean probability of its labels over the name's words,
``Recogniser.recognise``) from which the name counts in facets and in the names to review; a
name only the model found, never this sure, is listed as "less sure" (docs/QUALITY.md)."""

MENTION_SOURCES: tuple[str, ...] = ("analyst", "label", "registry", "rule", "model")
"""Who found a mention, most trusted first (ties between overlapping mentions go that way);
"label" is a speaker's name in a transcript's turn label ("Vladimir Putin:")."""

MentionSource = Literal["analyst", "label", "registry", "rule", "model"]


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
class Turn:
    """One speaker's turn in a transcript ("Vladimir Putin: ..." up to the next label).

    ``span`` runs from the label's first character to the end of the turn's last paragraph;
    ``label`` is what stands before the colon ("President of Russia Vladimir Putin"); ``name``
    the person's name inside it (its PERSON mention: "Vladimir Putin"), None for labels without
    one ("Question", "The President"). ``speaker`` is who said it, "" when unknown or
    anonymous; ``entity_id`` the registry's entity for the speaker, when known.
    """

    span: Span
    label: Span
    speaker: str
    name: Span | None = None
    entity_id: str | None = None

    @property
    def body(self) -> Span:
        """The words said: from after the label's colon to the end of the turn."""
        return Span(min(self.label.end + 1, self.span.end), self.span.end)


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

    Its ``anchor`` (quote, context, offsets in ``anchor.version``) lets it be found again in a
    later version; ``located`` is where it was last found (None while unchecked or orphaned).
    """

    id: int
    document_id: str
    anchor: Anchor
    type: str
    entity_id: str | None = None
    who: str = ""
    at: dt.datetime | None = None
    located: Span | None = None
    located_version: int | None = None
    is_orphaned: bool = False

    def latest_anchor(self) -> Anchor:
        """The anchor with the offsets where the tag was last found, a better first guess in a
        newer version than the offsets it was made at."""
        if self.located is None or self.located_version is None:
            return self.anchor
        start, end = self.located.start, self.located.end
        return dataclasses.replace(self.anchor, start=start, end=end, version=self.located_version)


@dataclass(frozen=True)
class Suppression:
    """A surface form that is "not an entity" anywhere (of ``type``, or of any type if "")."""

    key: str
    type: str
    surface: str
    who: str = ""
    at: dt.datetime | None = None


@dataclass(frozen=True)
class SpeakerCorrection:
    """An analyst's word on one speaker label of a document (compared by ``label_key``):
    whose turns it marks (an entity, a name, or "" for someone unnamed), or, when not
    ``is_turn``, that it marks no one's turn at all."""

    label: str
    speaker: str = ""
    entity_id: str | None = None
    is_turn: bool = True
    who: str = ""
    at: dt.datetime | None = None


def label_key(label: str) -> str:
    """How speaker labels are compared: "  President  Putin" and "president putin" are one."""
    return " ".join(label.split()).casefold()


@dataclass(frozen=True)
class EntityCorrections:
    """What analysis needs from the corrections: suppressed forms, a document's tags and its
    speaker corrections."""

    suppressed: frozenset[tuple[str, str]] = frozenset()
    tagged: tuple[TaggedSpan, ...] = ()
    speakers: tuple[SpeakerCorrection, ...] = ()

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


UNLINKED_PERSON = "~person:"  # an unlinked ref of a PERSON, as the index writes it


def speaker_ref(turn: Turn) -> str:
    """The registry id of a turn's speaker, else ``~person:<alias key>``; "" when unnamed."""
    if turn.entity_id:
        return turn.entity_id
    key = alias_key(turn.speaker)
    return f"{UNLINKED_PERSON}{key.replace(' ', '_')}" if key else ""
