"""Create annotations, their tags and replies, passages and annotation_state.

The corpus history runs first (``annotations.migrations``): the foreign keys point at
``documents``, which its revision 0001 creates.

Revision ID: a0001
Revises:
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "a0001"
down_revision = None
branch_labels = None
depends_on = None

_ID = 64
_DOC_ID = 200
_OWNER = 200
_TAG = 100
_KEY = 200
_WHEN = sa.DateTime(timezone=True)


def _anchor_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("quote", sa.Text, nullable=False),
        sa.Column("prefix", sa.Text, nullable=False),
        sa.Column("suffix", sa.Text, nullable=False),
        sa.Column("anchor_start", sa.Integer, nullable=False),
        sa.Column("anchor_end", sa.Integer, nullable=False),
        sa.Column("anchor_version", sa.Integer, nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "annotations",
        sa.Column("id", sa.String(_ID), nullable=False),
        sa.Column("document_id", sa.String(_DOC_ID), nullable=False),
        *_anchor_columns(),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("colour", sa.String(20), nullable=False),
        sa.Column("author", sa.String(_OWNER), nullable=False),
        sa.Column("visibility", sa.String(10), nullable=False),
        sa.Column("client_key", sa.String(_KEY), nullable=True),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("checked_version", sa.Integer, nullable=False),
        sa.Column("located_start", sa.Integer, nullable=True),
        sa.Column("located_end", sa.Integer, nullable=True),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("modified_at", _WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_annotations"),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name="fk_annotations_document_id_documents"
        ),
        sa.UniqueConstraint("author", "client_key", name="uq_annotations_author_client_key"),
    )
    op.create_index("ix_annotations_document_id", "annotations", ["document_id"])
    op.create_index("ix_annotations_author", "annotations", ["author"])
    op.create_index("ix_annotations_modified_at", "annotations", ["modified_at"])
    op.create_table(
        "annotation_tags",
        sa.Column("annotation_id", sa.String(_ID), nullable=False),
        sa.Column("key", sa.String(_TAG), nullable=False),
        sa.Column("tag", sa.String(_TAG), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("annotation_id", "key", name="pk_annotation_tags"),
        sa.ForeignKeyConstraint(
            ["annotation_id"],
            ["annotations.id"],
            name="fk_annotation_tags_annotation_id_annotations",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_annotation_tags_key", "annotation_tags", ["key"])
    op.create_table(
        "annotation_replies",
        sa.Column("id", sa.String(_ID), nullable=False),
        sa.Column("annotation_id", sa.String(_ID), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("author", sa.String(_OWNER), nullable=False),
        sa.Column("visibility", sa.String(10), nullable=False),
        sa.Column("client_key", sa.String(_KEY), nullable=True),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("modified_at", _WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_annotation_replies"),
        sa.ForeignKeyConstraint(
            ["annotation_id"],
            ["annotations.id"],
            name="fk_annotation_replies_annotation_id_annotations",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("author", "client_key", name="uq_annotation_replies_author_client_key"),
    )
    op.create_index("ix_annotation_replies_annotation_id", "annotation_replies", ["annotation_id"])
    op.create_table(
        "passages",
        sa.Column("id", sa.String(_ID), nullable=False),
        sa.Column("document_id", sa.String(_DOC_ID), nullable=False),
        *_anchor_columns(),
        sa.Column("owner", sa.String(_OWNER), nullable=False),
        sa.Column("visibility", sa.String(10), nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_passages"),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name="fk_passages_document_id_documents"
        ),
    )
    op.create_index("ix_passages_document_id", "passages", ["document_id"])
    op.create_table(
        "annotation_state",
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("value", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_annotation_state"),
    )
    op.bulk_insert(
        sa.table("annotation_state", sa.column("name"), sa.column("value")),
        [{"name": "anchored_seq", "value": 0}],
    )


def downgrade() -> None:
    raise NotImplementedError("the store is never downgraded: restore a backup instead")
