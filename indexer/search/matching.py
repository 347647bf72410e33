"""Where a query matches inside one text: the spans behind snippets and the document view.

The text is analysed with the index's own ``TEXT_ANALYZER`` (with character offsets), so a word
matches exactly the tokens it found in the index: stems for words, consecutive stems for exact
phrases, in-order stems within the allowed gap for ``"a b"~N``, and surface words for ``prefix*``
and ``fuzzy~`` (same first letter, edit distance). Words under NOT, title-only words, filters
and bare stop words (``indexer/search/stopwords.py``: the "of" of an unquoted ``axis of evil``)
mark nothing. No index is needed, so a document view can highlight any stored version.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from whoosh.lang.porter2 import exceptional_forms

from corpus.model import Span
from indexer.schema import WORD_RE, text_terms
from indexer.search.query import (
    DateFilter,
    Filter,
    Fuzzy,
    ParsedQuery,
    Phrase,
    Prefix,
    Word,
    positive_leaves,
)
from indexer.search.stopwords import is_stop_word, keeps_stop_words
from indexer.search.syntax import parse_query
from indexer.search.vocabulary import surface

MAX_FUZZY_WORD = 40
_SHORT_SCAN = 2_000  # characters below which the candidate expression scans the text itself


@dataclass(frozen=True)
class Pattern:
    """What to look for in a text, taken from the positive part of a parsed query."""

    stems: frozenset[str] = frozenset()
    phrases: tuple[tuple[tuple[str, ...], int], ...] = ()
    prefixes: tuple[str, ...] = ()
    fuzzy: tuple[tuple[str, int], ...] = ()

    def is_empty(self) -> bool:
        """True when nothing in the query can match the body text."""
        return not (self.stems or self.phrases or self.prefixes or self.fuzzy)


class Token(NamedTuple):
    """A word of a text: its ``text`` term (stem), its surface word and its offsets.

    A named tuple, not a frozen dataclass: a long document has tens of thousands of them."""

    stem: str
    surface: str
    start: int
    end: int


def pattern_of(parsed: ParsedQuery) -> Pattern:
    """The pattern of a parsed query (leaves searched in the body text, not negated)."""
    stems: set[str] = set()
    phrases: list[tuple[tuple[str, ...], int]] = []
    prefixes: list[str] = []
    fuzzy: list[tuple[str, int]] = []
    drops_stop_words = not keeps_stop_words(parsed.root)
    for leaf in positive_leaves(parsed.root):
        if isinstance(leaf, Filter | DateFilter) or leaf.field is not None:
            continue
        if isinstance(leaf, Word):
            if drops_stop_words and is_stop_word(leaf):
                continue
            terms = text_terms(leaf.text)
            if len(terms) == 1:
                stems.add(terms[0])
            elif terms:
                phrases.append((terms, 0))
        elif isinstance(leaf, Phrase):
            terms = text_terms(leaf.text)
            if len(terms) == 1 and leaf.slop == 0:
                stems.add(terms[0])
            elif terms:
                phrases.append((terms, leaf.slop))
        elif isinstance(leaf, Prefix):
            if word := surface(leaf.text):
                prefixes.append(word)
        elif isinstance(leaf, Fuzzy):
            if word := surface(leaf.text):
                fuzzy.append((word, min(leaf.distance, max(0, len(word) - 2))))
    return Pattern(frozenset(stems), tuple(phrases), tuple(prefixes), tuple(fuzzy))


def hit_spans(text: str, query: str | ParsedQuery) -> list[Span]:
    """Every match of ``query`` in a whole document text, sorted, overlaps merged.

    Raises ``QueryError`` (from parsing) when the query cannot be run.
    """
    parsed = parse_query(query) if isinstance(query, str) else query
    return match_spans(text, pattern_of(parsed))


def match_spans(text: str, pattern: Pattern, start: int = 0, end: int | None = None) -> list[Span]:
    """The spans ``pattern`` marks in ``text``, sorted, overlapping ones merged: those starting
    at the tokens between ``start`` and ``end`` (a phrase may run on past ``end``).

    Fast on long texts (a results page runs it on ten whole documents): one scan of the text
    finds the tokens that could be wanted (those starting with the letters the pattern's words
    start with, by one regular expression), each distinct one is analysed once, and the wanted
    ones are kept with their offsets; a phrase is followed token by token from each occurrence
    of its first word.
    """
    if pattern.is_empty():
        return []
    within = candidate_tokens(text, pattern, start, len(text) if end is None else end)
    tokens = [(m.group(), m) for m in within]
    analysed: dict[str, tuple[str, str]] = {}
    for raw, _ in tokens:
        if raw not in analysed:
            analysed[raw] = _analyse_word(raw)
    wanted = {
        raw
        for raw, (stem, word) in analysed.items()
        if stem in pattern.stems or _loose_match(word, pattern)
    }
    present = {stem for stem, _ in analysed.values()}
    # A phrase may run on past ``end``: there, only its first word need be among the tokens.
    whole = end is None or end >= len(text)
    phrases = [
        (stems, slop)
        for stems, slop in pattern.phrases
        if present.issuperset(stems if whole else stems[:1])
    ]
    found = [m.span() for raw, m in tokens if raw in wanted] if wanted else []
    for phrase, slop in phrases:
        firsts = {raw for raw, (stem, _) in analysed.items() if stem == phrase[0]}
        for raw, m in tokens:
            if raw in firsts:
                found.extend(_phrase_from(text, m, phrase, slop))
    return _merge(found)


def distinct_matches(text: str, spans: list[Span]) -> int:
    """How many different words ``spans`` mark in ``text``: a word's forms count once
    ("Sanctions", "sanctioned"), a phrase by its lowercase words."""
    return len(
        {_analyse_word(text[s.start : s.end])[0] or text[s.start : s.end].lower() for s in spans}
    )


def candidate_tokens(text: str, pattern: Pattern, start: int, end: int) -> list[re.Match[str]]:
    """What ``_candidates_of(pattern).finditer(text, start, end)`` finds, found faster in a
    long text: that expression is tried at every character (11 ms for "russia" in a 233 KB
    transcript), where ``str.find`` looks for each starting letter pair in the lower-cased
    text and the expression is tried only there and at (and just before) non-ASCII letters,
    left to right, as ``finditer`` would. Lower-casing that changes the text's length (a
    dotted capital I) falls back to ``finditer``."""
    regex = _candidates_of(pattern)
    part = text[start:end] if end - start > _SHORT_SCAN else ""
    lowered = part.lower()
    if len(lowered) != end - start or "" in _starts_of(pattern):
        return list(regex.finditer(text, start, end))
    tried: set[int] = set()
    for letters in _finds_of(pattern):
        if not letters.isascii():  # a token with a non-ASCII letter: below
            continue
        at = lowered.find(letters)
        while at >= 0:
            tried.add(start + at)
            at = lowered.find(letters, at + 1)
    if not part.isascii():
        # Where the non-ASCII characters are, with numpy (a regular expression took 14 ms a
        # megabyte); each letter or digit among them: a token may start there, just before,
        # or where its run of word characters does ("Québec" does not hold "queb").
        codes = np.frombuffer(part.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        for at in (np.flatnonzero(codes > 0x7F) + start).tolist():
            if text[at].isalnum():
                tried.update((at - 1, at, _run_start(text, at, start)))
    found, after = [], start
    for at in sorted(tried):
        if at >= after and (m := regex.match(text, at, end)) is not None:
            found.append(m)
            after = m.end()
    return found


@functools.lru_cache(maxsize=256)
def _starts_of(pattern: Pattern) -> frozenset[str]:
    """The letters a token the pattern marks may start with, any case (see
    ``_candidates_of``), besides tokens with a non-ASCII letter among their first two."""
    stems = set(pattern.stems).union(*(phrase for phrase, _ in pattern.phrases))
    starts = {stem[:2] for stem in stems}
    starts.update(word[:2] for word, stem in exceptional_forms.items() if stem in stems)
    starts.update(prefix[:2] for prefix in pattern.prefixes)
    starts.update(word[:1] for word, _ in pattern.fuzzy)
    return frozenset(starts)


@functools.lru_cache(maxsize=256)
def _finds_of(pattern: Pattern) -> frozenset[str]:
    """What ``candidate_tokens`` looks for in the lower-cased text: ``_starts_of``, but for
    each stem its letters but the last two (Porter2 changes at most the last one or two
    letters of a word's lower-case form: on the 290,000 words of the bench vocabulary and
    NLTK's word list, the stem but its last letter starts every word, but for "dying",
    "lying" and "tying", which ``exceptional_forms`` brings in). Far fewer places to try
    than every "co" or "th": the tokens found are those ``_starts_of`` finds that may be
    the stem's (the others are never marked)."""
    stems = set(pattern.stems).union(*(phrase for phrase, _ in pattern.phrases))
    finds = {stem[: max(2, len(stem) - 2)] for stem in stems}
    finds.update(word[:2] for word, stem in exceptional_forms.items() if stem in stems)
    finds.update(prefix[:2] for prefix in pattern.prefixes)
    finds.update(word[:1] for word, _ in pattern.fuzzy)
    return frozenset(letters.lower() for letters in finds)


