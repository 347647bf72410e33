"""Search: one kept Whoosh searcher per process, filters as cached document sets, facets over
the whole matching set, snippets for the page shown only.

Opening a searcher costs ~130 ms and a search on a kept one ~7 ms (PERF-NOTES), so
``SearchIndex`` keeps one and, at most once a second, checks whether ``CURRENT`` names another
generation or the generation has new segments. One lock serialises the Whoosh work: searchers
are not documented as thread-safe, refresh closes readers, and the GIL would serialise the
Python work anyway. Store reads and snippets run outside the lock.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpus.model import KINDS, PartialDate, Span
from indexer.errors import EmptyQuery, QueryError
from indexer.generations import current_generation
from indexer.live import open_index
from indexer.search import hot
from indexer.search.bm25 import Weighting
from indexer.search.entity_filters import resolve_entities
from indexer.search.external import Resolver, annotated_documents, resolve_external
from indexer.search.filters import ENTITY_FACETS, FACET_LIMIT, DocTable
from indexer.search.lexicon import remember_term_lookups
from indexer.search.matching import (
    Pattern,
    distinct_matches,
    hit_spans,
    match_spans,
    merge_spans,
)
from indexer.search.passages import (
    has_hits,
    in_annotations,
    merge_passages,
    overlap,
    without_in,
)
from indexer.search.plan import PARTIAL_BELOW, PartialMatch, Plan, partial_plan, plan_query
from indexer.search.postings import PostingCache, field_lengths, matching_docs
from indexer.search.query import DateFilter, Filter, Node, Or, ParsedQuery, parse_period
from indexer.search.ranking import rank
from indexer.search.said import SaidScope, SpeakerTable, said_bodies, said_scope, within
from indexer.search.snippets import MAX_FRAGMENTS, Snippet, make_snippets
from indexer.search.syntax import parse_query
from indexer.search.vocabulary import suggest
from indexer.search.words import BODY_FIELDS

__all__ = [
    "Hit",
    "PartialMatch",
    "SearchIndex",
    "SearchRequest",
    "SearchResult",
    "Snippet",
    "hit_spans",
]

log = logging.getLogger(__name__)

MAX_PER_PAGE = 100
SNIPPET_OPENING_CHARS = 5_000
SNIPPET_SCAN_CHARS = 50_000
REFRESH_SECONDS = 1.0
SORTS = ("relevance", "date", "-date")


@dataclass(frozen=True)
class SearchRequest:
    """A query string plus filters that combine with it by AND.

    Several values of one filter combine by OR. ``speakers`` and ``sources`` match whole names
    (as the facets count them); ``speaker:`` in the query matches words of a name. ``entities``
    are entity refs (registry ids, or the refs entity facets show); an id merged into another
    entity finds the other's documents. ``sort`` is
    ``relevance``, ``date`` (oldest first) or ``-date`` (newest first), unknown dates last
    either way; with filters only (no words to score), relevance order is newest first.
    ``in_annotations`` (as ``in:annotations`` in the query) keeps the documents whose matches
    lie inside annotated passages the resolver's viewer can see (``indexer/search/passages.py``).
    """

    query: str
    kinds: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    said: tuple[str, ...] = ()
    in_annotations: bool = False
    date_from: PartialDate | dt.date | str | None = None
    date_to: PartialDate | dt.date | str | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 10
    facets: bool = True


@dataclass(frozen=True)
class Hit:
    """One matching document on the page shown, in the ``version`` its index record holds:
    the snippets (their offsets) are cut from that version's text, even when the store has a
    newer one the index has not caught up with."""

    id: str
    version: int
    score: float
    title: str
    kind: str
    date: PartialDate | None
    speaker: str
    source: str
    snippets: tuple[Snippet, ...]


@dataclass(frozen=True)
class SearchResult:
    """A page of hits; ``facets`` count the documents of the whole matching set by kind,
    source, speaker and year, and by the entities they mention (``person``, ``org``,
    ``place``, ``nationality``: entity refs, shown by their ``entity_names``). A ref that
    ``is_unlinked`` is a name no registry entity claims (no entity page to link to).

    ``less_sure`` lists, per entity facet, the names only the model found and below its facet
    confidence (``indexer/entities/refs.py``), in the most matching documents: the facet's
    "less sure" names, left out of ``facets``.

    ``partial`` is set when no document held every word of an AND of words, and the hits are
    the documents holding some of them, best matches first (with a notice saying so)."""

    request: SearchRequest
    total: int
    hits: tuple[Hit, ...]
    facets: dict[str, tuple[tuple[str, int], ...]]
    suggestion: str | None
    notices: tuple[str, ...]
    took_ms: float
    entity_names: dict[str, str] = field(default_factory=dict)
    partial: PartialMatch | None = None
    less_sure: dict[str, tuple[tuple[str, int], ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class _PageHit:
    docnum: int
    score: float
    fields: dict[str, Any]


class SearchIndex:
    """The per-process search entry point over the live index generation."""

    def __init__(self, index_dir: Path, refresh_seconds: float = REFRESH_SECONDS) -> None:
        self.index_dir = index_dir
        self.refresh_seconds = refresh_seconds
        self._lock = threading.RLock()
        self._hot = hot.HotPostings()  # this index's decoded frequent terms (hot.py)
        self._index, self._generation = open_index(index_dir)
        self._searcher = self._open_searcher()
        self._table: DocTable | None = None
        self._speakers: SpeakerTable | None = None
        self._checked = time.monotonic()

    @classmethod
    def open(
        cls, index_dir: Path | str, *, refresh_seconds: float = REFRESH_SECONDS
    ) -> SearchIndex:
        """Open the live generation; raises ``IndexMissing`` when there is none.

        Index changes are looked for at most every ``refresh_seconds`` (0: before each search).
        """
        return cls(Path(index_dir), refresh_seconds)

    def warm(self) -> float:
        """Load now what the first search would (the filter, facet and date columns, the
        speakers, each body field's lengths for ranking): 0.25-0.4 CPU-s at 60,000
        documents (0.9-1.1 before ``columns.py`` read them in one piece), which a server's
        worker should spend before it takes requests. Returns the seconds it took."""
        started = time.perf_counter()
        with self._lock:
            searcher, table = self._current()
            table.load()
            self._speaker_table().load()
            for sub, _ in searcher.leaf_searchers():
                for name in BODY_FIELDS:
                    if name in sub.schema:
                        field_lengths(sub.reader(), name)
        return time.perf_counter() - started

    def close(self) -> None:
        """Release the searcher's files."""
        with self._lock:
            self._searcher.close()

    def search(
        self, request: SearchRequest, store: Any, resolver: Resolver | None = None
    ) -> SearchResult:
        """Run ``request``; texts for snippets come from ``store.get_versions`` for the page
        only, each in the version that was indexed. ``resolver`` answers the filters about
        annotations (``indexer/search/external.py``).

        Raises ``QueryError`` (``EmptyQuery``, ``QueryTooComplex``) with a message for the user.
        """
        started = time.perf_counter()
        request = _normalised(request)
        parsed = parse_query(request.query) if request.query.strip() else None
        limited = in_annotations(parsed) or request.in_annotations
        if parsed is not None:
            parsed = without_in(parsed)
            root = resolve_external(resolve_entities(parsed.root, store), resolver)
            parsed = dataclasses.replace(parsed, root=root)
        extra = _request_filters(request, store)
        if limited:
            extra.append(annotated_documents(resolver))
        if parsed is None and not extra and not request.said:
            raise EmptyQuery("Nothing to search for. Try a word, or a phrase in quotes.")
        with self._lock:
            searcher, table = self._current()
            reader = searcher.reader()
            speakers = self._speaker_table()
            scope = said_scope(parsed, request.said, speakers, store)
            parsed, extra = scope.parsed, [*extra, *scope.filters]
            plan = _plan(parsed, reader, scope, speakers)
            cache: PostingCache = {}
            matched = self._matching(searcher, table, plan, extra, cache)
            plan, matched, partial = self._partial(searcher, table, plan, extra, matched, cache)
            texts: dict[tuple[str, int], Any] = {}
            where: dict[tuple[str, int], list[Span]] | None = None
            if limited:
                matched, texts, where = _in_passages(
                    searcher, matched, plan.pattern, store, resolver, scope.refs
                )
            facets = table.facets(matched) if request.facets else {}
            less_sure = table.less_sure(matched, facets, FACET_LIMIT) if request.facets else {}
            shown = [
                ref
                for name in ENTITY_FACETS
                for ref, _ in (*facets.get(name, ()), *less_sure.get(name, ()))
            ]
            names = table.names(shown, matched) if shown else {}
            if request.facets:  # like every facet, present even when empty
                facets["said"] = speakers.facet(matched)
                names |= {ref: speakers.names.get(ref, ref) for ref, _ in facets["said"]}
            page = self._page(searcher, table, plan, matched, request, cache)
            suggestion = suggest(reader, parsed) if parsed and parsed.root else None
        wanted = [_version(h) for h in page if _version(h) not in texts]
        documents = {**texts, **(store.get_versions(wanted) if wanted else {})}
        bodies = where if where is not None else _said_bodies(store, page, scope.refs, documents)
        hits = tuple(
            _hit(h, documents.get(_version(h)), plan.pattern, bodies.get(_version(h))) for h in page
        )
        took = round((time.perf_counter() - started) * 1000, 1)
        return SearchResult(
            request,
            len(matched),
            hits,
            facets,
            suggestion,
            plan.notices,
            took,
            names,
            partial,
            less_sure,
        )

    def _partial(
        self,
        searcher: Any,
        table: DocTable,
        plan: Plan,
        extra: list[Node],
        matched: frozenset[int],
        cache: PostingCache,
    ) -> tuple[Plan, frozenset[int], PartialMatch | None]:
        """The plan, matches and partial match of an AND of words that (almost) no document
        holds whole, matched partially; the same plan and matches otherwise, or when partial
        matching finds no other document."""
        relaxed = (
            partial_plan(plan, searcher, len(matched)) if len(matched) < PARTIAL_BELOW else None
        )
        if relaxed is None:
            return plan, matched, None
        more = self._matching(searcher, table, relaxed[0], extra, cache)
        if len(more) == len(matched):
            return plan, matched, None
        return relaxed[0], more, relaxed[1]

    def _current(self) -> tuple[Any, DocTable]:
        now = time.monotonic()
        if now - self._checked >= self.refresh_seconds:
            self._checked = now
            self._refresh()
        if self._table is None or self._table.searcher is not self._searcher:
            self._table = DocTable(self._searcher)
            self._speakers = None
        return self._searcher, self._table

    def _speaker_table(self) -> SpeakerTable:
        """The speakers of the current searcher's documents, read once per searcher."""
        if self._speakers is None:
            self._speakers = SpeakerTable(self._searcher)
        return self._speakers

    def _refresh(self) -> None:
        generation = current_generation(self.index_dir)
        if generation is None:
            log.warning(
                "index %s has no live generation; serving %s", self.index_dir, self._generation
            )
        elif generation != self._generation:
            index, generation = open_index(self.index_dir)
            old = self._searcher
            self._index, self._generation = index, generation
            self._searcher = self._open_searcher()
            old.close()
            log.info("search switched to index generation %s", generation)
        elif not self._searcher.up_to_date():
            # A fresh searcher, not Searcher.refresh(): whoosh3 3.54's reader reuse adds the
            # old reader's segments to the new ones, so replaced versions would still match.
            old = self._searcher
            self._searcher = self._open_searcher()
            old.close()

    def _open_searcher(self) -> Any:
        searcher = self._index.searcher(weighting=Weighting())
        hot.keep(searcher, self._hot)
        remember_term_lookups(searcher)
        return searcher

    def _matching(
        self, searcher: Any, table: DocTable, plan: Plan, extra: list[Node], cache: PostingCache
    ) -> frozenset[int]:
        """Every matching live document."""
        sets = sorted((table.docs_for(node) for node in (*plan.filters, *extra)), key=len)
        allowed = sets[0].intersection(*sets[1:]) if sets else table.live
        if plan.scoring is None:
            return frozenset(allowed)
        found = matching_docs(searcher, plan.scoring, cache)  # never holds deleted documents
        return frozenset(allowed.intersection(found)) if sets else frozenset(found)

    def _page(
        self,
        searcher: Any,
        table: DocTable,
        plan: Plan,
        matched: frozenset[int],
        request: SearchRequest,
        cache: PostingCache,
    ) -> list[_PageHit]:
        first = (request.page - 1) * request.per_page
        if first >= len(matched):
            return []
        count = first + request.per_page
        if request.sort == "relevance" and plan.scoring is not None:
            # numpy scores (indexer/ranking.py); Whoosh for what that does not cover.
            top = rank(searcher, plan.scoring, matched, count, cache)
            if top is None:
                # Always filtered: Whoosh's top-N search can return documents its own
                # docs_for_query does not match (AndNot of a word in text and in title).
                results = searcher.search(plan.scoring, limit=count, filter=set(matched))
                top = [(hit.docnum, hit.score) for hit in results]
            ranked = top[first:]
        else:
            newest = request.sort != "date"
            docnums = table.by_date(matched, count, newest=newest)[first:]
            scores = self._scores(searcher, plan, docnums)
            ranked = [(n, scores.get(n, 0.0)) for n in docnums]
        return [_PageHit(n, float(score), searcher.stored_fields(n)) for n, score in ranked]

    def _scores(self, searcher: Any, plan: Plan, docnums: list[int]) -> dict[int, float]:
        if plan.scoring is None or not docnums:
            return {}
        results = searcher.search(plan.scoring, limit=len(docnums), filter=set(docnums))
        return {hit.docnum: hit.score for hit in results}


def _normalised(request: SearchRequest) -> SearchRequest:
    if request.sort not in SORTS:
        raise QueryError(f'Unknown sort "{request.sort}". Use relevance, date or -date.')
    for kind in request.kinds:
        if kind.lower() not in KINDS:
            raise QueryError(f'Unknown kind "{kind}". Use one of {", ".join(KINDS)}.')
    return dataclasses.replace(
        request,
        page=max(1, int(request.page)),
        per_page=min(MAX_PER_PAGE, max(1, int(request.per_page))),
    )


def _request_filters(request: SearchRequest, store: Any) -> list[Node]:
    """The request's filters as filter trees: OR within a field, AND across fields."""
    nodes: list[Node] = []
    for name, values in (
        ("kind", request.kinds),
        ("speaker", request.speakers),
        ("source", request.sources),
        ("tag", request.tags),
        ("entity", request.entities),
    ):
        exact = name in ("speaker", "source", "entity")
        leaves: list[Node] = [Filter(name, v.strip(), exact) for v in values if v.strip()]
        if leaves:
            node = leaves[0] if len(leaves) == 1 else Or(tuple(leaves))
            nodes.append(resolve_entities(node, store) or node)
    if request.date_from or request.date_to:
        first = _period(request.date_from)
        last = _period(request.date_to)
        nodes.append(
            DateFilter(first.value if first else None, last.last_day() if last else None, "date")
        )
    return nodes


def _period(value: PartialDate | dt.date | str | None) -> PartialDate | None:
    if value is None or value == "":
        return None
    if isinstance(value, PartialDate):
        return value
    if isinstance(value, dt.date):
        return PartialDate(value, "day")
    return parse_period(value)


def _snippets(
    text: str, pattern: Pattern, bodies: Sequence[Span] | None = None
) -> tuple[Snippet, ...]:
    """Snippets from the opening of a text when it holds enough of the marked words, else from
    its first ``SNIPPET_SCAN_CHARS``, else from the whole text: finding the marked words costs
    time in proportion to the text scanned, and a results page does it for every hit (Lucene's
    highlighter reads the first 51,200 characters by default). "Enough": a snippet's worth of
    matches, of as many different words as the query has words, phrases, prefixes and fuzzy
    words (so a word the opening lacks is looked for further on). Each part of the text is
    scanned once. With ``bodies`` (``said:``), only matches inside those turns count, and
    without any the snippet opens the first of them."""
    wanted = len(pattern.stems) + len(pattern.phrases) + len(pattern.prefixes)
    wanted += len(pattern.fuzzy)
    spans: list[Span] = []
    scanned = 0
    for limit in (SNIPPET_OPENING_CHARS, SNIPPET_SCAN_CHARS, len(text)):
        cut = _cut(text, limit)
        found = match_spans(text, pattern, scanned, cut)
        if bodies is not None:
            found = within(found, bodies)
        spans = merge_spans(spans + found) if spans else found
        scanned = cut
        if cut == len(text) or (
            len(spans) >= MAX_FRAGMENTS and distinct_matches(text, spans) >= wanted
        ):
            break
        if limit == SNIPPET_SCAN_CHARS and spans:
            break  # some marked words in the first 50,000 characters: enough to show
    if not spans and bodies:
        first = bodies[0].start
        return tuple(
            Snippet(s.text, s.spans, s.start + first) for s in make_snippets(text[first:], [])
        )
    return make_snippets(text, spans)


def _cut(text: str, limit: int) -> int:
    """Where to cut ``text`` to at most ``limit`` characters, never inside a word."""
    if len(text) <= limit:
        return len(text)
    cut = text.rfind(" ", 0, limit)
    return cut if cut > 0 else limit


def _plan(
    parsed: ParsedQuery | None, reader: Any, scope: SaidScope, speakers: SpeakerTable
) -> Plan:
    """The plan of what is left of the query once ``said:`` took its filters out."""
    if parsed is None or parsed.root is None:
        return Plan(None, (), Pattern(), parsed.notices if parsed else scope.notices)
    return plan_query(parsed, reader, said=speakers.ranges(scope.refs) if scope.refs else None)


def _said_bodies(
    store: Any, page: Sequence[_PageHit], refs: tuple[str, ...], documents: Mapping[Any, Any]
) -> dict[tuple[str, int], list[Span]]:
    """The words said by the ``said:`` speakers in each document version of the page (of
    ``documents``, the page's versions by (id, version))."""
    if not refs or not page:
        return {}
    from corpus.entities.dialogue import turns_many  # SQLAlchemy: only for said: filters
    from corpus.entities.store import EntityStore

    found = turns_many(EntityStore(store), [_version(h) for h in page])
    return {
        version: said_bodies(documents[version].text, turns, refs)
        for version, turns in found.items()
        if version in documents
    }


def _in_passages(
    searcher: Any,
    matched: frozenset[int],
    pattern: Pattern,
    store: Any,
    resolver: Resolver | None,
    refs: tuple[str, ...],
) -> tuple[frozenset[int], dict[tuple[str, int], Any], dict[tuple[str, int], list[Span]]]:
    """The matching documents with a match inside an annotated passage the viewer can see
    (inside the ``said:`` speakers' turns too, with ``said:``), their texts, and where
    those passages are. ``matched`` holds annotated documents only: few."""
    versions = {n: _version_of(searcher.stored_fields(n)) for n in matched}
    texts = store.get_versions(versions.values()) if versions and resolver else {}
    found = resolver.passages(list(texts.values())) if resolver and texts else {}
    where = {pair: merge_passages(found.get(pair[0], ())) for pair in texts}
    if refs:
        from corpus.entities.dialogue import turns_many  # SQLAlchemy: only for said: filters
        from corpus.entities.store import EntityStore

        turns = turns_many(EntityStore(store), list(texts))
        where = {
            pair: overlap(spans, said_bodies(texts[pair].text, turns[pair], refs))
            for pair, spans in where.items()
        }
    kept = frozenset(
        n
        for n, pair in versions.items()
        if pair in texts and has_hits(texts[pair].text, pattern, where[pair])
    )
    return kept, texts, where


def _version_of(fields: dict[str, Any]) -> tuple[str, int]:
    return fields["id"], fields["version"]


def _version(page_hit: _PageHit) -> tuple[str, int]:
    """The document version an index record was made from."""
    return page_hit.fields["id"], page_hit.fields["version"]


def _hit(
    page_hit: _PageHit, document: Any, pattern: Pattern, bodies: Sequence[Span] | None = None
) -> Hit:
    """The hit as the store has it (the index holds no title made from the text); with
    ``bodies`` (``said:``), its snippets come from those turns only."""
    fields = page_hit.fields
    if document is not None:
        date = document.date
        title = document.title
        snippets = _snippets(document.text, pattern, bodies)
    else:
        stored = fields.get("date")
        date = PartialDate(stored.date(), "day") if isinstance(stored, dt.datetime) else None
        title = fields.get("title", "")
        snippets = ()
    return Hit(
        id=fields["id"],
        version=fields["version"],
        score=page_hit.score,
        title=title,
        kind=fields.get("kind", ""),
        date=date,
        speaker=fields.get("speaker", ""),
        source=fields.get("source", ""),
        snippets=snippets,
    )
