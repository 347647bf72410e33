"""Database plumbing shared by every store: the engine, transactions, errors and migrations.

The document store, the entity registry, the jobs queue and (soon) the annotation store all
reach the database through here, so they share one set of engine settings and say the same
thing when the database fails:

- ``create_engine(url)``: SQLite with WAL, a busy timeout and ``BEGIN IMMEDIATE`` for writers
  (so ``seq`` order is commit order); PostgreSQL through psycopg 3 with a connect timeout.
- ``transaction(engine, write=...)``: one transaction; a failing database becomes
  ``StoreUnavailable`` naming the database and what to check.
- ``Migrations(folder, version_table)``: one package's Alembic history. Each package keeps its
  own folder and version table (``corpus/migrations`` and ``corpus_alembic_version``), so
  ``annotations/`` can migrate its tables independently. ``migrate(engine, migrations)`` runs
  one history to head; ``open_engine(url, *histories)`` runs them in order, so a history whose
  tables refer to another's (annotations to documents) comes after it. A package's ``env.py``
  is two lines: import ``run_environment`` and call it.

Alembic is imported only when a history is read or run, not by ``import corpus``.
"""

from __future__ import annotations

import contextlib
import functools
import sqlite3
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from corpus.errors import StoreUnavailable
from corpus.revisions import head_of

if TYPE_CHECKING:
    from alembic.config import Config

SQLITE_BUSY_TIMEOUT_MS = 30_000  # how long a writer waits for another writer's transaction
WRITE = {"dossier_write": True}  # execution options of a writing transaction
_PG_MIGRATION_LOCK = 0x646F7373  # advisory lock id: one migrating process at a time


class Connectable(Protocol):
    """What the queue and the stores' helpers take: anything that opens transactions
    (``Store``, ``EntityStore`` and the stores built on them)."""

    def connect(self, *, write: bool = False) -> AbstractContextManager[Connection]:
        """A connection in a transaction (a serialised writer's if ``write``)."""
        ...


@dataclass(frozen=True)
class Migrations:
    """One package's Alembic history: its folder (with ``env.py`` and ``versions/``) and the
    table that records the revision a database is at."""

    folder: Path
    version_table: str

    def head(self) -> str:
        """The newest revision of this history, read from the revision files' ``revision`` and
        ``down_revision`` lines: opening a store at head costs no Alembic import."""
        return _head(self)

    def current(self, connection: Connection) -> str | None:
        """The revision the database is at; None for a database never migrated."""
        if not sa.inspect(connection).has_table(self.version_table):
            return None
        table = sa.table(self.version_table, sa.column("version_num"))
        return connection.execute(sa.select(table.c.version_num)).scalar()

    def config(self, connection: Connection | None = None) -> Config:
        """The Alembic configuration that runs this history on ``connection``."""
        from alembic.config import Config

        config = Config()
        # Config values are %-interpolated: a literal % in the install path must be doubled.
        config.set_main_option("script_location", str(self.folder).replace("%", "%%"))
        config.attributes["connection"] = connection
        config.attributes["version_table"] = self.version_table
        return config


@functools.cache
def _head(migrations: Migrations) -> str:
    return head_of(migrations.folder)


def open_engine(url: str, *histories: Migrations, migrate_to_head: bool = True) -> Engine:
    """An engine on ``url`` with each history migrated to head, in the order given; or, when
    not ``migrate_to_head`` (commands that only read), checked to be at head already.

    Raises ``StoreUnavailable`` for an unusable URL or a database that cannot be migrated (or,
    when only reading, is not at head).
    """
    engine = create_engine(url)
    try:
        for migrations in histories:
            (migrate if migrate_to_head else check_head)(engine, migrations)
    except BaseException:
        engine.dispose()
        raise
    return engine


