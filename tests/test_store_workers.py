"""Workers: one process per SQLite file, heartbeats, and a dead worker's claims due again at
once (not after the lease), on SQLite and PostgreSQL; a live worker's claims are never taken."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from conftest_store import NOW, later, make_entry, plan_of

from bot.model import FeedState, NewAlert, NewNotice
from bot.store import DatabaseBusy, Store, open_store
from bot.store.workers import STALE_AFTER

FEED = FeedState("https://news.example/rss")


def queue_work(db: Store, alerts: int = 3) -> None:
    """`alerts` alerts and one notice for the console chat, due at NOW."""
    sub = db.ensure_console_subscriber()
    db.commit_poll(FEED, [make_entry(n) for n in range(alerts)], now=NOW,
                   plan=plan_of(alerts=[NewAlert(f"k{n}", sub.id) for n in range(alerts)],
                                notices=[NewNotice(sub.id, "reminder:1", "reminder", {})]))


def claimed_by(store: Store, at: timedelta = timedelta(0)) -> tuple[int, int]:
    """(alerts, notices) `store` can claim at NOW + `at`."""
    return len(store.claim_due(NOW + at, 100)), len(store.claim_notices(NOW + at, 100))


@pytest.fixture
def two(new_store_url: Callable[[], str]) -> tuple[Store, Store]:
    """Two workers on one database, as two replicas would be."""
    url = new_store_url()
    a, b = open_store(url), open_store(url)
    a.register_worker(NOW)
    b.register_worker(NOW)
    yield a, b  # type: ignore[misc]
    a.close()
    b.close()


def test_a_live_workers_claims_are_left_alone(two: tuple[Store, Store]) -> None:
    a, b = two
    queue_work(a)
    assert claimed_by(a) == (3, 1)
    b.heartbeat(later(0.4))
    a.heartbeat(later(0.4))
    assert b.release_orphans(later(0.5)) == 0
    assert claimed_by(b, timedelta(minutes=0.5)) == (0, 0), "leased to a, which is alive"


def test_a_silent_workers_claims_are_due_at_once(two: tuple[Store, Store]) -> None:
    a, b = two
    queue_work(a)
    assert claimed_by(a) == (3, 1)
    silent = NOW + STALE_AFTER + timedelta(seconds=1)
    b.heartbeat(silent)
    assert b.release_orphans(silent) == 4
    assert claimed_by(b, STALE_AFTER + timedelta(seconds=1)) == (3, 1), "well before the lease"


def test_a_clean_stop_releases_its_claims(two: tuple[Store, Store]) -> None:
    a, b = two
    queue_work(a)
    assert claimed_by(a) == (3, 1)
    assert a.retire_worker(later(0.1)) == 4
    assert claimed_by(b, timedelta(minutes=0.1)) == (3, 1)


def test_alone_releases_every_other_workers_claims(two: tuple[Store, Store]) -> None:
    """After a restart on SQLite, the process holding the file knows the others are dead."""
    a, b = two
    queue_work(a)
    assert claimed_by(a) == (3, 1)
    assert b.release_orphans(later(0.1), alone=True) == 4
    assert claimed_by(b, timedelta(minutes=0.1)) == (3, 1)


def test_settled_and_retried_rows_are_not_touched(two: tuple[Store, Store]) -> None:
    a, b = two
    queue_work(a)
    first, second, _ = a.claim_due(NOW, 100)
    a.mark_sent(first.id, NOW, 11)
    a.mark_retry(second.id, later(10), "flood wait")
    assert b.release_orphans(later(0.1), alone=True) == 1  # the third alert only
    assert [i.id for i in b.claim_due(later(0.1), 100)] == [first.id + 2]


def test_a_worker_taken_for_dead_joins_again_at_its_next_beat(two: tuple[Store, Store]) -> None:
    a, b = two
    b.release_orphans(NOW + STALE_AFTER * 2)  # a's row goes
    a.heartbeat(NOW + STALE_AFTER * 2)
    queue_work(a)
    assert claimed_by(a, STALE_AFTER * 2) == (3, 1)
    assert b.release_orphans(NOW + STALE_AFTER * 2) == 0


# ---------------------------------------------------------------- one process per SQLite file

def test_a_second_holder_of_a_sqlite_file_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    first, second = open_store(url), open_store(url)
    try:
        assert first.hold_database() and first.exclusive
        with pytest.raises(DatabaseBusy, match=rf"another bot process \(pid {os.getpid()} on .+\) "
                                               r"is already running on .*bot\.db.*PostgreSQL"):
            second.hold_database()
        assert not second.exclusive
        first.close()
        assert second.hold_database(), "free again once the holder closed"
    finally:
        second.close()


def test_the_hold_dies_with_its_process(tmp_path: Path) -> None:
    """kill -9 leaves no stale lock: the OS drops it with the process."""
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    open_store(url).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", ("import sys, time; from bot.store import open_store; "
         f"s = open_store({url!r}); s.hold_database(); print('held', flush=True); time.sleep(60)")],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        store = open_store(url)
        with pytest.raises(DatabaseBusy):
            store.hold_database()
        holder.kill()
        holder.wait()
        assert store.hold_database()
        store.close()
    finally:
        holder.kill()


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"], ids=["default", "named"])
def test_in_memory_databases_are_never_held(url: str) -> None:
    store = open_store(url)
    assert store.hold_database() is False
    store.close()


def test_postgresql_is_never_held(new_store_url: Callable[[], str]) -> None:
    url = new_store_url()
    store = open_store(url)
    try:
        assert store.hold_database() is (store.dialect == "sqlite")
    finally:
        store.close()
