"""Create briefs, their citations and revisions, and the briefs' catch-up mark.

Revision ID: a0002
Revises: a0001
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "a0002"
down_revision = "a0001"
branch_labels = None
depends_on = None

_ID = 64
_DOC_ID = 200
_OWNER = 200
_KEY = 200
_TITLE = 300
_WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "briefs",
        sa.Column("id", sa.String(_ID), nullable=False),
        sa.Column("title", sa.String(_TITLE), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("owner", sa.String(_OWNER), nullable=False),
        sa.Column("visibility", sa.String(10), nullable=False),
        sa.Column("client_key", sa.String(_KEY), nullable=True),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("needs_verification", sa.Boolean, nullable=False),
        sa.Column("verified_at", _WHEN, nullable=True),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("modified_at", _WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_briefs"),
        sa.UniqueConstraint("owner", "client_key", name="uq_briefs_owner_client_key"),
    )
    op.create_index("ix_briefs_owner", "briefs", ["owner"])
    op.create_table(
        "brief_citations",
        sa.Column("id", sa.String(_ID), nullable=False),
        sa.Column("brief_id", sa.String(_ID), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("document_id", sa.String(_DOC_ID), nullable=False),
        sa.Column("quote", sa.Text, nullable=False),
        sa.Column("prefix", sa.Text, nullable=False),
        sa.Column("suffix", sa.Text, nullable=False),
        sa.Column("anchor_start", sa.Integer, nullable=False),
        sa.Column("anchor_end", sa.Integer, nullable=False),
        sa.Column("anchor_version", sa.Integer, nullable=False),
        sa.Column("annotation_id", sa.String(_ID), nullable=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("checked_version", sa.Integer, nullable=False),
        sa.Column("located_start", sa.Integer, nullable=True),
        sa.Column("located_end", sa.Integer, nullable=True),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_brief_citations"),
        sa.ForeignKeyConstraint(
            ["brief_id"],
            ["briefs.id"],
            name="fk_brief_citations_brief_id_briefs",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name="fk_brief_citations_document_id_documents"
        ),
    )
    op.create_index("ix_brief_citations_brief_id", "brief_citations", ["brief_id"])
    op.create_index("ix_brief_citations_document_id", "brief_citations", ["document_id"])
    op.create_index("ix_brief_citations_annotation_id", "brief_citations", ["annotation_id"])
    op.create_table(
        "brief_revisions",
        sa.Column("brief_id", sa.String(_ID), nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("title", sa.String(_TITLE), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("visibility", sa.String(10), nullable=False),
        sa.Column("author", sa.String(_OWNER), nullable=False),
        sa.Column("saved_at", _WHEN, nullable=False),
        sa.PrimaryKeyConstraint("brief_id", "revision", name="pk_brief_revisions"),
        sa.ForeignKeyConstraint(
            ["brief_id"],
            ["briefs.id"],
            name="fk_brief_revisions_brief_id_briefs",
            ondelete="CASCADE",
        ),
    )
    # Briefs start caught up: documents written before briefs existed are cited by none.
    seq = op.get_bind().execute(sa.text("SELECT value FROM store_state WHERE name = 'seq'"))
    op.bulk_insert(
        sa.table("annotation_state", sa.column("name"), sa.column("value")),
        [{"name": "briefs_seq", "value": seq.scalar() or 0}],
    )


def downgrade() -> None:
    raise NotImplementedError("the store is never downgraded: restore a backup instead")
