"""The layer of passages cited by briefs in the document view, as ``Mark``s.

Each passage of the version shown that a brief the viewer may see cites becomes ``<mark
class="cited" data-briefs="<id> <id>" data-status="exact">``, its first element with the id
``cited-<start>-<end>`` so the side panel's "Cited in briefs" list can scroll to it. The marks
are merged with hits, entities and annotations by the one renderer (``webapp/highlight.py``);
the panel lists each passage with links to the briefs citing it (``annotations``'
``cited_passages`` chooses which briefs the viewer may see).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from annotations import CitedPassage
from corpus import Span
from webapp.highlight import Mark

TITLE_BRIEFS = 3  # how many brief titles a mark's tooltip names


@dataclass(frozen=True)
class CitedLayer:
    """A document version's cited passages: the marks of those found in it (text order),
    and the passages whose quote is gone from it."""

    marks: tuple[Mark, ...]
    placed: tuple[CitedPassage, ...]
    gone: tuple[CitedPassage, ...]

    @property
    def brief_count(self) -> int:
        """How many different briefs cite this document (the viewer may see)."""
        return len({b.brief_id for p in (*self.placed, *self.gone) for b in p.briefs})


def cited_layer(passages: Sequence[CitedPassage]) -> CitedLayer:
    """The layer of ``cited_passages`` in the version shown."""
    placed = tuple(p for p in passages if p.span is not None)
    gone = tuple(p for p in passages if p.span is None)
    return CitedLayer(tuple(cited_mark(p) for p in placed), placed, gone)


def cited_mark(passage: CitedPassage) -> Mark:
    """One cited passage as a mark (see the module docstring)."""
    if passage.span is None:
        raise ValueError("a passage gone from this version has no place to mark")
    titles = [f"“{b.title}”" for b in passage.briefs[:TITLE_BRIEFS]]
    more = len(passage.briefs) - len(titles)
    named = ", ".join(titles) + (f" and {more} more" if more > 0 else "")
    count = len(passage.briefs)
    attrs = {
        "data-briefs": " ".join(b.brief_id for b in passage.briefs),
        "data-status": passage.status,
        "title": f"Cited in {count} brief{'s' if count != 1 else ''}: {named}",
    }
    return Mark(passage.span, "cited", attrs, element_id(passage.span))


def element_id(span: Span) -> str:
    """The id of a cited passage's first element on the page."""
    return f"cited-{span.start}-{span.end}"
