"""Alembic's environment: migrations run on the connection `upgrade` passes in, inside the
caller's transaction (one transaction for all pending revisions)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from bot.store.schema import metadata

connection = context.config.attributes.get("connection")
if not isinstance(connection, Connection):  # pragma: no cover - misuse, not a runtime path
    raise TypeError("run migrations through bot.store.migrations.upgrade (needs a connection)")

context.configure(
    connection=connection,
    target_metadata=metadata,
    # SQLite alters tables by copying them; Alembic's batch mode does that for us.
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
