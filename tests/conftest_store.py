"""Pytest plugin for the store tests: the `db` fixture (a fresh, migrated Store) over SQLite,
and over PostgreSQL too when BOT_TEST_DATABASE_URL is set; plus small data factories.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, make_url, select, text

from bot.model import Entry, FeedState, NewEntry, Status
from bot.model.routing import NoticeEdit, PollPlan
from bot.store import Store, open_store
from bot.store.db import create_engine_for, write_tx
from bot.store.entries import Planner
from bot.store.poll import edit_notice
from bot.store.schema import notices

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
def new_store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], str]]:
    """A factory of URLs to empty databases of one backend: SQLite files, or fresh
    PostgreSQL schemas (dropped after the test)."""
    schemas: list[str] = []

    def make() -> str:
        if request.param == "sqlite":
            return f"sqlite:///{tmp_path / 'data' / f'store{len(schemas)}.db'}"
        admin: Engine = request.getfixturevalue("pg_admin")
        schema = f"t_{uuid.uuid4().hex[:16]}"
        with admin.connect() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        schemas.append(schema)
        # Left as given (e.g. plain postgresql://): open_store must pick the driver itself.
        url = make_url(os.environ[PG_URL_ENV])
        url = url.update_query_dict({"options": f"-csearch_path={schema}"})
        return url.render_as_string(hide_password=False)

    yield make
    if schemas:
        admin = request.getfixturevalue("pg_admin")
        with admin.connect() as conn:
            for schema in schemas:
                conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))


@pytest.fixture
def store_url(new_store_url: Callable[[], str]) -> str:
    """A URL to an empty database: a SQLite file, or a fresh PostgreSQL schema."""
    return new_store_url()


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


def notice_keys(store: Store, subscriber_id: int, prefix: str = "") -> set[str]:
    """The notice keys a subscriber holds (any state) starting with `prefix`, read from
    the table: what the tests check, not a product query."""
    stmt = select(notices.c.key).where(notices.c.subscriber_id == subscriber_id)
    with store.engine.connect() as conn:
        return {k for k in conn.execute(stmt).scalars() if k.startswith(prefix)}


def reopen_notices(store: Store, key: str, payload: dict[str, Any], now: datetime,
                   subscriber_ids: Iterable[int]) -> int:
    """What a poll plan's notice edit does to these chats' copies, in its own transaction."""
    with write_tx(store.engine) as conn:
        return edit_notice(conn, NoticeEdit(key, frozenset(subscriber_ids), payload), now)


def plan_of(**parts: Any) -> Planner:
    """A planner that decides `parts` (PollPlan fields as lists) whatever it reads: for
    store tests, which check how a plan is written, not how routing makes one."""
    fixed = PollPlan(**{name: tuple(value) for name, value in parts.items()})
    return lambda view: fixed


def save_states(store: Store, *states: FeedState) -> None:
    """Feed states saved as the poll tick saves them (one batch)."""
    store.save_feed_states(list(states))
