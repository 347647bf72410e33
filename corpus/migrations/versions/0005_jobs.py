"""Turn the re-analysis queue into the general jobs table, with a ``kind`` per job.

Queued re-analyses become jobs of kind "reanalyse" with their ids, attempts, claims and errors;
other packages queue their own kinds (annotations: "re-anchor") in the same table. The table
is created anew and the rows copied, so its constraints and index carry the new name on
SQLite and PostgreSQL alike.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_DOC_ID = 200
_SHARED = (
    "document_id, correction_id, enqueued_at, available_at, attempts, claimed_by, "
    "claimed_until, is_failed, error"
)


def upgrade() -> None:
    _create("jobs", with_kind=True)
    op.create_index("ix_jobs_kind_document_id", "jobs", ["kind", "document_id"])
    op.execute(
        f"INSERT INTO jobs (id, kind, {_SHARED}) "
        f"SELECT id, 'reanalyse', {_SHARED} FROM reanalysis_jobs"
    )
    _continue_ids("jobs")
    op.drop_table("reanalysis_jobs")


def downgrade() -> None:
    """Back to 0004: the re-analysis jobs return to ``reanalysis_jobs``; other kinds are lost."""
    _create("reanalysis_jobs", with_kind=False)
    op.create_index("ix_reanalysis_jobs_document_id", "reanalysis_jobs", ["document_id"])
    op.execute(
        f"INSERT INTO reanalysis_jobs (id, {_SHARED}) "
        f"SELECT id, {_SHARED} FROM jobs WHERE kind = 'reanalyse'"
    )
    _continue_ids("reanalysis_jobs")
    op.drop_table("jobs")


def _create(name: str, *, with_kind: bool) -> None:
    kind = [sa.Column("kind", sa.String(40), nullable=False)] if with_kind else []
    op.create_table(
        name,
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        *kind,
        sa.Column("document_id", sa.String(_DOC_ID), nullable=False),
        sa.Column("correction_id", sa.Integer, nullable=True),
        sa.Column("enqueued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("available_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("claimed_by", sa.String(200), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("is_failed", sa.Boolean, nullable=False),
        sa.Column("error", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name=f"pk_{name}"),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=f"fk_{name}_document_id_documents"
        ),
        sa.ForeignKeyConstraint(
            ["correction_id"],
            ["entity_corrections.id"],
            name=f"fk_{name}_correction_id_entity_corrections",
        ),
        sqlite_autoincrement=True,
    )


def _continue_ids(name: str) -> None:
    """PostgreSQL: move the id sequence past the copied ids (SQLite's AUTOINCREMENT already
    counts from the largest id inserted)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)"
        )
