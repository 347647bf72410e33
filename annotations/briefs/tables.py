"""SQLAlchemy Core tables of briefs, on the annotation store's ``metadata`` (one migration
history, ``annotations/migrations``; a test checks the two agree).

- ``briefs``: one row per brief: title, Markdown body, owner and visibility, the revision
  checked on every edit, and whether a cited document changed since it was last verified
  (``needs_verification``, set by the "verify-briefs" jobs, cleared by verifying), and where
  its owner's editor last had the caret in the body (``cursor``, for inserting citations).
- ``brief_citations``: a brief's citations in order: the anchor of the cited passage (as made
  on one document version), the annotation it came from (if any: a plain id, so deleting the
  annotation leaves the citation and its anchor), and what verification last found.
- ``brief_revisions``: every saved state of a brief's title, body and visibility.
"""

from __future__ import annotations

import sqlalchemy as sa

from annotations.tables import (
    ANNOTATION_ID_LENGTH,
    CLIENT_KEY_LENGTH,
    OWNER_LENGTH,
    anchor_columns,
    metadata,
)
from corpus.tables import ID_LENGTH, UtcDateTime, documents

TITLE_LENGTH = 300
BRIEFS_SEQ = "briefs_seq"  # annotation_state: store seq up to which cited changes were queued

briefs = sa.Table(
    "briefs",
    metadata,
    sa.Column("id", sa.String(ANNOTATION_ID_LENGTH), primary_key=True),
    sa.Column("title", sa.String(TITLE_LENGTH), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("owner", sa.String(OWNER_LENGTH), nullable=False),
    sa.Column("visibility", sa.String(10), nullable=False),
    sa.Column("client_key", sa.String(CLIENT_KEY_LENGTH), nullable=True),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("needs_verification", sa.Boolean, nullable=False),
    sa.Column("verified_at", UtcDateTime, nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("modified_at", UtcDateTime, nullable=False),
    sa.Column("cursor", sa.Integer, nullable=True),
    sa.Index("ix_briefs_owner", "owner"),
    sa.UniqueConstraint("owner", "client_key", name="uq_briefs_owner_client_key"),
)

brief_citations = sa.Table(
    "brief_citations",
    metadata,
    sa.Column("id", sa.String(ANNOTATION_ID_LENGTH), primary_key=True),
    sa.Column(
        "brief_id",
        sa.String(ANNOTATION_ID_LENGTH),
        sa.ForeignKey(briefs.c.id, ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("document_id", sa.String(ID_LENGTH), sa.ForeignKey(documents.c.id), nullable=False),
    *anchor_columns(),
    sa.Column("annotation_id", sa.String(ANNOTATION_ID_LENGTH), nullable=True),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("checked_version", sa.Integer, nullable=False),
    sa.Column("located_start", sa.Integer, nullable=True),
    sa.Column("located_end", sa.Integer, nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Index("ix_brief_citations_brief_id", "brief_id"),
    sa.Index("ix_brief_citations_document_id", "document_id"),
    sa.Index("ix_brief_citations_annotation_id", "annotation_id"),
)

brief_revisions = sa.Table(
    "brief_revisions",
    metadata,
    sa.Column(
        "brief_id",
        sa.String(ANNOTATION_ID_LENGTH),
        sa.ForeignKey(briefs.c.id, ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("title", sa.String(TITLE_LENGTH), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("visibility", sa.String(10), nullable=False),
    sa.Column("author", sa.String(OWNER_LENGTH), nullable=False),
    sa.Column("saved_at", UtcDateTime, nullable=False),
    sa.PrimaryKeyConstraint("brief_id", "revision"),
)
