"""Running bot processes (workers): one process only per SQLite file, registration and
heartbeat, and releasing what a dead worker had claimed, so its alerts go out now rather
than after their lease.
"""

from __future__ import annotations

import os
import socket
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO

from sqlalchemy import ColumnElement, Connection, and_, delete, insert, or_, select, update

from bot.store.base import StoreBase
from bot.store.chatholds import drop_holds, ease_holds
from bot.store.errors import StoreError
from bot.store.schema import feeds, notices, outbox, workers

try:
    import fcntl
except ImportError:  # not POSIX: no lock, as before
    fcntl = None  # type: ignore[assignment]

# A worker whose heartbeat is older than this is taken for dead (it beats every few seconds).
STALE_AFTER = timedelta(seconds=30)


class DatabaseBusy(StoreError):
    """Another process already runs the bot on this SQLite database."""


class WorkersRepo(StoreBase):
    """The `workers` table and the claims its rows hold."""

    _hold: IO[str] | None = None

    @property
    def exclusive(self) -> bool:
        """Does this process hold the database alone (SQLite, after `hold_database`)?"""
        return self._hold is not None

    def hold_database(self) -> bool:
        """SQLite: lock `<file>.lock` for as long as this process lives (the OS drops the
        lock even after kill -9), or raise DatabaseBusy naming the holder. SQLite allows
        one writer, and one bot process per file; replicas need PostgreSQL, where this
        does nothing and returns False."""
        database = self.engine.url.database or ""
        if self.dialect != "sqlite" or fcntl is None or database in ("", ":memory:") \
                or database.startswith("file:"):
            return False
        path = Path(database).expanduser().resolve().with_name(Path(database).name + ".lock")
        handle = path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            handle.close()
            raise DatabaseBusy(
                f"another bot process ({holder}) is already running on {database}; stop it "
                "first, or use PostgreSQL (BOT_DATABASE_URL=postgresql://...) to run "
                "several") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} on {socket.gethostname()}")
        handle.flush()
        self._hold = handle
        return True

    def release_database(self) -> None:
        if self._hold is not None:
            self._hold.close()  # closing the file drops the lock
            self._hold = None

    def close(self) -> None:
        self.release_database()
        super().close()

    def register_worker(self, now: datetime) -> str:
        """Join as a new worker; claims this store makes from now on are held in its name."""
        worker = uuid.uuid4().hex
        with self._write() as conn:
            conn.execute(insert(workers).values(id=worker, host=socket.gethostname()[:255],
                                                pid=os.getpid(), started_at=now,
                                                heartbeat_at=now))
        self.worker_id = worker
        return worker

    def heartbeat(self, now: datetime) -> None:
        """Still alive; a worker whose row was removed (taken for dead) joins again."""
        if self.worker_id is None:
            return
        with self._write() as conn:
            beat = update(workers).where(workers.c.id == self.worker_id).values(heartbeat_at=now)
            if conn.execute(beat).rowcount == 0:
                conn.execute(insert(workers).values(id=self.worker_id, host=socket.gethostname()[:255],
                                                    pid=os.getpid(), started_at=now,
                                                    heartbeat_at=now))

    def live_workers(self, now: datetime) -> list[tuple[str, str, int, datetime]]:
        """Workers whose heartbeat is fresh at `now`: (id, host, pid, heartbeat), oldest first."""
        c = workers.c
        stmt = (select(c.id, c.host, c.pid, c.heartbeat_at)
                .where(c.heartbeat_at >= now - STALE_AFTER).order_by(c.started_at, c.id))
        with self._read() as conn:
            return [(w, host, pid, beat) for w, host, pid, beat in conn.execute(stmt)]

    def worker_beats(self, host: str) -> list[datetime]:
        """The last heartbeat of each worker registered from `host`."""
        stmt = select(workers.c.heartbeat_at).where(workers.c.host == host[:255])
        with self._read() as conn:
            return list(conn.execute(stmt).scalars())

    def retire_worker(self, now: datetime) -> int:
        """A clean stop: leave the table and release whatever is still claimed in our name."""
        if self.worker_id is None:
            return 0
        with self._write() as conn:
            released = _release(conn, now, [self.worker_id])
            ease_holds(conn, self.worker_id, now)
            conn.execute(delete(workers).where(workers.c.id == self.worker_id))
        self.worker_id = None
        return released

    def release_orphans(self, now: datetime, *, alone: bool = False) -> int:
        """Make due again what dead workers had claimed (alerts, notices, feeds): those
        silent for STALE_AFTER, and every other worker when `alone` (this process holds the
        database exclusively, as with SQLite). Their rows leave the table. Returns the rows
        released."""
        with self._write() as conn:
            others = workers.c.id != (self.worker_id or "")
            dead = others if alone else and_(others, workers.c.heartbeat_at < now - STALE_AFTER)
            gone = list(conn.execute(select(workers.c.id).where(dead)).scalars())
            if gone:
                conn.execute(delete(workers).where(workers.c.id.in_(gone)))
                drop_holds(conn, gone, groups=alone)
            return _release(conn, now, gone, unknown=True)


def _release(conn: Connection, now: datetime, owners: list[str], *, unknown: bool = False) -> int:
    """Claims held by `owners` (and, if `unknown`, by workers with no row at all) due now,
    and their leases on feeds ended (the feeds are polled at their planned time)."""
    released = 0
    for table in (outbox, notices):
        held = _held_by(table.c.claimed_by, owners, unknown)
        stmt = (update(table)
                .where(table.c.state == "pending", table.c.claimed_by.is_not(None), held)
                .values(next_attempt_at=now, claimed_by=None))
        released += conn.execute(stmt).rowcount
    leases = (update(feeds)
              .where(feeds.c.leased_by.is_not(None), _held_by(feeds.c.leased_by, owners, unknown))
              .values(lease_until=None, leased_by=None))
    return released + conn.execute(leases).rowcount


def _held_by(column: ColumnElement[str], owners: list[str], unknown: bool) -> ColumnElement[bool]:
    held: ColumnElement[bool] = column.in_(owners)
    if unknown:
        held = or_(held, column.not_in(select(workers.c.id)))
    return held
