"""Quiet hours and digests through a real store and the drainer on a fixed clock: held,
released once as one summary (split when long), signing news breaking through, every
subscriber state, two replicas and a restart. Europe/Berlin (UTC+2 in April)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from conftest_store import plan_of

from bot.config import Config, load_config, settings_from_env
from bot.delivery.drainer import Delivered, Drainer, Verdict
from bot.delivery.html import MAX_MESSAGE, utf16_len
from bot.delivery.render import render_notice
from bot.ingest.fetch import Fetcher
from bot.ingest.outcome import FetchLimits
from bot.ingest.poller import Poller
from bot.model import (
    Entry,
    FeedState,
    NewAlert,
    NewEntry,
    NewNotice,
    NoticeItem,
    OutboxItem,
    Subscriber,
)
from bot.services import Services
from bot.store import Store, open_store

ROOT = Path(__file__).resolve().parent.parent
BERLIN = ZoneInfo("Europe/Berlin")
NIGHT = datetime(2025, 4, 2, 22, 0, tzinfo=UTC)  # 00:00 in Berlin
MORNING = datetime(2025, 4, 3, 5, 0, tzinfo=UTC)  # 07:00 in Berlin: quiet hours end
FEED = "https://wire.news.test/rss"
TOPIC = {"topics": ["treaty"], "watches": [], "terms": ["treaty"]}
SIGNED = {**TOPIC, "status": "signed"}


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Recorder:
    """A sink that accepts everything and remembers (kind, chat id, what) in order."""

    got: list[tuple[str, int, Any]] = field(default_factory=list)

    async def deliver(self, item: OutboxItem) -> Delivered:
        self.got.append(("alert", item.subscriber.chat_id, item.entry.entry.link))
        return Delivered(Verdict.SENT, message_id=len(self.got))

    async def deliver_notice(self, item: NoticeItem) -> Delivered:
        self.got.append((item.kind, item.subscriber.chat_id, item.payload))
        return Delivered(Verdict.SENT, message_id=len(self.got))

    def kinds(self) -> list[str]:
        return [kind for kind, _, _ in self.got]


_serial = iter(range(1, 10**6))


def alert(store: Store, sub: Subscriber, now: datetime, why: dict[str, Any] = TOPIC,
          title: str = "Treaty news", link: str | None = None) -> int:
    n = next(_serial)
    news = Entry(feed="Wire", feed_url=FEED, title=f"{title} {n}",
                 link=link or f"https://wire.news.test/{n}", summary="", published=now)
    (row,) = store.commit_poll(FeedState(FEED), [NewEntry(f"k{n}", (f"k{n}",), news)], now=now,
                               plan=plan_of(alerts=[NewAlert(f"k{n}", sub.id, dict(why))])).outbox_ids
    return row


def chat(store: Store, chat_id: int = 1, kind: str = "private", **prefs: Any) -> Subscriber:
    sub = store.get_or_create_subscriber(chat_id, None, kind, "en", None, now=NIGHT)  # type: ignore[arg-type]
    store.set_prefs(sub.id, {"tz": "Europe/Berlin", "quiet": "23:00-07:00", **prefs})
    return sub


def drain(store: Store, clock: Clock, sink: Recorder) -> int:
    return asyncio.run(Drainer(store, sink, clock, tz=BERLIN).drain())


def summaries(sink: Recorder) -> list[dict[str, Any]]:
    return [payload for kind, _, payload in sink.got if kind == "held"]


def links(payload: dict[str, Any]) -> list[str]:
    return [s["link"] for g in payload["groups"] for s in g["stories"]]


# ---------------------------------------------------------------- quiet hours


def test_alerts_in_quiet_hours_arrive_once_as_one_summary_at_their_end(db: Store) -> None:
    sub, clock, sink = chat(db), Clock(NIGHT), Recorder()
    for m in (0, 30, 60):
        alert(db, sub, NIGHT + timedelta(minutes=m))
    clock.now = NIGHT + timedelta(hours=1)
    drain(db, clock, sink)
    assert sink.got == [] and db.pending_count() == 0  # held, not pending, not sent
    clock.now = MORNING - timedelta(seconds=1)
    drain(db, clock, sink)
    assert sink.got == []
    clock.now = MORNING
    drain(db, clock, sink)
    (summary,) = summaries(sink)
    assert sink.kinds() == ["held"] and summary["reason"] == "quiet" and summary["count"] == 3
    assert len(set(links(summary))) == 3  # every story, its link kept
    assert "During your quiet hours: 3 alerts" in render_notice("held", summary, "en")
    drain(db, clock, sink)
    clock.now += timedelta(days=1)
    drain(db, clock, sink)
    assert len(sink.got) == 1  # nothing twice


BREAKTHROUGH = {
    "signing-alert-breaks-through": (SIGNED, False, ["alert"], []),
    "signing-alert-strict-waits": (SIGNED, True, [], ["held"]),
    "plain-alert-waits": (TOPIC, False, [], ["held"]),
    "expected-alert-waits": ({**TOPIC, "status": "expected"}, False, [], ["held"]),
}


@pytest.mark.parametrize(("why", "strict", "at_night", "in_morning"), list(BREAKTHROUGH.values()),
                         ids=list(BREAKTHROUGH))
def test_a_status_change_breaks_through_unless_strict(
        db: Store, why: dict[str, Any], strict: bool, at_night: list[str],
        in_morning: list[str]) -> None:
    sub, clock, sink = chat(db, quiet_strict=strict), Clock(NIGHT), Recorder()
    alert(db, sub, NIGHT, why)
    drain(db, clock, sink)
    assert sink.kinds() == at_night
    clock.now = MORNING
    drain(db, clock, sink)
    assert sink.kinds() == at_night + in_morning


@pytest.mark.parametrize(("status", "strict", "at_night"), [
    ("signed", False, ["status"]), ("in_force", True, []), ("expected", False, []),
], ids=["signed-notice-breaks-through", "strict-notice-waits", "expected-notice-waits"])
def test_a_status_notice_breaks_through_unless_strict(db: Store, status: str, strict: bool,
                                                      at_night: list[str]) -> None:
    """A late follower gets the status as a new notice: quiet hours treat it the same."""
    sub, clock, sink = chat(db, quiet_strict=strict), Clock(NIGHT), Recorder()
    db.enqueue_notices([NewNotice(sub.id, f"status:treaty:{status}", "status",
                                  {"topic_id": "treaty", "status": status})], now=NIGHT)
    drain(db, clock, sink)
    assert sink.kinds() == at_night
    clock.now = MORNING
    drain(db, clock, sink)
    assert sink.kinds() == ["status"]  # once, either way


# ---------------------------------------------------------------- digests


def test_a_digest_longer_than_one_message_is_split_between_stories(db: Store) -> None:
    sub, clock, sink = chat(db, quiet=None, mode="hourly"), Clock(NIGHT), Recorder()
    long_link = "https://wire.news.test/" + "a" * 600
    for n in range(40):
        alert(db, sub, NIGHT, {"topics": [f"topic-{n % 3}"], "watches": []},
              title="Переговоры о гарантиях безопасности 🛡 " * 5, link=f"{long_link}/{n}")
    drain(db, clock, sink)
    assert sink.got == []
    clock.now = NIGHT + timedelta(hours=1)
    drain(db, clock, sink)
    parts = summaries(sink)
    assert len(parts) >= 3 and {p["parts"] for p in parts} == {len(parts)}
    assert [p["part"] for p in parts] == list(range(1, len(parts) + 1))
    shown = [link for p in parts for link in links(p)]
    assert sorted(shown) == sorted(f"{long_link}/{n}" for n in range(40))  # each story once
    for part in parts:
        html = render_notice("held", part, "ru")
        assert utf16_len(html) <= MAX_MESSAGE and not html.endswith("…")  # never cut
        assert all(f'href="{link}"' in html for link in links(part))


DIGESTS = {
    # 09:10 and 09:40 UTC are 11:10 and 11:40 in Berlin: the hourly digest is at 12:00.
    "hourly": ("hourly", [10, 40], datetime(2025, 4, 2, 10, 0, tzinfo=UTC), "hourly"),
    "daily-next-morning": ("daily 08:00", [10, 40], datetime(2025, 4, 3, 6, 0, tzinfo=UTC), "daily"),
    "daily-later-today": ("daily 18:30", [10], datetime(2025, 4, 2, 16, 30, tzinfo=UTC), "daily"),
}


@pytest.mark.parametrize(("mode", "minutes", "flush", "reason"), list(DIGESTS.values()),
                         ids=list(DIGESTS))
def test_hourly_and_daily_digests_flush_once_at_their_time(
        db: Store, mode: str, minutes: list[int], flush: datetime, reason: str) -> None:
    sub, sink = chat(db, quiet=None, mode=mode), Recorder()
    start = datetime(2025, 4, 2, 9, 0, tzinfo=UTC)
    clock = Clock(start)
    for m in minutes:
        clock.now = start + timedelta(minutes=m)
        alert(db, sub, clock.now)
        drain(db, clock, sink)
    clock.now = flush - timedelta(seconds=1)
    drain(db, clock, sink)
    assert sink.got == []
    clock.now = flush
    drain(db, clock, sink)
    (digest,) = summaries(sink)
    assert digest["reason"] == reason and digest["count"] == len(minutes)
    clock.now = flush + timedelta(hours=2)
    drain(db, clock, sink)
    assert len(sink.got) == 1


def test_a_watch_with_its_own_daily_mode_while_topics_stay_instant(db: Store) -> None:
    sub, clock, sink = chat(db, quiet=None), Clock(datetime(2025, 4, 2, 9, 0, tzinfo=UTC)), Recorder()
    db.add_watch(sub.id, "minsk", now=clock.now)
    (watch,) = db.list_watches(sub.id)
    db.set_watch_mode(sub.id, watch.id, "daily 08:00")
    alert(db, sub, clock.now, {"topics": [], "watches": ["minsk"]})
    alert(db, sub, clock.now, TOPIC)
    drain(db, clock, sink)
    assert sink.kinds() == ["alert"]  # the topic's alert; the watch's waits for the digest
    clock.now = datetime(2025, 4, 3, 6, 0, tzinfo=UTC)
    drain(db, clock, sink)
    assert sink.kinds() == ["alert", "held"]
    assert summaries(sink)[0]["groups"][0]["watch"] == "minsk"


# ---------------------------------------------------------------- every subscriber state


def _stopped(db: Store, sub: Subscriber, clock: Clock) -> None:
    db.set_active(sub.id, False, now=clock.now)


def _resumed(db: Store, sub: Subscriber, clock: Clock) -> None:
    db.set_active(sub.id, False, now=clock.now)
    db.set_active(sub.id, True, now=clock.now)
    alert(db, sub, clock.now)  # arrives after the resume: only this one is expected


def _muted(db: Store, sub: Subscriber, clock: Clock) -> None:
    db.set_muted_until(sub.id, MORNING + timedelta(hours=2), now=clock.now)


def _migrated(db: Store, sub: Subscriber, clock: Clock) -> None:
    db.migrate_chat(sub.chat_id, -100777, now=clock.now)


def _nothing(db: Store, sub: Subscriber, clock: Clock) -> None:
    pass


STATES: dict[str, tuple[str, Callable[[Store, Subscriber, Clock], None], int | None, int, int]] = {
    # kind, what happens while held, chat the summary goes to, stories in it, hours after 07:00
    "active": ("private", _nothing, 1, 2, 0),
    "group": ("group", _nothing, 1, 2, 0),
    "stopped-gets-nothing": ("private", _stopped, None, 0, 0),
    "resumed-gets-only-what-came-after": ("private", _resumed, 1, 1, 0),
    "muted-gets-it-after-the-mute": ("private", _muted, 1, 2, 2),
    "migrated-group-gets-it-at-its-new-id": ("group", _migrated, -100777, 2, 0),
}


@pytest.mark.parametrize(("kind", "meanwhile", "to", "stories", "late"), list(STATES.values()),
                         ids=list(STATES))
def test_every_subscriber_state(db: Store, kind: str,
                                meanwhile: Callable[[Store, Subscriber, Clock], None],
                                to: int | None, stories: int, late: int) -> None:
    sub, clock, sink = chat(db, 1, kind), Clock(NIGHT), Recorder()
    alert(db, sub, NIGHT)
    alert(db, sub, NIGHT)
    drain(db, clock, sink)
    clock.now = NIGHT + timedelta(hours=2)
    meanwhile(db, sub, clock)
    drain(db, clock, sink)
    assert sink.got == []
    clock.now = MORNING + timedelta(hours=late) - timedelta(seconds=1)
    drain(db, clock, sink)
    assert sink.got == []
    clock.now = MORNING + timedelta(hours=late)
    drain(db, clock, sink)
    clock.now += timedelta(days=1)
    drain(db, clock, sink)
    if to is None:
        assert sink.got == []
    else:
        ((what, chat_id, payload),) = sink.got
        assert (what, chat_id, payload["count"]) == ("held", to, stories)


# ---------------------------------------------------------------- replicas, restarts


def test_two_replicas_and_a_restart_release_each_summary_once(store_url: str) -> None:
    first = open_store(store_url)
    sub = chat(first)
    for m in range(4):
        alert(first, sub, NIGHT + timedelta(minutes=m))
    clock = Clock(NIGHT + timedelta(minutes=5))
    drain(first, clock, Recorder())
    first.close()  # a restart (or kill -9: the held rows are committed already)
    replicas = [open_store(store_url) for _ in range(2)]
    sinks = [Recorder(), Recorder()]
    clock.now = MORNING

    async def both() -> None:
        await asyncio.gather(*(Drainer(s, k, clock, tz=BERLIN).drain()
                               for s, k in zip(replicas, sinks)))

    try:
        asyncio.run(both())
        asyncio.run(both())
    finally:
        for s in replicas:
            s.close()
    got = [payload for sink in sinks for payload in summaries(sink)]
    assert len(got) == 1 and got[0]["count"] == 4 and len(links(got[0])) == 4
    assert sum(len(s.got) for s in sinks) == 1


def test_changing_the_settings_retimes_what_is_held(db: Store) -> None:
    """/quiet off during the night: what was held comes now, as one summary."""
    from bot.delivery.prefs import prefs_of
    from bot.delivery.timing import alert_hold

    sub, clock, sink = chat(db), Clock(NIGHT), Recorder()
    alert(db, sub, NIGHT)
    alert(db, sub, NIGHT)
    drain(db, clock, sink)
    clock.now = NIGHT + timedelta(hours=1)
    db.set_prefs(sub.id, {"quiet": None})
    held = db.held_alerts(sub.id)
    assert len(held) == 2
    holds = {i.id: alert_hold(i.why, prefs_of(i.subscriber, BERLIN), i.watch_modes, clock.now)
             for i in held}
    assert holds == dict.fromkeys(holds)  # nothing holds them any more
    db.retime_held(sub.id, {i: (clock.now, None) for i in holds}, clock.now)
    drain(db, clock, sink)
    ((what, _, payload),) = sink.got
    assert what == "held" and payload["count"] == 2 and payload["reason"] == "quiet"


# ---------------------------------------------------------------- with the shipped fetch settings


def test_polled_with_the_shipped_fetch_settings_held_and_summarised(
        feed_server: Any, tmp_path: Path) -> None:
    """From the feed server through the poller (feeds.yaml's `fetch:` as shipped) to the
    summary: the quiet hours see what the poll routed, nothing else."""
    shipped = load_config(ROOT / "feeds.yaml")
    feed_server.set_feed("/wire.xml", [{"title": "Old treaty news", "link": "https://n.test/0"}])
    config = Config.model_validate({
        "interval": "1m", "timezone": "Europe/Berlin", "fetch": shipped.fetch,
        "feeds": [{"url": feed_server.url("/wire.xml"), "name": "Wire"}],
        "topics": [{"id": "t", "title": "Treaty", "query": "treaty"}],
    })
    assert config.fetch == shipped.fetch
    clock = Clock(NIGHT - timedelta(minutes=5))
    svc = Services(config, settings_from_env({}), open_store(f"sqlite:///{tmp_path / 'b.db'}"),
                   clock=clock)
    sub = chat(svc.store)
    sink = Recorder()

    async def poll() -> None:
        async with Fetcher(FetchLimits.from_config(config.fetch)) as fetcher:
            poller = Poller(svc, fetcher)
            await asyncio.gather(*await poller.dispatch(clock.now))
            poller.stop()
            await poller.close()

    try:
        asyncio.run(poll())  # the backlog, silently
        for n in (1, 2):
            feed_server.add_item("/wire.xml", {"title": f"Treaty talks, day {n}",
                                               "link": f"https://n.test/{n}"})
        clock.now = NIGHT + timedelta(minutes=10)
        asyncio.run(poll())
        drain(svc.store, clock, sink)
        assert sink.got == [] and len(svc.store.held_alerts(sub.id)) == 2
        clock.now = MORNING
        drain(svc.store, clock, sink)
        ((what, _, payload),) = sink.got
        assert what == "held" and sorted(links(payload)) == ["https://n.test/1", "https://n.test/2"]
        assert payload["groups"][0]["topic_id"] == "t"
    finally:
        svc.close()
