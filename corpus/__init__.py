"""Source texts and their ingestion. Knows nothing about search or the web.

The SQL store is the source of truth; every other artefact (the index, analyses) is derived
from it and can be rebuilt. The names below are the package's contract (docs/ARCHITECTURE.md):
other packages import them from here, and the web app imports nothing else of ``corpus``
(``tests/test_layout.py``). The subpackages have their own surfaces: ``corpus.entities`` (the
entity registry, corrections and stored mentions), ``corpus.jobs`` (the jobs queue),
``corpus.readers`` and ``corpus.migrations``.

The store (SQLAlchemy), ingestion and the readers (BeautifulSoup), anchors (``rapidfuzz``) and
the demo collection are loaded on first use, so that importing the package (for its errors and
values, say) costs no more than what is used: ``dossier search`` never loads the readers, and
reads a SQLite store through ``QuickStore`` (``corpus/reading.py``) without SQLAlchemy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from corpus.errors import (
    CorpusError,
    DocumentNotFound,
    EntityNotFound,
    IdConflict,
    InvalidAnchor,
    InvalidDocument,
    InvalidEntity,
    StoreUnavailable,
    UnreadableSource,
)
from corpus.limits import IngestLimits
from corpus.model import KINDS, Document, DocumentDraft, IdFrom, PartialDate, Span

if TYPE_CHECKING:
    from corpus.anchors import Anchor, Location, anchor_at, locate, selection
    from corpus.dates import parse_date
    from corpus.demo import demo_drafts
    from corpus.ingestion import IngestProgress, IngestReport, ingest, ingest_drafts
    from corpus.readers import ReadFailure, read_source
    from corpus.reading import QuickStore
    from corpus.store import PutOutcome, Store

__all__ = [
    "KINDS",
    "Anchor",
    "CorpusError",
    "Document",
    "DocumentDraft",
    "DocumentNotFound",
    "EntityNotFound",
    "IdConflict",
    "IdFrom",
    "IngestLimits",
    "IngestProgress",
    "IngestReport",
    "InvalidAnchor",
    "InvalidDocument",
    "InvalidEntity",
    "Location",
    "PartialDate",
    "PutOutcome",
    "QuickStore",
    "ReadFailure",
    "Span",
    "Store",
    "StoreUnavailable",
    "UnreadableSource",
    "anchor_at",
    "demo_drafts",
    "ingest",
    "ingest_drafts",
    "locate",
    "parse_date",
    "read_source",
    "selection",
]

_LAZY = {
    "Anchor": "anchors",
    "Location": "anchors",
    "anchor_at": "anchors",
    "locate": "anchors",
    "selection": "anchors",
    "parse_date": "dates",
    "demo_drafts": "demo",
    "IngestProgress": "ingestion",
    "IngestReport": "ingestion",
    "ingest": "ingestion",
    "ingest_drafts": "ingestion",
    "ReadFailure": "readers",
    "read_source": "readers",
    "PutOutcome": "store",
    "QuickStore": "reading",
    "Store": "store",
}


if not TYPE_CHECKING:  # mypy reads the imports above, and so catches a misspelt name

    def __getattr__(name: str) -> Any:
        """Load a public name of ``_LAZY`` from its module on first use."""
        if name not in _LAZY:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
        globals()[name] = value
        return value
