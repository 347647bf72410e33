"""Create the re-analysis queue: documents a correction asked to re-analyse and re-index.

Revision ID: 0003
Revises: 0002
Create Date: 2025-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_DOC_ID = 200


def upgrade() -> None:
    op.create_table(
        "reanalysis_jobs",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("document_id", sa.String(_DOC_ID), nullable=False),
        sa.Column("correction_id", sa.Integer, nullable=True),
        sa.Column("enqueued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("available_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("claimed_by", sa.String(200), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("is_failed", sa.Boolean, nullable=False),
        sa.Column("error", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_reanalysis_jobs"),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name="fk_reanalysis_jobs_document_id_documents"
        ),
        sa.ForeignKeyConstraint(
            ["correction_id"],
            ["entity_corrections.id"],
            name="fk_reanalysis_jobs_correction_id_entity_corrections",
        ),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_reanalysis_jobs_document_id", "reanalysis_jobs", ["document_id"])


def downgrade() -> None:
    raise NotImplementedError("the store is never downgraded: restore a backup instead")
