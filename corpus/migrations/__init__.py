"""The corpus's Alembic history: the document store, the entity registry and the jobs queue.

Migrations run in code when a store opens (``Store.open`` calls ``corpus.database``), never
through the ``alembic`` command. The corpus records its revision in its own version table, so
other packages storing tables in the same database (``annotations/``) keep an independent
history beside it, migrated after this one.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Connection

from corpus.database import Migrations

__all__ = ["MIGRATIONS", "VERSION_TABLE", "current_revision", "head_revision"]

VERSION_TABLE = "corpus_alembic_version"
MIGRATIONS = Migrations(Path(__file__).parent, VERSION_TABLE)


def head_revision() -> str:
    """The newest corpus revision this version of Dossier knows."""
    return MIGRATIONS.head()


def current_revision(connection: Connection) -> str | None:
    """The corpus revision the database is at; None for a database never migrated."""
    return MIGRATIONS.current(connection)
