"""Versioned schema migrations, applied in order at start; each runs at most once.

To change the schema, append a step to MIGRATIONS (never edit an applied one).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, Index, Table, inspect, select
from sqlalchemy.schema import CreateColumn

from bot.store import schema, schema_v1
from bot.store.db import lock_for_migration, write_tx
from bot.store.errors import SchemaTooNewError


@dataclass(frozen=True, slots=True)
class Migration:
    """One schema step; `apply` runs inside the transaction that records its version."""

    version: int
    name: str
    apply: Callable[[Connection], None]


def create_tables(conn: Connection, *tables: Table) -> None:
    """Create each table (and its indexes) unless it already exists."""
    for table in tables:
        table.create(conn, checkfirst=True)


def add_column(conn: Connection, table: Table, column_name: str) -> None:
    """ALTER TABLE ADD COLUMN as defined in `schema.py`, unless the column is present.

    A later step adding a column to an existing table updates `schema.py` and calls this;
    on a fresh database the earlier `create_tables` already made it, so this is a no-op.
    """
    present = {c["name"] for c in inspect(conn).get_columns(table.name)}
    if column_name in present:
        return
    spec = CreateColumn(table.c[column_name]).compile(dialect=conn.dialect)
    name = conn.dialect.identifier_preparer.format_table(table)
    conn.exec_driver_sql(f"ALTER TABLE {name} ADD COLUMN {spec}")


def create_indexes(conn: Connection, *indexes: Index) -> None:
    """Create each index unless it already exists (indexes added to existing tables)."""
    for index in indexes:
        index.create(conn, checkfirst=True)


def _index(table: Table, name: str) -> Index:
    return next(ix for ix in table.indexes if ix.name == name)


def _v1_initial(conn: Connection) -> None:
    create_tables(conn, *schema_v1.V1_TABLES)


def _v2_summit_day(conn: Connection) -> None:
    add_column(conn, schema.entries, "cluster_id")
    for column in ("cluster_id", "revision", "claimed_revision"):
        add_column(conn, schema.outbox, column)
    create_indexes(
        conn,
        _index(schema.entries, "ix_entries_cluster_id"),
        _index(schema.outbox, "ix_outbox_subscriber_cluster"),
    )
    create_tables(conn, *schema.V2_TABLES)


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial tables", _v1_initial),
    Migration(2, "summit-day mode: story clusters, notices, topic status, event overrides",
              _v2_summit_day),
)


def current_version(conn: Connection) -> int:
    """The highest applied version, 0 for an empty database."""
    if not inspect(conn).has_table(schema.schema_version.name):
        return 0
    found = conn.execute(select(schema.schema_version.c.version)).scalars().all()
    return max(found, default=0)


def migrate(
    engine: Engine,
    migrations: Sequence[Migration] = MIGRATIONS,
    *,
    now: datetime | None = None,
) -> int:
    """Apply every step newer than the database, one transaction per step; return the version."""
    _check_order(migrations)
    applied_at = now or datetime.now(UTC)
    with write_tx(engine) as conn:
        lock_for_migration(conn)
        create_tables(conn, schema.schema_version)
        version = current_version(conn)
    known = migrations[-1].version if migrations else 0
    if version > known:
        raise SchemaTooNewError(f"database schema v{version} is newer than this bot (v{known})")
    for step in migrations:
        if step.version <= version:
            continue
        with write_tx(engine) as conn:
            lock_for_migration(conn)
            # Another process may have applied it since we looked.
            if current_version(conn) >= step.version:
                continue
            step.apply(conn)
            conn.execute(
                schema.schema_version.insert().values(
                    version=step.version, name=step.name, applied_at=applied_at
                )
            )
        version = step.version
    return version


def _check_order(migrations: Sequence[Migration]) -> None:
    versions = [m.version for m in migrations]
    if versions != list(range(1, len(versions) + 1)):
        raise ValueError(f"migration versions must be 1..n in order, got {versions}")
