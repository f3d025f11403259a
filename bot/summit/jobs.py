"""Summit-day mode around the event calendar: reminders, the summit-day alert and the day's
digest, enqueued as notices (each key once per subscriber, ever) for the drainer to send.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from bot.config import Config, EventSpec
from bot.model import EventOverride, NewNotice, NoticeAttachment, StoredEntry
from bot.services import Services
from bot.store import Store
from bot.summit.calendar import (
    Reminder,
    countdown_days,
    digest_due,
    digest_key,
    digest_view,
    due_reminders,
    event_day_alert_due,
    reminders,
    summit_day_alert_utc,
    summit_day_view,
    with_event_changes,
)

log = logging.getLogger(__name__)
DIGEST_ROWS = 15  # stories listed per topic; the rest of the day's are counted


def summit_day_reminder(event: EventSpec) -> Reminder:
    """The summit-day alert as a reminder: the day's first HH:MM reminder, else 08:00."""
    found = [r for r in reminders(event) if r.summit_day]
    if found:
        return found[0]
    at = summit_day_alert_utc(event)
    return Reminder(event.id, "08:00", at, event.date, True, event.date, summit_day=True)


def override_fields(ov: EventOverride) -> tuple[str, dict[str, Any]]:
    """A stored override as (event id, the fields it sets); None fields keep config."""
    fields = {name: value for name, value in (
        ("title", ov.title), ("date", ov.date), ("timezone", ov.timezone),
        ("location", ov.location), ("topics", ov.topics),
    ) if value is not None}
    return ov.event_id, fields


def effective_config(config: Config, overrides: Iterable[EventOverride]) -> Config:
    """The config with the event changes admins made in chat (`/event`) applied."""
    return with_event_changes(config, [override_fields(ov) for ov in overrides])


def event_followers(store: Store, event: EventSpec) -> list[int]:
    """Who follows an event: see `Store.followers_of_any`."""
    return store.followers_of_any(event.topics)


def moved_notices(followers: Sequence[int], event: EventSpec, old: date,
                  calendars: Mapping[int, NoticeAttachment] | None = None) -> list[NewNotice]:
    """The "event moved" notice for each follower, with its updated calendar file when
    `calendars` has one for them; the key names both dates, so moving back and forth never
    announces the same move twice."""
    payload = {"event_id": event.id, "title": event.title, "location": event.location,
               "old_date": old.isoformat(), "new_date": event.date.isoformat()}
    key = f"moved:{event.id}:{old.isoformat()}:{event.date.isoformat()}"
    calendars = calendars or {}
    return [NewNotice(sub, key, "event_moved", _attach(payload, calendars.get(sub)))
            for sub in followers]


def _attach(payload: dict[str, Any], attachment: NoticeAttachment | None) -> dict[str, Any]:
    return payload if attachment is None else {**payload, "attachment": attachment.as_payload()}


class SummitJobs:
    """One pass over the calendar: whatever is due now gets enqueued (idempotently)."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self._overrides: list[EventOverride] | None = None

    def events(self) -> list[EventSpec]:
        return list(self.services.config.events)  # overrides are applied at start and by /event

    def follow_event_changes(self, overrides: list[EventOverride] | None = None) -> None:
        """Apply event changes stored by another process (a calendar imported from the
        command line, another worker's /event): they count from the next pass on. On the
        loop: every change to the running config happens there, so none overwrites another."""
        if overrides is None:
            overrides = self.services.store.event_overrides()
        if overrides != self._overrides:
            self.services.config = effective_config(self.services.config, overrides)
            self._overrides = overrides

    async def run(self, now: datetime | None = None) -> int:
        now = now or self.services.now()
        self.follow_event_changes(await self.services.db(self.services.store.event_overrides))
        added = await self.services.db(self._run, now)
        if added:  # the delivery job (every second) sends them
            log.info("summit mode: %d notices enqueued", added)
        return added

    def _run(self, now: datetime) -> int:
        events = self.events()
        notices: list[NewNotice] = []
        for reminder in due_reminders(events, now):
            event = next(e for e in events if e.id == reminder.event_id)
            notices += self._reminder_notices(event, reminder, now)
        for event in events:
            notices += self._early_welcome(event, now)
            if event_day_alert_due(event, now):  # also when `reminders` has no HH:MM entry
                notices += self._reminder_notices(event, summit_day_reminder(event), now)
            if digest_due(event, now):
                notices += self._digest_notices(event, now)
        if not notices:
            return 0
        return len(self.services.store.enqueue_notices(notices, now=now))

    def _early_welcome(self, event: EventSpec, now: datetime) -> list[NewNotice]:
        """Chats that subscribed on the event day, before its summit-day alert time, get
        that alert right away rather than waiting for the morning's send."""
        day_start = datetime.combine(event.date, time(0), event.tz)
        if not day_start <= now < summit_day_alert_utc(event):
            return []
        store = self.services.store
        followers = set(event_followers(store, event))
        fresh = {s.id for s in store.active_subscribers() if s.created_at >= day_start} & followers
        if not fresh:
            return []
        return [n for n in self._reminder_notices(event, summit_day_reminder(event), now)
                if n.subscriber_id in fresh]

    def _reminder_notices(self, event: EventSpec, reminder: Reminder, now: datetime) -> list[NewNotice]:
        store, config = self.services.store, self.services.config
        payload: dict[str, Any]
        if reminder.summit_day:
            statuses = {k: v.status for k, v in store.topic_statuses().items()}
            view = summit_day_view(event, {t.id: t.title for t in config.topics}, statuses, now)
            kind, payload = "summit_day", {
                "event_id": event.id, "title": view.title, "location": view.location,
                "date": view.date.isoformat(), "local_time": view.local_time, "timezone": view.timezone,
                "topics": [{"id": line.topic_id, "title": line.title, "status": line.status} for line in view.topics],
            }
        else:
            kind, payload = "reminder", {
                "event_id": event.id, "title": event.title, "location": event.location,
                "date": event.date.isoformat(), "when": reminder.key,
                "days_left": countdown_days(event, now),
            }
        return [NewNotice(sub, reminder.notice_key, kind, payload) for sub in event_followers(store, event)]

    def _digest_notices(self, event: EventSpec, now: datetime) -> list[NewNotice]:
        store, config = self.services.store, self.services.config
        start = datetime.combine(event.date, time(0), event.tz)
        stories: dict[int, StoredEntry] = {}
        # The whole day, page by page; oldest first, so each story is listed by its first report.
        for row in store.each_entry_between(start, min(now, start + timedelta(days=1))):
            stories.setdefault(row.cluster_id or row.id, row)
        rows = list(stories.values())
        entries = [(s.topics, s.entry.title, s.entry.link, s.entry.publisher,
                    s.entry.published or s.seen_at)
                   for s in rows if set(s.topics) & set(event.topics or s.topics)]
        groups = digest_view(entries, [t.id for t in config.topics], {t.id: t.title for t in config.topics})
        payload: dict[str, Any] = {
            "event_id": event.id, "title": event.title, "date": event.date.isoformat(),
            "groups": [{"topic_id": g.topic_id, "title": g.title,
                        "rows": [{"title": r.title, "link": r.link, "publisher": r.feed}
                                 for r in g.rows[:DIGEST_ROWS]],
                        "more": max(0, len(g.rows) - DIGEST_ROWS)}
                       for g in groups],
        }
        return [NewNotice(sub, digest_key(event), "digest", payload) for sub in event_followers(store, event)]
