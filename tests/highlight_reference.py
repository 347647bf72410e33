"""The document view's highlight renderer as it was before the one-pass rewrite (commit
4ee70c7), kept as the oracle the rewrite is compared with: for any text and marks, both must write
the same bytes (tests/test_webapp_highlight_reference.py)."""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Sequence

from markupsafe import Markup, escape

from corpus import Span
from webapp.highlight import LAYER_ORDER, Mark

_BLANK_LINE = re.compile(r"\n(?:[^\S\n]*\n)+\s*")
_LINE_BREAK = re.compile(r"\n\s*")
_WRAPPED_LINE_CHARS = 100


def paragraph_breaks(text: str) -> list[Span]:
    """The whitespace between paragraphs, as the renderer found it at 4ee70c7."""
    lines = [len(line) for line in text.split("\n") if line.strip()]
    wrapped = bool(lines) and statistics.median(lines) < _WRAPPED_LINE_CHARS
    pattern = _BLANK_LINE if wrapped and _BLANK_LINE.search(text) else _LINE_BREAK
    return [Span(_spaces_before(text, m.start()), m.end()) for m in pattern.finditer(text)]


def _spaces_before(text: str, at: int) -> int:
    while at > 0 and text[at - 1] != "\n" and text[at - 1].isspace():
        at -= 1
    return at


def reference_render(
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
