"""Speaker turns of analysed document versions, and analysts' corrections of speaker labels.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_ENTITY_ID = 100
_DOC_ID = 200


def upgrade() -> None:
    op.create_table(
        "turns",
        sa.Column("document_id", sa.String(_DOC_ID), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("start_offset", sa.Integer, nullable=False),
        sa.Column("end_offset", sa.Integer, nullable=False),
        sa.Column("label_end", sa.Integer, nullable=False),
        sa.Column("name_start", sa.Integer, nullable=True),
        sa.Column("name_end", sa.Integer, nullable=True),
        sa.Column("speaker", sa.Text, nullable=False),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("entity_id", sa.String(_ENTITY_ID), nullable=True),
        sa.PrimaryKeyConstraint("document_id", "version", "start_offset", name="pk_turns"),
        sa.ForeignKeyConstraint(
            ["document_id", "version"],
            ["document_versions.document_id", "document_versions.version"],
            name="fk_turns_document_id_document_versions",
        ),
        sa.ForeignKeyConstraint(["entity_id"], ["entities.id"], name="fk_turns_entity_id_entities"),
    )
    op.create_index("ix_turns_entity_id", "turns", ["entity_id"])
    op.create_index("ix_turns_key", "turns", ["key"])
    op.create_table(
        "turn_speakers",
        sa.Column("document_id", sa.String(_DOC_ID), nullable=False),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("is_turn", sa.Boolean, nullable=False),
        sa.Column("speaker", sa.Text, nullable=False),
        sa.Column("entity_id", sa.String(_ENTITY_ID), nullable=True),
        sa.Column("who", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("document_id", "key", name="pk_turn_speakers"),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name="fk_turn_speakers_document_id_documents"
        ),
        sa.ForeignKeyConstraint(
            ["entity_id"], ["entities.id"], name="fk_turn_speakers_entity_id_entities"
        ),
    )


def downgrade() -> None:
    """Back to 0006: turns and speaker corrections are dropped (analysis finds the turns again;
    the corrections stay in the correction log)."""
    op.drop_table("turn_speakers")
    op.drop_index("ix_turns_key", "turns")
    op.drop_index("ix_turns_entity_id", "turns")
    op.drop_table("turns")
