"""Two wordings of one passage, compared word by word: where the passage's words went.

An anchored passage whose words were edited (``"zone of peace"`` republished as ``"zone of
lasting peace"``) is found again by the words of its context and quote (``corpus/anchors.py``):
both wordings are split into words, aligned as a word diff (difflib, as the brief's word diff of
a changed quote is), and the quote's first and last words are followed into the new text. How
much of the passage is left is counted in words kept, not characters, so a word inserted into a
three-word quote weighs as one word, not as the share of characters it adds.

Words are runs of letters and digits, and runs of other visible characters (punctuation), so
"peace," keeps its word when the comma goes; case is ignored when aligning.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

_TOKEN = re.compile(r"\w+|[^\w\s]+")


@dataclass(frozen=True)
class Words:
    """A text's words (case-folded) and each word's character offsets in that text."""

    words: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]

    @classmethod
    def of(cls, text: str, lo: int = 0, hi: int | None = None) -> Words:
        """The words of ``text[lo:hi]``, with offsets in ``text``."""
        found = list(_TOKEN.finditer(text, lo, len(text) if hi is None else hi))
        return cls(tuple(m.group().casefold() for m in found), tuple(m.span() for m in found))


@dataclass(frozen=True)
class Followed:
    """Where a passage's words went: the characters ``[start, end)`` of the new text, and the
    share of words kept, ``2 * kept / (old words + new words)`` (1.0: the same words)."""

    start: int
    end: int
    kept: float


def follow(before: Words, passage: Words, after: Words, text: Words) -> Followed | None:
    """Where ``passage`` (between the words ``before`` and ``after``) is in ``text``, by a word
    alignment of all three against it; None when its words were all deleted.

    The passage's new first word is the one its first word was kept as (or, replaced, the first
    of what replaced it); its new last word likewise: words inserted inside the passage are
    part of it, words inserted just before or after it are not.
    """
    old = before.words + passage.words + after.words
    first, last = len(before.words), len(before.words) + len(passage.words)
    matcher = difflib.SequenceMatcher(a=old, b=text.words, autojunk=False)
    start = end = -1
    kept = 0
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if a1 <= first < a2:
            start = b1 + first - a1 if op == "equal" else b1
        if a1 < last <= a2:
            end = b1 + last - a1 if op == "equal" else b2
        if op == "equal":
            kept += max(0, min(a2, last) - max(a1, first))
    if not 0 <= start < end:
        return None
    share = 2 * kept / (len(passage.words) + end - start)
    return Followed(text.spans[start][0], text.spans[end - 1][1], share)
