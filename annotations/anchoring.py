"""Placing an annotation's anchor in a document version: exact, moved, fuzzy or orphaned.

Pure functions over values; ``corpus.anchors.locate`` does the finding (one locator for entity
tags, annotations and citations). Stored results and the re-anchoring jobs are in
``annotations/reanchor.py``.

Re-anchoring always searches with the quote the analyst selected. When the passage was found
intact in the version looked at last (exact or moved), its context there is fresher than the
context at creation, so the anchor used is the same quote with that version's context and
offsets: two successive re-publications that each edit around a passage never wear its context
away. A fuzzy or orphaned annotation keeps searching with its original anchor, so it can never
drift, one approximate match after another, onto other words.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from annotations.model import Annotation, Located, Status
from corpus.anchors import CONTEXT_CHARS, Anchor, locate
from corpus.model import Document


@dataclass(frozen=True)
class Placement:
    """Where an anchor is in one document ``version`` and how it was found (``located``
    None: orphaned there)."""

    version: int
    located: Located | None
    status: Status
    score: float

    @classmethod
    def at_anchor(cls, anchor: Anchor, version: int) -> Placement:
        """The placement of an anchor in the version it was made on: exact."""
        return cls(version, Located(version, anchor.span), "exact", 1.0)


def place(anchor: Anchor, document: Document) -> Placement:
    """Where ``anchor`` is in ``document`` (its own version: exactly at its offsets)."""
    if anchor.version == document.version:
        return Placement.at_anchor(anchor, document.version)
    found = locate(anchor, document.text)
    if found is None:
        return Placement(document.version, None, "orphaned", 0.0)
    located = Located(document.version, found.span)
    return Placement(document.version, located, found.status, found.score)


def freshest_anchor(
    anchor: Anchor, located: Located | None, status: str, previous: Document | None
) -> Anchor:
    """The anchor to search a newer version with (see the module docstring).

    ``previous`` is the version ``located`` counts in, when it was read; with anything but an
    intact quote there, the original anchor.
    """
    if located is None or status not in ("exact", "moved") or previous is None:
        return anchor
    if previous.version != located.version:
        return anchor
    span = located.span
    if previous.text[span.start : span.end] != anchor.quote:
        return anchor
    return replace(
        anchor,
        prefix=previous.text[max(0, span.start - CONTEXT_CHARS) : span.start],
        suffix=previous.text[span.end : span.end + CONTEXT_CHARS],
        start=span.start,
        end=span.end,
        version=previous.version,
    )


def as_seen_in(annotations: Iterable[Annotation], document: Document) -> list[Annotation]:
    """The annotations of ``document`` placed in that version: as stored when re-anchoring
    looked at this version, else located now (an older version, or a newer one that
    re-anchoring has not reached yet)."""
    seen = []
    for annotation in annotations:
        if annotation.checked_version == document.version:
            seen.append(annotation)
            continue
        found = place(annotation.anchor, document)
        seen.append(
            replace(
                annotation,
                checked_version=found.version,
                located=found.located,
                status=found.status,
                score=found.score,
            )
        )
    return seen
