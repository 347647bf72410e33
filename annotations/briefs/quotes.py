"""Quotes typed by hand: words in quotation marks in a brief's body that no citation backs.

A quote pasted from elsewhere is as much a claim about a source as one inserted from a
selection, so it is checked too: ``typed_quotes`` finds each quoted string of at least
``MIN_WORDS`` words that is neither followed by a citation marker nor part of a cited quote;
the web app then looks for it in the corpus (the search index finds candidates,
``find_in_text`` the exact words) and offers to link it, or flags it as unsourced. An analyst
who knows a quote has no source in the corpus says so by writing ``[unsourced]`` after it
(``UNSOURCED``): it is then not looked for again, and the brief shows it flagged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from annotations.briefs.model import MARKER, Brief
from corpus.model import Span

MIN_WORDS = 4
MAX_QUOTE_CHARS = 1_000
UNSOURCED = "[unsourced]"  # written after a quote the analyst marked as having no source
UNSOURCED_FLAG = re.compile(r"[ \t]*\[unsourced\]")  # the mark and the spaces before it
_QUOTED = re.compile(r'"([^"\n]{3,1000}?)"|“([^”\n]{3,1000}?)”|«([^»\n]{3,1000}?)»')
_WORD = re.compile(r"\w+(?:['’]\w+)*")
_MARKER_AFTER = re.compile(r"[\s.,;:!?)\]]{0,3}" + MARKER.pattern)
_UNSOURCED_AFTER = re.compile(r"[\s.,;:!?)]{0,3}" + re.escape(UNSOURCED))


@dataclass(frozen=True)
class TypedQuote:
    """A quoted string of the body (``span``: where, quote marks excluded), and whether the
    analyst marked it unsourced."""

    text: str
    span: Span
    is_marked_unsourced: bool = False


def typed_quotes(brief: Brief) -> list[TypedQuote]:
    """The body's quoted strings that no citation backs, in order."""
    cited = [_words(c.anchor.quote) for c in brief.citations]
    found = []
    for match in _QUOTED.finditer(brief.body):
        group = next(g for g in range(1, 4) if match.group(g) is not None)
        text = match.group(group).strip()
        words = _words(text)
        if len(words.split()) < MIN_WORDS:
            continue
        if _MARKER_AFTER.match(brief.body, match.end()):
            continue
        if any(f" {words} " in f" {quote} " for quote in cited):
            continue
        marked = _UNSOURCED_AFTER.match(brief.body, match.end()) is not None
        found.append(TypedQuote(text, Span(match.start(group), match.end(group)), marked))
    return found


def find_in_text(quote: str, text: str) -> Span | None:
    """Where ``quote``'s words are in ``text``, in order, whatever the punctuation, spacing,
    quote marks and case between them; None when they are not there."""
    words = _WORD.findall(quote)
    if not words or len(quote) > MAX_QUOTE_CHARS:
        return None
    pattern = r"\W+".join(_word_pattern(w) for w in words)
    match = re.search(rf"(?<!\w){pattern}(?!\w)", text, re.IGNORECASE)
    return Span(match.start(), match.end()) if match else None


def search_phrase(quote: str) -> str:
    """The quote as a phrase of the search language (its words, in quotes)."""
    return '"' + " ".join(_WORD.findall(quote)) + '"'


def _word_pattern(word: str) -> str:
    return "['’]".join(re.escape(part) for part in re.split("['’]", word))


def _words(text: str) -> str:
    return " ".join(w.casefold().replace("’", "'") for w in _WORD.findall(text))
