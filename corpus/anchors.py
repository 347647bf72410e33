"""Anchors: how an analyst's passage (an entity tag, an annotation, a citation) is found again.

An anchor keeps the exact quote, up to ``CONTEXT_CHARS`` of text either side and the offsets in
the version it was made on. ``locate`` finds it in any text, trying in order:

1. the stored offsets, if the quote is still there and its context still agrees: ``exact``;
2. the quote elsewhere, the occurrence whose context agrees best (nearest the old offsets among
   equals), if the context agrees enough or the quote is long and unique: ``moved``;
3. where its context still is (near its old place, then anywhere), the words there now: the
   text of prefix, quote and suffix is aligned roughly (rapidfuzz), then word by word
   (``corpus/wording.py``), and the quote's words are followed into the new text. Words
   inserted, deleted or replaced inside a quote ("zone of peace" → "zone of lasting peace")
   give ``fuzzy`` with its score, counted in words kept; a quote whose words are mostly gone
   from between its context is gone, and no copy of it elsewhere is put in its place;
4. with no context left: an approximate match of the quote near its old place, then anywhere,
   scored on quote, prefix, suffix and position as Hypothesis' client does
   (``anchoring/match-quote.ts``), if the score passes a precision floor; or the one intact
   copy of a quote whose context has changed past recognition: ``fuzzy`` with its score.

A ``fuzzy`` location is for an analyst to review. Nothing passing means the passage is gone
(orphaned): callers keep the anchor and say so, and never put it on other words. Fuzzy matching
is rapidfuzz's (docs/decisions/007); the word alignment, docs/decisions/013.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from corpus.errors import InvalidAnchor
from corpus.model import Span
from corpus.wording import Words, follow

CONTEXT_CHARS = 32
Status = Literal["exact", "moved", "fuzzy"]
STATUSES: tuple[str, ...] = ("exact", "moved", "fuzzy", "orphaned")

# Weights of the parts of a candidate's score (Hypothesis' client uses the same proportions).
_QUOTE, _PREFIX, _SUFFIX, _POSITION = 50.0, 20.0, 20.0, 2.0
MOVED_CONTEXT = 0.5  # mean prefix/suffix similarity for an exact quote elsewhere to be "moved"
LONG_QUOTE = 64  # an exact quote this long, found once, has moved whatever its context
FUZZY_SCORE = 0.75  # least weighted score of a fuzzy match
FUZZY_QUOTE = 0.8  # least similarity of the matched text to the quote
MAX_OCCURRENCES = 1_000  # exact occurrences of a quote weighed before giving up on it
_PIECE = 64  # long quotes are sought by their first and last _PIECE characters
CONTEXT_FOUND = 0.75  # least similarity of each side's context where a changed quote is
CONTEXT_REGION = 60  # least rapidfuzz score of a rough match of prefix + quote + suffix
WORDS_KEPT = 0.5  # least share of words kept (or FUZZY_QUOTE of characters) of a changed quote


@dataclass(frozen=True)
class Anchor:
    """A passage of one document version: the quote, its context and its offsets.

    ``version`` is the document version the offsets count in (None: not recorded).
    """

    quote: str
    prefix: str = ""
    suffix: str = ""
    start: int = 0
    end: int = 0
    version: int | None = None

    def __post_init__(self) -> None:
        if not self.quote:
            raise InvalidAnchor("An anchor needs a quote: select some text.")
        if not 0 <= self.start <= self.end:
            raise InvalidAnchor(f"An anchor's offsets [{self.start}, {self.end}) are not a span.")

    @property
    def span(self) -> Span:
        """The offsets, as a ``Span`` of the version the anchor was made on."""
        return Span(self.start, self.end)


@dataclass(frozen=True)
class Location:
    """Where ``locate`` found an anchor, how (``status``) and how well (``score``, 0 to 1)."""

    span: Span
    status: Status
    score: float = 1.0

    @property
    def is_exact(self) -> bool:
        """True when the quote was found intact (at its offsets or elsewhere)."""
        return self.status != "fuzzy"


def anchor_at(
    text: str, span: Span, *, version: int | None = None, context: int = CONTEXT_CHARS
) -> Anchor:
    """The anchor of ``span`` in ``text``; raises ``InvalidAnchor`` for an empty or bad span."""
    if span.end > len(text):
        raise InvalidAnchor(
            f"The passage [{span.start}, {span.end}) runs past the end of the text "
            f"({len(text)} characters)."
        )
    quote = text[span.start : span.end]
    if not quote.strip():
        raise InvalidAnchor("The passage is only white space: select some words.")
    return Anchor(
        quote=quote,
        prefix=text[max(0, span.start - context) : span.start],
        suffix=text[span.end : span.end + context],
        start=span.start,
        end=span.end,
        version=version,
    )


def selection(text: str, span: Span, quote: str) -> Span:
    """The span a browser selection covers, checked against the text and trimmed of spaces.

    The page sends the offsets it computed and the text it saw; if they disagree (the page shows
    another version, or a script miscounted) the selection is refused rather than put on the
    wrong words.
    """
    if span.end > len(text) or text[span.start : span.end] != quote:
        raise InvalidAnchor(
            f"The selection {quote[:60]!r} is not at [{span.start}, {span.end}) of this version "
            "of the document. Reload the page and select the words again."
        )
    lead = len(quote) - len(quote.lstrip())
    trail = len(quote) - len(quote.rstrip())
    if lead + trail >= len(quote):
        raise InvalidAnchor("The selection is only white space: select some words.")
    return Span(span.start + lead, span.end - trail)


def locate(anchor: Anchor, text: str) -> Location | None:
    """Where ``anchor`` is in ``text`` (see the module docstring), or None if it is gone."""
    quote = anchor.quote
    if anchor.end <= len(text) and text[anchor.start : anchor.end] == quote:
        if _context(anchor, text, anchor.start, anchor.end) >= MOVED_CONTEXT:
            return Location(anchor.span, "exact")
    occurrences = _occurrences(text, quote)
    if occurrences:
        ranked = [
            (_context(anchor, text, s, s + len(quote)), -_far(anchor, s), s) for s in occurrences
        ]
        agree, _, best = max(ranked)
        unique_long = len(occurrences) == 1 and len(quote) >= LONG_QUOTE
        if agree >= MOVED_CONTEXT or unique_long:
            status: Status = "exact" if best == anchor.start else "moved"
            return Location(Span(best, best + len(quote)), status)
    context_found, located = _by_context(anchor, text)
    if context_found:
        return located
    return _fuzzy(anchor, text, occurrences)


def _occurrences(text: str, quote: str) -> list[int]:
    found: list[int] = []
    start = text.find(quote)
    while start >= 0 and len(found) < MAX_OCCURRENCES:
        found.append(start)
        start = text.find(quote, start + 1)
    return found


def _far(anchor: Anchor, start: int) -> int:
    return abs(start - anchor.start)


def _similarity(a: str, b: str) -> float:
    from rapidfuzz.distance import Indel  # loaded when an anchor has moved, not with the module

    return Indel.normalized_similarity(a, b)


def _context_parts(anchor: Anchor, text: str, span: Span) -> tuple[float, float]:
    """How well the text before and after ``span`` agrees with the anchor's prefix and suffix.

    Each side is compared with as many characters as the anchor kept; an anchor with no prefix
    (made at the very start of a text) agrees only with a span at the start of a text.
    """
    before = text[max(0, span.start - (len(anchor.prefix) or CONTEXT_CHARS)) : span.start]
    after = text[span.end : span.end + (len(anchor.suffix) or CONTEXT_CHARS)]
    return _similarity(anchor.prefix, before), _similarity(anchor.suffix, after)


def _context(anchor: Anchor, text: str, start: int, end: int) -> float:
    return sum(_context_parts(anchor, text, Span(start, end))) / 2


def _score(anchor: Anchor, text: str, span: Span) -> tuple[float, float]:
    """The weighted score of a candidate and the similarity of its text to the quote."""
    quote_sim = _similarity(anchor.quote, text[span.start : span.end])
    prefix_sim, suffix_sim = _context_parts(anchor, text, span)
    return _weighted(anchor, text, span, quote_sim, prefix_sim, suffix_sim), quote_sim


def _weighted(
    anchor: Anchor, text: str, span: Span, quote_sim: float, prefix_sim: float, suffix_sim: float
) -> float:
    """The weighted score of a candidate, 0 to 1, from the similarity of its parts."""
    position = 1.0 - min(1.0, abs(span.start - anchor.start) / max(len(text), 1))
    total = _QUOTE * quote_sim + _PREFIX * prefix_sim + _SUFFIX * suffix_sim + _POSITION * position
    return total / (_QUOTE + _PREFIX + _SUFFIX + _POSITION)


def _windows(anchor: Anchor, text: str) -> tuple[tuple[int, int], tuple[int, int]]:
    """Where to look for a changed passage: near its old place first, then the whole text."""
    margin = 2 * len(anchor.quote) + 2_000
    return (max(0, anchor.start - margin), min(len(text), anchor.end + margin)), (0, len(text))


def _by_context(anchor: Anchor, text: str) -> tuple[bool, Location | None]:
    """Whether the anchor's context is still in ``text`` around some words, and if so the
    location of those words when enough of the quote's words are kept (None: the quote is
    gone from its place, whatever copies of it the text holds elsewhere)."""
    for lo, hi in _windows(anchor, text):
        region = _context_region(anchor, text, lo, hi)
        if region is None:
            continue
        pad = len(anchor.quote) // 2 + CONTEXT_CHARS
        window = Words.of(text, max(0, region.start - pad), min(len(text), region.end + pad))
        followed = follow(*_anchor_words(anchor), window)
        if followed is None:
            continue
        span = Span(followed.start, followed.end)
        # A side with no context (the passage was at an end of the text) neither vouches for
        # a place nor counts against it: text may have been added there since.
        prefix_sim, suffix_sim = _context_parts(anchor, text, span)
        prefix_sim, suffix_sim = (
            (prefix_sim if anchor.prefix else 1.0),
            (suffix_sim if anchor.suffix else 1.0),
        )
        if min(prefix_sim, suffix_sim) < CONTEXT_FOUND or not (anchor.prefix or anchor.suffix):
            continue
        quote_sim = _similarity(anchor.quote, text[span.start : span.end])
        kept = max(followed.kept, quote_sim if quote_sim >= FUZZY_QUOTE else 0.0)
        score = _weighted(anchor, text, span, kept, prefix_sim, suffix_sim)
        if kept >= WORDS_KEPT and score >= FUZZY_SCORE:
            return True, Location(span, "fuzzy", round(score, 4))
        return True, None
    return False, None


def _context_region(anchor: Anchor, text: str, lo: int, hi: int) -> Span | None:
    """Roughly where prefix, quote and suffix are in ``text[lo:hi]`` (for a long quote: its
    head with the prefix, its tail with the suffix), or None."""
    if len(anchor.quote) <= 2 * _PIECE:
        return _align(anchor.prefix + anchor.quote + anchor.suffix, text, lo, hi, CONTEXT_REGION)
    head = _align(anchor.prefix + anchor.quote[:_PIECE], text, lo, hi, CONTEXT_REGION)
    tail = _align(anchor.quote[-_PIECE:] + anchor.suffix, text, lo, hi, CONTEXT_REGION)
    if head is None or tail is None or tail.end <= head.start:
        return None
    if not 0.5 * len(anchor.quote) <= tail.end - head.start <= 2 * len(anchor.quote) + 128:
        return None
    return Span(head.start, tail.end)


def _anchor_words(anchor: Anchor) -> tuple[Words, Words, Words]:
    """The words of the prefix, quote and suffix, without the prefix's first and the suffix's
    last word when they may be cut (the context is cut at a character count)."""
    before, quote, after = (Words.of(part) for part in (anchor.prefix, anchor.quote, anchor.suffix))
    cut_before = anchor.start > len(anchor.prefix) and len(before.words) > 1
    cut_after = len(anchor.suffix) >= CONTEXT_CHARS and len(after.words) > 1
    return (
        Words(before.words[cut_before:], before.spans[cut_before:]),
        quote,
        Words(
            after.words[: len(after.words) - cut_after], after.spans[: len(after.spans) - cut_after]
        ),
    )


def _fuzzy(anchor: Anchor, text: str, occurrences: list[int]) -> Location | None:
    """The best approximate match that passes both floors (or the quote's one intact copy,
    whose context is gone), or None."""
    candidates = {Span(s, s + len(anchor.quote)) for s in occurrences[:50]}
    for lo, hi in _windows(anchor, text):
        found = _approximate(anchor.quote, text, lo, hi)
        if found is not None:
            candidates.add(found)
    # The one intact copy of the quote is kept whatever its context, to be reviewed as fuzzy.
    intact = candidates.copy() if len(occurrences) == 1 else set()
    best: tuple[float, Span] | None = None
    for span in candidates:
        score, quote_sim = _score(anchor, text, span)
        passes = span in intact or (quote_sim >= FUZZY_QUOTE and score >= FUZZY_SCORE)
        if passes and (best is None or score > best[0]):
            best = (score, span)
    if best is None:
        return None
    return Location(best[1], "fuzzy", round(best[0], 4))


def _approximate(quote: str, text: str, lo: int, hi: int) -> Span | None:
    """The span of ``text[lo:hi]`` most like ``quote``, its ends adjusted for inserted or
    deleted characters; None when nothing there is much like it."""
    if hi - lo < 1:
        return None
    if len(quote) > 2 * _PIECE:
        head = _align(quote[:_PIECE], text, lo, hi)
        tail = _align(quote[-_PIECE:], text, lo, hi)
        if head is None or tail is None or tail.end <= head.start:
            return None
        start, end = head.start, tail.end
        if not 0.5 * len(quote) <= end - start <= 2 * len(quote):
            return None
    else:
        rough = _align(quote, text, lo, hi)
        if rough is None:
            return None
        start, end = rough.start, rough.end
    return _refine(quote, text, start, end)


def _align(
    piece: str, text: str, lo: int, hi: int, cutoff: float = 100 * FUZZY_QUOTE
) -> Span | None:
    from rapidfuzz import fuzz

    found = fuzz.partial_ratio_alignment(piece, text[lo:hi], score_cutoff=cutoff)
    if found is None:
        return None
    return Span(lo + found.dest_start, lo + found.dest_end)


def _refine(quote: str, text: str, start: int, end: int) -> Span:
    """Move each end of ``[start, end)`` to where the text is most like the quote."""
    slack = max(4, len(quote) // 5)

    def best_end(s: int, around: int) -> int:
        ends = range(max(s + 1, around - slack), min(len(text), around + slack) + 1)
        return max(ends, key=lambda e: (_similarity(quote, text[s:e]), -abs(e - around)))

    def best_start(e: int, around: int) -> int:
        starts = range(max(0, around - slack), min(e - 1, around + slack) + 1)
        return max(starts, key=lambda s: (_similarity(quote, text[s:e]), -abs(s - around)))

    end = best_end(start, end)
    start = best_start(end, start)
    return Span(start, end)