def _run_start(text: str, at: int, floor: int) -> int:
    """Where the run of word characters holding offset ``at`` starts (not before ``floor``)."""
    while at > floor and (text[at - 1].isalnum() or text[at - 1] == "_"):
        at -= 1
    return at


@functools.lru_cache(maxsize=256)
def _candidates_of(pattern: Pattern) -> re.Pattern[str]:
    """Whole tokens that may be one the pattern marks: Porter2 keeps a word's first two letters
    (but for a few exceptional forms, "dying" -> "die"), a prefix's word starts with its first
    two letters and a fuzzy word with its first letter; so tokens starting with those letters,
    any case, and tokens with a non-ASCII letter among their first two (accents are folded
    before stemming)."""
    starts = _starts_of(pattern)
    alternatives = "|".join(re.escape(start) for start in sorted(starts, key=len, reverse=True))
    return re.compile(
        rf"(?<!\w)(?<!\w[.'\u2019])(?:(?i:{alternatives})|\w?[^\W\x00-\x7f])"
        rf"\w*(?:[.'\u2019]\w+)*"
    )


def _phrase_from(
    text: str, first: re.Match[str], phrase: tuple[str, ...], slop: int
) -> list[tuple[int, int]]:
    """The spans of ``phrase`` starting at token ``first`` (whose stem is the phrase's first):
    each next word within ``slop`` tokens after the previous one."""
    hits = [first.span()]
    following = WORD_RE.finditer(text, first.end())
    window: list[re.Match[str]] = []  # tokens read ahead, not yet passed
    for want in phrase[1:]:
        found = None
        for step in range(slop + 1):
            if step >= len(window):
                token = next(following, None)
                if token is None:
                    break
                window.append(token)
            if _analyse_word(window[step].group())[0] == want:
                found = step
                break
        if found is None:
            return []
        hits.append(window[found].span())
        window = window[found + 1 :]
    if slop == 0:
        return [(hits[0][0], hits[-1][1])]
    return hits


