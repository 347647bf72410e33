"""Merge highlight layers (query hits, entities, annotations) into escaped, well-formed HTML.

Highlighting works in three steps: each layer supplies ``Mark``s (a span of the canonical text
plus a layer name); ``segments`` cuts the text into non-overlapping pieces, each tagged with the
marks that cover it; ``render_layers`` writes the pieces out. Text is escaped before it is
wrapped, so document text can never become markup, and ``render_layers`` is the only function in
Dossier that returns ``Markup``.

Marks may overlap or nest in any way. A mark that is interrupted by the end of another becomes
several ``<mark>`` elements, all carrying the same ``data-mark`` number; the first of them carries
the mark's ``element_id`` so a page can link to it (``#hit-3``).
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from corpus import Span

# Outer-to-inner nesting order when two marks cover exactly the same characters.
LAYER_ORDER: tuple[str, ...] = ("annotation", "entity", "hit")

_LAYER_NAME = re.compile(r"[a-z][a-z0-9-]*\Z")
_ATTR_NAME = re.compile(r"(title|data-[a-z][a-z0-9-]*)\Z")
_ELEMENT_ID = re.compile(r"[A-Za-z][A-Za-z0-9_:.-]*\Z")
# Reserved: the renderer writes these itself.
_RESERVED_ATTRS = frozenset({"data-mark"})

# A paragraph break: a blank line (for hard-wrapped text) or any line break (for one-line
# paragraphs), with the whitespace after it; the spaces before it are added by
# ``paragraph_breaks``. Each pattern starts at a line break, so the regular expression engine
# only tries at line breaks, not at every space of the text (6 ms on a 233 KB transcript).
_BLANK_LINE = re.compile(r"\n(?:[^\S\n]*\n)+\s*")
_LINE_BREAK = re.compile(r"\n\s*")
# Texts whose typical line is shorter than this are taken to be hard-wrapped.
_WRAPPED_LINE_CHARS = 100


@dataclass(frozen=True)
class Mark:
    """One highlighted span of one layer; ``attrs`` (``title``, ``data-*``) go on its elements."""

    span: Span
    layer: str
    attrs: Mapping[str, str] = field(default_factory=dict, hash=False)
    element_id: str = ""

    def __post_init__(self) -> None:
        if not _LAYER_NAME.match(self.layer):
            raise ValueError(f"invalid layer name {self.layer!r}: use lower-case letters")
        for name in self.attrs:
            if not _ATTR_NAME.match(name) or name in _RESERVED_ATTRS:
                raise ValueError(f"attribute {name!r} not allowed on a mark: use title or data-*")
        if self.element_id and not _ELEMENT_ID.match(self.element_id):
            raise ValueError(f"invalid element id {self.element_id!r}")


@dataclass(frozen=True)
class Segment:
    """A maximal run of text covered by the same marks (possibly none)."""

    span: Span
    marks: tuple[Mark, ...]


def segments(text: str, marks: Iterable[Mark]) -> list[Segment]:
    """Cut ``text`` into consecutive non-overlapping segments, each with the marks covering it.

    Spans past the end of the text are clipped; zero-length marks cover nothing and are dropped.
    The segments cover the whole text, in order; ``marks`` of each keep the input order.
    """
    ordered = list(marks)
    return [
        Segment(Span(a, b), tuple(ordered[i] for i in active))
        for a, b, active in _sweep(text, ordered, ())
    ]


def paragraph_breaks(text: str) -> list[Span]:
    """Where the text breaks into paragraphs: the whitespace between them.

    Hard-wrapped text (short lines) breaks at blank lines; text with one paragraph per line breaks
    at every line break.
    """
    lines = [len(line) for line in text.split("\n") if line.strip()]
    wrapped = bool(lines) and statistics.median(lines) < _WRAPPED_LINE_CHARS
    pattern = _BLANK_LINE if wrapped and _BLANK_LINE.search(text) else _LINE_BREAK
    return [Span(_spaces_before(text, m.start()), m.end()) for m in pattern.finditer(text)]


def _spaces_before(text: str, at: int) -> int:
    """Where the whitespace other than line breaks just before offset ``at`` begins."""
    while at > 0 and text[at - 1] != "\n" and text[at - 1].isspace():
        at -= 1
    return at


def render_layers(
    text: str, marks: Iterable[Mark], *, paragraphs: bool = False, start: int = 0
) -> Markup:
    """Escaped HTML of ``text`` with every mark wrapped in ``<mark class="<layer>">`` elements.

    With ``paragraphs``, each paragraph becomes a ``<p data-at="N">``, N the offset of its first
    character, so a page can turn a selection into offsets whatever markup sits inside the
    paragraph. The whitespace between paragraphs stays between the ``<p>`` elements, so removing
    the tags always gives back the text exactly. ``start``: ``text`` is the part of a longer
    text that begins there (a page of a long document); marks' spans and ``data-at`` are
    offsets into the longer text.
    """
    ordered = [_shifted(mark, start) for mark in marks] if start else list(marks)
    gaps = paragraph_breaks(text) if paragraphs else []
    keys = [_nesting_key(ordered, i) for i in range(len(ordered))]
    out: list[str] = []
    stack: list[int] = []  # indices into ordered of the open <mark> elements, outermost first
    opened: set[int] = set()
    in_paragraph = False
    gap_iter = iter(gaps)
    gap = next(gap_iter, None)
    for a, b, active in _sweep(text, ordered, gaps, empties=True):
        if b == a:  # a zero-length mark with an id: an empty target for links
            out.append(_open(ordered[active[0]], active[0], with_id=True) + "</mark>")
            continue
        while gap is not None and gap.end <= a:
            gap = next(gap_iter, None)
        want_paragraph = paragraphs and not (gap is not None and gap.start <= a)
        if want_paragraph != in_paragraph:
            out.append("</mark>" * len(stack))
            stack.clear()
            if paragraphs:
                out.append(f'<p data-at="{a + start}">' if want_paragraph else "</p>")
            in_paragraph = want_paragraph
        if active or stack:  # most runs of a long text are outside every mark
            _reopen(out, stack, active, ordered, keys, opened)
        out.append(escape(text[a:b]))
    out.append("</mark>" * len(stack))
    if in_paragraph:
        out.append("</p>")
    return Markup("".join(out))


def _reopen(
    out: list[str],
    stack: list[int],
    active: tuple[int, ...],
    ordered: Sequence[Mark],
    keys: Sequence[tuple[int, int, int, int]],
    opened: set[int],
) -> None:
    """Close the open marks that end here (and those inside them), open the ones that start
    or must be reopened, outer ones first."""
    keep = 0
    active_set = set(active)
    while keep < len(stack) and stack[keep] in active_set:
        keep += 1
    out.append("</mark>" * (len(stack) - keep))
    del stack[keep:]
    for i in sorted(active_set.difference(stack), key=keys.__getitem__):
        out.append(_open(ordered[i], i, with_id=i not in opened))
        opened.add(i)
        stack.append(i)


def _shifted(mark: Mark, start: int) -> Mark:
    """``mark`` with its span counted from ``start`` (clipped at 0)."""
    span = Span(max(mark.span.start - start, 0), max(mark.span.end - start, 0))
    return Mark(span, mark.layer, mark.attrs, mark.element_id)


def _nesting_key(marks: Sequence[Mark], i: int) -> tuple[int, int, int, int]:
    """Marks that end later open first (outside), so they are split less often."""
    mark = marks[i]
    rank = LAYER_ORDER.index(mark.layer) if mark.layer in LAYER_ORDER else len(LAYER_ORDER)
    return (-mark.span.end, rank, mark.span.start, i)


def _open(mark: Mark, index: int, *, with_id: bool) -> str:
    parts = [f'<mark class="{mark.layer}" data-mark="{index}"']
    if with_id and mark.element_id:
        parts.append(f' id="{mark.element_id}"')
    for name in sorted(mark.attrs):
        parts.append(f' {name}="{escape(mark.attrs[name])}"')
    return "".join(parts) + ">"


def _sweep(
    text: str, marks: Sequence[Mark], gaps: Sequence[Span], *, empties: bool = False
) -> Iterable[tuple[int, int, tuple[int, ...]]]:
    """Yield ``(start, end, indices of covering marks)`` for each run of text, in order.

    ``gaps`` add cut points; with ``empties``, zero-length marks that carry an ``element_id``
    come out as ``(p, p, (index,))`` at their position.
    """
    n = len(text)
    starts: dict[int, list[int]] = {}
    ends: dict[int, list[int]] = {}
    points = {0, n}
    for gap in gaps:
        points.update((gap.start, gap.end))
    for i, mark in enumerate(marks):
        a, b = min(mark.span.start, n), min(mark.span.end, n)
        if a == b:
            if empties and mark.element_id:
                starts.setdefault(a, []).append(-1 - i)
                points.add(a)
            continue
        starts.setdefault(a, []).append(i)
        ends.setdefault(b, []).append(i)
        points.update((a, b))
    active: dict[int, None] = {}
    cuts = sorted(points)
    for k, a in enumerate(cuts):
        for i in ends.get(a, ()):
            del active[i]
        for i in starts.get(a, ()):
            if i < 0:
                yield a, a, (-1 - i,)
            else:
                active[i] = None
        if k + 1 < len(cuts):
            yield a, cuts[k + 1], tuple(sorted(active))
