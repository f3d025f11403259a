"""Versioned migrations: applied once, idempotent across restarts, data survives, a newer
step applies exactly once, failures roll back, a too-new database is refused; a version-1
database upgrades in place to the same schema a fresh one gets."""

from __future__ import annotations

from dataclasses import replace

import pytest
from conftest_store import NOW, later, make_entry
from sqlalchemy import Column, Connection, Integer, MetaData, Table, inspect, select

from bot.model import FeedState, NewAlert, NewNotice, TopicStatusRow
from bot.store import MIGRATIONS, Migration, SchemaTooNewError, Store, open_store, schema, schema_v1
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


def _write_v1_rows(url: str) -> int:
    """A version-1 database as the v1 bot left it; returns the entry id."""
    old = open_store(url, migrations=MIGRATIONS[:1])
    try:
        assert old.schema_version() == 1
        with old.engine.connect() as conn:  # a genuine v1 schema, not today's tables
            assert "cluster_id" not in {c["name"] for c in inspect(conn).get_columns("entries")}
            assert not inspect(conn).has_table("notices")
        sub = old.ensure_console_subscriber()
        old.add_watch(sub.id, "gas", now=NOW)
        old.save_feed_states([FeedState("https://a.example/", etag='"e1"', primed=True)])
        with old._write() as conn:
            entry_id = conn.execute(schema_v1.entries.insert().values(
                key="k1", feed_url="https://a.example/", feed="Alpha", title="Old story",
                link="https://a.example/1", summary="s", seen_at=NOW, topics=["gas"],
            ).returning(schema_v1.entries.c.id)).scalar_one()
            conn.execute(schema_v1.entry_keys.insert(), [
                {"key": "k1", "entry_id": entry_id}, {"key": "guid:1", "entry_id": entry_id}
            ])
            conn.execute(schema_v1.outbox.insert().values(
                subscriber_id=sub.id, entry_id=entry_id, why={"topics": ["gas"]},
                created_at=NOW, state="sent", next_attempt_at=NOW, sent_at=NOW, message_id=555,
            ))
        return int(entry_id)
    finally:
        old.close()


def _columns(store: Store) -> dict[str, set[str]]:
    with store.engine.connect() as conn:
        found = inspect(conn)
        return {t: {c["name"] for c in found.get_columns(t)} for t in schema.metadata.tables}


def _indexes(store: Store) -> set[str]:
    with store.engine.connect() as conn:
        found = inspect(conn)
        return {ix["name"] or "" for t in schema.metadata.tables for ix in found.get_indexes(t)}


def test_version_1_database_upgrades_in_place(store_url: str) -> None:
    entry_id = _write_v1_rows(store_url)
    store = open_store(store_url)
    try:
        assert store.schema_version() == 2
        # Rows intact.
        assert store.known_keys(["k1", "guid:1"]) == {"k1", "guid:1"}
        old = store.get_entry(entry_id)
        assert old is not None and old.entry.title == "Old story" and old.cluster_id is None
        sub = store.ensure_console_subscriber()
        assert [w.query for w in store.list_watches(sub.id)] == ["gas"]
        assert store.get_feed_states(["https://a.example/"])["https://a.example/"].etag == '"e1"'
        assert (store.stats().outbox_sent, store.pending_count()) == (1, 0)
        # New columns and tables usable.
        new = replace(make_entry(2), cluster_id=entry_id)
        result = store.commit_poll(
            FeedState("https://b.example/"), [new], [NewAlert("k2", sub.id)], now=later(1),
            notices=[NewNotice(sub.id, "digest:s1", "digest")],
            topic_updates=[TopicStatusRow("gas", "signed", NOW)],
        )
        (item,) = store.claim_due(later(1), 10)  # the v1 row has no story: a row of its own
        assert item.id in result.outbox_ids and item.cluster_id == entry_id
        assert [n.key for n in store.claim_notices(later(1), 10)] == ["digest:s1"]
        assert store.topic_statuses()["gas"].status == "signed"
    finally:
        store.close()


@pytest.mark.parametrize("history", ["fresh", "from-v1"])
def test_schema_matches_the_definitions(store_url: str, history: str) -> None:
    if history == "from-v1":
        _write_v1_rows(store_url)
    store = open_store(store_url)
    try:
        assert _columns(store) == {
            name: {c.name for c in table.c} for name, table in schema.metadata.tables.items()
        }
        defined = {ix.name for t in schema.metadata.tables.values() for ix in t.indexes}
        assert defined <= _indexes(store)
    finally:
        store.close()
