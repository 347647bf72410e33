"""NLTK analysis: the only module that imports ``nltk``.

Sentences and tokens come back as ``Span`` offsets into the canonical text, never as copies
without positions, so every later layer (hits, mentions, anchors) can point into the same text.
"""

from __future__ import annotations

import functools
import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corpus.model import Span
from indexer.errors import NltkResourceMissing
from indexer.initials import join_at_initials
from indexer.line_breaks import cut_at_line_ends
from indexer.nltk_folders import added_folders
from indexer.word_spans import WordSpans

log = logging.getLogger(__name__)

# NLTK resources the project needs: (downloader package id, path nltk.data.find looks for).
RESOURCES: tuple[tuple[str, str], ...] = (
    ("punkt_tab", "tokenizers/punkt_tab/english/"),
    ("averaged_perceptron_tagger_eng", "taggers/averaged_perceptron_tagger_eng/"),
    ("names", "corpora/names"),
    ("gazetteers", "corpora/gazetteers"),
    ("stopwords", "corpora/stopwords"),
    ("words", "corpora/words"),
)
# Corpora that make up the demo collection a new user gets on first run.
DEMO_RESOURCES: tuple[tuple[str, str], ...] = (
    ("state_union", "corpora/state_union"),
    ("inaugural", "corpora/inaugural"),
    ("webtext", "corpora/webtext"),
    ("nps_chat", "corpora/nps_chat"),
    ("abc", "corpora/abc"),
)


@dataclass(frozen=True)
class Token:
    """A word token and where it sits in the text."""

    text: str
    span: Span


@dataclass(frozen=True)
class TokenizedSentence:
    """A sentence and its tokens as parallel columns: ``words[i]`` is ``text[starts[i]:ends[i]]``.

    One value per sentence rather than two per token: entity analysis reads every token of
    every document, and building a ``Token`` and its ``Span`` costs more than tagging it.
    """

    span: Span
    words: tuple[str, ...]
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def tokens(self) -> list[Token]:
        """The same tokens as ``Token`` values."""
        return [
            Token(w, Span(s, e)) for w, s, e in zip(self.words, self.starts, self.ends, strict=True)
        ]


def require(package: str, path: str) -> None:
    """Raise ``NltkResourceMissing`` unless NLTK can find ``path``."""
    import nltk

    try:
        nltk.data.find(path)
    except LookupError as exc:
        raise NltkResourceMissing(
            f'NLTK resource "{package}" is not installed (looked in {looked_in()}). Run '
            f'"dossier setup" with internet access, or python -m nltk.downloader {package}, or '
            "set NLTK_DATA."
        ) from exc


def missing_resources(resources: tuple[tuple[str, str], ...] = RESOURCES) -> list[str]:
    """Package ids from ``resources`` that NLTK cannot find."""
    import nltk

    missing = []
    for package, path in resources:
        try:
            nltk.data.find(path)
        except LookupError:
            missing.append(package)
    return missing


def data_folders(resources: tuple[tuple[str, str], ...] = RESOURCES) -> list[str]:
    """The NLTK data folders (``.../nltk_data``) where ``resources`` are found on this machine,
    in the order first found; resources not installed are left out."""
    import nltk

    found: dict[str, None] = {}
    for _, path in resources:
        try:
            where = str(nltk.data.find(path))
        except LookupError:
            continue
        suffix = os.sep + path.strip("/").replace("/", os.sep)
        root, _, _ = where.rpartition(suffix)
        if root:
            found[root] = None
    return list(found)


def looked_in() -> str:
    """Where NLTK looks for its data, for messages: ``NLTK_DATA`` and the folders added."""
    import nltk

    env = [p for p in os.environ.get("NLTK_DATA", "").split(os.pathsep) if p]
    added = [p for p in added_folders() if p not in env and p in nltk.data.path]
    return ", ".join(env + added) or "NLTK's default locations"


def resource_dir(path: str) -> Path:
    """The folder where NLTK finds ``path`` (e.g. ``corpora/state_union``) on this machine.

    Raises ``NltkResourceMissing`` when it is not installed. Lets ``corpus`` read NLTK's corpus
    files without importing ``nltk`` itself.
    """
    import nltk

    try:
        found = nltk.data.find(path)
    except LookupError as exc:
        package = path.rstrip("/").rsplit("/", 1)[-1]
        raise NltkResourceMissing(
            f'NLTK resource "{package}" is not installed (looked in {looked_in()}). Run "dossier '
            f'setup" with internet access, or python -m nltk.downloader {package}, or set '
            "NLTK_DATA."
        ) from exc
    return Path(str(found))


def download_resources(resources: tuple[tuple[str, str], ...] = RESOURCES) -> list[str]:
    """Fetch missing resources with NLTK's own downloader (setup step only); returns what it got.

    Raises ``NltkResourceMissing`` when a package could not be installed.
    """
    import nltk

    wanted = missing_resources(resources)
    for package in wanted:
        log.info("downloading NLTK resource %s", package)
        if not nltk.download(package, quiet=True, raise_on_error=False):
            raise NltkResourceMissing(
                f'Could not download NLTK resource "{package}". Check the internet connection, '
                "or set NLTK_DATA to a folder that already holds it."
            )
    return wanted


