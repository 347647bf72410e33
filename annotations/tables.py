"""SQLAlchemy Core tables of the annotation store, as its latest migration leaves them.

They live in the same database as the documents but on their own ``metadata`` and with their
own migration history (``annotations/migrations``, version table
``annotations_alembic_version``), run after the corpus's: their foreign keys point at
``documents``. A test checks that the migrations and these definitions agree.

- ``annotations``: one row per annotation: target (document, the anchor as made on one
  version), bodies (Markdown note, colour), owner and visibility, the revision checked on every
  edit, and the version re-anchoring last looked at (``checked_version``) with what it found
  there (``located_start``/``located_end``, null when orphaned; ``status``, ``score``).
- ``annotation_tags``: the tags of each annotation, in order, with ``key`` (case-folded) for
  filtering and autocomplete.
- ``annotation_replies``: the thread under each annotation.
- ``passages``: shareable passage links (annotated or not), each an anchor with an owner.
- ``annotation_state``: named counters; ``anchored_seq`` is the store ``seq`` up to which
  every changed document's annotations have been queued for re-anchoring.
"""

from __future__ import annotations

import sqlalchemy as sa

from corpus.tables import ID_LENGTH, UtcDateTime, documents

ANNOTATION_ID_LENGTH = 64
OWNER_LENGTH = 200
TAG_LENGTH = 100
CLIENT_KEY_LENGTH = 200
ANCHORED_SEQ = "anchored_seq"

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_name)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def anchor_columns() -> list[sa.Column[object]]:
    """An anchor: the exact quote, its context, and its offsets in the version it was made on."""
    return [
        sa.Column("quote", sa.Text, nullable=False),
        sa.Column("prefix", sa.Text, nullable=False),
        sa.Column("suffix", sa.Text, nullable=False),
        sa.Column("anchor_start", sa.Integer, nullable=False),
        sa.Column("anchor_end", sa.Integer, nullable=False),
        sa.Column("anchor_version", sa.Integer, nullable=False),
    ]


annotation_table = sa.Table(
    "annotations",
    metadata,
    sa.Column("id", sa.String(ANNOTATION_ID_LENGTH), primary_key=True),
    sa.Column("document_id", sa.String(ID_LENGTH), sa.ForeignKey(documents.c.id), nullable=False),
    *anchor_columns(),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("colour", sa.String(20), nullable=False),
    sa.Column("author", sa.String(OWNER_LENGTH), nullable=False),
    sa.Column("visibility", sa.String(10), nullable=False),
    sa.Column("client_key", sa.String(CLIENT_KEY_LENGTH), nullable=True),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("checked_version", sa.Integer, nullable=False),
    sa.Column("located_start", sa.Integer, nullable=True),
    sa.Column("located_end", sa.Integer, nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("modified_at", UtcDateTime, nullable=False),
    sa.Index("ix_annotations_document_id", "document_id"),
    sa.Index("ix_annotations_author", "author"),
    sa.Index("ix_annotations_modified_at", "modified_at"),
    sa.UniqueConstraint("author", "client_key", name="uq_annotations_author_client_key"),
)

annotation_tags = sa.Table(
    "annotation_tags",
    metadata,
    sa.Column(
        "annotation_id",
        sa.String(ANNOTATION_ID_LENGTH),
        sa.ForeignKey(annotation_table.c.id, ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("key", sa.String(TAG_LENGTH), nullable=False),
    sa.Column("tag", sa.String(TAG_LENGTH), nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.PrimaryKeyConstraint("annotation_id", "key"),
    sa.Index("ix_annotation_tags_key", "key"),
)

annotation_replies = sa.Table(
    "annotation_replies",
    metadata,
    sa.Column("id", sa.String(ANNOTATION_ID_LENGTH), primary_key=True),
    sa.Column(
        "annotation_id",
        sa.String(ANNOTATION_ID_LENGTH),
        sa.ForeignKey(annotation_table.c.id, ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("author", sa.String(OWNER_LENGTH), nullable=False),
    sa.Column("visibility", sa.String(10), nullable=False),
    sa.Column("client_key", sa.String(CLIENT_KEY_LENGTH), nullable=True),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("modified_at", UtcDateTime, nullable=False),
    sa.Index("ix_annotation_replies_annotation_id", "annotation_id"),
    sa.UniqueConstraint("author", "client_key", name="uq_annotation_replies_author_client_key"),
)

passages = sa.Table(
    "passages",
    metadata,
    sa.Column("id", sa.String(ANNOTATION_ID_LENGTH), primary_key=True),
    sa.Column("document_id", sa.String(ID_LENGTH), sa.ForeignKey(documents.c.id), nullable=False),
    *anchor_columns(),
    sa.Column("owner", sa.String(OWNER_LENGTH), nullable=False),
    sa.Column("visibility", sa.String(10), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Index("ix_passages_document_id", "document_id"),
)

annotation_state = sa.Table(
    "annotation_state",
    metadata,
    sa.Column("name", sa.String(40), primary_key=True),
    sa.Column("value", sa.BigInteger, nullable=False),
)
