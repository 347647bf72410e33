"""Snippets: the few best short passages of a hit's text, with the matched words as spans.

Plain text and offsets only; escaping and markup are the web app's job. Fragments start and end
at whitespace so no word is cut, and each keeps its offset in the document for "jump to hit".
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from corpus.model import Span

FRAGMENT_CHARS = 200
MAX_FRAGMENTS = 3
MAX_CANDIDATES = 2_000  # matches looked at as fragment centres in one document
_SENTENCE_ENDS = (". ", "? ", "! ", ".\n", "\n\n", ":\n")


@dataclass(frozen=True)
class Snippet:
    """A passage of a hit: ``text`` starts at offset ``start`` of the document text;
    ``spans`` are matched words, relative to ``text``."""

    text: str
    spans: tuple[Span, ...]
    start: int


def make_snippets(
    text: str,
    spans: list[Span],
    *,
    count: int = MAX_FRAGMENTS,
    size: int = FRAGMENT_CHARS,
) -> tuple[Snippet, ...]:
    """Up to ``count`` non-overlapping fragments of about ``size`` characters, in text order.

    The best fragments hold the most distinct matched words, then the most matches. With no
    spans (a hit on the title or on filters only) the opening of the text is the one snippet.
    """
    if not text.strip():
        return ()
    if not spans:
        start, end = _window(text, 0, size)
        return (Snippet(text[start:end], (), start),)
    chosen: list[tuple[int, int]] = []
    for _, start, end in sorted(_candidates(text, spans, size), reverse=True):
        if len(chosen) == count:
            break
        if all(end <= s or start >= e for s, e in chosen):
            chosen.append((start, end))
    return tuple(_snippet(text, spans, start, end) for start, end in sorted(chosen))


def _candidates(
    text: str, spans: list[Span], size: int
) -> list[tuple[tuple[int, int, int], int, int]]:
    """One window around each match, scored by (distinct words, matches, earlier first)."""
    out = []
    starts = [s.start for s in spans]
    for i, span in enumerate(spans[:MAX_CANDIDATES]):
        lead = max(0, (size - len(span)) // 3)
        start, end = _window(text, _sentence_start(text, span.start, lead), size)
        start, end = min(start, span.start), max(end, span.end)
        j = bisect.bisect_left(starts, start)
        inside = [s for s in spans[j : j + 64] if s.start >= start and s.end <= end]
        distinct = len({text[s.start : s.end].lower() for s in inside})
        out.append(((distinct, len(inside), -i), start, end))
    return out


def _window(text: str, start: int, size: int) -> tuple[int, int]:
    """``[start, start+size)`` moved to word boundaries and trimmed of outer whitespace."""
    if start > 0 and not text[start - 1].isspace():
        space = _next_space(text, start, start + 30)
        start = space + 1 if space is not None else start
    end = min(len(text), start + size)
    if end < len(text) and not text[end].isspace():
        space = text.rfind(" ", start, end)
        newline = text.rfind("\n", start, end)
        cut = max(space, newline)
        end = cut if cut > start else end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _sentence_start(text: str, at: int, lead: int) -> int:
    """Where the window before offset ``at`` should start: just after the last sentence end
    up to twice ``lead`` characters before it, else ``lead`` characters back."""
    floor = max(0, at - 2 * lead)
    best = max(text.rfind(mark, floor, at) for mark in _SENTENCE_ENDS)
    if best >= 0:
        return best + 2
    return max(0, at - lead)


def _next_space(text: str, start: int, stop: int) -> int | None:
    for i in range(start, min(stop, len(text))):
        if text[i].isspace():
            return i
    return None


def _snippet(text: str, spans: list[Span], start: int, end: int) -> Snippet:
    inside = tuple(
        Span(s.start - start, s.end - start) for s in spans if s.start >= start and s.end <= end
    )
    return Snippet(text[start:end], inside, start)
