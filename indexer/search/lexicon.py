"""A field's terms by prefix, read in one piece per segment, and words within an edit distance.

Fuzzy words and "did you mean" look at every vocabulary word with the same first letter or
two (7,400 words for "s" on the 18k-document bench index). Whoosh's ``expand_prefix`` reads
them one key at a time (a seek and two reads each, merged across segments in Python): 140 ms
for "s", most of a fuzzy query's 65 ms CPU average. The whoosh3 terms file keeps its keys in
order (``OrderedHashReader``: key length, value length, key, value), so the keys of one prefix
are one stretch of the file: ``terms_with_prefix`` reads that stretch in one ``get`` and walks
it with ``struct.unpack_from``. Edit distances are computed by rapidfuzz's optimal string
alignment (the restricted Damerau-Levenshtein distance Whoosh's ``distance`` computes), in C.
A reader of another kind takes Whoosh's path; tests/test_search_lexicon.py keeps both equal.
"""

from __future__ import annotations

import functools
import struct
import threading
import weakref
from collections import OrderedDict
from typing import Any

from whoosh.codec.whoosh3 import W3TermsReader
from whoosh.filedb.filetables import OrderedHashReader

__all__ = ["remember_term_lookups", "terms_of_lengths", "terms_with_prefix", "words_within"]

TERM_LOOKUPS = 50_000  # term dictionary lookups remembered per segment

_LENGTHS = struct.Struct("!ii")  # an OrderedHashReader entry's key and value lengths


def terms_with_prefix(reader: Any, fieldname: str, prefix: str) -> list[str]:
    """Every term of ``fieldname`` starting with ``prefix``, sorted, as
    ``reader.expand_prefix`` lists them (over every segment, each term once)."""
    parts = [_segment_terms(sub, fieldname, prefix) for sub, _ in reader.leaf_readers()]
    if any(part is None for part in parts):
        return [_text(t) for t in reader.expand_prefix(fieldname, prefix)]
    found = [part for part in parts if part]
    if len(found) == 1:
        return found[0]
    # UTF-8 byte order (the terms file's) is code point order (Python's).
    return sorted(set().union(*found))


SHORT_PREFIX = 2  # prefixes this short have their terms kept per reader (``terms_of_lengths``)
KEPT_PREFIXES = 64  # short prefixes kept per reader, the least recently used dropped

# Per reader: (field, prefix) -> term length -> the terms of that length, in order, "\n"-joined.
_KEPT: weakref.WeakKeyDictionary[Any, OrderedDict[tuple[str, str], dict[int, str]]]
_KEPT = weakref.WeakKeyDictionary()
_KEPT_LOCK = threading.Lock()


def terms_of_lengths(reader: Any, fieldname: str, prefix: str, low: int, high: int) -> list[str]:
    """The terms ``terms_with_prefix`` lists whose length is between ``low`` and ``high``, in
    its order. A fuzzy word looks at every word with its first letter, "did you mean" at those
    with its first two: at 60,000 documents the words of one letter take 20-25 ms to read and
    decode (two segments, ~20,000 words), most of a fuzzy query's expansion. The index does
    not change under a reader, so a short prefix's terms are read once per reader and kept
    grouped by length, each group one joined string (a few MB for the whole vocabulary)."""
    groups = _length_groups(reader, fieldname, prefix) if len(prefix) <= SHORT_PREFIX else None
    if groups is None:
        return [t for t in terms_with_prefix(reader, fieldname, prefix) if low <= len(t) <= high]
    found = [w for n in range(max(low, 0), high + 1) if n in groups for w in groups[n].split("\n")]
    return sorted(found)  # code point order, the terms file's (see ``terms_with_prefix``)


