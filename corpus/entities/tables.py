"""SQLAlchemy Core tables of the entity registry, corrections and mentions (migration 0002).

They live on ``corpus.tables.metadata``, so one comparison checks the whole corpus schema.

- ``entities``, ``entity_aliases``: the registry; ``key`` columns hold ``alias_key`` forms.
- ``entity_redirects``: ids of merged-away entities and the entity they now mean.
- ``entity_suppressions``: forms that are "not an entity" (``type`` "" = of any type).
- ``entity_tags``: spans analysts tagged, anchored by quote, context and offsets to a version.
- ``entity_corrections``: the log of every correction, with who and when.
- ``entity_mentions``: the mentions of each analysed document version, with the sentence each
  falls in (co-occurrence is a join on it); replaced whole on re-analysis.
- ``turns``: the speaker turns of each analysed document version (migration 0007), replaced
  with its mentions; ``turn_speakers``: analysts' corrections of a document's speaker labels.
- ``entity_analyses``: which versions were analysed, with which registry revision and by which
  version of the analysis (migration 0004).
- ``text_layers``: per analysed version, what the analysis found that no registry change can
  alter (tokens and the model's mentions, ``indexer/entities/layers.py``), so a correction's
  re-analysis need not tokenise or run the model again (migration 0008).
- The documents a correction asks to re-analyse wait in the jobs table (``corpus.tables.jobs``,
  kind ``"reanalyse"``).
- ``store_state`` row ``registry_revision``: bumped by every registry or correction write, so
  processes know when to rebuild their alias matcher.
"""

from __future__ import annotations

import sqlalchemy as sa

from corpus.tables import ID_LENGTH, UtcDateTime, metadata

ENTITY_ID_LENGTH = 100
TYPE_LENGTH = 20
REVISION = "registry_revision"

