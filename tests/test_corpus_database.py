"""The database plumbing every store shares (``corpus/database.py``): a second package's
migration history beside the corpus's, as the annotation store will have, on SQLite and
PostgreSQL; and what importing the corpus costs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from corpus.database import Migrations, migrate, open_engine, transaction
from corpus.errors import StoreUnavailable
from corpus.migrations import MIGRATIONS
from corpus.model import DocumentDraft
from corpus.store import Store

NOTES_MIGRATION = '''
"""Create notes on documents.

Revision ID: n001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "n001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("document_id", sa.String(200), sa.ForeignKey("documents.id"), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("notes")
'''


@pytest.fixture
def notes(tmp_path: Path) -> Migrations:
    """A package's own history, as ``annotations/migrations`` will be: tables that refer to
    the corpus's, recorded in their own version table."""
    folder = tmp_path / "notes_migrations"
    (folder / "versions").mkdir(parents=True)
    (folder / "env.py").write_text(
        "from corpus.database import run_environment\n\nrun_environment()\n"
    )
    (folder / "versions" / "n001_notes.py").write_text(NOTES_MIGRATION)
    return Migrations(folder, "notes_alembic_version")


def test_a_second_history_migrates_after_the_corpus_in_its_own_version_table(
    store_url: str, notes: Migrations
) -> None:
    with Store(open_engine(store_url, MIGRATIONS, notes)) as store:
        with store.connect() as conn:
            assert MIGRATIONS.current(conn) == MIGRATIONS.head()
            assert notes.current(conn) == "n001"
        store.put(DocumentDraft("A text.", id="a"))
        with transaction(store.engine, write=True) as conn:
            conn.execute(sa.text("INSERT INTO notes (id, document_id, body) VALUES (1, 'a', 'x')"))
        with pytest.raises(sa.exc.IntegrityError), transaction(store.engine, write=True) as conn:
            conn.execute(sa.text("INSERT INTO notes VALUES (2, 'nowhere', 'x')"))


def test_a_failing_database_is_store_unavailable_naming_it(tmp_path: Path) -> None:
    engine = open_engine(f"sqlite:///{tmp_path / 'dossier.db'}", MIGRATIONS)
    (tmp_path / "dossier.db").unlink()
    (tmp_path / "dossier.db").mkdir()  # the file is gone and cannot come back
    engine.dispose()
    with pytest.raises(StoreUnavailable, match=r"The database sqlite:///.*dossier\.db failed"):
        with transaction(engine) as conn:
            conn.execute(sa.text("SELECT 1"))


def test_a_store_opened_first_gets_the_second_history_added_to_its_database(
    store_url: str, notes: Migrations
) -> None:
    with Store.open(store_url) as store:
        store.put(DocumentDraft("A text.", id="a"))
        migrate(store.engine, notes)
        migrate(store.engine, notes)  # at head already: nothing to do
        with store.connect(write=True) as conn:
            conn.execute(sa.text("INSERT INTO notes (id, document_id, body) VALUES (1, 'a', 'x')"))
        with store.connect() as conn:
            assert conn.execute(sa.text("SELECT body FROM notes")).scalar_one() == "x"
            assert notes.current(conn) == "n001"


def test_a_history_newer_than_the_code_is_refused_with_advice(
    database_url: str, notes: Migrations
) -> None:
    with Store.open(database_url) as store:
        migrate(store.engine, notes)
        with store.connect(write=True) as conn:
            conn.execute(sa.text("UPDATE notes_alembic_version SET version_num = 'n999'"))
        with pytest.raises(StoreUnavailable, match="upgrade Dossier"):
            migrate(store.engine, notes)


def test_importing_the_corpus_does_not_load_alembic() -> None:
    code = "import sys, corpus; print('alembic' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
