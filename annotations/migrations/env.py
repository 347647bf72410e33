"""Alembic environment of the annotations history: ``corpus.database.run_environment``
migrates the connection that ``corpus.database.migrate`` passes in."""

from __future__ import annotations

from corpus.database import run_environment

run_environment()
