"""Keep each analysed version's tokens and model mentions, so a registry correction's
re-analysis runs only the registry matching (``indexer/entities/layers.py``, decision 017).

Versions analysed before this migration have none: their next analysis stores one.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_DOC_ID = 200


def upgrade() -> None:
    op.create_table(
        "text_layers",
        sa.Column("document_id", sa.String(_DOC_ID), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("layer_key", sa.String(200), nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.PrimaryKeyConstraint("document_id", "version", name="pk_text_layers"),
        sa.ForeignKeyConstraint(
            ["document_id", "version"],
            ["document_versions.document_id", "document_versions.version"],
            name="fk_text_layers_document_id_document_versions",
        ),
    )


def downgrade() -> None:
    """Back to 0007: the layers are dropped (the next analysis of each version finds them
    again)."""
    op.drop_table("text_layers")