@functools.cache
def _sentence_splitter():  # type: ignore[no-untyped-def]
    """NLTK's Punkt (English), its two whole-text patterns compiled by ``re``.

    NLTK runs them under ``nltk.redos``, a wall-clock limit of 5 s per call meant for
    caller-supplied patterns: on a long text with many sentences (a 1.2 MB transcript) the
    scan for possible sentence ends ran past it and analysis failed with ``TimeoutError``.
    These are NLTK's own fixed patterns, linear on any text; ``re`` gives the same sentences
    (``tests/test_indexer_analyse.py``) without the limit.
    """
    require("punkt_tab", "tokenizers/punkt_tab/english/")
    from nltk.tokenize import PunktTokenizer

    tokenizer = PunktTokenizer("english")
    stock = type(tokenizer._lang_vars)

    class Language(stock):  # type: ignore[misc, valid-type]
        __slots__ = ()
        re_boundary_realignment = _stdlib_pattern(stock.re_boundary_realignment)

    language = tokenizer._lang_vars = Language()
    language._re_period_context = _stdlib_pattern(language.period_context_re())
    language._re_word_tokenizer = _stdlib_pattern(language._word_tokenizer_re())
    tokenizer._Token = _punkt_token()
    return tokenizer


@functools.cache
def _punkt_token():  # type: ignore[no-untyped-def]
    """NLTK's ``PunktToken`` with its per-token patterns (numbers, ellipses, initials, words)
    compiled by ``re``: Punkt makes a token object per word and matches each against them, and
    through ``nltk.redos`` each match cost 5.7 us instead of 0.8 us (a quarter of analysis)."""
    from nltk.tokenize import punkt

    base = punkt.PunktToken
    non_punct = _stdlib_pattern(punkt._re_non_punct)

    class PunktToken(base):  # type: ignore[misc, valid-type]
        _RE_ELLIPSIS = _stdlib_pattern(base._RE_ELLIPSIS)
        _RE_NUMERIC = _stdlib_pattern(base._RE_NUMERIC)
        _RE_INITIAL = _stdlib_pattern(base._RE_INITIAL)
        _RE_ALPHA = _stdlib_pattern(base._RE_ALPHA)

        @property
        def is_non_punct(self):  # type: ignore[no-untyped-def]
            return non_punct.search(self.type)

    return PunktToken


@functools.cache
def _word_tokenizer():  # type: ignore[no-untyped-def]
    """NLTK's word tokenizer (as ``nltk.word_tokenize``) with its patterns compiled by ``re``.

    NLTK 3.10 runs each of its ~25 substitutions per sentence through ``nltk.redos`` (the
    ``regex`` engine under a wall-clock timeout, a guard meant for caller-supplied patterns),
    which doubles the cost of tokenizing. These are NLTK's own fixed patterns, linear on any
    text; compiled by ``re`` they give the same tokens (``tests/test_indexer_analyse.py``)
    at 1.8x the speed. A pattern ``re`` cannot compile keeps NLTK's guarded version.
    """
    tokenizer = _word_tokenizer_class()()
    for name in _RULE_LISTS:
        rules = getattr(tokenizer, name, None)
        if isinstance(rules, list):
            setattr(tokenizer, name, [(_stdlib_pattern(p), r) for p, r in rules])
    for name in _RULES:
        rule = getattr(tokenizer, name, None)
        if isinstance(rule, tuple) and len(rule) == 2:
            setattr(tokenizer, name, (_stdlib_pattern(rule[0]), rule[1]))
    return tokenizer


@functools.cache
def _word_tokenizer_class():  # type: ignore[no-untyped-def]
    """``NLTKWordTokenizer`` whose ``span_tokenize`` finds the text's quotes with ``re``.

    NLTK's finds them with ``nltk.redos.finditer``, which compiles the pattern again under its
    time guard on every call: a sentence with a double quote took 2.3x the CPU (0.5 ms, not
    0.2 ms, on a loaded machine), about 1% of entity analysis on a mixed bench sample. The
    rest is NLTK's code as it stands in 3.10 (the tests hold it to the stock tokenizer),
    except that quote tokens outnumbering the text's quotes raise ``ValueError`` (stock:
    ``RuntimeError``), which ``_sentence_token_spans`` answers with whitespace tokens
    instead of failing the document.
    """
    from nltk.tokenize.destructive import NLTKWordTokenizer
    from nltk.tokenize.util import align_tokens

    class WordTokenizer(NLTKWordTokenizer):  # type: ignore[misc]
        def span_tokenize(self, text: str) -> Iterator[tuple[int, int]]:
            tokens = self.tokenize(text)
            if '"' in text or "''" in text:
                quotes = iter(_QUOTES.findall(text))
                tokens = [next(quotes, None) if t in _QUOTE_TOKENS else t for t in tokens]
                if None in tokens:
                    raise ValueError(f"more quote tokens than quotes in {text[:80]!r}")
            yield from align_tokens(tokens, text)

    return WordTokenizer


