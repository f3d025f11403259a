"""Feed polling state: validators, schedule, failure streaks, primed flag; which feeds the
running config has, and leases on the feeds being polled (claimed when due, released when
their new state is saved).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Row,
    bindparam,
    case,
    func,
    literal,
    null,
    or_,
    select,
    update,
)

from bot.model import FeedState
from bot.store.base import StoreBase, chunked, record
from bot.store.db import UTCDateTime, insert_ignore, lock_named, upsert
from bot.store.schema import feeds

# entries_total is maintained only by commit_poll, never overwritten from a FeedState.
_SAVED_FIELDS = (
    "etag",
    "last_modified",
    "next_poll_at",
    "last_polled_at",
    "last_ok_at",
    "last_changed_at",
    "failures",
    "last_error",
    "last_http_status",
    "primed",
)


def _values(state: FeedState) -> dict[str, Any]:
    """The saved fields; saving a state also ends the lease taken to poll the feed."""
    return {**{f: getattr(state, f) for f in _SAVED_FIELDS}, "lease_until": None, "leased_by": None}


def _streak_start(first_failure: ColumnElement[Any]) -> ColumnElement[Any]:
    """failing_since after saving a failed poll: kept while the streak goes on, else that
    poll's time (`first_failure`); a success clears it (see the callers)."""
    return func.coalesce(feeds.c.failing_since, first_failure)


def _first_failure(state: FeedState) -> Any:
    return state.last_polled_at if state.failures else None


def row_to_feed_state(row: Row[Any]) -> FeedState:
    return record(FeedState, row._mapping, primed=bool(row._mapping["primed"]))


def _update_stmt(*, one: bool) -> Any:
    """UPDATE of feed rows to states, keyed by `b_url`. `one`: the poll commit's save of the
    row its poll leased, adding `b_added` entries and returning the row. Built once (see
    `bot.store.entries` on reused statements)."""
    streak = case((bindparam("failures") == 0, null()),
                  else_=_streak_start(bindparam("b_first_failure", type_=UTCDateTime())))
    stmt = (update(feeds).where(feeds.c.url == bindparam("b_url"))
            .values({**{c: bindparam(c) for c in _values(FeedState(""))},
                     "failing_since": streak}))
    if one:
        stmt = stmt.values(entries_total=feeds.c.entries_total + bindparam("b_added"))
        return stmt.returning(*feeds.c)
    return stmt


_UPDATE_ONE = _update_stmt(one=True)
_UPDATE_MANY = _update_stmt(one=False)


def save_feed_state_in(conn: Connection, state: FeedState, added_entries: int = 0) -> FeedState:
    """Save `state` inside the caller's transaction (an update of the row its poll leased,
    else an insert); add to entries_total; return the state as saved."""
    row = conn.execute(_UPDATE_ONE, {"b_url": state.url, "b_added": added_entries,
                                     "b_first_failure": _first_failure(state),
                                     **_values(state)}).first()
    if row is not None:
        return row_to_feed_state(row)
    values = _values(state)
    values["url"] = state.url
    values["entries_total"] = added_entries
    values["failing_since"] = _first_failure(state)
    stmt = upsert(
        conn,
        feeds,
        values,
        ["url"],
        (*_SAVED_FIELDS, "lease_until", "leased_by"),
        also_set={"entries_total": feeds.c.entries_total + added_entries,
                  "failing_since": (_streak_start(literal(state.last_polled_at, UTCDateTime()))
                                    if state.failures else null())},
    )
    conn.execute(stmt)
    row = conn.execute(select(feeds).where(feeds.c.url == state.url)).one()
    return row_to_feed_state(row)


