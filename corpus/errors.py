"""Errors raised by the corpus package; messages say what happened and what to do next.

Each class declares ``status``, the HTTP status the web app answers with when one reaches a
request (``webapp/errors.py`` reads only this attribute): 404 for something that is not
there, 400 for bad input, 409 for a conflict with what is stored, 503 when the database is
unavailable, and 500 (the base) for anything else, shown as an apology.
"""

from __future__ import annotations


class CorpusError(Exception):
    """Base class for everything the corpus package raises on purpose."""

    status: int = 500


class DocumentNotFound(CorpusError):
    """No document (or no such version of it) in the store."""

    status = 404


class UnreadableSource(CorpusError):
    """A source file or line cannot be turned into a document (the reason is in the message)."""

    status = 400


class InvalidDocument(CorpusError):
    """A document's fields are wrong: empty text, an impossible date, an unknown kind."""

    status = 400


class IdConflict(InvalidDocument):
    """A draft's id belongs to a stored document from another source: not its next version."""

    status = 409


class StoreUnavailable(CorpusError):
    """The database cannot be opened or migrated."""

    status = 503


class EntityNotFound(CorpusError):
    """No entity with that id (and no redirect from it) in the registry."""

    status = 404


class InvalidEntity(CorpusError):
    """An entity, alias, type or correction is not acceptable (the reason is in the message)."""

    status = 400


class InvalidAnchor(CorpusError):
    """A passage cannot be anchored: an empty or out-of-range span, or a selection that does
    not match the text."""

    status = 400
