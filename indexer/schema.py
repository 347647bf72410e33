"""The Whoosh schema and the text analyzer: the field names below are a contract with search.

Only stock Whoosh classes of the classic 2.7 API appear here, because the schema is pickled into
every index: an index then opens without importing this module, and ``Whoosh==2.7.4`` stays a
one-line fallback for ``whoosh3`` (docs/decisions/001-whoosh-distribution.md).

Fields (``record()`` in ``indexer/build.py`` is the one place that fills them):

============== ================================================================================
``id``         ID, stored, unique: the document id (``update_document`` replaces by it).
``version``    STORED: the document version indexed (the hit's text is that version's).
``seq``        NUMERIC, stored: the store ``seq`` of that version.
``kind``       ID, stored, sortable (facet): ``speech``, ``forum``, ``news``, ``other``.
``title``      TEXT, stored, field boost 2, ``TEXT_ANALYZER``, positions (phrases).
``text``       TEXT, ``TEXT_ANALYZER``, positions but no character offsets, not stored: the
               text is served from the store and highlights are recomputed from it for the
               page shown (``TEXT_ANALYZER`` with ``chars=True`` gives the offsets).
``words``      surface words of title and text (``SURFACE_ANALYZER``: not stemmed), Existence
               format: only which documents hold each word. The vocabulary for "did you mean"
               and for fuzzy expansion, with document frequencies. Never query it for hits.
``date``       DATETIME, stored, sortable: first day of the period the date is known to (a
               year-precision 2013 is 2013-01-01). Absent when unknown, so date ranges exclude
               the document, and an ascending sort puts it last.
``date_desc``  COLUMN only (not searchable): ascending sort on it is newest first, unknown
               dates last. Sort ascending on ``date`` or ``date_desc``, never ``reverse=True``
               (Whoosh 2.7.4 scrambles reverse sorts; see decision 001).
``year``       ID, sortable (facet): ``"2013"``; absent (column value ``""``) when unknown.
``speaker``    ID, stored, sortable (facet): exact, case preserved, for display and filters.
``speaker_text`` TEXT, ``NAME_ANALYZER``: what ``speaker:putin`` searches
               ("Vladimir Putin"; lowercase, accents folded, not stemmed).
``source``     and ``source_text``: as ``speaker`` and ``speaker_text``.
``language``   ID, stored, sortable: ``en``.
``tags``       KEYWORD, stored, comma-separated, lowercased, not scorable: ``countries:china``.
``entities``   KEYWORD, comma-separated, not scorable: reserved for entity ids (entities issue).
============== ================================================================================

Fuzzy terms and spelling. A surface word maps to postings by analysing it: ``text_terms(word)``
(``TEXT_ANALYZER``) gives the ``text``/``title`` terms, usually one stem, several for
``Jong-un``. So ``negotiatons~1`` is: ``reader.terms_within("words", "negotiatons", 1)`` ->
``negotiations``, ``negotiators`` -> ``text_terms`` of each -> ``Term("text", "negoti")``.
"Did you mean" takes candidates from ``terms_within("words", ...)`` with their
``doc_frequency("words", ...)``; rank by edit distance first (``searcher.corrector("words")``
ranks by frequency alone once distance 1 leaves its limit unfilled: "nucler" -> "number").
Expanding a fuzzy term against ``text`` itself compares against stems, and Whoosh's own
``spelling=True`` expands against surface words yet looks them up as stems: both miss.
The ``words`` field costs about a third more indexing CPU and 40% more index size (measured on
the demo and kremlin collections); ``record()`` passes each distinct word once to keep it there.
"""

from __future__ import annotations

import datetime as dt
import re

from whoosh import columns, formats
from whoosh.analysis import (
    Analyzer,
    CharsetFilter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    SubstitutionFilter,
)
from whoosh.fields import (
    COLUMN,
    DATETIME,
    ID,
    KEYWORD,
    NUMERIC,
    STORED,
    TEXT,
    FieldType,
    Schema,
)
from whoosh.lang.porter2 import stem
from whoosh.support.charset import accent_map

# Bump whenever a field or an analyzer changes: ensure_index() then rebuilds the index.
SCHEMA_VERSION = 1

# A word: letters and digits, with inner dots and apostrophes (U.S, 3.5, don't, Putin's).
# Hyphens and slashes split words: "Jong-un" is "jong" "un", and a query word that analyses
# to several tokens becomes a phrase (multitoken_query="phrase").
TOKEN_PATTERN = r"\w+(?:[.'\u2019]\w+)*"
WORD_RE = re.compile(TOKEN_PATTERN)

_TOKENS = RegexTokenizer(TOKEN_PATTERN)
_LOWER = LowercaseFilter()
# Accents folded ("Médvédev" = "Medvedev") and typographic apostrophes made plain, in one pass.
_FOLD = CharsetFilter({**accent_map, ord("\u2019"): "'"})
_POSSESSIVE = SubstitutionFilter(r"'s$", "")

# Lowercase, accents folded, possessive 's dropped ("Putin's" = "Putin"). Every word is kept: no
# stop filter, so positions stay exact.
NAME_ANALYZER: Analyzer = _TOKENS | _LOWER | _FOLD | _POSSESSIVE
SURFACE_ANALYZER: Analyzer = NAME_ANALYZER
# The surface words, stemmed with Porter2 (the original Porter stems "negotiating" to
# "negotiat" but "negotiations" to "negoti", and "news" to "new").
TEXT_ANALYZER: Analyzer = NAME_ANALYZER | StemFilter(stem, cachesize=100_000)

# Sort key for unknown dates in ``date_desc``: larger than any known day's key.
_DATE_DESC_UNKNOWN = 2**32 - 1
_DATE_DESC_BASE = dt.date.max.toordinal() + 1


def build_schema() -> Schema:
    """A fresh schema object (Whoosh pickles it into each index it creates)."""
    return Schema(
        id=ID(stored=True, unique=True),
        version=STORED(),
        seq=NUMERIC(int, 64, stored=True, signed=False),
        kind=ID(stored=True, sortable=True),
        title=TEXT(analyzer=TEXT_ANALYZER, stored=True, field_boost=2.0, multitoken_query="phrase"),
        text=TEXT(analyzer=TEXT_ANALYZER, phrase=True, multitoken_query="phrase"),
        words=FieldType(formats.Existence(), SURFACE_ANALYZER),
        date=DATETIME(stored=True, sortable=True),
        date_desc=COLUMN(columns.NumericColumn("I", default=_DATE_DESC_UNKNOWN)),
        year=ID(sortable=True),
        speaker=ID(stored=True, sortable=True),
        speaker_text=TEXT(analyzer=NAME_ANALYZER, multitoken_query="phrase"),
        source=ID(stored=True, sortable=True),
        source_text=TEXT(analyzer=NAME_ANALYZER, multitoken_query="phrase"),
        language=ID(stored=True, sortable=True),
        tags=KEYWORD(stored=True, commas=True, lowercase=True, scorable=False),
        entities=KEYWORD(commas=True, scorable=False),
    )


def text_terms(word: str) -> tuple[str, ...]:
    """The ``text``/``title`` terms a surface word (or any query text) is indexed as."""
    return tuple(token.text for token in TEXT_ANALYZER(word))


def date_desc_key(day: dt.date) -> int:
    """The ``date_desc`` column value: smaller for later days, so ascending is newest first."""
    return _DATE_DESC_BASE - day.toordinal()