def _length_groups(reader: Any, fieldname: str, prefix: str) -> dict[int, str] | None:
    """A prefix's terms by length, each length's "\n"-joined; None (and nothing kept) when a
    term holds a newline."""
    key = (fieldname, prefix)
    with _KEPT_LOCK:
        kept = _KEPT.setdefault(reader, OrderedDict())
        groups = kept.get(key)
        if groups is not None:
            kept.move_to_end(key)
            return groups
    by_length: dict[int, list[str]] = {}
    for term in terms_with_prefix(reader, fieldname, prefix):
        if "\n" in term:
            return None
        by_length.setdefault(len(term), []).append(term)
    groups = {n: "\n".join(terms) for n, terms in by_length.items()}
    with _KEPT_LOCK:
        kept[key] = groups
        while len(kept) > KEPT_PREFIXES:
            kept.popitem(last=False)
    return groups


def words_within(words: list[str], word: str, distance: int) -> list[str]:
    """The ``words`` (in their order) within ``distance`` edits of ``word``: insertions,
    deletions, substitutions and swaps of two neighbouring letters, no substring edited twice
    (Whoosh's ``damerau_levenshtein``). Words whose length differs by more cannot be that close
    and are not compared."""
    # Imported here: ``dossier search`` loads only what a plain search needs (CLI start-up).
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    low, high = len(word) - distance, len(word) + distance
    candidates = [w for w in words if low <= len(w) <= high]
    found = process.extract(
        word, candidates, scorer=OSA.distance, score_cutoff=distance, limit=None
    )
    return [candidates[i] for i in sorted(i for _, _, i in found)]


def _segment_terms(reader: Any, fieldname: str, prefix: str) -> list[str] | None:
    """The segment's terms with the prefix, read as one stretch of its terms file; None when
    the segment is not stored that way (Whoosh's own path then)."""
    terms = getattr(reader, "_terms", None)
    if not isinstance(terms, W3TermsReader) or not isinstance(terms._tindex, OrderedHashReader):
        return None
    if fieldname not in terms._fieldmap:
        return []
    table = terms._tindex
    start_key = terms._keycoder(fieldname, prefix.encode("utf-8"))
    start = table.closest_key_pos(start_key)
    if start is None:
        return []
    after = _successor(start_key)
    end = table.closest_key_pos(after) if after is not None else None
    end = table.endofdata if end is None else end
    if end <= start:
        return []
    data = table.dbfile.get(start, end - start)
    out = []
    pos, skip = 0, len(start_key) - len(prefix.encode("utf-8"))  # the field number's bytes
    while pos < len(data):
        keylen, datalen = _LENGTHS.unpack_from(data, pos)
        pos += _LENGTHS.size
        out.append(data[pos + skip : pos + keylen].decode("utf-8"))
        pos += keylen + datalen
    return out


def _successor(key: bytes) -> bytes | None:
    """The smallest key greater than every key starting with ``key``; None when there is none
    (all bytes 0xff)."""
    stripped = key.rstrip(b"\xff")
    if not stripped:
        return None
    return stripped[:-1] + bytes([stripped[-1] + 1])


def _text(term: bytes | str) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else term


def remember_term_lookups(searcher: Any) -> None:
    """Remember where each term looked up in a segment's terms file is, for as long as the
    searcher lives. A search asks the term dictionary about each of its terms many times
    (is it there, its document frequency for the cost estimate, the idf, its postings): 13
    times for each of a prefix's 256 words, each an md5 hash and a few seeks and reads
    (about 3,400 lookups, tens of milliseconds, for "trans*" on the 18k bench). The segment
    is immutable, so the answers never change; Whoosh's own readers ask through the same
    ``ranges_for_key``, which is replaced on this searcher's terms tables only."""
    for sub, _ in searcher.leaf_searchers():
        terms = getattr(sub.reader(), "_terms", None)
        table = getattr(terms, "_tindex", None)
        if isinstance(table, OrderedHashReader) and "ranges_for_key" not in vars(table):
            lookup = table.ranges_for_key
            table.ranges_for_key = functools.lru_cache(maxsize=TERM_LOOKUPS)(  # type: ignore[method-assign]
                lambda key, lookup=lookup: tuple(lookup(key))
            )
