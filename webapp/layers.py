"""Highlight layers for a window of a document's text: the one way the document view's parts,
search snippets and (later) briefs' quotes get their marks.

Each layer gives ``Placed`` marks in offsets of the whole text, with the words each should
cover. ``window`` cuts them to a passage (a snippet, a part of a long document, a cited quote):
clipped to it, made relative to its start, and kept only where the passage shows exactly those
words, so a passage cut from another version of the text is never coloured on the wrong words.
``webapp.highlight.render_layers`` then merges what the window kept.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

from corpus import Span
from webapp.highlight import Mark


@dataclass(frozen=True)
class Placed:
    """A mark in whole-text offsets, and the words it covers there (None: not checked, for a
    window cut from the very text the marks were placed in)."""

    mark: Mark
    words: str | None = None


def window(placed: Iterable[Placed], text: str, start: int, *, ids: bool = False) -> list[Mark]:
    """The marks that fall in ``text``, a window starting at offset ``start`` of the whole text,
    relative to the window. Element ids are dropped unless ``ids`` (a page shows several
    snippets of one document; each id must be on the page once)."""
    end = start + len(text)
    out = []
    for p in placed:
        mark = p.mark
        a, b = max(mark.span.start, start), min(mark.span.end, end)
        if a >= b:
            continue
        if p.words is not None:
            skip = a - mark.span.start
            if text[a - start : b - start] != p.words[skip : skip + b - a]:
                continue
        element_id = mark.element_id if ids and a == mark.span.start else ""
        span = Span(a - start, b - start)
        out.append(dataclasses.replace(mark, span=span, element_id=element_id))
    return out
