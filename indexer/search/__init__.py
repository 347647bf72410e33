"""Search: the query language, its plan, matching, ranking, snippets and spelling.

Whoosh is the segment store and the source of term statistics; matching, ranking, exact
phrases, facets, snippets and "did you mean" are computed here on whole posting lists
(docs/decisions/006). The contract is ``SearchIndex.search(SearchRequest) -> SearchResult``,
whose ``Hit``s carry their snippets; the names below are all the web app imports of it.
"""

from __future__ import annotations

from indexer.search.engine import (
    Hit,
    PartialMatch,
    SearchIndex,
    SearchRequest,
    SearchResult,
    Snippet,
    hit_spans,
)
from indexer.search.passages import in_annotations, merge_passages, overlap
from indexer.search.query import ParsedQuery, parse_period
from indexer.search.said import bodies_said_by, said_values, within
from indexer.search.syntax import parse_query

__all__ = [
    "Hit",
    "ParsedQuery",
    "PartialMatch",
    "SearchIndex",
    "SearchRequest",
    "SearchResult",
    "Snippet",
    "bodies_said_by",
    "hit_spans",
    "in_annotations",
    "merge_passages",
    "overlap",
    "parse_period",
    "parse_query",
    "said_values",
    "within",
]
