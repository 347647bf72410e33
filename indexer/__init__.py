"""NLTK analysis, the Whoosh index and search. Reads ``corpus``, never writes it.

The index is derived: it can always be deleted and rebuilt from the store. The names below are
the package's contract (docs/ARCHITECTURE.md); entity analysis and the recogniser are imported
from their modules (``indexer.entities.extraction``, ``indexer.entities.recogniser``).
"""

from __future__ import annotations

from indexer.build import (
    IndexStatus,
    IndexUpdate,
    build_index,
    catch_up_index,
    index_status,
    update_index,
)
from indexer.errors import (
    EmptyQuery,
    IndexBusy,
    IndexerError,
    IndexMissing,
    IobCorpusInvalid,
    ModelInvalid,
    ModelMissing,
    NltkResourceMissing,
    QueryError,
    QueryTooComplex,
)
from indexer.search.engine import Hit, SearchIndex, SearchRequest, SearchResult, Snippet, hit_spans

__all__ = [
    "EmptyQuery",
    "Hit",
    "IndexBusy",
    "IndexMissing",
    "IndexStatus",
    "IndexUpdate",
    "IndexerError",
    "IobCorpusInvalid",
    "ModelInvalid",
    "ModelMissing",
    "NltkResourceMissing",
    "QueryError",
    "QueryTooComplex",
    "SearchIndex",
    "SearchRequest",
    "SearchResult",
    "Snippet",
    "build_index",
    "catch_up_index",
    "hit_spans",
    "index_status",
    "update_index",
]
