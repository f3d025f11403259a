"""Alembic migrations on SQLite and PostgreSQL: a fresh database reaches the head revision
and matches schema.py; a database the shipped bot made with its hand-written migrations
(schema v2, tests/fixtures/legacy) is recognised, stamped and upgraded to exactly the
schema a fresh one gets, its rows intact; what cannot be upgraded is refused clearly.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from conftest_store import NOW, later, make_entry, plan_of
from sqlalchemy import Engine, inspect, text

from bot.model import FeedState, NewAlert
from bot.store import SchemaTooNewError, StoreError, open_store
from bot.store.db import create_engine_for
from bot.store.migrations import head_revision, upgrade
from bot.store.schema import metadata

LEGACY = Path(__file__).parent / "fixtures" / "legacy"
# Statements (split at "|") that leave a hand-written-migrations record of version {0}.
LEGACY_VERSION = ("CREATE TABLE schema_version (version INTEGER)"
                  "|INSERT INTO schema_version VALUES ({0})|DROP TABLE alembic_version")


def load_sql(engine: Engine, path: Path) -> None:
    """Run a dump's statements (comments dropped) in one transaction."""
    body = "\n".join(l for l in path.read_text().splitlines() if not l.startswith("--"))
    with engine.begin() as conn:
        for statement in body.split(";\n"):
            if statement.strip():
                conn.exec_driver_sql(statement.strip().rstrip(";"))


def legacy_database(url: str) -> None:
    """The schema the shipped bot (hand-written migrations, v2) created, with some rows."""
    engine = create_engine_for(url)
    try:
        load_sql(engine, LEGACY / f"schema_v2.{engine.dialect.name}.sql")
        with engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO feeds (url, etag, failures, last_status, primed, entries_total) "
                "VALUES ('https://a.example/', '\"e1\"', 2, '503', true, 1)"))
            conn.execute(text(
                "INSERT INTO subscribers (chat_id, thread_id, kind, lang, active, created_at, "
                "updated_at) VALUES (42, 0, 'private', 'ru', true, :t, :t)"), {"t": NOW})
    finally:
        engine.dispose()


def shape(engine: Engine) -> dict[str, Any]:
    """Everything about the schema but column order: what 'the same schema' means here."""
    found = inspect(engine)
    out: dict[str, Any] = {}
    for table in sorted(found.get_table_names()):
        cols = {c["name"]: (str(c["type"]), c["nullable"]) for c in found.get_columns(table)}
        out[table] = {
            "columns": cols,
            "pk": sorted(found.get_pk_constraint(table)["constrained_columns"]),
            "fks": sorted((tuple(f["constrained_columns"]), f["referred_table"],
                           (f.get("options") or {}).get("ondelete")) for f in found.get_foreign_keys(table)),
            "unique": sorted(tuple(u["column_names"]) for u in found.get_unique_constraints(table)),
            "indexes": sorted((i["name"], tuple(i["column_names"]), bool(i["unique"]))
                              for i in found.get_indexes(table)),
        }
    return out


def test_fresh_database_is_at_head_and_matches_schema_py(store_url: str) -> None:
    store = open_store(store_url)
    try:
        assert store.schema_revision() == head_revision()
        with store.engine.connect() as conn:
            diffs = compare_metadata(MigrationContext.configure(conn), metadata)
        assert diffs == []  # schema.py and the revisions agree
    finally:
        store.close()


def test_legacy_database_is_stamped_and_upgraded_to_the_fresh_schema(
    new_store_url: Callable[[], str],
) -> None:
    store_url = new_store_url()
    legacy_database(store_url)
    store = open_store(store_url)
    try:
        assert store.schema_revision() == head_revision()
        state = store.get_feed_states(["https://a.example/"])["https://a.example/"]
        assert (state.etag, state.failures, state.last_http_status) == ('"e1"', 2, "503")
        sub = store.find_subscriber(42)
        assert sub is not None and sub.lang == "ru"
        result = store.commit_poll(FeedState("https://a.example/"), [make_entry(1)], now=later(1), plan=plan_of(alerts=[NewAlert("k1", sub.id)]))
        assert len(result.outbox_ids) == 1
        upgraded = shape(store.engine)
    finally:
        store.close()
    fresh = open_store(new_store_url())
    try:
        assert shape(fresh.engine) == upgraded
    finally:
        fresh.close()


def test_restart_is_idempotent(store_url: str) -> None:
    for _ in range(2):
        store = open_store(store_url)
        store.commit_poll(FeedState("https://a.example/"), [make_entry(1)], now=NOW)
        assert store.schema_revision() == head_revision()
        assert store.known_keys(["k1"]) == {"k1"}
        store.close()


@pytest.mark.parametrize(
    ("setup", "error", "says"),
    [
        ("UPDATE alembic_version SET version_num = 'f00dcafe'", SchemaTooNewError, "newer"),
        (LEGACY_VERSION.format(1), StoreError, "pre-release"),
        (LEGACY_VERSION.format(3), SchemaTooNewError, "newer"),
        ("DROP TABLE alembic_version", StoreError, "no schema version"),
    ],
    ids=["unknown-revision", "legacy-v1", "legacy-v3", "tables-without-version"],
)
def test_databases_it_cannot_upgrade_are_refused(
    store_url: str, setup: str, error: type[Exception], says: str,
) -> None:
    open_store(store_url).close()
    engine = create_engine_for(store_url)
    with engine.begin() as conn:
        for statement in setup.split("|"):
            conn.execute(text(statement))
    engine.dispose()
    with pytest.raises(error, match=says):
        open_store(store_url)


def test_concurrent_starts_upgrade_once(store_url: str) -> None:
    """Two processes starting together: the migration lock makes one wait for the other."""
    engines = [create_engine_for(store_url) for _ in range(3)]
    errors: list[BaseException] = []

    def start(engine: Engine) -> None:
        try:
            upgrade(engine)
        except BaseException as err:  # noqa: BLE001 - reported below
            errors.append(err)

    threads = [threading.Thread(target=start, args=(e,)) for e in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    for engine in engines:
        engine.dispose()
    assert errors == []
    store = open_store(store_url)
    assert store.schema_revision() == head_revision()
    store.close()
