"""Remember where the brief editor's caret was, for inserting citations at it.

Revision ID: a0003
Revises: a0002
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "a0003"
down_revision = "a0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("briefs", sa.Column("cursor", sa.Integer, nullable=True))


def downgrade() -> None:
    raise NotImplementedError("the store is never downgraded: restore a backup instead")