def check_head(engine: Engine, migrations: Migrations) -> None:
    """Raise ``StoreUnavailable`` unless the database is at the history's head: a command that
    only reads never migrates (nor imports Alembic)."""
    try:
        with engine.connect() as conn:
            current = migrations.current(conn)
    except sa.exc.DBAPIError as exc:
        raise StoreUnavailable(
            f"Cannot open the database {shown_url(engine)}: {exc.orig}. Check that it exists "
            "and that the server is running."
        ) from exc
    if current != migrations.head():
        raise StoreUnavailable(
            f"The database {shown_url(engine)} is at schema revision {current or 'none'}; this "
            f'Dossier needs {migrations.head()}. Run "dossier setup" to upgrade it.'
        )


def migrate(engine: Engine, migrations: Migrations) -> None:
    """Run one history to head under the writers' lock, unless it is there already (the
    common, quick case, which loads no Alembic). Raises ``StoreUnavailable`` naming the
    database."""
    shown = shown_url(engine)
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                _check_encoding(conn)
            if migrations.current(conn) == migrations.head():
                return
    except sa.exc.DBAPIError as exc:
        raise StoreUnavailable(
            f"Cannot open the database {shown}: {exc.orig}. Check that it exists, that its "
            "folder is writable and that the server is running."
        ) from exc
    _upgrade(engine, migrations)


def _upgrade(engine: Engine, migrations: Migrations) -> None:
    from alembic import command
    from alembic.util.exc import CommandError

    shown = shown_url(engine)
    try:
        with engine.execution_options(**WRITE).begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_PG_MIGRATION_LOCK)))
            command.upgrade(migrations.config(conn), "head")
    except sa.exc.DBAPIError as exc:
        raise StoreUnavailable(
            f"Cannot open the database {shown}: {exc.orig}. Check that it exists, that its "
            "folder is writable and that the server is running."
        ) from exc
    except CommandError as exc:
        raise StoreUnavailable(
            f"Cannot migrate the database {shown}: {exc}. If a newer Dossier wrote it, "
            "upgrade Dossier."
        ) from exc


def run_environment() -> None:
    """The body of a package's Alembic ``env.py``: migrate the connection ``migrate`` passes
    in, recording revisions in the history's own version table.

    There is no offline (``--sql``) mode and no engine of its own: ``migrate`` opens the
    connection, starts the transaction and takes the writers' lock before Alembic runs.
    """
    from alembic import context

    connection = context.config.attributes.get("connection")
    if connection is None or context.is_offline_mode():
        raise RuntimeError(
            "Dossier's migrations run when a store opens (corpus.database.migrate), not "
            "through the alembic command"
        )
    version_table = context.config.attributes["version_table"]
    context.configure(connection=connection, version_table=version_table, transactional_ddl=True)
    with context.begin_transaction():
        context.run_migrations()


@contextlib.contextmanager
def transaction(engine: Engine, *, write: bool = False) -> Iterator[Connection]:
    """A connection in a transaction, a serialised writer's if ``write``; a failing database
    becomes ``StoreUnavailable``."""
    try:
        with (engine.execution_options(**WRITE) if write else engine).begin() as conn:
            yield conn
    except sa.exc.OperationalError as exc:
        raise StoreUnavailable(
            f"The database {shown_url(engine)} failed: {exc.orig}. Check that it is running and "
            "reachable (and not locked by a stuck writer), then retry."
        ) from exc


def shown_url(engine: Engine) -> str:
    """The engine's database URL with any password hidden (for messages)."""
    return engine.url.render_as_string(hide_password=True)


def create_engine(url: str) -> Engine:
    """An engine with Dossier's settings (module docstring); raises ``StoreUnavailable`` for a
    URL that names no usable database."""
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


def _check_encoding(conn: Connection) -> None:
    """Texts hold any Unicode character: a LATIN1 or SQL_ASCII database would refuse some."""
    encoding = conn.exec_driver_sql("SHOW server_encoding").scalar()
    if encoding != "UTF8":
        name = conn.engine.url.database
        raise StoreUnavailable(
            f"The PostgreSQL database {name!r} uses the {encoding} encoding; Dossier needs UTF8. "
            f"Create it with: CREATE DATABASE ... ENCODING 'UTF8' TEMPLATE template0."
        )


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
