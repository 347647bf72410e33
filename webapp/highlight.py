"""Merge highlight layers (query hits, entities, annotations) into escaped, well-formed HTML.

Each layer supplies ``Mark``s (a span of the canonical text plus a layer name);
``render_layers`` writes the text with them in one pass over the points where marks and
paragraphs start and end (``segments`` gives the same pieces as data). Text is escaped before it
is wrapped, so document text can never become markup, and ``render_layers`` is the only function
in Dossier that returns ``Markup``.

Marks may overlap or nest in any way. A mark that is interrupted by the end of another becomes
several ``<mark>`` elements, all carrying the same ``data-mark`` number; the first of them carries
the mark's ``element_id`` so a page can link to it (``#hit-3``).
"""

from __future__ import annotations

import functools
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

    @functools.cached_property
    def attrs_html(self) -> str:
        """The attributes as HTML (` name="value"`, sorted, escaped), built once per mark: a
        mark split by others is written several times, and a cached page's entity marks on
        every request."""
        return "".join(f' {name}="{escape(self.attrs[name])}"' for name in sorted(self.attrs))


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
    return [Span(a, b) for a, b in _gaps(text)]


def _gaps(text: str) -> list[tuple[int, int]]:
    """``paragraph_breaks`` as (start, end) pairs: a long transcript has a thousand."""
    lines = [len(line) for line in text.split("\n") if line and not line.isspace()]
    wrapped = bool(lines) and statistics.median(lines) < _WRAPPED_LINE_CHARS
    pattern = _BLANK_LINE if wrapped and _BLANK_LINE.search(text) else _LINE_BREAK
    gaps = []
    for m in pattern.finditer(text):
        at, end = m.span()
        while at > 0 and text[at - 1] != "\n" and text[at - 1].isspace():
            at -= 1  # the spaces before the line break belong to the gap
        gaps.append((at, end))
    return gaps


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
    writer = _Writer(text, list(marks), start)
    writer.write(_gaps(text) if paragraphs else [], paragraphs)
    return Markup("".join(writer.out))


class _Writer:
    """One pass over the sorted cut points (mark and paragraph boundaries) with a stack of the
    open ``<mark>`` elements: at each cut only the marks that end or start there are touched,
    each run of text is escaped once, and each mark's attributes are escaped once (see
    ``Mark.attrs_html``). ``tests/highlight_reference.py`` is the simple version it must match
    byte for byte."""

    def __init__(self, text: str, marks: list[Mark], start: int) -> None:
        self.text, self.marks, self.start = text, marks, start
        self.out: list[str] = []
        self.stack: list[int] = []  # indices into marks of the open elements, outermost first
        self.depth: dict[int, int] = {}  # index -> its place in stack
        self.active: set[int] = set()  # marks covering the current run
        self.opened: set[int] = set()  # marks whose first element (with the id) is written
        n = len(text)
        self.starts: dict[int, list[int]] = {}
        self.ends: dict[int, list[int]] = {}
        self.empties: dict[int, list[int]] = {}  # zero-length marks with an id, by offset
        self.end_of: list[int] = []
        self.keys: list[tuple[int, int, int, int]] = []
        for i, mark in enumerate(marks):
            a, b = max(mark.span.start - start, 0), max(mark.span.end - start, 0)
            rank = _RANK.get(mark.layer, len(LAYER_ORDER))
            self.keys.append((-b, rank, a, i))  # later ends open first (outside): fewer splits
            a, b = min(a, n), min(b, n)
            self.end_of.append(b)
            if a < b:
                self.starts.setdefault(a, []).append(i)
                self.ends.setdefault(b, []).append(i)
            elif mark.element_id:
                self.empties.setdefault(a, []).append(i)

    def write(self, gaps: Sequence[tuple[int, int]], paragraphs: bool) -> None:
        """Write the text, its marks and (with ``paragraphs``) its ``<p>`` elements."""
        text, out, stack, active = self.text, self.out, self.stack, self.active
        into_gap: dict[int, bool] = {}  # a cut where a gap between paragraphs starts or ends
        for a, b in gaps:
            into_gap[a], into_gap[b] = True, False
        marked = {*self.starts, *self.ends, *self.empties}
        cuts = sorted({0, len(text), *marked, *into_gap})
        # Where the characters escaping changes are: a run before the next one is written as
        # it is (most runs of a long text have none).
        specials = [m.start() for m in _SPECIAL.finditer(text)]
        specials.append(len(text))
        special, next_special = 0, specials[0]
        in_gap = in_paragraph = False
        last = len(cuts) - 1
        for k, a in enumerate(cuts):
            ending: Sequence[int] = ()
            starting: Sequence[int] = ()
            if a in marked:
                ending, starting = self.ends.get(a, ()), self.starts.get(a, ())
                active.difference_update(ending)
                for i in self.empties.get(a, ()):  # an empty target for links
                    out.append(self._tag(i, with_id=True) + "</mark>")
                active.update(starting)
            if k == last:
                break
            in_gap = into_gap.get(a, in_gap)
            if paragraphs and in_gap == in_paragraph:  # a paragraph starts or ends here
                out.append("</mark>" * len(stack))
                stack.clear()
                self.depth.clear()
                in_paragraph = not in_gap
                out.append(f'<p data-at="{a + self.start}">' if in_paragraph else "</p>")
            if active or stack:  # most runs of a long text are outside every mark
                self._reopen(a, ending, starting)
            b = cuts[k + 1]
            if next_special < b:
                out.append(escape(text[a:b]))
                while next_special < b:
                    special += 1
                    next_special = specials[special]
            else:
                out.append(text[a:b])
        out.append("</mark>" * len(stack))
        if in_paragraph:
            out.append("</p>")

    def _reopen(self, at: int, ending: Sequence[int], starting: Sequence[int]) -> None:
        """Close the marks that end at ``at`` and those open inside them, then open the ones
        that start there or were closed while they go on, outer ones first."""
        stack, depth = self.stack, self.depth
        if not stack:  # the first marks, or a paragraph closed them all
            todo = list(self.active)
        else:  # the stack holds the marks of the run before: those ending here are in it
            keep = len(stack)
            for i in ending:
                keep = min(keep, depth[i])
            todo = list(starting)
            if keep < len(stack):
                self.out.append("</mark>" * (len(stack) - keep))
                end_of = self.end_of
                for i in stack[keep:]:
                    del depth[i]
                    if end_of[i] != at:
                        todo.append(i)
                del stack[keep:]
        if len(todo) > 1:
            todo.sort(key=self.keys.__getitem__)
        opened = self.opened
        for i in todo:
            self.out.append(self._tag(i, with_id=i not in opened))
            opened.add(i)
            depth[i] = len(stack)
            stack.append(i)

    def _tag(self, i: int, *, with_id: bool) -> str:
        mark = self.marks[i]
        element_id = f' id="{mark.element_id}"' if with_id and mark.element_id else ""
        return f'<mark class="{mark.layer}" data-mark="{i}"{element_id}{mark.attrs_html}>'


_RANK = {layer: rank for rank, layer in enumerate(LAYER_ORDER)}
# The characters ``markupsafe.escape`` replaces.
_SPECIAL = re.compile(r"[&<>\"']")


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
