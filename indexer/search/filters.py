"""Filters, facets and date order from per-document columns held in memory.

A Whoosh date range unions one posting list per trie term in Python (140 ms at 50k documents,
PERF-NOTES); a set of document numbers computed once per filter and passed as ``filter=``
answered in 3.5 ms. So a ``DocTable`` loads the facet and date columns of one searcher once,
computes each filter's document set once (LRU cache), and counts facets over the whole matching
set. Deleted documents are never in a set. A new searcher (index refresh) gets a new table.
"""

from __future__ import annotations

import collections
import functools
import heapq
import itertools
import threading
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
from whoosh import query as wq

from indexer.schema import ENTITY_FIELDS, NAME_ANALYZER
from indexer.search.columns import bytes_column, day_column, live_docs, text_column
from indexer.search.external import Resolved
from indexer.search.query import And, DateFilter, Filter, Node, Not, Or

FACETS = ("kind", "source", "speaker", "year")
# Entity facets, named by their field prefix (``person``...): values are entity refs.
ENTITY_FACETS = tuple(ENTITY_FIELDS.values())
FACET_LIMIT = 20
# The year facet counts every year: a timeline of the matches needs them all, and the most
# frequent 20 of a 1965-2024 collection left gaps (2007-2009 missing between 2010 and 2006).
YEAR_FACET_LIMIT = 10_000
LESS_SURE_SCAN = 2_000  # less sure names counted before they are split by facet
CACHE_SIZE = 256
_LAST = 1 << 40  # sort key above every real day: unknown dates sort last both ways

DocSet = frozenset[int]
# DocTable's columns and what is derived from them, each read on first use
_COLUMNS: tuple[str, ...] = ("columns", "refs", "_coded", "_coded_refs", "less_sure_refs")
_COLUMNS += ("_coded_less_sure", "_names_column", "day", "_date_keys")