class FeedsRepo(StoreBase):
    """Reads and writes `feeds` rows as `FeedState`s."""

    def get_feed_states(self, urls: Iterable[str]) -> dict[str, FeedState]:
        """State of every requested URL; feeds never saved get a fresh `FeedState(url)`."""
        wanted = list(dict.fromkeys(urls))
        found: dict[str, FeedState] = {}
        with self._read() as conn:
            for part in chunked(wanted):
                for row in conn.execute(select(feeds).where(feeds.c.url.in_(part))):
                    state = row_to_feed_state(row)
                    found[state.url] = state
        return {url: found.get(url, FeedState(url)) for url in wanted}

    def failing_feed_states(self, since_at_most: datetime) -> dict[str, FeedState]:
        """The feeds in a failure streak that began at or before `since_at_most`: what the
        health job needs, without reading every feed's row each minute."""
        c = feeds.c
        stmt = select(feeds).where(c.failures > 0, c.failing_since <= since_at_most)
        with self._read() as conn:
            return {s.url: s for s in map(row_to_feed_state, conn.execute(stmt))}

    def save_feed_states(self, states: Sequence[FeedState]) -> None:
        """Save many states in one transaction, with one batched UPDATE for the feeds that
        already have a row: a poll cycle of mostly-304 feeds must not cost a round trip
        (and a re-read) per feed."""
        if not states:
            return
        with self._write() as conn:
            urls = [s.url for s in states]
            existing: set[str] = set()
            for part in chunked(urls):
                existing.update(conn.execute(select(feeds.c.url).where(feeds.c.url.in_(part))).scalars())
            rows = [{"b_url": s.url, "b_first_failure": _first_failure(s), **_values(s)}
                    for s in states if s.url in existing]
            if rows:
                conn.execute(_UPDATE_MANY, rows)
            for state in states:
                if state.url not in existing:
                    save_feed_state_in(conn, state)

    def all_feed_states(self) -> list[FeedState]:
        """Every saved feed, by URL."""
        with self._read() as conn:
            return [row_to_feed_state(r) for r in conn.execute(select(feeds).order_by(feeds.c.url))]

    def sync_feeds(self, urls: Sequence[str], now: datetime) -> int:
        """Make the configured `urls` the active feeds: rows added for new ones (due now),
        every other row kept but inactive (never claimed). Returns the feeds added."""
        wanted = list(dict.fromkeys(urls))
        with self._write() as conn:
            # Replicas starting together: one at a time, or one could deactivate the feeds
            # another just added, after reading the table before they were there.
            lock_named(conn, "sync_feeds")
            existing: set[str] = set()
            for part in chunked(wanted):
                existing.update(conn.execute(select(feeds.c.url).where(feeds.c.url.in_(part))).scalars())
            conn.execute(update(feeds).where(feeds.c.active.is_(True)).values(active=False))
            for part in chunked([u for u in wanted if u in existing]):
                conn.execute(update(feeds).where(feeds.c.url.in_(part)).values(active=True))
                conn.execute(update(feeds).where(feeds.c.url.in_(part), feeds.c.next_poll_at.is_(None))
                             .values(next_poll_at=now))
            added = [{"url": u, "next_poll_at": now, "active": True} for u in wanted if u not in existing]
            for rows in chunked(added):  # another replica may be adding them too
                conn.execute(insert_ignore(conn, feeds, ["url"]), list(rows))
        return len(added)

    def claim_due_feeds(self, horizon: datetime, now: datetime, limit: int,
                        lease: timedelta) -> list[FeedState]:
        """Lease up to `limit` active feeds due by `horizon` and not leased, most overdue
        first, to this store's worker. PostgreSQL skips rows another replica is claiming."""
        c = feeds.c
        due = (select(feeds)
               .where(c.active.is_(True), c.next_poll_at <= horizon,
                      or_(c.lease_until.is_(None), c.lease_until <= now))
               .order_by(c.next_poll_at, c.url).limit(limit))
        with self._write() as conn:
            if conn.dialect.name == "postgresql":
                due = due.with_for_update(skip_locked=True)
            states = [row_to_feed_state(row) for row in conn.execute(due)]
            for part in chunked([s.url for s in states]):
                conn.execute(update(feeds).where(c.url.in_(part))
                             .values(lease_until=now + lease, leased_by=self.worker_id))
        return states

    def feed_lag(self, now: datetime) -> timedelta:
        """How overdue the most overdue active feed is that nobody is polling (zero when
        every due feed is claimed): the poll backlog the metrics show."""
        c = feeds.c
        stmt = select(func.min(c.next_poll_at)).where(
            c.active.is_(True), c.next_poll_at <= now,
            or_(c.lease_until.is_(None), c.lease_until <= now))
        with self._read() as conn:
            oldest = conn.execute(stmt).scalar_one_or_none()
        return max(now - oldest, timedelta(0)) if oldest is not None else timedelta(0)

    def pull_forward(self, interval: timedelta, now: datetime) -> int:
        """Surge: healthy feeds scheduled later than `interval` after their last poll are
        due then instead (now at the earliest). Returns the feeds moved."""
        c = feeds.c
        with self._write() as conn:
            rows = conn.execute(select(c.url, c.last_polled_at, c.next_poll_at).where(
                c.active.is_(True), c.failures == 0, c.last_polled_at.is_not(None),
                c.next_poll_at > now)).all()
            moved = [{"b_url": url, "next_poll_at": max(now, polled + interval)}
                     for url, polled, planned in rows if polled + interval < planned]
            if moved:
                conn.execute(update(feeds).where(c.url == bindparam("b_url"))
                             .values(next_poll_at=bindparam("next_poll_at")), moved)
        return len(moved)
