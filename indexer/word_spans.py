"""Word-token spans of a sentence, computed once per distinct word and remembered.

NLTK's Treebank word tokenizer runs ~25 regular-expression substitutions over each whole
sentence, although every one of its rules looks no further than a word, the whitespace around
it and one character beyond. So the tokens of a sentence are the tokens of each
whitespace-separated chunk, tokenized with its real neighbouring whitespace and a stand-in word
on either side; those are cached by (left context, chunk, right context), and most chunks of a
text ("Russia's", "said,") were met before; a chunk of letters and digits alone is one token
and needs no tokenizer at all (but for "cannot" and five like it). The one rule that reaches
further, the sentence-final period (which may be followed by closing quotes and brackets
across spaces), is kept whole by treating the last word and the closer-only chunks after it
as one unit.

A unit whose tokens the cache cannot vouch for (a stand-in word changed, a token straddles the
unit's edge, quote realignment would differ, or the tokenizer gives up) sends the whole
sentence to the tokenizer as before, so the result is always the tokenizer's own
(``tests/test_indexer_word_spans.py`` checks that against arbitrary text).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

Spans = list[tuple[int, int]]

STAND_IN = "a"
CACHE_SIZE = 200_000  # cached units; cleared when full (a text's words repeat within it)
# What the final-period rule lets follow the period up to the end of a sentence.
_CLOSERS = frozenset("])}>\"'»”’")
_CHUNK = re.compile(r"\S+")
# The quote tokens span_tokenize pairs, in order, with the quotes of the text.
_QUOTE_TOKENS = frozenset(['"', "``", "''"])
_QUOTES = re.compile(r"``|'{2}|\"")
# Words of letters only that the tokenizer splits ("can not", "gon na", ...); every other run
# of letters and digits is one token wherever it stands.
SPLIT_WORDS = frozenset(["cannot", "gimme", "gonna", "gotta", "lemme", "wanna"])


class WordSpans:
    """``spans(piece)`` equals ``whole(piece)``, the tokenizer's spans of a whole sentence.

    ``span_tokenize`` is the tokenizer itself, which may raise ``ValueError`` where it cannot
    align its tokens; ``whole`` has an answer for those sentences too.
    """

    def __init__(
        self,
        span_tokenize: Callable[[str], Iterable[tuple[int, int]]],
        whole: Callable[[str], Spans],
    ) -> None:
        self._span_tokenize = span_tokenize
        self._whole = whole
        self._cache: dict[tuple[str, str, str], tuple[tuple[int, int], ...] | None] = {}

    def spans(self, piece: str) -> Spans:
        chunks = [m.span() for m in _CHUNK.finditer(piece)]
        if not chunks:
            return self._whole(piece)
        last = len(chunks) - 1
        while last > 0 and _closers_only(piece, *chunks[last]):
            last -= 1
        cache = self._cache
        out: Spans = []
        for i in range(last + 1):
            start = chunks[i][0]
            end = chunks[i][1] if i < last else chunks[-1][1]
            unit = piece[start:end]
            if unit.isalnum() and unit.lower() not in SPLIT_WORDS:
                out.append((start, end))  # letters and digits only: always one token
                continue
            left = piece[chunks[i - 1][1] : start] if i else piece[:start]
            right = piece[end : chunks[i + 1][0]] if i < last else piece[end:]
            key = (
                STAND_IN + left if i else left,
                unit,
                right + STAND_IN if i < last else right,
            )
            try:
                found = cache[key]
            except KeyError:
                found = self._unit_spans(*key)
                if len(cache) >= CACHE_SIZE:
                    cache.clear()
                cache[key] = found
            if found is None:
                return self._whole(piece)
            out.extend([(start + s, start + e) for s, e in found])
        return out

    def _unit_spans(self, left: str, unit: str, right: str) -> tuple[tuple[int, int], ...] | None:
        """The spans of ``unit`` (relative to it) in context, or None if not sure of them."""
        text = left + unit + right
        try:
            spans = list(self._span_tokenize(text))
        except (ValueError, IndexError):
            return None
        if sum(text[s:e] in _QUOTE_TOKENS for s, e in spans) != len(_QUOTES.findall(text)):
            return None  # quotes would be paired with those of another unit
        lo, hi = len(left), len(left) + len(unit)
        inner = [(s - lo, e - lo) for s, e in spans if lo <= s and e <= hi]
        outside = [(s, e) for s, e in spans if e <= lo or s >= hi]
        if len(inner) + len(outside) != len(spans):
            return None  # a token straddles the unit's edge
        expected = []
        if left.strip():
            expected.append((0, len(STAND_IN)))
        if right.strip():
            expected.append((len(text) - len(STAND_IN), len(text)))
        if outside != expected:
            return None  # a stand-in word was split or joined
        return tuple(inner)


def _closers_only(piece: str, start: int, end: int) -> bool:
    return all(ch in _CLOSERS for ch in piece[start:end])
