"""Analyst annotations, their anchors, passage links and citations.

Reads ``corpus``; never imports ``indexer`` or ``webapp``. The tables live in the documents'
database with their own migration history, run after the corpus's (``annotations/migrations``).
Annotations are the analysts' own work: nothing here deletes one except an explicit delete by
its author, and re-anchoring never puts one on words that are not its quote (it reports it
fuzzy, to review, or orphaned).
"""

from __future__ import annotations

from annotations.errors import (
    AnnotationError,
    AnnotationNotFound,
    InvalidAnnotation,
    InvalidImport,
    NotYourAnnotation,
    PassageNotFound,
    RevisionConflict,
)
from annotations.model import (
    COLOURS,
    LOCAL_USER,
    STATUSES,
    VISIBILITIES,
    Annotation,
    AnnotationDraft,
    AnnotationFilter,
    AnnotationPage,
    Changes,
    Counts,
    Located,
    Passage,
    Reply,
    Selection,
    TagCount,
)
from annotations.store import AnnotationStore

__all__ = [
    "COLOURS",
    "LOCAL_USER",
    "STATUSES",
    "VISIBILITIES",
    "Annotation",
    "AnnotationDraft",
    "AnnotationError",
    "AnnotationFilter",
    "AnnotationNotFound",
    "AnnotationPage",
    "AnnotationStore",
    "Changes",
    "Counts",
    "InvalidAnnotation",
    "InvalidImport",
    "Located",
    "NotYourAnnotation",
    "Passage",
    "PassageNotFound",
    "Reply",
    "RevisionConflict",
    "Selection",
    "TagCount",
]
