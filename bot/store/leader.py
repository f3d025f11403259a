"""Leadership among replicas: a PostgreSQL session advisory lock held on a dedicated
connection for the leader's life, so it ends with the process or its connection; who leads
is written to `meta` and checked against pg_locks. On SQLite the one process leads.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import zlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.pool import NullPool

from bot.store.db import upsert
from bot.store.schema import meta

log = logging.getLogger(__name__)

LOCK_NAMESPACE = 53_001  # first key of the two-key advisory lock; the second names the role
# libpq settings of the lock's connection: a dead peer (either side) is noticed within
# seconds, not after TCP's retransmission timeout of many minutes.
_LINK = {"connect_timeout": 5, "keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 2,
         "keepalives_count": 3, "tcp_user_timeout": 10_000}
# The server side of the same: PostgreSQL drops a vanished leader's session, and its lock.
_SESSION = ("SET statement_timeout = 5000", "SET tcp_keepalives_idle = 5",
            "SET tcp_keepalives_interval = 2", "SET tcp_keepalives_count = 3",
            "SET tcp_user_timeout = 10000")


@dataclass(frozen=True, slots=True)
class Leader:
    """Who leads a role, as written when the lock was taken."""

    worker: str
    host: str
    pid: int
    since: str
    alive: bool  # the lock is still held by that session (always True on SQLite)


class LeaderLock:
    """One role's lock (e.g. "updates"): `acquire`, then `held` now and then; `release`."""

    def __init__(self, engine: Engine, role: str, worker: str | None) -> None:
        self.role, self.worker = role, worker or "-"
        self.engine = engine  # the store's: for reading who leads
        self._postgres = engine.dialect.name == "postgresql"
        self._engine = (create_engine(engine.url, poolclass=NullPool, connect_args=_LINK,
                                      isolation_level="AUTOCOMMIT")
                        if self._postgres else engine)
        self._conn: Connection | None = None
        self._key: int | None = None

    def acquire(self, now: datetime) -> bool:
        """Take the lock if no one holds it; True if this process now leads. A connection
        error is "not leading" (logged), never raised."""
        if not self._postgres:
            self._record(now, None)
            return True
        try:
            conn = self._connect()
            got = bool(conn.execute(_TRY, {"ns": LOCK_NAMESPACE, "key": self._key}).scalar())
            if got:
                self._record(now, conn)
            return got
        except Exception as err:  # noqa: BLE001 - any driver error means "not now"
            log.warning("cannot take the %s lock: %s", self.role, _short(err))
            self._drop()
            return False

    def held(self) -> bool:
        """Does this process still hold the lock? False once its connection is gone."""
        if not self._postgres:
            return True
        if self._conn is None:
            return False
        try:
            return bool(self._conn.execute(_HELD, {"ns": LOCK_NAMESPACE,
                                                   "key": self._key}).scalar())
        except Exception as err:  # noqa: BLE001 - a broken connection has lost the lock
            log.warning("the %s lock's database connection failed: %s", self.role, _short(err))
            self._drop()
            return False

    def release(self) -> None:
        """Give the lock up at once (closing its connection would too, a moment later);
        safe to call twice."""
        if self._conn is not None:
            try:
                self._conn.execute(_UNLOCK, {"ns": LOCK_NAMESPACE, "key": self._key})
            except Exception:  # noqa: BLE001, S110 - a broken connection holds nothing
                pass
        self._drop()

    def close(self) -> None:
        self._drop()
        if self._postgres:
            self._engine.dispose()

    def _connect(self) -> Connection:
        if self._conn is None:
            conn = self._engine.connect()
            for statement in _SESSION:
                conn.execute(text(statement))
            schema = str(conn.execute(text("SELECT current_schema()")).scalar())
            # Per schema: several databases in one server (tests) never share a leader.
            self._key = zlib.crc32(f"{self.role}:{schema}".encode()) & 0x7FFF_FFFF
            self._conn = conn
        return self._conn

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.invalidate()  # never back to a pool: the session and its lock end
                conn.close()
            except Exception:  # noqa: BLE001, S110 - already broken is fine
                pass

    def _record(self, now: datetime, conn: Connection | None) -> None:
        """Say who leads in `meta` (on the lock's own connection on PostgreSQL)."""
        value = {"worker": self.worker, "host": socket.gethostname(), "pid": os.getpid(),
                 "since": now.isoformat(timespec="seconds"),
                 "key": self._key, "backend": None if conn is None else
                 conn.execute(text("SELECT pg_backend_pid()")).scalar()}
        row = {"key": _meta_key(self.role), "value": json.dumps(value), "updated_at": now}
        if conn is not None:
            conn.execute(upsert(conn, meta, row, ["key"], ["value", "updated_at"]))
            return
        with self._engine.begin() as tx:
            tx.execute(upsert(tx, meta, row, ["key"], ["value", "updated_at"]))


_TRY = text("SELECT pg_try_advisory_lock(CAST(:ns AS integer), CAST(:key AS integer))")
_UNLOCK = text("SELECT pg_advisory_unlock(CAST(:ns AS integer), CAST(:key AS integer))")
_HELD = text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid::bigint = :ns "
             "AND objid::bigint = :key AND objsubid = 2 AND pid = pg_backend_pid() AND granted")
_ANY_HOLDER = text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                   "AND objsubid = 2 AND classid::bigint = :ns AND objid::bigint = :key "
                   "AND pid = :backend AND granted")


def _meta_key(role: str) -> str:
    return f"leader:{role}"


def _short(err: Exception) -> str:
    return f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}"


def current_leader(engine: Engine, role: str) -> Leader | None:
    """Who last took `role`'s lock, and whether its session still holds it."""
    with engine.connect() as conn:
        raw = conn.execute(text("SELECT value FROM meta WHERE key = :k"),
                           {"k": _meta_key(role)}).scalar()
        if raw is None:
            return None
        value = json.loads(str(raw))
        alive = True
        if engine.dialect.name == "postgresql":
            alive = bool(conn.execute(_ANY_HOLDER, {"ns": LOCK_NAMESPACE, "key": value.get("key"),
                                                    "backend": value.get("backend")}).scalar())
    return Leader(str(value["worker"]), str(value["host"]), int(value["pid"]),
                  str(value["since"]), alive)
