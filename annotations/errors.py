"""Errors raised by the annotations package; each carries the HTTP ``status`` it stands for.

Messages say what happened, quote the offending value and name the next step. The web app's
error handler answers with ``status`` (``webapp/errors.py``); the CLI prints the message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from annotations.briefs.model import Brief
    from annotations.model import Annotation, Reply


class AnnotationError(Exception):
    """Base class for everything the annotations package raises on purpose (500 unless a
    subclass says what the client did)."""

    status: int = 500


class InvalidAnnotation(AnnotationError):
    """A field of an annotation, reply or passage cannot be used (the message names it)."""

    status = 400


class AnnotationNotFound(AnnotationError):
    """No annotation (or reply) with that id, or none the viewer may see."""

    status = 404


class PassageNotFound(AnnotationError):
    """No passage link with that id, or none the viewer may see."""

    status = 404


class NotYourAnnotation(AnnotationError):
    """Only an annotation's (or reply's) author may change or delete it."""

    status = 403


class RevisionConflict(AnnotationError):
    """An edit was made against an old revision: someone changed the annotation meanwhile.

    ``current`` is the annotation (or reply) as it is now, so the client can show both texts
    and let the analyst merge, never silently overwriting either.
    """

    status = 412

    def __init__(self, message: str, current: Annotation | Reply) -> None:
        super().__init__(message)
        self.current = current


class InvalidImport(AnnotationError):
    """A whole import file cannot be read (not JSON, not CSV, no annotations in it)."""

    status = 400


class RevisionRequired(AnnotationError):
    """An edit did not say which revision it was made on, so it could overwrite a newer one."""

    status = 428


class BriefNotFound(AnnotationError):
    """No brief (or citation of it) with that id, or none the viewer may see."""

    status = 404


class NotYourBrief(AnnotationError):
    """Only a brief's owner may change or delete it."""

    status = 403


class BriefConflict(AnnotationError):
    """An edit of a brief was made on an old revision; ``current`` is the brief as it is now,
    so the client can show both texts (its own and this) and never overwrite either."""

    status = 412

    def __init__(self, message: str, current: Brief) -> None:
        super().__init__(message)
        self.current = current


class UnverifiedQuotes(AnnotationError):
    """An export was asked of a brief whose quotes changed or went missing in their sources,
    without saying to export it anyway (``numbers``: the notes concerned)."""

    status = 409

    def __init__(self, message: str, numbers: tuple[int, ...]) -> None:
        super().__init__(message)
        self.numbers = numbers
