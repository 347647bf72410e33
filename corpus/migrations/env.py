"""Alembic environment: migrates the connection that ``corpus.migrations.upgrade`` passes in.

There is no offline (``--sql``) mode and no engine of its own: the store opens the connection,
starts the transaction and takes the writers' lock before Alembic runs.
"""

from __future__ import annotations

from alembic import context

from corpus.migrations import VERSION_TABLE

connection = context.config.attributes.get("connection")
if connection is None or context.is_offline_mode():
    raise RuntimeError(
        "corpus migrations run through corpus.store.Store.open(url), not the alembic command"
    )

context.configure(connection=connection, version_table=VERSION_TABLE, transactional_ddl=True)
with context.begin_transaction():
    context.run_migrations()