class DocTable:
    """Columns by document number for one searcher, plus its cache of filter sets.

    Each column is read on first use: a search with no facets, filters or date order (what
    ``dossier search`` prints) reads none, which at 60,000 documents saves ~0.3 CPU-s
    (``indexer/search/columns.py`` reads each in one piece); a server reads them all before
    its first request (``load``, from ``SearchIndex.warm``).
    """

    def __init__(self, searcher: Any) -> None:
        self.searcher = searcher
        self._reader = searcher.reader()
        self.size = self._reader.doc_count_all()
        self.live: DocSet = live_docs(self._reader)
        self._names: dict[str, str] = {}
        self._cache: collections.OrderedDict[Any, DocSet] = collections.OrderedDict()
        self._lock = threading.Lock()

    def load(self) -> None:
        """Read every column now rather than on the first search that needs it."""
        for name in _COLUMNS:
            getattr(self, name)

    @functools.cached_property
    def columns(self) -> dict[str, list[str]]:
        """The facets' values (``FACETS``) by document number, "" where absent."""
        return {name: text_column(self._reader, name, self.size) for name in FACETS}

    @functools.cached_property
    def refs(self) -> dict[str, list[tuple[str, ...]]]:
        """Each entity facet's refs by document number."""
        return {
            name: [
                tuple(v.split(",")) if v else ()
                for v in text_column(self._reader, f"{name}_ids", self.size)
            ]
            for name in ENTITY_FACETS
        }

    @functools.cached_property
    def _coded(self) -> dict[str, _Coded]:  # the same values as integer codes, for numpy
        return {name: _Coded.of_values(self.columns[name]) for name in FACETS}

    @functools.cached_property
    def _coded_refs(self) -> dict[str, _Coded]:
        return {name: _Coded.of_lists(self.refs[name]) for name in ENTITY_FACETS}

    @functools.cached_property
    def less_sure_refs(self) -> list[tuple[str, ...]]:
        """The less sure names' refs (``less_sure_ids``) by document number."""
        return [
            tuple(v.decode("utf-8").split(",")) if v else ()
            for v in bytes_column(self._reader, "less_sure_ids", self.size)
        ]

    @functools.cached_property
    def _coded_less_sure(self) -> _Coded:
        return _Coded.of_lists(self.less_sure_refs)

    @functools.cached_property
    def _names_column(self) -> list[bytes]:
        return bytes_column(self._reader, "entity_names", self.size)

    @functools.cached_property
    def day(self) -> list[int]:
        """Date ordinals by document number (0 when unknown)."""
        return day_column(self._reader, self.size)

    @functools.cached_property
    def _date_keys(self) -> tuple[list[int], list[int]]:
        """Sort keys by document number: oldest first and newest first, unknown dates last."""
        oldest = [(d or _LAST) * self.size + n for n, d in enumerate(self.day)]
        newest = [(_LAST - d if d else _LAST * 2) * self.size + n for n, d in enumerate(self.day)]
        return oldest, newest

    def docs_for(self, node: Node) -> DocSet:
        """The live documents a filter tree (filters joined by AND, OR, NOT) selects."""
        if isinstance(node, And):
            parts = sorted((self.docs_for(child) for child in node.children), key=len)
            return frozenset(parts[0].intersection(*parts[1:]))
        if isinstance(node, Or):
            return frozenset().union(*(self.docs_for(child) for child in node.children))
        if isinstance(node, Not):
            return self.live - self.docs_for(node.child)
        if isinstance(node, Resolved):
            return self._remember(("ids", node.ids), lambda: self._with_ids(node.ids))
        if isinstance(node, Filter | DateFilter):
            return self._cached(node)
        raise TypeError(f"not a filter: {node!r}")

    def facets(
        self, docs: Iterable[int], limit: int = FACET_LIMIT
    ) -> dict[str, tuple[tuple[str, int], ...]]:
        """Top values with counts per facet over ``docs`` (most frequent first, then by name),
        every facet of ``FACETS`` and ``ENTITY_FACETS`` present, empty when no document has a
        value: an API client sees the same keys for any query."""
        wanted = np.fromiter(docs, dtype=np.int64)
        out = {}
        for name in FACETS:  # every year, for a timeline
            out[name] = self._coded[name].top(
                wanted, max(limit, YEAR_FACET_LIMIT) if name == "year" else limit
            )
        for name in ENTITY_FACETS:
            out[name] = self._coded_refs[name].top(wanted, limit)
        return out

    def less_sure(
        self, docs: Iterable[int], shown: dict[str, tuple[tuple[str, int], ...]], limit: int
    ) -> dict[str, tuple[tuple[str, int], ...]]:
        """Per entity facet, the names only the model found, below its facet confidence
        (``less_sure_ids``), in the most documents of ``docs``: what a facet's "less sure"
        list offers. A name the facet already ``shown`` is left out."""
        wanted = np.fromiter(docs, dtype=np.int64)
        out: dict[str, list[tuple[str, int]]] = {name: [] for name in ENTITY_FACETS}
        seen = {ref for counts in shown.values() for ref, _ in counts}
        for ref, count in self._coded_less_sure.top(wanted, LESS_SURE_SCAN):
            found = out.get(ref[1:].partition(":")[0])
            if found is not None and ref not in seen and len(found) < limit:
                found.append((ref, count))
        return {name: tuple(found) for name, found in out.items()}

    def names(self, refs: Iterable[str], docs: Iterable[int]) -> dict[str, str]:
        """Display names of entity refs, as indexed in one of ``docs`` that mentions each."""
        wanted = [ref for ref in dict.fromkeys(refs) if ref not in self._names]
        if wanted:
            missing = set(wanted)
            for n in docs:
                lists = (*(r[n] for r in self.refs.values()), self.less_sure_refs[n])
                if missing.isdisjoint(itertools.chain.from_iterable(lists)):
                    continue
                for line in self._names_column[n].decode("utf-8").split("\n"):
                    ref, _, name = line.partition("\t")
                    self._names.setdefault(ref, name)
                    missing.discard(ref)
                if not missing:
                    break
        return {ref: self._names.get(ref, ref) for ref in dict.fromkeys(refs)}

    def by_date(self, docs: Iterable[int], count: int, *, newest: bool) -> list[int]:
        """The first ``count`` of ``docs`` by date (unknown dates last), ties by index order."""
        keys = self._date_keys[1] if newest else self._date_keys[0]
        return heapq.nsmallest(count, docs, key=keys.__getitem__)

    def _cached(self, leaf: Filter | DateFilter) -> DocSet:
        key = (
            (leaf.field, _folded(leaf), leaf.exact)
            if isinstance(leaf, Filter)
            else (leaf.first, leaf.last)
        )
        return self._remember(key, lambda: self._compute(leaf))

    def _remember(self, key: Any, compute: Callable[[], DocSet]) -> DocSet:
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        docs = compute()
        with self._lock:
            self._cache[key] = docs
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return docs

    def _with_ids(self, ids: frozenset[str]) -> DocSet:
        """The documents with these ids (an annotation filter's answer). Kept by the ids
        themselves, so the same annotated set is looked up once per searcher (20 ms for 100
        ids) and a saved annotation, which changes the set, is seen at once."""
        if not ids:
            return frozenset()
        return self._query_docs(wq.Or([wq.Term("id", i) for i in sorted(ids)]))

    def _compute(self, leaf: Filter | DateFilter) -> DocSet:
        if isinstance(leaf, DateFilter):
            first = leaf.first.toordinal() if leaf.first else 1
            last = leaf.last.toordinal() if leaf.last else _LAST
            day = self.day
            return frozenset(n for n in self.live if day[n] and first <= day[n] <= last)
        if leaf.field == "kind":
            column, value = self.columns["kind"], leaf.value.lower()
            return frozenset(n for n in self.live if column[n] == value)
        if leaf.field == "tag":
            return self._query_docs(_tag_query(self.searcher.reader(), leaf.value))
        if leaf.field == "entity":
            return self._query_docs(wq.Term("entities", leaf.value.strip()))
        if leaf.field == "said":  # a speaker's ref (indexer/search/said.py made it one)
            return self._query_docs(wq.Term("said_ids", leaf.value.strip()))
        if leaf.field in ENTITY_FACETS:
            names = _name_query(f"{leaf.field}_text", leaf.value)
            return self._query_docs(
                wq.Or([names, wq.Term(f"{leaf.field}_ids", leaf.value.strip())])
            )
        if leaf.exact:
            column, value = self.columns[leaf.field], " ".join(leaf.value.split()).casefold()
            return frozenset(n for n in self.live if column[n].casefold() == value)
        return self._query_docs(_name_query(f"{leaf.field}_text", leaf.value))

    def _query_docs(self, query: wq.Query) -> DocSet:
        return frozenset(self.searcher.docs_for_query(query)) & self.live


