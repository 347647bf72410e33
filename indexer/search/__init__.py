"""Search: the query language, its plan, matching, ranking, snippets and spelling.

Whoosh is the segment store and the source of term statistics; matching, ranking, exact
phrases, facets, snippets and "did you mean" are computed here on whole posting lists
(docs/decisions/006). The contract is ``SearchIndex.search(SearchRequest) -> SearchResult``.
"""

from __future__ import annotations

from indexer.search.engine import Hit, SearchIndex, SearchRequest, SearchResult, Snippet, hit_spans

__all__ = ["Hit", "SearchIndex", "SearchRequest", "SearchResult", "Snippet", "hit_spans"]
