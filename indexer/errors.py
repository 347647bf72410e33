"""Errors raised by the indexer package."""

from __future__ import annotations


class IndexerError(Exception):
    """Base class for everything the indexer package raises on purpose."""


class NltkResourceMissing(IndexerError):
    """An NLTK data package is not installed where NLTK looks for it."""


class IndexMissing(IndexerError):
    """No index has been built in the instance folder yet."""


class IndexBusy(IndexerError):
    """Another process is rebuilding or updating the index."""


class QueryError(IndexerError):
    """The query cannot be run as written; the message says how to fix it (HTTP 400)."""


class EmptyQuery(QueryError):
    """Nothing searchable is left in the query."""


class QueryTooComplex(QueryError):
    """The query would expand past the limits that keep every search fast."""


class ModelMissing(IndexerError):
    """No trained entity model exists where the configuration says it should be."""


class ModelInvalid(IndexerError):
    """An entity model file is unreadable, from another format version, or not a model at all."""


class IobCorpusInvalid(IndexerError):
    """An IOB2 training or evaluation file is missing or malformed (the message names the line)."""


def describe(exc: BaseException, limit: int = 500) -> str:
    """An unexpected error as one line for a report or a queue record: "RecursionError: ..."."""
    return f"{type(exc).__name__}: {exc}"[:limit]
