"""Alerts and notices held back by quiet hours or a digest mode: holding a claimed row,
releasing what is due (alerts as one summary per chat, exactly once across replicas),
re-timing what a chat holds when it changes its preferences, and the preferences."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, or_, select, update

from bot.model import OutboxItem
from bot.store.base import StoreBase, utcnow
from bot.store.outbox import Summariser, load_items, summarise_in
from bot.store.queue import settle
from bot.store.schema import notices, outbox, subscribers, watches

# Columns a chat's /tz, /quiet and /mode may set (bot.delivery.prefs gives their values).
PREF_COLUMNS = frozenset({"tz", "quiet", "quiet_strict", "mode"})
# The heading a summary of mixed holds gets: a digest wins over quiet hours.
_REASONS = ("daily", "hourly", "quiet")


def _reason(holds: list[str | None]) -> str:
    return next((r for r in _REASONS if r in holds), "quiet")


def _held_values(until: datetime) -> dict[str, Any]:
    return {"state": "held", "next_attempt_at": until, "claimed_by": None, "last_error": None}


class HoldsRepo(StoreBase):
    """Holds, releases and re-times held rows; stores delivery preferences."""

    def mark_held(self, item_id: int, until: datetime, reason: str) -> bool:
        """Settle a claimed alert as held until `until` (released in a summary)."""
        with self._write() as conn:
            return settle(conn, outbox, item_id, {**_held_values(until), "hold": reason})

    def mark_notice_held(self, notice_id: int, until: datetime) -> bool:
        """Settle a claimed notice as held; at `until` it is queued again on its own."""
        with self._write() as conn:
            return settle(conn, notices, notice_id, _held_values(until))

    def release_held(self, now: datetime, summarise: Summariser) -> int:
        """Queue again the notices whose hold ended; turn each listening chat's alerts
        whose hold ended into one summary (`summarise` shapes its parts). Returns the
        summary notices queued."""
        with self._write() as conn:
            conn.execute(update(notices).where(notices.c.state == "held",
                                               notices.c.next_attempt_at <= now)
                         .values(state="pending"))
        due = (select(outbox.c.subscriber_id).distinct()
               .join(subscribers, subscribers.c.id == outbox.c.subscriber_id)
               .where(outbox.c.state == "held", outbox.c.next_attempt_at <= now,
                      subscribers.c.active.is_(True),
                      or_(subscribers.c.muted_until.is_(None), subscribers.c.muted_until <= now)))
        with self._read() as conn:
            chats = sorted(conn.execute(due).scalars())
        return sum(self._flush(sub, now, summarise) for sub in chats)

    def _flush(self, sub: int, now: datetime, summarise: Summariser) -> int:
        """One chat's due alerts, locked (another replica flushing the same chat skips
        them and finds nothing), summarised and settled in one transaction."""
        stmt = (select(outbox.c.id, outbox.c.hold, outbox.c.next_attempt_at)
                .where(outbox.c.subscriber_id == sub, outbox.c.state == "held",
                       outbox.c.next_attempt_at <= now)
                .order_by(outbox.c.id).with_for_update(skip_locked=True))
        with self._write() as conn:
            rows = list(conn.execute(stmt))
            if not rows:
                return 0
            reason = _reason([r.hold for r in rows])
            until = max(r.next_attempt_at for r in rows)
            ids = [r.id for r in rows]
            # The key names the first row: each row is summarised once, so the key is new.
            return summarise_in(conn, sub, ids, f"{reason}:{ids[0]}", reason, until, now,
                                summarise)

    def held_alerts(self, subscriber_id: int) -> list[OutboxItem]:
        """The alerts a chat holds now, oldest first (to re-time them)."""
        stmt = (select(outbox.c.id).where(outbox.c.subscriber_id == subscriber_id,
                                          outbox.c.state == "held").order_by(outbox.c.id))
        with self._read() as conn:
            ids = list(conn.execute(stmt).scalars())
            return load_items(conn, ids) if ids else []

    def retime_held(self, subscriber_id: int,
                    holds: Mapping[int, tuple[datetime, str | None]], now: datetime) -> int:
        """New release times for held alerts (id -> (until, reason; None keeps the reason
        they were held for)); the chat's held
        notices are queued again now, to be held anew (or not) by the new preferences."""
        with self._write() as conn:
            changed = sum(_retime(conn, row_id, until, reason)
                          for row_id, (until, reason) in holds.items())
            conn.execute(update(notices).where(notices.c.subscriber_id == subscriber_id,
                                               notices.c.state == "held")
                         .values(state="pending", next_attempt_at=now))
            return changed

    def set_prefs(self, subscriber_id: int, values: Mapping[str, Any], *,
                  now: datetime | None = None) -> bool:
        """Store some of a chat's delivery preferences (PREF_COLUMNS)."""
        unknown = set(values) - PREF_COLUMNS
        if unknown:
            raise ValueError(f"not a preference: {sorted(unknown)}")
        stmt = (update(subscribers).where(subscribers.c.id == subscriber_id)
                .values(updated_at=utcnow(now), **values))
        with self._write() as conn:
            return conn.execute(stmt).rowcount > 0

    def set_watch_mode(self, subscriber_id: int, watch_id: int, mode: str | None) -> bool:
        """A watch's own delivery mode (None: the chat's)."""
        stmt = (update(watches).where(watches.c.id == watch_id,
                                      watches.c.subscriber_id == subscriber_id)
                .values(mode=mode))
        with self._write() as conn:
            return conn.execute(stmt).rowcount > 0


def _retime(conn: Connection, row_id: int, until: datetime, reason: str | None) -> int:
    values: dict[str, Any] = {"next_attempt_at": until}
    if reason is not None:
        values["hold"] = reason
    stmt = update(outbox).where(outbox.c.id == row_id, outbox.c.state == "held").values(**values)
    return int(conn.execute(stmt).rowcount)
