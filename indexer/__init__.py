"""NLTK analysis, the Whoosh index and search. Reads ``corpus``, never writes it.

The index is derived: it can always be deleted and rebuilt from the store. The names below are
the package's contract (docs/ARCHITECTURE.md): the index, its lock and generations, NLTK's
resources and the errors. The subpackages have their own surfaces: ``indexer.search`` (the
search contract: ``SearchRequest`` -> ``SearchResult`` of ``Hit``) and ``indexer.entities``
(the entity recogniser and the analysis step). The web app imports nothing else of ``indexer``
(``tests/test_layout.py``). Every name but the errors is loaded from its module on first use
(Whoosh with the index, NLTK only when text is analysed), so a command imports only what it
uses.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from indexer.analyse import (
        DEMO_RESOURCES,
        RESOURCES,
        data_folders,
        download_resources,
        looked_in,
        missing_resources,
        resource_dir,
    )
    from indexer.build import (
        IndexStatus,
        IndexUpdate,
        OnWait,
        build_index,
        catch_up_index,
        index_status,
        update_index,
    )
    from indexer.generations import leftovers
    from indexer.lock import holder, is_locked
    from indexer.nltk_folders import use_data_folders
    from indexer.schema import ENTITY_FIELDS, SCHEMA_VERSION
    from indexer.search.engine import (
        Hit,
        SearchIndex,
        SearchRequest,
        SearchResult,
        Snippet,
        hit_spans,
    )

__all__ = [
    "DEMO_RESOURCES",
    "ENTITY_FIELDS",
    "RESOURCES",
    "SCHEMA_VERSION",
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
    "OnWait",
    "QueryError",
    "QueryTooComplex",
    "SearchIndex",
    "SearchRequest",
    "SearchResult",
    "Snippet",
    "build_index",
    "catch_up_index",
    "data_folders",
    "download_resources",
    "hit_spans",
    "holder",
    "index_status",
    "is_locked",
    "leftovers",
    "looked_in",
    "missing_resources",
    "resource_dir",
    "update_index",
    "use_data_folders",
]

_LAZY = {
    "IndexStatus": "build",
    "IndexUpdate": "build",
    "OnWait": "build",
    "build_index": "build",
    "catch_up_index": "build",
    "index_status": "build",
    "update_index": "build",
    "leftovers": "generations",
    "holder": "lock",
    "is_locked": "lock",
    "ENTITY_FIELDS": "schema",
    "SCHEMA_VERSION": "schema",
    "Hit": "search.engine",
    "SearchIndex": "search.engine",
    "SearchRequest": "search.engine",
    "SearchResult": "search.engine",
    "Snippet": "search.engine",
    "hit_spans": "search.engine",
    "DEMO_RESOURCES": "analyse",
    "RESOURCES": "analyse",
    "data_folders": "analyse",
    "download_resources": "analyse",
    "looked_in": "analyse",
    "use_data_folders": "nltk_folders",
    "missing_resources": "analyse",
    "resource_dir": "analyse",
}


if not TYPE_CHECKING:  # mypy reads the imports above, and so catches a misspelt name

    def __getattr__(name: str) -> Any:
        """Load a public name of ``_LAZY`` from its module on first use."""
        if name not in _LAZY:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
        globals()[name] = value
        return value
