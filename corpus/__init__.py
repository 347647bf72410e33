"""Source texts and their ingestion. Knows nothing about search or the web.

The SQL store is the source of truth; every other artefact (the index, analyses) is derived
from it and can be rebuilt. The names below are the package's contract (docs/ARCHITECTURE.md).
The ingest step itself is ``from corpus.ingest import ingest``: re-exporting the function here
would hide the module of the same name (``import corpus.ingest as m`` would give the function).
The entity registry lives in the ``entity_*`` modules, imported by name.
"""

from __future__ import annotations

from corpus.dates import parse_date
from corpus.errors import (
    CorpusError,
    DocumentNotFound,
    EntityNotFound,
    IdConflict,
    InvalidDocument,
    InvalidEntity,
    StoreUnavailable,
    UnreadableSource,
)
from corpus.ingest import IngestReport
from corpus.limits import IngestLimits
from corpus.model import KINDS, Document, DocumentDraft, IdFrom, PartialDate, Span
from corpus.readers import ReadFailure, read_source
from corpus.store import PutOutcome, Store

__all__ = [
    "KINDS",
    "CorpusError",
    "Document",
    "DocumentDraft",
    "DocumentNotFound",
    "EntityNotFound",
    "IdConflict",
    "IngestLimits",
    "IdFrom",
    "IngestReport",
    "InvalidDocument",
    "InvalidEntity",
    "PartialDate",
    "PutOutcome",
    "ReadFailure",
    "Span",
    "Store",
    "StoreUnavailable",
    "UnreadableSource",
    "parse_date",
    "read_source",
]