_QUOTES = re.compile(r"``|'{2}|\"")  # the double quotes NLTK's tokenizer rewrites
_QUOTE_TOKENS = frozenset(['"', "``", "''"])
# NLTKWordTokenizer's class attributes holding (pattern, replacement) pairs, or one such pair.
_RULE_LISTS = ("STARTING_QUOTES", "PUNCTUATION", "CONVERT_PARENTHESES", "ENDING_QUOTES")
_RULES = ("PARENS_BRACKETS", "DOUBLE_DASHES")
_RE_FLAGS = re.IGNORECASE | re.MULTILINE | re.DOTALL | re.VERBOSE


def _stdlib_pattern(pattern: Any) -> Any:
    try:
        return re.compile(pattern.pattern, pattern.flags & _RE_FLAGS)
    except (AttributeError, TypeError, re.error):
        return pattern


def sentences(text: str) -> list[Span]:
    """Sentence spans of ``text``: Punkt's (English), cut at line ends (``_sentence_spans``)."""
    return [Span(s, e) for s, e in _sentence_spans(text)]


def _sentence_spans(text: str) -> Iterator[tuple[int, int]]:
    """Punkt's sentences, joined again inside names with dotted initials ("George H.W. Bush",
    ``indexer.initials``), then cut where a line ends a sentence (``indexer.line_breaks``)."""
    punkt = _sentence_splitter().span_tokenize(text)
    return cut_at_line_ends(text, join_at_initials(text, punkt, _is_function_word))


def _is_function_word(lower: str) -> bool:
    return lower in _function_words()


@functools.cache
def _function_words() -> frozenset[str]:
    """NLTK's English stop words ("the", "they", "but"), lower case."""
    return frozenset(w.lower() for w in word_list("stopwords", "english"))


def tokens(text: str, within: Span | None = None) -> list[Token]:
    """Word tokens (Treebank style, as ``nltk.word_tokenize``) with offsets into ``text``."""
    base = within.start if within else 0
    piece = text[within.start : within.end] if within else text
    return [Token(piece[s:e], Span(base + s, base + e)) for s, e in _token_spans(piece)]


def sentence_tokens(text: str) -> Iterator[list[Token]]:
    """Tokens grouped by sentence, each with offsets into the whole ``text``."""
    for sent in sentences(text):
        yield tokens(text, sent)


def tokenize(text: str) -> list[TokenizedSentence]:
    """The sentences of ``text`` and their tokens, exactly as ``sentences`` and ``tokens``."""
    out = []
    for start, end in _sentence_spans(text):
        piece = text[start:end]
        pairs = _token_spans(piece)
        out.append(
            TokenizedSentence(
                Span(start, end),
                tuple([piece[s:e] for s, e in pairs]),
                tuple([start + s for s, _ in pairs]),
                tuple([start + e for _, e in pairs]),
            )
        )
    return out


def _token_spans(piece: str) -> list[tuple[int, int]]:
    return _word_spans().spans(piece)


@functools.cache
def _word_spans() -> WordSpans:
    return WordSpans(_word_tokenizer().span_tokenize, _sentence_token_spans)


def _sentence_token_spans(piece: str) -> list[tuple[int, int]]:
    try:
        return list(_word_tokenizer().span_tokenize(piece))
    except (ValueError, IndexError):
        # align_tokens gives up on some quote rewrites; whitespace tokens keep offsets exact.
        return list(_whitespace_spans(piece))


def pos_tag(words: list[str]) -> list[str]:
    """Penn Treebank part-of-speech tags for a tokenized sentence."""
    return [tag for _, tag in _pos_tagger().tag(words)]


@functools.cache
def _pos_tagger():  # type: ignore[no-untyped-def]
    require("averaged_perceptron_tagger_eng", "taggers/averaged_perceptron_tagger_eng/")
    from nltk.tag import PerceptronTagger

    return PerceptronTagger()


@functools.cache
def word_list(corpus: str, fileid: str) -> tuple[str, ...]:
    """Entries of an NLTK word list, e.g. ``("names", "male.txt")`` or ``("gazetteers", ...)``.

    Used for the entity recogniser's gazetteer features. Raises ``NltkResourceMissing`` when the
    corpus is not installed.
    """
    require(corpus, f"corpora/{corpus}")
    import nltk.corpus

    reader = getattr(nltk.corpus, corpus)
    return tuple(w.strip() for w in reader.words(fileid) if w.strip())


def _whitespace_spans(text: str) -> Iterator[tuple[int, int]]:
    start = None
    for i, ch in enumerate(text):
        if ch.isspace():
            if start is not None:
                yield start, i
                start = None
        elif start is None:
            start = i
    if start is not None:
        yield start, len(text)
