"""Where a line break ends a sentence and where it is only a hard wrap.

Punkt ignores line breaks, so a heading, a dateline, a speaker's name or a list item (none of
which ends in a full stop) would run into the next paragraph; the analysis therefore cuts
sentences at line ends. But many texts are hard-wrapped (UN records, scanned and e-mailed
texts: 4,774 of the 10,952 UN General Debate statements), and there a line ends in mid-sentence,
often between the words of a name ("the United / Nations", "the Security / Council"). Cutting
there splits the name, and the entity model reads "Nations" and "Council" alone.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Iterator

# A line break and the whitespace around it; blank lines included.
LINE_BREAK = re.compile(r"\s*[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]\s*")
LINE_CHARS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
# A line the next lowercase line continues: the evidence a text is hard-wrapped, and its width.
_LOWERCASE_LINE = re.compile(r"\n(?=[a-z])")  # "\n" first: the engine skips to each one
# Enough wrapped lines to tell a wrapped text from one odd line break.
MIN_WRAPS = 5
# A line at least this share of the wrap width, not ending a sentence, is wrapped too.
FULL_LINE = 0.75
_ENDS_CLAUSE = frozenset(".!?:;\"'”’)]")


def wrap_width(text: str) -> int | None:
    """The width ``text`` was hard-wrapped at (median length of the lines a lowercase line
    continues), or None when too few lines are continued that way to say it is wrapped."""
    if "\n" not in text:
        return None
    lengths = []
    for found in _LOWERCASE_LINE.finditer(text):
        end = found.start() - (text[found.start() - 1 : found.start()] == "\r")
        if end > 0 and not text[end - 1].isspace() and text[end - 1] not in ".!?:;":
            lengths.append(end - _line_start(text, end))
    if len(lengths) < MIN_WRAPS:
        return None
    return int(statistics.median(lengths))


def cut_at_line_ends(text: str, spans: Iterable[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """``spans`` (Punkt's sentences of ``text``) cut where a line ends a sentence. A single line
    break stays inside the sentence before a lowercase letter, and, in a hard-wrapped text,
    after a full-width line that does not end a clause; a blank line always ends it."""
    width: int | None = -1  # not yet known: most texts never need it
    for start, end in spans:
        piece = text[start:end]
        if LINE_CHARS.isdisjoint(piece):
            yield start, end
            continue
        if width == -1:
            width = wrap_width(text)
        first = 0
        for found in LINE_BREAK.finditer(piece):
            if _is_wrap(text, start + found.start(), found.group(), piece[found.end() :], width):
                continue
            if found.start() > first:
                yield start + first, start + found.start()
            first = found.end()
        if first < len(piece):
            yield start + first, end


def _is_wrap(text: str, at: int, gap: str, following: str, width: int | None) -> bool:
    """Whether the line break ``gap`` (at ``at`` in ``text``) wraps a line inside a sentence."""
    if sum(ch in LINE_CHARS for ch in gap.replace("\r\n", "\n")) != 1:
        return False  # a blank line
    if following[:1].islower():
        return True
    if width is None or not following[:1].isalnum():
        return False
    line = text[_line_start(text, at) : at]
    return len(line) >= FULL_LINE * width and line[-1:] not in _ENDS_CLAUSE


def _line_start(text: str, at: int) -> int:
    """Where the line that ``at`` is in starts (only called in texts with "\n" line ends, so
    the backward scan is one line long)."""
    newline = text.rfind("\n", 0, at)
    return max(newline, text.rfind("\r", newline + 1, at)) + 1
