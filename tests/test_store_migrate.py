"""Versioned migrations: applied once, idempotent across restarts, data survives, a newer
step applies exactly once, failures roll back, a too-new database is refused."""

from __future__ import annotations

import pytest
from conftest_store import NOW, make_entry
from sqlalchemy import Column, Connection, Integer, MetaData, Table, inspect, select

from bot.store import MIGRATIONS, FeedState, Migration, SchemaTooNewError, open_store
from bot.store.migrate import add_column, create_tables
from bot.store.schema import schema_version


def _versions(url: str) -> list[int]:
    store = open_store(url)
    try:
        with store.engine.connect() as conn:
            return list(conn.execute(select(schema_version.c.version)).scalars())
    finally:
        store.close()


def test_fresh_database_gets_every_step(store_url: str) -> None:
    assert _versions(store_url) == [m.version for m in MIGRATIONS]


def test_restart_keeps_data_and_version(store_url: str) -> None:
    store = open_store(store_url)
    sub = store.ensure_console_subscriber()
    store.commit_poll(FeedState("https://a.example/"), [make_entry(1)], [], now=NOW)
    store.add_watch(sub.id, "gas", now=NOW)
    version = store.schema_version()
    store.close()
    reopened = open_store(store_url)
    try:
        assert reopened.schema_version() == version == len(MIGRATIONS)
        assert reopened.known_keys(["k1"]) == {"k1"}
        assert [w.query for w in reopened.list_watches(sub.id)] == ["gas"]
        assert reopened.ensure_console_subscriber().id == sub.id
    finally:
        reopened.close()
    assert _versions(store_url) == [m.version for m in MIGRATIONS]  # no step re-recorded


def _reminders_step(calls: list[int]) -> Migration:
    reminders = Table("reminders_sent", MetaData(), Column("id", Integer, primary_key=True))

    def apply(conn: Connection) -> None:
        calls.append(1)
        create_tables(conn, reminders)

    return Migration(len(MIGRATIONS) + 1, "reminders", apply)


def test_newer_migration_applies_once(store_url: str) -> None:
    open_store(store_url).close()  # an existing database at the current version
    calls: list[int] = []
    newer = (*MIGRATIONS, _reminders_step(calls))
    for _ in range(3):
        store = open_store(store_url, migrations=newer)
        assert store.schema_version() == len(newer)
        with store.engine.connect() as conn:
            assert inspect(conn).has_table("reminders_sent")
        store.close()
    assert calls == [1]


def test_failing_migration_rolls_back_and_retries(store_url: str) -> None:
    open_store(store_url).close()
    extra = Table("extra", MetaData(), Column("id", Integer, primary_key=True))

    def broken(conn: Connection) -> None:
        create_tables(conn, extra)
        raise RuntimeError("half-way")

    steps = (*MIGRATIONS, Migration(len(MIGRATIONS) + 1, "broken", broken))
    with pytest.raises(RuntimeError):
        open_store(store_url, migrations=steps)
    store = open_store(store_url)
    try:
        assert store.schema_version() == len(MIGRATIONS)
        with store.engine.connect() as conn:
            assert not inspect(conn).has_table("extra")  # the DDL was rolled back too
    finally:
        store.close()


def test_add_column_is_idempotent(store_url: str) -> None:
    store = open_store(store_url)
    try:
        table = Table("feeds", MetaData(), Column("url", Integer), Column("weight", Integer))
        for _ in range(2):
            with store._write() as conn:
                add_column(conn, table, "weight")
        with store.engine.connect() as conn:
            names = [c["name"] for c in inspect(conn).get_columns("feeds")]
        assert names.count("weight") == 1
    finally:
        store.close()


def test_database_newer_than_code_is_refused(store_url: str) -> None:
    calls: list[int] = []
    open_store(store_url, migrations=(*MIGRATIONS, _reminders_step(calls))).close()
    with pytest.raises(SchemaTooNewError):
        open_store(store_url)


@pytest.mark.parametrize(
    "versions", [(2,), (1, 3), (1, 1)], ids=["starts-at-2", "gap", "repeat"]
)
def test_misordered_migrations_are_rejected(store_url: str, versions: tuple[int, ...]) -> None:
    steps = [Migration(v, f"v{v}", lambda conn: None) for v in versions]
    with pytest.raises(ValueError, match="1..n"):
        open_store(store_url, migrations=steps)
