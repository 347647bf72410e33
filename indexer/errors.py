"""Errors raised by the indexer package.

Each class declares ``status``, the HTTP status the web app answers with when one reaches a
request (``webapp/errors.py`` reads only this attribute): 400 for a query or file that cannot
be used as written, 503 while the index, the entity model or NLTK's data is missing or busy,
and 500 (the base) for anything else, shown as an apology.
"""

from __future__ import annotations


class IndexerError(Exception):
    """Base class for everything the indexer package raises on purpose."""

    status: int = 500


class NltkResourceMissing(IndexerError):
    """An NLTK data package is not installed where NLTK looks for it."""

    status = 503


class IndexMissing(IndexerError):
    """No index has been built in the instance folder yet."""

    status = 503


class IndexBusy(IndexerError):
    """Another process is rebuilding or updating the index."""

    status = 503


class QueryError(IndexerError):
    """The query cannot be run as written; the message says how to fix it (HTTP 400)."""

    status = 400


class EmptyQuery(QueryError):
    """Nothing searchable is left in the query."""


class QueryTooComplex(QueryError):
    """The query would expand past the limits that keep every search fast."""


class ModelMissing(IndexerError):
    """No trained entity model exists where the configuration says it should be."""

    status = 503


class ModelInvalid(IndexerError):
    """An entity model file is unreadable, from another format version, or not a model at all."""

    status = 503


class IobCorpusInvalid(IndexerError):
    """An IOB2 training or evaluation file is missing or malformed (the message names the line)."""

    status = 400


def describe(exc: BaseException, limit: int = 500) -> str:
    """An unexpected error as one line for a report or a queue record: "RecursionError: ..."."""
    return f"{type(exc).__name__}: {exc}"[:limit]
