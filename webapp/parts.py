"""Reading a long document a part at a time, so every page stays small and quick.

A document's text is cut into parts of at most ``DOCUMENT_PART_CHARS`` characters, after a
blank line or a line break where there is one in the second half of the part, so a part ends
where a paragraph does. A page shows one part: its text, its hits of the query and its entity
mentions, each capped (``MAX_HITS``, ``MAX_MARKS``), with a sentence saying what the cap left
out. Offsets stay offsets into the whole text, so links (``#m-<offset>``, ``?at=``) and hit
spans mean the same on every part.

Hits are found in the part shown only: finding them in a 10 MB text takes seconds. Moving to
the next or previous hit beyond a part looks through the parts after (or before) it, at most
``SCAN_PARTS`` of them in one request, and comes back round to the first (or last) part; when
those parts have no hit, the page of the last one looked at goes on from there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from corpus import Span
from indexer.search import hit_spans, within

MAX_HITS = 1_000  # hits marked on one page
MAX_MARKS = 5_000  # entity mentions marked on one page
SCAN_PARTS = 8  # parts one request looks through for the next or previous hit
_BREAKS = ("\n\n", "\n", " ")


@dataclass(frozen=True)
class Parts:
    """Where a text is cut: ``spans[i]`` is part ``i + 1``."""

    spans: tuple[Span, ...]

    @property
    def count(self) -> int:
        """How many parts there are."""
        return len(self.spans)

    def number_at(self, offset: int) -> int:
        """The number (from 1) of the part holding ``offset``; past the end, the last part."""
        for number, span in enumerate(self.spans, 1):
            if offset < span.end:
                return number
        return self.count

    def span(self, number: int) -> Span:
        """The span of part ``number``, clamped to the parts there are."""
        return self.spans[min(max(number, 1), self.count) - 1]


@dataclass(frozen=True)
class Found:
    """Where a search for the next (or previous) hit ended: the part, and the number (from 1)
    of the hit in that part, or 0 when the parts looked through had none (the search goes on
    from ``part``); ``is_everywhere``: every part was looked through."""

    part: int
    hit: int
    is_everywhere: bool


def split_parts(text: str, size: int) -> Parts:
    """Consecutive spans of at most ``size`` characters that cover ``text``."""
    spans: list[Span] = []
    start = 0
    while len(text) - start > size:
        end = start + size
        cut = -1
        for mark in _BREAKS:
            cut = text.rfind(mark, start + size // 2, end)
            if cut >= 0:
                cut += len(mark)
                break
        end = cut if cut > start else end
        spans.append(Span(start, end))
        start = end
    spans.append(Span(start, len(text)))
    return Parts(tuple(spans))


def hits_in(text: str, part: Span, query: str, scope: Sequence[Span] | None = None) -> list[Span]:
    """The hits of ``query`` in one part of ``text``, as offsets into the whole text; with a
    ``scope`` (``webapp/hit_scope.py``), only those inside it.

    Raises ``QueryError`` when the query cannot be run.
    """
    shift = part.start
    found = [
        Span(s.start + shift, s.end + shift) for s in hit_spans(text[part.start : part.end], query)
    ]
    return found if scope is None else within(found, scope)


def next_hit(
    text: str, parts: Parts, query: str, after: int, scope: Sequence[Span] | None = None
) -> Found:
    """The first hit (inside ``scope``, when given) that ends after ``after``, looking through
    at most ``SCAN_PARTS`` parts from the one holding ``after`` on, then from the first part
    round (to that one again)."""
    start = parts.number_at(after)
    order = [*range(start, parts.count + 1), *range(1, start + 1)][:SCAN_PARTS]
    for turn, number in enumerate(order):
        hits = hits_in(text, parts.span(number), query, scope)
        later = [n for n, h in enumerate(hits, 1) if turn or h.end > after]
        if later:
            return Found(number, later[0], False)
    return Found(order[-1], 0, len(order) > parts.count)


def previous_hit(
    text: str, parts: Parts, query: str, before: int, scope: Sequence[Span] | None = None
) -> Found:
    """The last hit (inside ``scope``, when given) that starts before ``before``, looking back
    through at most ``SCAN_PARTS`` parts from the one holding ``before - 1``, then from the
    last part round."""
    start = parts.number_at(max(before - 1, 0))
    order = [*range(start, 0, -1), *range(parts.count, start - 1, -1)][:SCAN_PARTS]
    for turn, number in enumerate(order):
        hits = hits_in(text, parts.span(number), query, scope)
        earlier = [n for n, h in enumerate(hits, 1) if turn or h.start < before]
        if earlier:
            return Found(number, earlier[-1], False)
    return Found(order[-1], 0, len(order) > parts.count)
