"""The Whoosh schema and the text analyzer: the field names below are a contract with search.

Only the classic 2.7 API of Whoosh is used here, so ``Whoosh==2.7.4`` stays a one-line fallback
for ``whoosh3`` (docs/decisions/001-whoosh-distribution.md). The schema is pickled into every
index and names ``WordAnalyzer`` from this module: the index is derived and always opened by this
code, and a change to the analyzer bumps ``SCHEMA_VERSION`` so the index is rebuilt.

Fields (``record()`` in ``indexer/build.py`` is the one place that fills them):

============== ================================================================================
``id``         ID, stored, unique: the document id (``update_document`` replaces by it).
``version``    STORED: the document version indexed (the hit's text is that version's).
``seq``        NUMERIC, stored: the store ``seq`` of that version. One term (``shift_step=0``):
               nothing searches a range of it, and Whoosh's default trie of 16 terms was a
               sixth of a short document's postings.
``kind``       ID, stored, sortable (facet): ``speech``, ``forum``, ``news``, ``other``.
``title``      TEXT, stored, field boost 2, ``TEXT_ANALYZER``, positions (phrases): only a title
               the source gave. A title made from the text's first line is not indexed (its
               words would count twice, boosted); hits show the store's title.
``text``       TEXT, ``TEXT_ANALYZER``, positions but no character offsets, not stored: the
               text is served from the store and highlights are recomputed from it for the
               page shown (``TEXT_ANALYZER`` with ``chars=True`` gives the offsets).
``words``      surface words of title and text (``SURFACE_ANALYZER``: not stemmed), existence
               format (``WordSetFormat``). Only its term dictionary is used: the vocabulary for
               "did you mean" and fuzzy and prefix expansion. Each writer indexes a word in
               the first document it sees holding it, not in every one (``record()``'s
               ``known_words``): full postings cost 40% of the indexing CPU. Never query it
               for hits; a word's frequency is its stem's in ``text``.
``date``       DATETIME, stored, sortable: first day of the period the date is known to (a
               year-precision 2013 is 2013-01-01). Absent when unknown, so date ranges exclude
               the document, and an ascending sort puts it last. Date ranges read its column
               (``indexer/search/filters.py``), so it is indexed as one term, not a trie of 8.
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
``entities``   KEYWORD, comma-separated, case kept, not scorable: the entity refs of the
               document's mentions (what ``entity:`` and chosen entity facets filter on). A ref
               is a registry entity id (``vladimir-putin-1c2f3a``) or, for a mention the
               registry does not know, ``~<field>:<alias key, "_" for spaces>``
               (``~person:vladimir_putin``), so facets work before anyone curates a registry.
``person_ids`` and ``org_ids``, ``place_ids``, ``nationality_ids``: KEYWORD as ``entities``,
               sortable (facets count them per document from the column), the refs of one type.
``person_text`` and ``org_text``, ``place_text``, ``nationality_text``: TEXT, ``NAMES_ANALYZER``:
               the canonical names of linked mentions and the surface text of the others, one
               name a line, what ``person:putin`` searches. Names are far apart in positions, so
               a phrase never runs from one name into the next.
``entity_names`` COLUMN only: ``ref<TAB>display name`` lines, for showing facet values.
``less_sure_ids`` COLUMN only: comma-separated unlinked refs that only the model found in the
               document, below ``FACET_CONFIDENCE`` (``indexer/entities/refs.py``): left out of
               ``<prefix>_ids`` (the facets), counted in the facets' "less sure" lists.
``said_ids``   KEYWORD, comma-separated, case kept: the refs of the document's speakers with
               words of their own (``said:putin`` alone: the documents where Putin speaks).
``said_names`` COLUMN only: ``ref<TAB>turns<TAB>name<TAB>ranges`` lines: the "Speakers" facet
               counts turns; ``ranges`` are where the speaker's words stand in ``text`` (token
               positions), what ``said:putin "Far East"`` keeps matches inside
               (``indexer/turns/fields.py``, docs/decisions/016).
============== ================================================================================

Fuzzy terms and spelling. A surface word maps to postings by analysing it: ``text_terms(word)``
(``TEXT_ANALYZER``) gives the ``text``/``title`` terms, usually one stem, several for
``Jong-un``. So ``negotiatons~1`` is: ``within(reader, "negotiatons", 1)`` (vocabulary.py) ->
``negotiations``, ``negotiators`` -> ``text_terms`` of each -> ``Term("text", "negoti")``.
"Did you mean" takes candidates from ``within(reader, ...)`` with the document
frequency of their stems in ``text``; rank by edit distance first (``searcher.corrector("words")``
ranks by frequency alone once distance 1 leaves its limit unfilled: "nucler" -> "number").
Expanding a fuzzy term against ``text`` itself compares against stems, and Whoosh's own
``spelling=True`` expands against surface words yet looks them up as stems: both miss.
A word whose only ``words`` posting was in a document since replaced by a version without it
drops out of the vocabulary until the next rebuild; a replaced document's new version brings
its own words back, so this needs an edited text, and costs only a suggestion.

``title``, ``text`` and the other TEXT fields keep positions in ``PositionsFormat`` (raw
``uint32``, read in bulk by ``indexer/phrases.py``). ``PositionsFormat`` and ``WordSetFormat``
take their terms from ``WordAnalyzer.terms()`` in one list, not a ``Token`` per word.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from array import array
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np
from whoosh import columns, formats
from whoosh.analysis import Analyzer, Token
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

# Bump whenever a field or an analyzer changes: catch_up_index() then rebuilds the index.
SCHEMA_VERSION = 10  # 3: entity fields; 4: PositionsFormat; 5: no derived titles; 6: said;
# 7: stage directions left out of said; 8: less sure names (``less_sure_ids``) out of facets;
# 9: no ``said`` field: turns as token ranges in ``said_names`` (docs/decisions/016);
# 10: ``seq`` and ``date`` indexed as one term each, not a trie (24 postings a document)

# Entity types with their own fields and facets, and the field prefix of each (also the query
# prefix: ``person:``, ``org:``, ``place:``, ``nationality:``).
ENTITY_FIELDS: dict[str, str] = {
    "PERSON": "person",
    "ORGANIZATION": "org",
    "LOCATION": "place",
    "NORP": "nationality",
}

# A word: letters and digits, with inner dots and apostrophes (U.S, 3.5, don't, Putin's).
# Hyphens and slashes split words: "Jong-un" is "jong" "un", and a query word that analyses
# to several tokens becomes a phrase (multitoken_query="phrase").
TOKEN_PATTERN = r"\w+(?:[.'\u2019]\w+)*"
WORD_RE = re.compile(TOKEN_PATTERN)

# Typographic apostrophes made plain and accents folded ("Médvédev" = "Medvedev").
# (Whoosh annotates accent_map with str keys, but builds it with code points.)
_FOLD_MAP: dict[int, str] = {ord("\u2019"): "'", **accent_map}  # type: ignore[dict-item]
_FOLD = str.maketrans(_FOLD_MAP)
_STEM_CACHE_SIZE = 200_000
_BIG_ENDIAN = sys.byteorder == "big"
assert array("I").itemsize == 4, "PositionsFormat needs 4-byte unsigned ints"


class WordAnalyzer(Analyzer):
    """Words lowercased, accents folded, possessive 's dropped, optionally Porter2-stemmed.

    One pass per token instead of Whoosh's chain of generator filters (tokenizer, lowercase,
    charset, substitution, stem): analysis is most of the cost of indexing, and this halves it.
    Every word is kept (no stop filter), so positions stay exact.
    """

    def __init__(self, stemming: bool = False) -> None:
        self.stemming = stemming
        self._cache: dict[str, str] = {}

    def __getstate__(self) -> dict[str, object]:
        return {"stemming": self.stemming}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.stemming = bool(state["stemming"])
        self._cache = {}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WordAnalyzer) and other.stemming == self.stemming

    def __hash__(self) -> int:
        return hash((WordAnalyzer, self.stemming))

    def _normalise(self, raw: str) -> str:
        # Cached by the word as written: most words of a text were seen before, and one
        # lookup is cheaper than lowercasing, folding and stemming again.
        cache = self._cache
        found = cache.get(raw)
        if found is not None:
            return found
        word = raw.lower()
        if not word.isascii():
            word = word.translate(_FOLD)
        if word.endswith("'s"):
            word = word[:-2]
        if self.stemming:
            word = stem(word)
        if len(cache) > _STEM_CACHE_SIZE:
            cache.clear()
        cache[raw] = word
        return word

    def terms(self, value: str) -> list[str]:
        """The normalised words of ``value`` in order (index position = list index): what
        ``__call__`` yields as tokens, without building a ``Token`` per word."""
        get, normalise = self._cache.get, self._normalise
        return [get(word) or normalise(word) for word in WORD_RE.findall(value)]

    def __call__(  # type: ignore[override]
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            matches: Iterable[tuple[int, str, int, int]] = [(0, value, 0, len(value))]
        else:
            matches = (
                (pos, m.group(0), m.start(), m.end())
                for pos, m in enumerate(WORD_RE.finditer(value))
            )
        normalise = self._normalise
        for pos, word, start, end in matches:
            token.text = normalise(word)
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = word  # type: ignore[attr-defined]  # Token grows attrs
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token


class NameListAnalyzer(WordAnalyzer):
    """Names one a line, each analysed as ``NAME_ANALYZER`` does, with ``GAP`` positions
    between names, so ``person:"Vladimir Putin"`` cannot match "...Vladimir" + "Putin...".
    """

    GAP = 100

    def __init__(self) -> None:
        super().__init__(stemming=False)

    def __eq__(self, other: object) -> bool:
        return type(other) is NameListAnalyzer

    def __hash__(self) -> int:
        return hash(NameListAnalyzer)

    def __call__(  # type: ignore[override]
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        start_pos: int = 0,
        start_char: int = 0,
        **kwargs: Any,
    ) -> Iterator[Token]:
        pos, offset = start_pos, start_char
        for line in value.split("\n"):
            last = pos - 1
            for token in super().__call__(
                line, positions, chars, start_pos=pos, start_char=offset, **kwargs
            ):
                last = token.pos if positions else last
                yield token
            pos = last + self.GAP
            offset += len(line) + 1


class PositionsFormat(formats.Positions):
    """Positions as raw little-endian ``uint32`` values instead of Whoosh's pickled deltas, so
    ``indexer/phrases.py`` turns the positions of thousands of documents into one numpy array
    with a single call; encoding is a C call too (Whoosh's is a Python loop per position).
    """

    def word_values(
        self, value: Any, analyzer: Any, **kwargs: Any
    ) -> Iterator[Any]:  # (term, frequency, weight, value); Whoosh's stub says bytes terms
        if type(analyzer) is WordAnalyzer and isinstance(value, str):
            terms: Iterable[tuple[int, str]] = enumerate(analyzer.terms(value))
        else:
            yield from super().word_values(value, analyzer, **kwargs)
            return
        # Indexing spends most of its time here: one list of terms, no Token objects.
        positions: dict[str, list[int]] = {}
        for pos, term in terms:
            found = positions.get(term)
            if found is None:
                positions[term] = [pos]
            else:
                found.append(pos)
        boost = self.field_boost
        encode = self.encode
        for term, poslist in positions.items():
            yield term, len(poslist), len(poslist) * boost, encode(poslist)

    def encode(self, poslist: Any) -> bytes:
        values = array("I", poslist)
        if _BIG_ENDIAN:
            values.byteswap()
        return values.tobytes()

    def decode_positions(self, valuestring: bytes) -> list[int]:
        values = array("I")
        values.frombytes(valuestring)
        if _BIG_ENDIAN:
            values.byteswap()
        return values.tolist()

    def decode_frequency(self, valuestring: bytes) -> int:
        return len(valuestring) // 4

    def decode_weight(self, valuestring: bytes) -> float:
        return len(valuestring) // 4 * self.field_boost

    @staticmethod
    def positions_array(valuestrings: bytes) -> np.ndarray:
        """The positions in one or more concatenated encoded values."""
        return np.frombuffer(valuestrings, dtype="<u4")


class WordSetFormat(formats.Existence):
    """Whoosh's existence format (which documents hold a word), with the same fast path."""

    def word_values(
        self, value: Any, analyzer: Any, **kwargs: Any
    ) -> Iterable[Any]:  # (term, 1, weight, b"")
        if type(analyzer) is not WordAnalyzer or not isinstance(value, str):
            return super().word_values(value, analyzer, **kwargs)
        boost = self.field_boost
        return ((term, 1, boost, b"") for term in set(analyzer.terms(value)))


def _text(**options: Any) -> TEXT:
    """A ``TEXT`` field with positions kept in ``PositionsFormat``."""
    field = TEXT(**options)
    field.format = PositionsFormat(field_boost=options.get("field_boost", 1.0))
    return field


# Lowercase, accents folded, possessive 's dropped ("Putin's" = "Putin").
NAME_ANALYZER: Analyzer = WordAnalyzer()
SURFACE_ANALYZER: Analyzer = NAME_ANALYZER
# The surface words, stemmed with Porter2 (the original Porter stems "negotiating" to
# "negotiat" but "negotiations" to "negoti", and "news" to "new").
TEXT_ANALYZER: Analyzer = WordAnalyzer(stemming=True)
NAMES_ANALYZER: Analyzer = NameListAnalyzer()

# Sort key for unknown dates in ``date_desc``: larger than any known day's key.
_DATE_DESC_UNKNOWN = 2**32 - 1
_DATE_DESC_BASE = dt.date.max.toordinal() + 1


def _one_term(field: DATETIME) -> DATETIME:
    """``field`` indexed as one full-precision term per value (Whoosh's DATETIME fixes a
    trie of 8 terms, for range queries this schema answers from the column)."""
    field.shift_step = 0
    return field


def build_schema() -> Schema:
    """A fresh schema object (Whoosh pickles it into each index it creates)."""
    entity_fields: dict[str, FieldType] = {}
    for prefix in ENTITY_FIELDS.values():
        entity_fields[f"{prefix}_ids"] = KEYWORD(commas=True, scorable=False, sortable=True)
        entity_fields[f"{prefix}_text"] = _text(analyzer=NAMES_ANALYZER, multitoken_query="phrase")
    return Schema(
        **entity_fields,
        entity_names=COLUMN(columns.VarBytesColumn()),
        less_sure_ids=COLUMN(columns.VarBytesColumn()),
        id=ID(stored=True, unique=True),
        version=STORED(),
        seq=NUMERIC(int, 64, stored=True, signed=False, shift_step=0),
        kind=ID(stored=True, sortable=True),
        title=_text(
            analyzer=TEXT_ANALYZER, stored=True, field_boost=2.0, multitoken_query="phrase"
        ),
        text=_text(analyzer=TEXT_ANALYZER, multitoken_query="phrase"),
        words=FieldType(WordSetFormat(), SURFACE_ANALYZER),
        date=_one_term(DATETIME(stored=True, sortable=True)),
        date_desc=COLUMN(columns.NumericColumn("I", default=_DATE_DESC_UNKNOWN)),
        year=ID(sortable=True),
        speaker=ID(stored=True, sortable=True),
        speaker_text=_text(analyzer=NAME_ANALYZER, multitoken_query="phrase"),
        source=ID(stored=True, sortable=True),
        source_text=_text(analyzer=NAME_ANALYZER, multitoken_query="phrase"),
        language=ID(stored=True, sortable=True),
        tags=KEYWORD(stored=True, commas=True, lowercase=True, scorable=False),
        entities=KEYWORD(commas=True, scorable=False),
        said_ids=KEYWORD(commas=True, scorable=False),
        said_names=COLUMN(columns.VarBytesColumn()),
    )


def text_terms(word: str) -> tuple[str, ...]:
    """The ``text``/``title`` terms a surface word (or any query text) is indexed as."""
    return tuple(token.text for token in TEXT_ANALYZER(word))


def date_desc_key(day: dt.date) -> int:
    """The ``date_desc`` column value: smaller for later days, so ascending is newest first."""
    return _DATE_DESC_BASE - day.toordinal()
