"""SQLAlchemy Core tables of the document store, as the latest migration leaves them.

The migrations in ``corpus/migrations/versions`` create and change the live schema; these
definitions are what ``corpus/store.py`` queries with, and a test checks that the two agree.

- ``documents``: one row per document, holding the current version's metadata (for listing and
  filtering without touching the texts) and the store-wide ``seq`` of its last write.
- ``document_versions``: every version ever stored, text included; rows are never deleted,
  because annotations anchor to the exact text of a version. ``title_derived`` marks a title
  the source did not give (made from the text's first line).
- ``store_state``: named counters; ``seq`` is bumped once per added or updated document.
- ``jobs``: work a worker must do on a document, by ``kind`` (``"reanalyse"`` after a
  correction; ``corpus/jobs/queue.py``), until it is done (migration 0005; 0003 created it as
  ``reanalysis_jobs``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

ID_LENGTH = 200

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_name)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UtcDateTime(sa.types.TypeDecorator[dt.datetime]):
    """An aware UTC datetime on every backend (SQLite keeps no zone, so it stores naive UTC)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: pass an aware datetime")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def _metadata_columns() -> list[sa.Column[Any]]:
    """The descriptive fields shared by a document's current row and each of its versions."""
    return [
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("date", sa.Date, nullable=True),
        sa.Column("date_precision", sa.String(5), nullable=True),
        sa.Column("speaker", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("language", sa.String(35), nullable=False),
        sa.Column("tags", sa.Text, nullable=False),  # JSON list of strings
        sa.Column("licence", sa.Text, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
    ]


documents = sa.Table(
    "documents",
    metadata,
    sa.Column("id", sa.String(ID_LENGTH), primary_key=True),
    sa.Column("current_version", sa.Integer, nullable=False),
    sa.Column("seq", sa.BigInteger, nullable=False),
    *_metadata_columns(),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Index("ix_documents_seq", "seq", unique=True),
    sa.Index("ix_documents_kind", "kind"),
    sa.Index("ix_documents_date", "date"),
)

document_versions = sa.Table(
    "document_versions",
    metadata,
    sa.Column("document_id", sa.String(ID_LENGTH), sa.ForeignKey("documents.id"), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    *_metadata_columns(),
    sa.Column("origin", sa.Text, nullable=False),
    sa.Column("ingested_at", UtcDateTime, nullable=False),
    # The source gave no title: ``title`` was made from the text (search does not index it).
    sa.Column("title_derived", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.PrimaryKeyConstraint("document_id", "version"),
)

store_state = sa.Table(
    "store_state",
    metadata,
    sa.Column("name", sa.String(40), primary_key=True),
    sa.Column("value", sa.BigInteger, nullable=False),
)

jobs = sa.Table(
    "jobs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(40), nullable=False),  # what to do: "reanalyse", ...
    sa.Column("document_id", sa.String(ID_LENGTH), sa.ForeignKey("documents.id"), nullable=False),
    # The entity correction that queued a "reanalyse" job (its entity's page counts it).
    sa.Column("correction_id", sa.Integer, sa.ForeignKey("entity_corrections.id"), nullable=True),
    sa.Column("enqueued_at", UtcDateTime, nullable=False),
    sa.Column("available_at", UtcDateTime, nullable=False),  # not claimed before (retry delay)
    sa.Column("attempts", sa.Integer, nullable=False),  # claims so far
    sa.Column("claimed_by", sa.String(200), nullable=True),
    sa.Column("claimed_until", UtcDateTime, nullable=True),  # the claim's lease
    sa.Column("is_failed", sa.Boolean, nullable=False),  # gave up after the last attempt
    sa.Column("error", sa.Text, nullable=False),  # the last attempt's error, "" if none
    sa.Index("ix_jobs_kind_document_id", "kind", "document_id"),
    sqlite_autoincrement=True,
)