entities = sa.Table(
    "entities",
    metadata,
    sa.Column("id", sa.String(ENTITY_ID_LENGTH), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("key", sa.Text, nullable=False),
    sa.Column("type", sa.String(TYPE_LENGTH), nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("external_id", sa.String(40), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Index("ix_entities_key", "key"),
)

entity_aliases = sa.Table(
    "entity_aliases",
    metadata,
    sa.Column(
        "entity_id", sa.String(ENTITY_ID_LENGTH), sa.ForeignKey("entities.id"), nullable=False
    ),
    sa.Column("key", sa.Text, nullable=False),
    sa.Column("alias", sa.Text, nullable=False),
    sa.PrimaryKeyConstraint("entity_id", "key"),
    sa.Index("ix_entity_aliases_key", "key"),
)

entity_redirects = sa.Table(
    "entity_redirects",
    metadata,
    sa.Column("old_id", sa.String(ENTITY_ID_LENGTH), primary_key=True),
    sa.Column("new_id", sa.String(ENTITY_ID_LENGTH), sa.ForeignKey("entities.id"), nullable=False),
)

entity_suppressions = sa.Table(
    "entity_suppressions",
    metadata,
    sa.Column("key", sa.Text, nullable=False),
    sa.Column("type", sa.String(TYPE_LENGTH), nullable=False),
    sa.Column("surface", sa.Text, nullable=False),
    sa.Column("who", sa.Text, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.PrimaryKeyConstraint("key", "type"),
)

entity_tags = sa.Table(
    "entity_tags",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("document_id", sa.String(ID_LENGTH), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("start_offset", sa.Integer, nullable=False),
    sa.Column("end_offset", sa.Integer, nullable=False),
    sa.Column("quote", sa.Text, nullable=False),
    sa.Column("prefix", sa.Text, nullable=False),
    sa.Column("suffix", sa.Text, nullable=False),
    sa.Column("type", sa.String(TYPE_LENGTH), nullable=False),
    sa.Column(
        "entity_id", sa.String(ENTITY_ID_LENGTH), sa.ForeignKey("entities.id"), nullable=True
    ),
    sa.Column("who", sa.Text, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("located_version", sa.Integer, nullable=True),
    sa.Column("located_start", sa.Integer, nullable=True),
    sa.Column("located_end", sa.Integer, nullable=True),
    sa.Column("is_orphaned", sa.Boolean, nullable=False),
    sa.ForeignKeyConstraint(
        ["document_id", "version"],
        ["document_versions.document_id", "document_versions.version"],
    ),
    sa.Index("ix_entity_tags_document_id", "document_id"),
    sqlite_autoincrement=True,  # a deleted tag's id is never reused: the log refers to it
)

entity_corrections = sa.Table(
    "entity_corrections",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("who", sa.Text, nullable=False),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("entity_id", sa.String(ENTITY_ID_LENGTH), nullable=False),
    sa.Column("detail", sa.Text, nullable=False),  # JSON object
    sa.Index("ix_entity_corrections_entity_id", "entity_id"),
)

entity_mentions = sa.Table(
    "entity_mentions",
    metadata,
    sa.Column("document_id", sa.String(ID_LENGTH), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("start_offset", sa.Integer, nullable=False),
    sa.Column("end_offset", sa.Integer, nullable=False),
    sa.Column("type", sa.String(TYPE_LENGTH), nullable=False),
    sa.Column("source", sa.String(10), nullable=False),
    sa.Column("confidence", sa.Float, nullable=False),
    sa.Column(
        "entity_id", sa.String(ENTITY_ID_LENGTH), sa.ForeignKey("entities.id"), nullable=True
    ),
    sa.Column("key", sa.Text, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("sentence", sa.Integer, nullable=False),
    sa.PrimaryKeyConstraint("document_id", "version", "start_offset"),
    sa.ForeignKeyConstraint(
        ["document_id", "version"],
        ["document_versions.document_id", "document_versions.version"],
    ),
    sa.Index("ix_entity_mentions_entity_id", "entity_id"),
    sa.Index("ix_entity_mentions_key", "key"),
    sa.Index("ix_entity_mentions_sentence", "document_id", "version", "sentence"),
)

entity_analyses = sa.Table(
    "entity_analyses",
    metadata,
    sa.Column("document_id", sa.String(ID_LENGTH), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("registry_revision", sa.BigInteger, nullable=False),
    sa.Column("analysed_at", UtcDateTime, nullable=False),
    # Which version of the analysis code stored it (``indexer.entities.analysis.ANALYSIS_VERSION``).
    sa.Column("analysis_version", sa.Integer, nullable=False, server_default="1"),
    sa.PrimaryKeyConstraint("document_id", "version"),
    sa.ForeignKeyConstraint(
        ["document_id", "version"],
        ["document_versions.document_id", "document_versions.version"],
    ),
)

turns = sa.Table(
    "turns",
    metadata,
    sa.Column("document_id", sa.String(ID_LENGTH), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("start_offset", sa.Integer, nullable=False),  # the label starts the turn
    sa.Column("end_offset", sa.Integer, nullable=False),
    sa.Column("label_end", sa.Integer, nullable=False),
    sa.Column("name_start", sa.Integer, nullable=True),
    sa.Column("name_end", sa.Integer, nullable=True),
    sa.Column("speaker", sa.Text, nullable=False),  # "" when unnamed or anonymous
    sa.Column("key", sa.Text, nullable=False),  # the speaker's alias key
    sa.Column(
        "entity_id", sa.String(ENTITY_ID_LENGTH), sa.ForeignKey("entities.id"), nullable=True
    ),
    sa.PrimaryKeyConstraint("document_id", "version", "start_offset"),
    sa.ForeignKeyConstraint(
        ["document_id", "version"],
        ["document_versions.document_id", "document_versions.version"],
    ),
    sa.Index("ix_turns_entity_id", "entity_id"),
    sa.Index("ix_turns_key", "key"),
)

turn_speakers = sa.Table(
    "turn_speakers",
    metadata,
    sa.Column("document_id", sa.String(ID_LENGTH), sa.ForeignKey("documents.id"), nullable=False),
    sa.Column("key", sa.Text, nullable=False),  # ``label_key`` of the label
    sa.Column("label", sa.Text, nullable=False),  # as the analyst chose it
    sa.Column("is_turn", sa.Boolean, nullable=False),
    sa.Column("speaker", sa.Text, nullable=False),
    sa.Column(
        "entity_id", sa.String(ENTITY_ID_LENGTH), sa.ForeignKey("entities.id"), nullable=True
    ),
    sa.Column("who", sa.Text, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.PrimaryKeyConstraint("document_id", "key"),
)

text_layers = sa.Table(
    "text_layers",
    metadata,
    sa.Column("document_id", sa.String(ID_LENGTH), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("layer_key", sa.String(200), nullable=False),  # format, analysis version, model
    sa.Column("data", sa.LargeBinary, nullable=False),
    sa.PrimaryKeyConstraint("document_id", "version"),
    sa.ForeignKeyConstraint(
        ["document_id", "version"],
        ["document_versions.document_id", "document_versions.version"],
    ),
)
