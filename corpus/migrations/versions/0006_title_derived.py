"""Mark the titles the source did not give (made from the text's first line).

A derived title is shown, but search does not index it: indexed with the title's boost, the
opening words of every untitled document counted twice (issue 12). Versions stored before this
migration did not record it; a title equal to what ``first_line_title`` makes of the text is
taken as derived.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from corpus.drafts import first_line_title

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_BATCH = 500


def upgrade() -> None:
    # A plain ALTER TABLE, also on SQLite: recreating the table would break the foreign keys
    # that point at it.
    op.add_column(
        "document_versions",
        sa.Column("title_derived", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    versions = sa.table(
        "document_versions",
        sa.column("document_id"),
        sa.column("version"),
        sa.column("title"),
        sa.column("text"),
        sa.column("title_derived"),
    )
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(
            versions.c.document_id, versions.c.version, versions.c.title, versions.c.text
        ).execution_options(yield_per=_BATCH)
    )
    derived = [
        {"b_id": row.document_id, "b_version": row.version}
        for row in rows
        if row.title and row.title == first_line_title(row.text)
    ]
    update = (
        versions.update()
        .where(versions.c.document_id == sa.bindparam("b_id"))
        .where(versions.c.version == sa.bindparam("b_version"))
        .values(title_derived=True)
    )
    for start in range(0, len(derived), _BATCH):
        conn.execute(update, derived[start : start + _BATCH])


def downgrade() -> None:
    op.drop_column("document_versions", "title_derived")  # SQLite 3.35+: in place