def analyse_text(text: str) -> list[Token]:
    """``TEXT_ANALYZER``'s tokens of ``text`` with offsets, fast: the tokenizer's own pattern
    finds the words and each distinct word is analysed once (its filters work word by word)."""
    return [Token(*_analyse_word(m.group()), *m.span()) for m in WORD_RE.finditer(text)]


@functools.lru_cache(maxsize=200_000)
def _analyse_word(raw: str) -> tuple[str, str]:
    terms = text_terms(raw)
    return (terms[0] if len(terms) == 1 else ""), surface(raw)


def _loose_match(word: str, pattern: Pattern) -> bool:
    if not (pattern.prefixes or pattern.fuzzy):
        return False
    if any(word.startswith(prefix) for prefix in pattern.prefixes):
        return True
    # Levenshtein distance in C (Whoosh's ``levenshtein`` in Python was a tenth of a fuzzy
    # word's page at 60,000 documents); imported here, as ``dossier search`` imports this
    # module and loads only what a plain search needs.
    from rapidfuzz.distance import Levenshtein

    for target, distance in pattern.fuzzy:
        if (
            word[:1] == target[:1]
            and abs(len(word) - len(target)) <= distance
            and len(word) <= MAX_FUZZY_WORD
            and Levenshtein.distance(word, target, score_cutoff=distance) <= distance
        ):
            return True
    return False


def merge_spans(spans: list[Span]) -> list[Span]:
    """``spans`` sorted, overlapping ones merged (matches of one text found in parts)."""
    return _merge([(s.start, s.end) for s in spans])


def _merge(pairs: list[tuple[int, int]]) -> list[Span]:
    merged: list[list[int]] = []
    for start, end in sorted(pairs):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [Span(start, end) for start, end in merged]
