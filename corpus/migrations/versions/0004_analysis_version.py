"""Record which version of the entity analysis produced each stored analysis.

An analysis from an older version (1: every analysis stored before this migration) is done
again by the next "dossier analyse", "dossier ingest" or "dossier setup", as an index of an
older schema version is rebuilt.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("entity_analyses") as batch:
        batch.add_column(
            sa.Column("analysis_version", sa.Integer, nullable=False, server_default="1")
        )


def downgrade() -> None:
    with op.batch_alter_table("entity_analyses") as batch:
        batch.drop_column("analysis_version")
