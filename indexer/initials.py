"""Sentence ends that Punkt puts inside names written with dotted initials.

Punkt takes a full stop after an unknown abbreviation for a sentence end when the next word is
capitalised and not known to it, so "George H.W. Bush", "H.R.H. Prince Norodom Sihanouk",
"V.I. Lenin" and "the G.I. Bill" were each cut in two, and the entity model read "George H.W."
and "Bush said ..." as two sentences. In the first 3,000 UN statements, the Kremlin texts and
the US addresses, Punkt cut 72 of 98 places where two or more dotted capitals are followed by a
capitalised word; nearly all of those that did end a sentence were followed by a function word
("Washington, D.C. They ...", "the U.S.A. But ...", "a strong U.N. I want ..."). So two
sentences are joined again when the first ends in dotted capitals ("H.W.", "U.N.", "A.B.C.")
and the second opens with a capitalised word that is not a function word.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

# Two or more dotted capitals ending a sentence, as a word of their own.
_INITIALS_END = re.compile(r"(?:^|[\s(\[\"'\u201c,])(?:[A-Z]\.){2,}\Z")
# The first word of the next sentence: a capital, then letters (or an apostrophe).
_FIRST_WORD = re.compile(r"[A-Z][\w'\u2019-]*")


def join_at_initials(
    text: str, spans: Iterable[tuple[int, int]], is_function_word: Callable[[str], bool]
) -> Iterator[tuple[int, int]]:
    """``spans`` (Punkt's sentences of ``text``), with a sentence that ends in dotted capitals
    joined to the next when that opens with a capitalised word other than a function word
    (``is_function_word`` gets it in lower case). A line break between them is kept for
    ``line_breaks.cut_at_line_ends``, which cuts there or not as for any other sentence."""
    pending: tuple[int, int] | None = None
    for start, end in spans:
        if pending is not None:
            if _joins(text, pending[1], start, is_function_word):
                pending = (pending[0], end)
                continue
            yield pending
        pending = (start, end)
    if pending is not None:
        yield pending


def _joins(text: str, end: int, start: int, is_function_word: Callable[[str], bool]) -> bool:
    if text[end - 1 : end] != "." or not _INITIALS_END.search(text, max(0, end - 40), end):
        return False
    if text[end:start].strip():
        return False
    first = _FIRST_WORD.match(text, start)
    return first is not None and not is_function_word(first.group().lower())
