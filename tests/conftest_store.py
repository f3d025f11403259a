"""Pytest plugin for the store tests: the `db` fixture (a fresh, migrated Store) over SQLite,
and over PostgreSQL too when BOT_TEST_DATABASE_URL is set; plus small data factories.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, make_url, text

from bot.model import Entry, Status
from bot.store import NewEntry, Store, open_store
from bot.store.db import create_engine_for

PG_URL_ENV = "BOT_TEST_DATABASE_URL"
NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
BACKENDS = ["sqlite"] + (["postgres"] if os.environ.get(PG_URL_ENV) else [])


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[Engine]:
    engine = create_engine_for(os.environ[PG_URL_ENV]).execution_options(
        isolation_level="AUTOCOMMIT"
    )
    yield engine
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL to an empty database: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'data' / 'store.db'}"
        return
    admin: Engine = request.getfixturevalue("pg_admin")
    schema = f"t_{uuid.uuid4().hex[:16]}"
    with admin.connect() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    # Left as given (e.g. plain postgresql://): open_store must pick the driver itself.
    url = make_url(os.environ[PG_URL_ENV])
    url = url.update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))


@pytest.fixture
def db(store_url: str) -> Iterator[Store]:
    """A migrated store on an empty database, closed after the test."""
    store = open_store(store_url)
    try:
        yield store
    finally:
        store.close()


def make_entry(
    n: int | str,
    *,
    feed_url: str = "https://news.example/rss",
    keys: tuple[str, ...] = (),
    status: Status | None = None,
    topics: tuple[str, ...] = (),
    published: datetime | None = NOW,
) -> NewEntry:
    """A NewEntry with primary key `k<n>`, plus `keys` as further identity keys."""
    entry = Entry(
        feed="Example News",
        feed_url=feed_url,
        title=f"Minsk and Moscow sign protocol number {n}",
        link=f"https://news.example/item/{n}",
        summary=f"The sides agreed on item {n}.",
        published=published,
        guid=f"guid-{n}",
        lang="en",
    )
    return NewEntry(key=f"k{n}", keys=keys, entry=entry, status=status, topics=topics)


def later(minutes: float) -> datetime:
    return NOW + timedelta(minutes=minutes)
