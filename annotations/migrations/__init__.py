"""The annotations' Alembic history, kept apart from the corpus's in its own version table.

Its tables refer to ``documents``, so it always runs after the corpus history:
``AnnotationStore`` opens on a ``Store`` (whose opening migrated the corpus) and then runs
this one (``corpus.database.migrate``). A database that never had annotations gets them the
first time an annotation store opens on it; the corpus schema is never touched from here.
"""

from __future__ import annotations

from pathlib import Path

from corpus.database import Migrations

VERSION_TABLE = "annotations_alembic_version"
MIGRATIONS = Migrations(Path(__file__).parent, VERSION_TABLE)
