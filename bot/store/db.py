"""Engine creation and every SQL-dialect specific of the store (SQLite and PostgreSQL):
URL normalisation, SQLite pragmas and BEGIN modes, UTC datetimes, insert-or-ignore, upsert.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, DateTime, Dialect, Engine, Table, create_engine, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import StaticPool
from sqlalchemy.sql.dml import Insert
from sqlalchemy.types import TypeDecorator

DEFAULT_URL = "sqlite:///./data/summit-watch.db"
SQLITE_BUSY_TIMEOUT_MS = 10_000
# Execution option read by the SQLite "begin" hook: writers take the write lock up front
# so two writers never deadlock upgrading a read snapshot (SQLITE_BUSY without waiting).
_BEGIN_OPTION = "summit_begin"
# First key of the two-key advisory locks a job takes to run once across replicas.
ONCE_NAMESPACE = 53_000


def normalise_url(url: str) -> URL:
    """Parse `url`; plain `postgresql://`/`postgres://` URLs get the psycopg 3 driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def create_engine_for(url: str = DEFAULT_URL) -> Engine:
    """An engine for `url`, configured for its dialect (see module docstring)."""
    parsed = normalise_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(parsed)
    if backend == "postgresql":
        return create_engine(parsed, pool_pre_ping=True)
    raise ValueError(f"unsupported database URL scheme: {parsed.drivername!r}")


def _sqlite_engine(url: URL) -> Engine:
    database = url.database or ""
    memory = database in ("", ":memory:") or database.startswith("file::memory:")
    if memory:
        # One shared connection, or every pooled connection would see its own empty DB.
        engine = create_engine(
            url, poolclass=StaticPool, connect_args={"check_same_thread": False}
        )
    else:
        Path(database).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
    _install_sqlite_hooks(engine, wal=not memory)
    return engine


def _install_sqlite_hooks(engine: Engine, *, wal: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take BEGIN away from the sqlite3 module (it skips it before DDL and SELECT);
        # the "begin" hook below emits it, so every transaction is a real one.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        if wal:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get(_BEGIN_OPTION, "")
        conn.exec_driver_sql(f"BEGIN {mode}".strip())


@contextmanager
def write_tx(engine: Engine) -> Iterator[Connection]:
    """A connection in a write transaction; commits on success, rolls back on error."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            conn = conn.execution_options(**{_BEGIN_OPTION: "IMMEDIATE"})
        with conn.begin():
            yield conn


@contextmanager
def read_tx(engine: Engine) -> Iterator[Connection]:
    """A connection in a read transaction: one consistent snapshot for all its queries."""
    with engine.connect() as conn, conn.begin():
        yield conn


def lock_for_migration(conn: Connection) -> None:
    """Serialise concurrent migrators; SQLite already holds its write lock (IMMEDIATE)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(7411020315)"))


def lock_keys(conn: Connection, namespace: int, keys: Sequence[int]) -> None:
    """Transaction-scoped locks on (namespace, key) pairs, taken in key order so two
    writers never deadlock; SQLite already serialises writers (BEGIN IMMEDIATE)."""
    if conn.dialect.name != "postgresql":
        return
    # The two-key form takes int4s (the one-key form above is int8, a separate key space).
    lock = text("SELECT pg_advisory_xact_lock(CAST(:namespace AS integer), CAST(:key AS integer))")
    for key in sorted(set(keys)):
        conn.execute(lock, {"namespace": namespace, "key": key})


def _insert(table: Table, conn: Connection) -> Any:
    return _insert_for(table, conn.dialect.name)


def _insert_for(table: Table, name: str) -> Any:
    if name == "sqlite":
        return sqlite.insert(table)
    if name == "postgresql":
        return postgresql.insert(table)
    raise ValueError(f"unsupported dialect {name!r}")


def insert_ignore(conn: Connection, table: Table, conflict: Sequence[str]) -> Insert:
    """INSERT ... ON CONFLICT (conflict) DO NOTHING, for `.values()` or executemany.

    Add `.returning(...)`: a row comes back only when the insert took.
    """
    return insert_ignore_for(table, conn.dialect.name, tuple(conflict))


@functools.cache
def insert_ignore_for(table: Table, dialect: str, conflict: tuple[str, ...]) -> Insert:
    # Built once: a statement object reused keeps its memoised cache key, so executing it
    # skips construction and cache-key generation (per feed, on the first cycle's path).
    result: Insert = _insert_for(table, dialect).on_conflict_do_nothing(
        index_elements=list(conflict))
    return result


def upsert(
    conn: Connection,
    table: Table,
    values: Mapping[str, Any],
    conflict: Sequence[str],
    update: Sequence[str],
    also_set: Mapping[str, Any] | None = None,
) -> Insert:
    """INSERT ... ON CONFLICT (conflict) DO UPDATE: each `update` column takes its new
    value, and each `also_set` column its given expression (e.g. `col + 1`)."""
    stmt = _insert(table, conn).values(dict(values))
    set_ = {col: stmt.excluded[col] for col in update}
    set_.update(also_set or {})
    result: Insert = stmt.on_conflict_do_update(index_elements=list(conflict), set_=set_)
    return result


def upsert_where(
    conn: Connection,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    conflict: Sequence[str],
    update: Sequence[str],
    where: Any,
) -> Insert:
    """INSERT ... ON CONFLICT (conflict) DO UPDATE ... WHERE `where` (read against the
    stored row): a conflicting row is updated only when `where` holds. Add
    `.returning(...)`: rows come back only when inserted or updated."""
    stmt = _insert(table, conn).values([dict(r) for r in rows])
    result: Insert = stmt.on_conflict_do_update(
        index_elements=list(conflict), set_={col: stmt.excluded[col] for col in update},
        where=where)
    return result


def lock_named(conn: Connection, name: str) -> None:
    """PostgreSQL: wait for a transaction-scoped advisory lock on `name` (in this schema),
    so writers that read then rewrite a whole table take turns; SQLite already does."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(CAST(:ns AS integer), "
                          "hashtext(current_schema() || ':' || :name))"),
                     {"ns": ONCE_NAMESPACE, "name": name})


def try_lock_once(conn: Connection, name: str) -> bool:
    """PostgreSQL: a transaction-scoped advisory lock on `name` (in this schema) if no
    other transaction holds it, else False at once; SQLite serialises writers: True."""
    if conn.dialect.name != "postgresql":
        return True
    stmt = text("SELECT pg_try_advisory_xact_lock(CAST(:ns AS integer), "
                "hashtext(current_schema() || ':' || :name))")
    return bool(conn.execute(stmt, {"ns": ONCE_NAMESPACE, "name": name}).scalar())


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every dialect; naive datetimes are refused.

    PostgreSQL stores `timestamptz`; SQLite stores naive UTC text, which sorts correctly.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime given to the store: {value!r}")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(
        self, value: datetime | None, dialect: Dialect
    ) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def redact_url(url: str) -> str:
    """The database URL with its password hidden, for logs and error messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a URL too broken to parse still gets named
        return "(unparseable database URL)"
