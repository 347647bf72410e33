"""Create the entity registry, corrections and mentions tables; add the registry revision.

Revision ID: 0002
Revises: 0001
Create Date: 2025-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_ENTITY_ID = 100
_DOC_ID = 200
_TYPE = 20


def _version_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["document_id", "version"],
        ["document_versions.document_id", "document_versions.version"],
        name=f"fk_{table}_document_id_document_versions",
    )


def _entity_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["entity_id"], ["entities.id"], name=f"fk_{table}_entity_id_entities"
    )


def upgrade() -> None:
    op.create_table(
        "entities",
        sa.Column("id", sa.String(_ENTITY_ID), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("type", sa.String(_TYPE), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("external_id", sa.String(40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_entities"),
    )
    op.create_index("ix_entities_key", "entities", ["key"])
    op.create_table(
        "entity_aliases",
        sa.Column("entity_id", sa.String(_ENTITY_ID), nullable=False),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("alias", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("entity_id", "key", name="pk_entity_aliases"),
        _entity_fk("entity_aliases"),
    )
    op.create_index("ix_entity_aliases_key", "entity_aliases", ["key"])
    op.create_table(
        "entity_redirects",
        sa.Column("old_id", sa.String(_ENTITY_ID), nullable=False),
        sa.Column("new_id", sa.String(_ENTITY_ID), nullable=False),
        sa.PrimaryKeyConstraint("old_id", name="pk_entity_redirects"),
        sa.ForeignKeyConstraint(
            ["new_id"], ["entities.id"], name="fk_entity_redirects_new_id_entities"
        ),
    )
    op.create_table(
        "entity_suppressions",
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("type", sa.String(_TYPE), nullable=False),
        sa.Column("surface", sa.Text, nullable=False),
        sa.Column("who", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", "type", name="pk_entity_suppressions"),
    )
    op.create_table(
        "entity_tags",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("document_id", sa.String(_DOC_ID), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("start_offset", sa.Integer, nullable=False),
        sa.Column("end_offset", sa.Integer, nullable=False),
        sa.Column("quote", sa.Text, nullable=False),
        sa.Column("prefix", sa.Text, nullable=False),
        sa.Column("suffix", sa.Text, nullable=False),
        sa.Column("type", sa.String(_TYPE), nullable=False),
        sa.Column("entity_id", sa.String(_ENTITY_ID), nullable=True),
        sa.Column("who", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("located_version", sa.Integer, nullable=True),
        sa.Column("located_start", sa.Integer, nullable=True),
        sa.Column("located_end", sa.Integer, nullable=True),
        sa.Column("is_orphaned", sa.Boolean, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_entity_tags"),
        _version_fk("entity_tags"),
        _entity_fk("entity_tags"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_entity_tags_document_id", "entity_tags", ["document_id"])
    op.create_table(
        "entity_corrections",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("who", sa.Text, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("entity_id", sa.String(_ENTITY_ID), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_entity_corrections"),
    )
    op.create_index("ix_entity_corrections_entity_id", "entity_corrections", ["entity_id"])
    op.create_table(
        "entity_mentions",
        sa.Column("document_id", sa.String(_DOC_ID), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("start_offset", sa.Integer, nullable=False),
        sa.Column("end_offset", sa.Integer, nullable=False),
        sa.Column("type", sa.String(_TYPE), nullable=False),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("entity_id", sa.String(_ENTITY_ID), nullable=True),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("sentence", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint(
            "document_id", "version", "start_offset", name="pk_entity_mentions"
        ),
        _version_fk("entity_mentions"),
        _entity_fk("entity_mentions"),
    )
    op.create_index("ix_entity_mentions_entity_id", "entity_mentions", ["entity_id"])
    op.create_index("ix_entity_mentions_key", "entity_mentions", ["key"])
    op.create_index(
        "ix_entity_mentions_sentence", "entity_mentions", ["document_id", "version", "sentence"]
    )
    op.create_table(
        "entity_analyses",
        sa.Column("document_id", sa.String(_DOC_ID), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("registry_revision", sa.BigInteger, nullable=False),
        sa.Column("analysed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("document_id", "version", name="pk_entity_analyses"),
        _version_fk("entity_analyses"),
    )
    state = sa.table("store_state", sa.column("name", sa.String), sa.column("value", sa.BigInteger))
    op.bulk_insert(state, [{"name": "registry_revision", "value": 0}])


def downgrade() -> None:
    raise NotImplementedError("the store is never downgraded: restore a backup instead")
