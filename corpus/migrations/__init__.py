"""How a database becomes a store: the engine settings and the Alembic migrations to head.

Migrations run in code from ``Store.open`` (no alembic.ini). The corpus keeps its own version
table, so other packages storing tables in the same database (``annotations/``) can keep an
independent migration history beside it.
"""

from __future__ import annotations

import functools
import sqlite3
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy.engine import Connection, Engine

from corpus.errors import StoreUnavailable

MIGRATIONS_DIR = Path(__file__).parent
VERSION_TABLE = "corpus_alembic_version"
SQLITE_BUSY_TIMEOUT_MS = 30_000  # how long a writer waits for another writer's transaction
WRITE = {"dossier_write": True}  # execution options of a writing transaction
_PG_MIGRATION_LOCK = 0x646F7373  # advisory lock id: one migrating process at a time


def open_engine(url: str) -> Engine:
    """An engine on ``url`` with its schema at head; raises ``StoreUnavailable``."""
    engine = _create_engine(url)
    shown = engine.url.render_as_string(hide_password=True)
    try:
        _upgrade(engine)
    except sa.exc.DBAPIError as exc:
        engine.dispose()
        raise StoreUnavailable(
            f"Cannot open the database {shown}: {exc.orig}. Check that it exists, that its "
            "folder is writable and that the server is running."
        ) from exc
    except CommandError as exc:
        engine.dispose()
        raise StoreUnavailable(
            f"Cannot migrate the database {shown}: {exc}. If a newer Dossier wrote it, "
            "upgrade Dossier."
        ) from exc
    except BaseException:
        engine.dispose()
        raise
    return engine


def _upgrade(engine: Engine) -> None:
    """Migrate to head under the writers' lock, unless already there (the common, quick case)."""
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            _check_encoding(conn)
        if current_revision(conn) == head_revision():
            return
    with engine.execution_options(**WRITE).begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_PG_MIGRATION_LOCK)))
        command.upgrade(_config(conn), "head")


def _check_encoding(conn: Connection) -> None:
    """Texts hold any Unicode character: a LATIN1 or SQL_ASCII database would refuse some."""
    encoding = conn.exec_driver_sql("SHOW server_encoding").scalar()
    if encoding != "UTF8":
        name = conn.engine.url.database
        raise StoreUnavailable(
            f"The PostgreSQL database {name!r} uses the {encoding} encoding; Dossier needs UTF8. "
            f"Create it with: CREATE DATABASE ... ENCODING 'UTF8' TEMPLATE template0."
        )


@functools.cache
def head_revision() -> str:
    """The newest revision this version of Dossier knows."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations found in {MIGRATIONS_DIR}")
    return head


def current_revision(connection: Connection) -> str | None:
    """The revision the database is at; None for a database the store has never migrated."""
    context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
    return context.get_current_revision()


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    # Config values are %-interpolated: a literal % in the install path must be doubled.
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


def _create_engine(url: str) -> Engine:
    try:
        parsed = sa.make_url(url)
        if parsed.drivername in ("postgresql", "postgres"):
            parsed = parsed.set(drivername="postgresql+psycopg")  # the one driver we install
        if parsed.get_backend_name() == "postgresql":
            args = {} if "connect_timeout" in parsed.query else {"connect_timeout": 10}
            return sa.create_engine(parsed, pool_pre_ping=True, connect_args=args)
        engine = sa.create_engine(parsed)
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError) as exc:
        raise StoreUnavailable(
            f"Cannot use the database URL {url!r}: {exc}. Use sqlite:///path/to/dossier.db "
            "or postgresql://user@host/dbname."
        ) from exc
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _on_sqlite_connect)
        sa.event.listen(engine, "begin", _on_sqlite_begin)
    return engine


def _on_sqlite_connect(dbapi_connection: Any, _record: object) -> None:
    """WAL + busy timeout: readers never block, writers queue (PERF-NOTES: 0 errors)."""
    dbapi_connection.isolation_level = None  # BEGIN is ours (_on_sqlite_begin), not sqlite3's
    dbapi_connection.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    _use_wal(dbapi_connection)
    for pragma in ("synchronous = FULL", "foreign_keys = ON"):
        dbapi_connection.execute(f"PRAGMA {pragma}")


def _use_wal(dbapi_connection: sqlite3.Connection) -> None:
    """Switch the file to WAL, waiting for other connections as long as a writer would.

    The switch needs the file to itself, and SQLite fails it at once ("database is locked")
    instead of calling the busy handler: two processes opening a new database together would
    see that error. The mode is kept in the file, so once switched this takes no lock.
    """
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            dbapi_connection.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY or time.monotonic() > deadline:
                raise
        time.sleep(0.01)


def _on_sqlite_begin(conn: Connection) -> None:
    """Writers take the write lock up front, so a reader never has to upgrade (SQLITE_BUSY)."""
    is_write = conn.get_execution_options().get("dossier_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if is_write else "BEGIN")
