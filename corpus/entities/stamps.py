"""What the stored mentions of a document version are at, in one cheap read: a page built from
them (``webapp/entity_cache.py``) can be kept until it changes.

Every write to ``entity_mentions`` does one of two things, and this stamp sees both:

- ``analyses.replace_many`` replaces a version's mentions and writes its ``entity_analyses``
  row anew (when, by which analysis, at which registry revision);
- every correction and registry import links, unlinks, retypes or drops mentions inside
  ``corrections.writing``, which bumps the registry revision first.

A new write path to the mentions must keep to one of them, or a kept page goes stale.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from corpus.entities.store import EntityStore, read_revision
from corpus.entities.tables import entity_analyses


@dataclass(frozen=True)
class MentionsStamp:
    """The registry revision now, and the version's analysis row (None: never analysed)."""

    registry_revision: int
    analysed_at: dt.datetime | None
    analysis_version: int
    analysed_revision: int


def mentions_stamp(store: EntityStore, document_id: str, version: int) -> MentionsStamp:
    """The stamp of a version's stored mentions, read in one transaction."""
    a = entity_analyses.c
    stmt = sa.select(a.analysed_at, a.analysis_version, a.registry_revision).where(
        a.document_id == document_id, a.version == version
    )
    with store.connect() as conn:
        revision = read_revision(conn)
        row = conn.execute(stmt).first()
    if row is None:
        return MentionsStamp(revision, None, 0, 0)
    return MentionsStamp(revision, row.analysed_at, row.analysis_version, row.registry_revision)
