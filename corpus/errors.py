"""Errors raised by the corpus package; messages say what happened and what to do next."""

from __future__ import annotations


class CorpusError(Exception):
    """Base class for everything the corpus package raises on purpose."""


class DocumentNotFound(CorpusError):
    """No document (or no such version of it) in the store."""


class UnreadableSource(CorpusError):
    """A source file or line cannot be turned into a document (the reason is in the message)."""


class InvalidDocument(CorpusError):
    """A document's fields are wrong: empty text, an impossible date, an unknown kind."""


class IdConflict(InvalidDocument):
    """A draft's id belongs to a stored document from another source: not its next version."""


class StoreUnavailable(CorpusError):
    """The database cannot be opened or migrated."""


class EntityNotFound(CorpusError):
    """No entity with that id (and no redirect from it) in the registry."""


class InvalidEntity(CorpusError):
    """An entity, alias, type or correction is not acceptable (the reason is in the message)."""


class InvalidAnchor(CorpusError):
    """A passage cannot be anchored: an empty or out-of-range span, or a selection that does
    not match the text."""