class _Coded:
    """A column's values as integer codes per document (one or several each, CSR style), so
    counting them over 16,000 matching documents is a few numpy calls, not a Python loop."""

    def __init__(self, labels: list[str], starts: np.ndarray, codes: np.ndarray) -> None:
        self.labels = labels
        self.starts = starts  # document n's codes are codes[starts[n]:starts[n + 1]]
        self.codes = codes

    @classmethod
    def of_values(cls, values: list[str]) -> _Coded:
        """One value per document; "" (absent) is not counted."""
        return cls.of_lists([(v,) if v else () for v in values])

    @classmethod
    def of_lists(cls, lists: list[tuple[str, ...]]) -> _Coded:
        labels = sorted({v for values in lists for v in values})
        code = {label: i for i, label in enumerate(labels)}
        lengths = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
        starts = np.zeros(len(lists) + 1, dtype=np.int64)
        np.cumsum(lengths, out=starts[1:])
        codes = np.fromiter(
            (code[v] for values in lists for v in values), dtype=np.int64, count=int(starts[-1])
        )
        return cls(labels, starts, codes)

    def top(self, docs: np.ndarray, limit: int) -> tuple[tuple[str, int], ...]:
        """The ``limit`` most frequent values over ``docs``, ties in label order."""
        if not self.labels or not len(docs):
            return ()
        first, lengths = self.starts[docs], self.starts[docs + 1] - self.starts[docs]
        total = int(lengths.sum())
        if not total:
            return ()
        # Positions in ``codes`` of every value of every document, without a Python loop.
        ends = np.cumsum(lengths)
        where = np.repeat(first - ends + lengths, lengths) + np.arange(total)
        counts = np.bincount(self.codes[where], minlength=len(self.labels))
        present = np.flatnonzero(counts)
        ranked = present[np.argsort(-counts[present], kind="stable")][:limit]
        return tuple((self.labels[i], int(counts[i])) for i in ranked)


def _folded(leaf: Filter) -> str:
    """A filter's value as cached: entity ids and speaker refs are case-sensitive, names and
    kinds are not."""
    return leaf.value if leaf.field in ("entity", "said") else leaf.value.casefold()


def _name_query(field: str, value: str) -> wq.Query:
    """``speaker:putin`` matches "Vladimir Putin": the value's words, in order, adjacent."""
    words = [token.text for token in NAME_ANALYZER(value)]
    if not words:
        return wq.NullQuery
    if len(words) == 1:
        return wq.Term(field, words[0])
    return wq.Phrase(field, words)


def _tag_query(reader: Any, value: str) -> wq.Query:
    """``tag:energy`` matches the tag ``keywords:energy``; ``tag:keywords:energy`` only it."""
    wanted = " ".join(value.lower().split())
    terms = []
    for raw in reader.lexicon("tags"):
        tag = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        if tag == wanted or tag.rsplit(":", 1)[-1].strip() == wanted:
            terms.append(wq.Term("tags", tag))
    return wq.Or(terms) if terms else wq.NullQuery
