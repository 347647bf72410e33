"""The annotation layer of highlights, and the passage a passage link opens, as ``Mark``s.

Each annotation placed in the version shown becomes ``<mark class="annotation"
data-annotation="<id>" data-colour="yellow" data-status="exact">``; its first element has the
id ``annotation-<id>``, so the side panel and links can scroll to it (``#annotation-<id>``).
Orphaned annotations have no place in the text: the page lists them apart, with their quote.
A passage link's words are one ``<mark class="passage" id="passage">``.

The marks are merged with the entity and hit layers by ``webapp/highlight.py``; overlapping
annotations nest, each keeping its own ``data-annotation``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from annotations import (
    Annotation,
    AnnotationStore,
    Counts,
    Placement,
    counts,
    document_annotations,
)
from webapp.highlight import Mark
from webapp.layers import Placed

TITLE_CHARS = 120  # how much of a note a highlight's tooltip shows


@dataclass(frozen=True)
class AnnotationLayer:
    """A document version's annotations: the marks of those placed in it, and the rest."""

    marks: tuple[Mark, ...]
    placed: tuple[Annotation, ...]  # in text order
    orphaned: tuple[Annotation, ...]

    @property
    def to_review(self) -> int:
        """How many need an analyst's look: fuzzy or orphaned."""
        return len(self.orphaned) + sum(a.status == "fuzzy" for a in self.placed)


def annotation_layer(annotations: Sequence[Annotation]) -> AnnotationLayer:
    """The layer of annotations already placed in the version shown (``as_seen_in``)."""
    placed = sorted(
        (a for a in annotations if a.located is not None),
        key=lambda a: (a.located.span.start, a.located.span.end, a.id) if a.located else (0, 0, ""),
    )
    marks = tuple(annotation_mark(a) for a in placed)
    orphaned = tuple(a for a in annotations if a.located is None)
    return AnnotationLayer(marks, tuple(placed), orphaned)


def annotation_mark(annotation: Annotation) -> Mark:
    """One placed annotation as a mark (see the module docstring)."""
    if annotation.located is None:
        raise ValueError(f"annotation {annotation.id} is orphaned: it has no place to mark")
    attrs = {
        "data-annotation": annotation.id,
        "data-colour": annotation.colour,
        "data-status": annotation.status,
        "title": _title(annotation),
    }
    return Mark(annotation.located.span, "annotation", attrs, f"annotation-{annotation.id}")


@dataclass(frozen=True)
class HitAnnotations:
    """The annotations of a page of hits: how many each document has (those with any), and
    the marks its snippets may show."""

    counts: Mapping[str, Counts]
    placed: Mapping[str, list[Placed]]


def hit_annotations(
    astore: AnnotationStore, document_ids: Iterable[str], *, viewer: str
) -> HitAnnotations:
    """Counts for every document of a page of hits (one query), and the annotations of those
    that have any, as marks for their snippets."""
    found = counts(astore, document_ids, viewer=viewer)
    placed = {
        document_id: placed_marks(document_annotations(astore, document_id, viewer=viewer))
        for document_id in found
    }
    return HitAnnotations(found, placed)


def placed_marks(annotations: Iterable[Annotation]) -> list[Placed]:
    """The annotations whose quote is intact where re-anchoring found it (exact or moved), as
    marks for windows of the text (``webapp.layers.window`` checks each quote). Fuzzy ones
    are left to the document view, where the analyst can review them."""
    return [
        Placed(annotation_mark(a), a.anchor.quote)
        for a in annotations
        if a.located is not None and a.status in ("exact", "moved")
    ]


def passage_mark(placement: Placement) -> Mark | None:
    """The mark of a passage link's words, or None when they are gone from this version."""
    if placement.located is None:
        return None
    attrs = {"data-status": placement.status}
    return Mark(placement.located.span, "passage", attrs, "passage")


def _title(annotation: Annotation) -> str:
    note = " ".join(annotation.note.split())
    if len(note) > TITLE_CHARS:
        note = note[: TITLE_CHARS - 1] + "\u2026"
    tags = ", ".join(annotation.tags)
    parts = [note or "Highlight", f"Tags: {tags}" if tags else ""]
    if annotation.status == "fuzzy":
        parts.append(f"Found approximately (score {annotation.score:.2f}): check it")
    return " · ".join(part for part in parts if part)
