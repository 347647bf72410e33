"""Placing a cited passage in a brief's body: where the analyst's caret is, not only at the end.

- ``at`` is an offset into the body the insertion was asked on. None means where the owner's
  editor last saved its caret (``Brief.cursor``), or the end when it has none.
- At the start of a line (or on an empty one) the quote becomes a block quote of its own
  paragraph; inside a line of text it goes inline, in quotation marks, as the sentence around
  it expects. The marker follows the quote either way, so the quote is never mistaken for one
  typed by hand (``annotations/briefs/quotes.py``).
- ``marker_only`` inserts only the marker: linking a quote already typed in the body.
- The result carries the new caret, just after what was inserted, so citing several passages
  in a row keeps them in order.
"""

from __future__ import annotations

from dataclasses import dataclass

from annotations.briefs.model import MARKER, Brief, BriefCitation, Insertion
from annotations.errors import InvalidAnnotation


@dataclass(frozen=True)
class Inserted:
    """A body with a citation placed in it, and the caret just after the insertion."""

    body: str
    cursor: int


def insert_citation(brief: Brief, citation: BriefCitation, insertion: Insertion) -> Inserted:
    """The brief's body with the citation placed as ``insertion`` asks; raises
    ``InvalidAnnotation`` for an offset outside the body."""
    body = brief.body
    at = insertion.at
    if at is None:
        if brief.cursor is None or brief.cursor > len(body):
            return append_citation(brief, citation)
        at = brief.cursor
    if not 0 <= at <= len(body):
        raise InvalidAnnotation(
            f'"at" is {at}, outside the body (0 to {len(body)} characters at revision '
            f"{brief.revision}). Reload the brief and insert again."
        )
    at = _outside_markers(body, at)
    before, after = body[:at], body[at:]
    if insertion.marker_only:
        return _joined(before, _spaced(before, citation.marker), after)
    line_before = before.rsplit("\n", 1)[-1]
    if line_before.strip():
        quote = " ".join(citation.anchor.quote.split())
        return _joined(before, _spaced(before, f"“{quote}” {citation.marker}"), _tail(after))
    return _block(before, _block_quote(citation), after)


def append_citation(brief: Brief, citation: BriefCitation) -> Inserted:
    """The brief's body with the citation's quote as a block quote at its end."""
    return _block(brief.body, _block_quote(citation), "")


def _block_quote(citation: BriefCitation) -> str:
    lines = citation.anchor.quote.strip().splitlines() or [""]
    return "\n".join(f"> {line}".rstrip() for line in lines) + f" {citation.marker}"


def _block(before: str, quoted: str, after: str) -> Inserted:
    """``quoted`` as its own paragraph between ``before`` and ``after``."""
    head = before.rstrip()
    start = f"{head}\n\n{quoted}\n" if head.strip() else f"{quoted}\n"
    rest = after.lstrip(" \t\n")
    return Inserted(start + (f"\n{rest}" if rest else ""), len(start))


def _spaced(before: str, text: str) -> str:
    """``text`` with a space before it unless the body already has one there."""
    return text if not before or before[-1].isspace() else f" {text}"


def _tail(after: str) -> str:
    """What follows an inline quote, with a space before a word that starts right there."""
    return f" {after}" if after[:1].isalnum() else after


def _joined(before: str, text: str, after: str) -> Inserted:
    return Inserted(before + text + after, len(before) + len(text))


def _outside_markers(body: str, at: int) -> int:
    """``at``, moved past a citation marker it would split."""
    for match in MARKER.finditer(body):
        if match.start() < at < match.end():
            return match.end()
    return at
