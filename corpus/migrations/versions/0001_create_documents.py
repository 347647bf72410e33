"""Create documents, document_versions and store_state.

Revision ID: 0001
Revises:
Create Date: 2025-11-28
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _metadata_columns() -> list[sa.Column[Any]]:
    return [
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("date", sa.Date, nullable=True),
        sa.Column("date_precision", sa.String(5), nullable=True),
        sa.Column("speaker", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("language", sa.String(35), nullable=False),
        sa.Column("tags", sa.Text, nullable=False),
        sa.Column("licence", sa.Text, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("id", sa.String(200), nullable=False),
        sa.Column("current_version", sa.Integer, nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        *_metadata_columns(),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_documents"),
    )
    op.create_index("ix_documents_seq", "documents", ["seq"], unique=True)
    op.create_index("ix_documents_kind", "documents", ["kind"])
    op.create_index("ix_documents_date", "documents", ["date"])
    op.create_table(
        "document_versions",
        sa.Column("document_id", sa.String(200), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        *_metadata_columns(),
        sa.Column("origin", sa.Text, nullable=False),
        sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("document_id", "version", name="pk_document_versions"),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name="fk_document_versions_document_id_documents",
        ),
    )
    state = op.create_table(
        "store_state",
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("value", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_store_state"),
    )
    op.bulk_insert(state, [{"name": "seq", "value": 0}])


def downgrade() -> None:
    raise NotImplementedError("the store is never downgraded: restore a backup instead")
