"""How names are compared: alias keys word by word, personal titles, and case where it matters.

- A text is compared with the registry as a sequence of *words*: each token of
  ``analyse.tokens`` split by ``corpus.entities.model.alias_pieces`` ("Jong-un" gives "jong", "un";
  "U.S." gives "us"), each with its exact span. A token without letters or digits (a comma, a
  quote) is a *barrier*: no name runs across it. Aliases are split the same way, from their
  own tokens, so both sides always agree.
- A personal title ("Mr.", "President", "Prime Minister") before a PERSON name belongs to the
  mention, as in the GMB training data ("President Putin"). Titles at the start of a PERSON
  alias are stripped when the matcher is built, so "President Putin" registers "Putin".
- A one-word alias that is also a common English word ("US"/"us", "WHO", "Turkey"/"turkey")
  only matches text with its capitals: an all-capitals alias needs capitals, a capitalised one
  a capital initial. Other aliases ignore case.
"""

from __future__ import annotations

import bisect
import functools
import itertools
from collections.abc import Iterable, Sequence

from corpus.entities.model import alias_key, alias_pieces
from indexer import analyse
from indexer.analyse import Token, TokenizedSentence

TITLES: tuple[str, ...] = (
    "Mr",
    "Mrs",
    "Ms",
    "Miss",
    "Dr",
    "Prof",
    "Professor",
    "Sir",
    "Dame",
    "Lord",
    "Lady",
    "President",
    "Vice President",
    "Prime Minister",
    "Deputy Prime Minister",
    "Foreign Minister",
    "Defense Minister",
    "Defence Minister",
    "Minister",
    "Secretary",
    "Secretary of State",
    "Secretary-General",
    "Chancellor",
    "Premier",
    "Chairman",
    "King",
    "Queen",
    "Prince",
    "Princess",
    "Emir",
    "Sheikh",
    "Ayatollah",
    "Supreme Leader",
    "Pope",
    "General",
    "Gen",
    "Colonel",
    "Col",
    "Admiral",
    "Marshal",
    "Commander",
    "Captain",
    "Senator",
    "Sen",
    "Representative",
    "Rep",
    "Congressman",
    "Congresswoman",
    "Governor",
    "Gov",
    "Mayor",
    "Ambassador",
    "Judge",
    "Justice",
    "Rev",
    "Reverend",
)
TITLE_KEYS: frozenset[tuple[str, ...]] = frozenset(tuple(alias_key(t).split()) for t in TITLES)
MAX_TITLE_WORDS = max(len(t) for t in TITLE_KEYS)

# Shapes of a word as written: what a common-word alias requires of the text.
LOWER, CAPITALISED, UPPER = 0, 1, 2

Word = tuple[str | None, int, int, int]
"""``(key, start, end, shape)``; a barrier has key None."""

_CACHE_LIMIT = 200_000
_cache: dict[str, tuple[tuple[str, int, int, int], ...]] = {}


def shape(surface: str) -> int:
    """``UPPER`` for "US"/"U.S.", ``CAPITALISED`` for "Turkey", else ``LOWER``."""
    letters = [c for c in surface if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return UPPER
    return CAPITALISED if letters and letters[0].isupper() else LOWER


def words(tokens: Sequence[Token]) -> list[Word]:
    """The words of a token sequence with their spans; punctuation tokens become barriers.

    An acronym whose final dot the tokenizer split off ("D.P.R.K" ".") gets the dot back.
    """
    return _words(
        [t.text for t in tokens], [t.span.start for t in tokens], [t.span.end for t in tokens]
    )


def sentence_words(sentence: TokenizedSentence) -> list[Word]:
    """``words`` of a tokenized sentence."""
    return _words(sentence.words, sentence.starts, sentence.ends)


def _words(texts: Sequence[str], starts: Sequence[int], ends: Sequence[int]) -> list[Word]:
    out: list[Word] = []
    previous = ""
    for text, start, end in zip(texts, starts, ends, strict=True):
        pieces = _cache.get(text)
        if pieces is None:
            pieces = tuple((key, s, e, shape(text[s:e])) for key, s, e in alias_pieces(text))
            if len(_cache) >= _CACHE_LIMIT:
                _cache.clear()
            _cache[text] = pieces
        if len(pieces) == 1:
            key, s, e, sh = pieces[0]
            out.append((key, start + s, start + e, sh))
        elif pieces:
            out.extend((key, start + s, start + e, sh) for key, s, e, sh in pieces)
        else:
            if text == "." and "." in previous and out and out[-1][2] == start:
                acronym, first, last, upper = out[-1]
                out[-1] = (acronym, first, last + 1, upper)
            out.append((None, start, end, LOWER))
        previous = text
    return out


def form_words(form: str) -> tuple[tuple[str, ...], int]:
    """A name's word keys, split as a text would be, and its shape (for common-word aliases)."""
    return forms_words([form])[0]


def forms_words(forms: Sequence[str]) -> list[tuple[tuple[str, ...], int]]:
    """``form_words`` of many names at once: one tokenizer call on them all, one per line."""
    joined = "\n".join(" ".join(f.split()) for f in forms)
    ends = list(itertools.accumulate(len(" ".join(f.split())) + 1 for f in forms))
    keys: list[list[str]] = [[] for _ in forms]
    for key, start, _, _ in words(analyse.tokens(joined)):
        if key is not None:
            keys[bisect.bisect_right(ends, start)].append(key)
    return [(tuple(k), shape(f)) for k, f in zip(keys, forms, strict=True)]


def strip_title(keys: tuple[str, ...]) -> tuple[str, ...]:
    """``keys`` without a leading personal title, unless nothing would remain."""
    for n in range(min(MAX_TITLE_WORDS, len(keys) - 1), 0, -1):
        if keys[:n] in TITLE_KEYS:
            return keys[n:]
    return keys


def person_key(text: str) -> str:
    """A PERSON mention's key without a leading title: "Mr. Putin" -> "putin"."""
    keys = tuple(alias_key(text).split())
    return " ".join(strip_title(keys))


def name_parts(forms: Iterable[tuple[str, ...]]) -> set[str]:
    """First and last words of a PERSON's multi-word forms (word keys): "President Xi" can
    mean Xi Jinping when a title precedes them (single letters and titles excluded)."""
    parts: set[str] = set()
    for form in forms:
        keys = strip_title(form)
        if len(keys) > 1:
            parts.update(k for k in (keys[0], keys[-1]) if len(k) > 1 and (k,) not in TITLE_KEYS)
    return parts


@functools.cache
def common_words() -> frozenset[str]:
    """Lower-case English words and stop words (NLTK ``words`` and ``stopwords``)."""
    found = {w for w in analyse.word_list("words", "en") if w.islower()}
    found.update(w.lower() for w in analyse.word_list("stopwords", "english"))
    return frozenset(found)


def required_shape(keys: tuple[str, ...], form_shape: int) -> int:
    """The shape text must have to match a form: its own, if it is one common word, else any."""
    if len(keys) == 1 and keys[0] in common_words():
        return form_shape
    return LOWER
