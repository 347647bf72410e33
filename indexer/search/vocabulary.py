"""Expanding prefixes and fuzzy words, and "did you mean", against the surface vocabulary.

The ``words`` field's term dictionary holds every unstemmed word of the collection (its postings
are sparse: see ``indexer/schema.py``). A prefix or fuzzy word is expanded there (so
``negotiat*`` and ``negotiatons~`` see real words, not stems), and each expansion is analysed
into the stemmed ``text`` terms that hold postings; a word's frequency is its stem's document
frequency in ``text``.
Every expansion draws on one ``Budget`` per query, so no query can turn into thousands of terms.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import Any

from whoosh.support.levenshtein import levenshtein

from indexer.errors import QueryTooComplex
from indexer.schema import SURFACE_ANALYZER, text_terms
from indexer.search.lexicon import terms_of_lengths, terms_with_prefix, words_within
from indexer.search.query import Fuzzy, ParsedQuery, Prefix, Word, positive_leaves

VOCABULARY_FIELD = "words"
MAX_EXPANSIONS = 256  # expanded words across the whole query
MAX_FUZZY_WORDS = 32  # words one fuzzy term may stand for (nearest, then most frequent)
MAX_EXPANSION_POSTINGS = 100_000  # postings those words may add (each costs a few us to read)
MAX_SCAN = 5_000  # vocabulary words looked at for one prefix
MAX_WORD_CHARS = 40  # longer words are not expanded (no real word is that long)
# A word in at most TYPO_DOCS documents is taken for a misspelling when a word one edit away is
# in TYPO_RATIO times as many: "nucler" (1 document) next to "nuclear" (1,611) gets a "did you
# mean"; "SPIEF" (1) next to "spied" (26) does not, nor does a rare name next to a rare word.
TYPO_DOCS = 2
TYPO_RATIO = 100


@dataclass
class Budget:
    """What one query may still expand, and the notices about what it could not."""

    words: int = MAX_EXPANSIONS
    postings: int = MAX_EXPANSION_POSTINGS
    notices: list[str] = field(default_factory=list)


def surface(word: str) -> str:
    """A query word as the vocabulary spells it (lowercase, accents folded)."""
    return "".join(token.text for token in SURFACE_ANALYZER(word))


def expand_prefix(reader: Any, prefix: Prefix, budget: Budget) -> list[str]:
    """``text`` terms of the vocabulary words starting with the prefix, most frequent words
    first, as many as the budget allows (a notice says when some were left out)."""
    start = surface(prefix.text)
    if not start:
        return []
    scanned = terms_with_prefix(reader, VOCABULARY_FIELD, start)
    words = scanned[:MAX_SCAN]
    freq = {w: frequency(reader, w) for w in words}
    words.sort(key=lambda w: (-freq[w], w))
    stems, kept = _take(reader, words, budget, f"{prefix.text}*")
    if len(scanned) > MAX_SCAN or kept < len(words):
        more = "more than " if len(scanned) > MAX_SCAN else ""
        budget.notices.append(
            f'"{prefix.text}*" matches {more}{len(words):,} words; searched the {kept:,} '
            "most frequent. Type more letters to narrow it."
        )
    return stems


def expand_fuzzy(reader: Any, fuzzy: Fuzzy, budget: Budget) -> list[str]:
    """``text`` terms of the vocabulary words within the allowed edit distance (same first
    letter), nearest and most frequent first, as many as the budget allows."""
    word = surface(fuzzy.text)
    if not word:
        return []
    distance = min(fuzzy.distance, max(0, len(word) - 2))
    if distance < fuzzy.distance:
        budget.notices.append(
            f'"{fuzzy.text}~{fuzzy.distance}" is short: searched within {distance} '
            f"edit{'s' if distance != 1 else ''} only."
        )
    if distance == 0 or len(word) > MAX_WORD_CHARS:
        return stems_of([word])
    words = within(reader, word, distance, prefix=1)
    key = {w: (levenshtein(word, w), -frequency(reader, w), w) for w in words}
    words.sort(key=key.__getitem__)
    stems, kept = _take(reader, words[:MAX_FUZZY_WORDS], budget, f"{fuzzy.text}~{distance}")
    if kept < len(words):
        budget.notices.append(
            f'"{fuzzy.text}~{distance}" matches {len(words):,} words; searched the {kept:,} '
            "closest and most frequent."
        )
    return stems or stems_of([word])


def frequency(reader: Any, word: str) -> int:
    """How many documents hold a vocabulary word: the document frequency of its rarest
    ``text`` term (a stem, shared by its inflections)."""
    return min((reader.doc_frequency("text", t) for t in text_terms(word)), default=0)


def stems_of(words: list[str]) -> list[str]:
    """The distinct ``text`` terms the given surface words are indexed as, in order."""
    seen: dict[str, None] = {}
    for word in words:
        for term in text_terms(word):
            seen.setdefault(term, None)
    return list(seen)


def _take(reader: Any, words: list[str], budget: Budget, label: str) -> tuple[list[str], int]:
    """Stems of ``words``, in order, until the word or postings budget is spent; returns the
    stems and how many words they stand for. The first word is taken while any budget is left;
    with none left, ``QueryTooComplex`` names the expansion that no longer fits."""
    if words and (budget.words <= 0 or budget.postings <= 0):
        raise QueryTooComplex(
            f'"{label}" does not fit: the prefixes and fuzzy words before it already expand '
            f"to as many words as one query may search. Use fewer of them, or longer prefixes."
        )
    stems: dict[str, None] = {}
    kept = 0
    for word in words:
        new = [t for t in text_terms(word) if t not in stems]
        cost = sum(reader.doc_frequency("text", t) for t in new)
        if kept and (budget.words <= 0 or cost > budget.postings):
            break
        stems.update(dict.fromkeys(new))
        budget.words -= 1
        budget.postings -= cost
        kept += 1
    return list(stems), kept


def within(reader: Any, word: str, distance: int, *, prefix: int) -> list[str]:
    """Vocabulary words within ``distance`` edits of ``word`` that share its first ``prefix``
    letters (Damerau-Levenshtein, as Whoosh's ``terms_within``, which computes it for every
    word with the prefix: a word whose length differs by more than ``distance`` cannot be that
    close; ``indexer/search/lexicon.py`` reads the words and compares them faster)."""
    low, high = len(word) - distance, len(word) + distance
    near = terms_of_lengths(reader, VOCABULARY_FIELD, word[:prefix], low, high)
    return words_within(near, word, distance)


def suggest(reader: Any, parsed: ParsedQuery) -> str | None:
    """The whole query with the words no document holds (or a misspelling's few) replaced by
    close words that many hold, or None."""
    replacements: list[tuple[int, int, str]] = []
    for leaf in positive_leaves(parsed.root):
        if not isinstance(leaf, Word) or leaf.end <= leaf.start:
            continue
        better = _better_word(reader, leaf.text)
        if better:
            replacements.append((leaf.start, leaf.end, _same_case(leaf.text, better)))
    if not replacements:
        return None
    text = parsed.source
    for start, end, word in sorted(replacements, reverse=True):
        text = text[:start] + word + text[end:]
    return text


def _better_word(reader: Any, text: str) -> str | None:
    """``_closest_better_word``, worked out once per reader (index state) and word: a word
    no document holds is looked for again on every page, re-sort and facet click of its
    query (11 ms each on the 18k bench, scanning the words with its first two letters)."""
    known = _SUGGESTED.setdefault(reader, {})
    found = known.get(text, _UNKNOWN)
    if found is not _UNKNOWN:
        return found  # type: ignore[return-value]
    found = _closest_better_word(reader, text)
    if len(known) >= SUGGESTED_WORDS:
        known.clear()
    known[text] = found
    return found


SUGGESTED_WORDS = 10_000  # words whose suggestion is kept per reader
_UNKNOWN = object()
_SUGGESTED: weakref.WeakKeyDictionary[Any, dict[str, str | None]] = weakref.WeakKeyDictionary()


def _closest_better_word(reader: Any, text: str) -> str | None:
    """A close word for one no document holds (the most frequent of the closest), or for one
    so rare next to a word one edit away that it is most likely a misspelling of it."""
    word = surface(text)
    terms = text_terms(text)
    if len(word) < 3 or len(word) > MAX_WORD_CHARS or len(terms) != 1 or not word.isalpha():
        return None
    have = max(reader.doc_frequency(field, terms[0]) for field in ("text", "title"))
    if have > TYPO_DOCS:
        return None
    best: tuple[int, int, str] | None = None
    # Two shared letters: a misspelling rarely changes the start, and it scans a few hundred
    # words instead of every word with the same first letter.
    for candidate in within(reader, word, 1 if have else 2, prefix=2):
        if candidate == word:
            continue
        freq = frequency(reader, candidate)
        if not freq or freq < TYPO_RATIO * have:
            continue
        key = (levenshtein(word, candidate), -freq, candidate)
        if best is None or key < best:
            best = key
    return best[2] if best else None


def _same_case(original: str, word: str) -> str:
    if original.isupper() and len(original) > 1:
        return word.upper()
    if original[:1].isupper():
        return word[:1].upper() + word[1:]
    return word
