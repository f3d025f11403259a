"""Summit-day calendar scenarios (issue 5) on a fixed, movable clock: reminders on schedule
and once, a missed reminder after a restart, /start on the day, and the evening digest.

Everything runs against a real SQLite file; the digest also polls a real loopback feed
server through the Poller. Time never comes from the wall clock: `now` is passed to
`SummitJobs.run` / `Poller.tick` and `Services(clock=...)` reads the same fake clock.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from conftest_store import make_entry, notice_keys, plan_of
from feedserver import FeedServer

from bot.config import Config, settings_from_env
from bot.delivery.render import render_notice
from bot.ingest.fetch import Fetcher
from bot.ingest.outcome import FetchLimits
from bot.ingest.poller import Poller
from bot.model import FeedState, NoticeItem, Subscriber, TopicStatusRow
from bot.services import Services
from bot.store import open_store
from bot.summit.jobs import DIGEST_ROWS, SummitJobs

MINSK = ZoneInfo("Europe/Minsk")  # UTC+3 all year
EVENT_DAY = date(2026, 5, 20)
TREATY = '"security guarantee" belarus*'


def local(day: int, hour: int, minute: int = 0) -> datetime:
    """UTC instant of `hour:minute` Minsk time, `day` days after the event day."""
    wall = datetime.combine(EVENT_DAY + timedelta(days=day), time(hour, minute), MINSK)
    return wall.astimezone(UTC)


def make_config(feeds: list[tuple[str, str]], **event: Any) -> Config:
    return Config.model_validate({
        "interval": "1m",
        "feeds": [{"url": url, "name": name} for url, name in feeds],
        "topics": [
            {"id": "treaty", "title": "Security guarantees treaty", "query": TREATY},
            {"id": "oil", "title": "Oil supplies", "query": "oil"},
        ],
        "events": [{
            "id": "summit", "title": "Union State summit", "date": EVENT_DAY.isoformat(),
            "timezone": "Europe/Minsk", "location": "Minsk", "topics": ["treaty", "oil"],
            "reminders": ["7d", "1d", "08:00"], **event,
        }],
    })


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class Calendar:
    """A store on a SQLite file and one running SummitJobs; `restart` is a new process's
    worth of objects (store reopened, new Services and SummitJobs) on the same file."""

    def __init__(self, path: Path, config: Config, now: datetime) -> None:
        self.path, self.config, self.clock = path, config, Clock(now)
        self.store = open_store(f"sqlite:///{path}")
        self.jobs = self._jobs()

    def _jobs(self) -> SummitJobs:
        return SummitJobs(Services(self.config, settings_from_env({}), self.store, clock=self.clock))

    def restart(self) -> None:
        self.store.close()
        self.store = open_store(f"sqlite:///{self.path}")
        self.jobs = self._jobs()

    def close(self) -> None:
        self.store.close()

    def subscribe(self, chat_id: int, at: datetime) -> Subscriber:
        self.clock.now = at
        return self.store.get_or_create_subscriber(chat_id, None, "private", "en", None, now=at)

    def run(self, at: datetime) -> list[NoticeItem]:
        """One calendar pass at `at`; returns the notices it enqueued (marked delivered)."""
        self.clock.now = at
        added = asyncio.run(self.jobs.run(at))
        items = self.deliver(at)
        assert len(items) == added, "run() reports exactly what it enqueued"
        return items

    def deliver(self, at: datetime) -> list[NoticeItem]:
        """Claim every due notice and settle it as sent, as a drain would."""
        items = self.store.claim_notices(at, 1000)
        for item in items:
            self.store.mark_notice_sent(item.id, at, None)
        return items


def chats_and_kinds(items: list[NoticeItem]) -> list[tuple[int, str]]:
    return sorted((n.subscriber.chat_id, n.kind) for n in items)


@pytest.fixture
def calendar(tmp_path: Path) -> Iterator[Calendar]:
    cal = Calendar(tmp_path / "bot.db", make_config([("http://127.0.0.1:9/feed.xml", "BelTA")]),
                   local(-30, 12))
    yield cal
    cal.close()


# ------------------------------------------------------------ 1. reminders on schedule, once

REMINDER_STEPS: list[tuple[str, datetime, str | None]] = [
    ("before-7d-time", local(-7, 8, 59), None),
    ("at-7d-time", local(-7, 9, 0), "reminder"),
    ("same-time-again", local(-7, 9, 0), None),
    ("later-that-day", local(-7, 18, 0), None),
    ("next-day-same-time", local(-6, 9, 0), None),
    ("before-1d-time", local(-1, 8, 59), None),
    ("at-1d-time", local(-1, 9, 0), "reminder"),
    ("1d-late-evening", local(-1, 23, 59), None),
    ("event-day-before-0800", local(0, 7, 59), None),
    ("event-day-0800", local(0, 8, 0), "summit_day"),
    ("event-day-noon", local(0, 12, 0), None),
    ("day-after", local(1, 8, 0), None),
]


def test_reminders_go_on_schedule_and_once(calendar: Calendar) -> None:
    alice = calendar.subscribe(101, local(-30, 12))
    bob = calendar.subscribe(202, local(-30, 12))
    loner = calendar.subscribe(303, local(-30, 12))
    for topic in ("treaty", "oil"):  # follows none of the event's topics
        calendar.store.set_following(loner.id, topic, False)
    calendar.store.commit_poll(# as a poll that saw BelTA report the signing writes it
        FeedState("http://127.0.0.1:9/feed.xml"), [], now=local(-2, 10), plan=plan_of(topic_updates=[TopicStatusRow("treaty", "signed", local(-2, 10), ("BelTA",), False)]))
    sent: dict[str, list[NoticeItem]] = {}
    for label, at, kind in REMINDER_STEPS:
        items = calendar.run(at)
        expected = [] if kind is None else [(101, kind), (202, kind)]
        assert chats_and_kinds(items) == expected, label
        sent[label] = items
    assert {n.payload["days_left"] for n in sent["at-7d-time"]} == {7}
    assert {n.payload["days_left"] for n in sent["at-1d-time"]} == {1}
    assert {n.key for n in sent["at-7d-time"]} == {"reminder:summit:7d:2026-05-20"}
    day = sent["event-day-0800"][0]
    assert day.key == "summit-day:summit:2026-05-20"
    assert day.payload["topics"] == [
        {"id": "treaty", "title": "Security guarantees treaty", "status": "signed"},
        {"id": "oil", "title": "Oil supplies", "status": None},
    ]
    text = render_notice("summit_day", day.payload, "en")
    assert "Today: Union State summit" in text and "2026-05-20 08:00" in text
    assert "Security guarantees treaty — ✅ SIGNED" in text and "Oil supplies — no report yet" in text
    for sub in (alice, bob):
        assert len(notice_keys(calendar.store, sub.id)) == 3


# ------------------------------------------------------------ 2. missed reminder after restart

MISSED: list[tuple[str, datetime, datetime, str | None]] = [
    # (id, the bot is down from, restarts at, what the restart sends)
    ("7d-restart-same-evening", local(-7, 8, 30), local(-7, 22, 0), "reminder"),
    ("7d-restart-just-before-midnight", local(-7, 8, 30), local(-7, 23, 59), "reminder"),
    ("7d-restart-next-day-after-midnight", local(-7, 8, 30), local(-6, 0, 1), None),
    ("7d-restart-next-day-at-nine", local(-7, 8, 30), local(-6, 9, 0), None),
    ("summit-day-restart-at-noon", local(0, 7, 0), local(0, 12, 0), "summit_day"),
    ("summit-day-restart-next-morning", local(0, 7, 0), local(1, 7, 0), None),
]


@pytest.mark.parametrize(("went_down", "back_at", "expected"), [m[1:] for m in MISSED],
                         ids=[m[0] for m in MISSED])
def test_missed_reminder_is_sent_after_restart_the_same_day_only(
    calendar: Calendar, went_down: datetime, back_at: datetime, expected: str | None
) -> None:
    calendar.subscribe(101, local(-30, 12))
    assert calendar.run(went_down) == []  # the last pass before the bot went down
    calendar.restart()
    items = calendar.run(back_at)
    assert chats_and_kinds(items) == ([] if expected is None else [(101, expected)])
    assert calendar.run(back_at + timedelta(minutes=1)) == []  # and only once


def test_after_a_stale_reminder_the_next_one_still_goes(calendar: Calendar) -> None:
    sub = calendar.subscribe(101, local(-30, 12))
    calendar.restart()
    assert calendar.run(local(-6, 9, 0)) == []  # the 7d reminder is a day late: stale
    calendar.restart()
    [one_day] = calendar.run(local(-1, 9, 5))
    assert (one_day.kind, one_day.payload["when"]) == ("reminder", "1d")
    assert notice_keys(calendar.store, sub.id) == {"reminder:summit:1d:2026-05-20"}


# ------------------------------------------------------------ 3. /start on the day


ALERT_TIMES = [
    # (id, the event's reminders, its summit-day alert time as (hour, minute))
    ("hhmm-0800", ["7d", "1d", "08:00"], (8, 0)),
    ("no-hhmm-defaults-to-0800", ["7d", "1d"], (8, 0)),
    ("earliest-hhmm-0730", ["1d", "12:00", "07:30"], (7, 30)),
]


@pytest.mark.parametrize(("reminders", "alert"), [a[1:] for a in ALERT_TIMES],
                         ids=[a[0] for a in ALERT_TIMES])
def test_summit_day_alert_for_chats_subscribing_on_the_day(
    tmp_path: Path, reminders: list[str], alert: tuple[int, int]
) -> None:
    """The chat is created in the store at the clock time, as /start does with
    services.now() (the Telegram path of /start is in test_summit_telegram.py)."""
    cal = Calendar(tmp_path / "bot.db", make_config([("http://127.0.0.1:9/f.xml", "BelTA")],
                                                    reminders=reminders), local(-1, 12))
    at = local(0, *alert)

    def summit_day(when: datetime) -> list[int]:
        return sorted(n.subscriber.chat_id for n in cal.run(when) if n.kind == "summit_day")

    try:
        cal.subscribe(1, local(-1, 15))  # the day before
        assert summit_day(local(-1, 23, 0)) == []
        cal.subscribe(5, local(0, 0, 30))  # just past local midnight: still the UTC day before
        assert summit_day(local(0, 0, 30)) == [5]
        cal.subscribe(2, at - timedelta(minutes=90))  # on the day, before the alert time
        assert summit_day(at - timedelta(minutes=90)) == [2]  # at once
        assert summit_day(at - timedelta(minutes=30)) == []
        assert summit_day(at) == [1]  # the morning send: not again for chat 2
        cal.subscribe(3, at + timedelta(hours=2))  # mid-day
        assert summit_day(at + timedelta(hours=2)) == [3]
        assert summit_day(at + timedelta(hours=3)) == []
        cal.subscribe(4, local(1, 6))  # the day after: the event is over
        assert summit_day(local(1, 6)) == []
        for chat in (1, 2, 3, 5):
            sub = cal.store.find_subscriber(chat)
            assert sub is not None and notice_keys(cal.store, sub.id, "summit-day:") == {
                "summit-day:summit:2026-05-20"}
    finally:
        cal.close()


# ------------------------------------------------------------ 7. the digest


def poll(cal: Calendar, at: datetime) -> None:
    cal.clock.now = at

    async def go() -> None:
        async with Fetcher(FetchLimits.from_config(cal.config.fetch)) as fetcher:
            await Poller(cal.jobs.services, fetcher).tick(at)

    asyncio.run(go())
    cal.deliver(at)  # breaking status notices: not what these tests count


def story(n: int, title: str, at: datetime) -> dict[str, Any]:
    return {"title": title, "link": f"https://news.test/{n}", "guid": f"g{n}", "published": at}


def test_digest_at_digest_time_on_the_event_day_once(feed_server: FeedServer, tmp_path: Path) -> None:
    for path in ("/belta.xml", "/tass.xml"):
        feed_server.set_feed(path, [])
    feeds = [(feed_server.url("/belta.xml"), "BelTA"), (feed_server.url("/tass.xml"), "TASS")]
    cal = Calendar(tmp_path / "bot.db", make_config(feeds), local(-1, 12))
    try:
        cal.subscribe(101, local(-1, 12))
        cal.subscribe(202, local(-1, 12))
        poll(cal, local(-1, 12))  # the feeds' (empty) backlog
        news = [
            ("/belta.xml", local(-1, 18), "Experts debate the Belarus security guarantees treaty"),
            ("/belta.xml", local(0, 10), "Belarus and Russia signed the security guarantees treaty"),
            ("/tass.xml", local(0, 11), "Russia raises oil supplies to Belarus"),
            ("/tass.xml", local(0, 12), "Weather in Minsk stays warm"),
        ]
        for n, (path, at, title) in enumerate(news):
            feed_server.add_item(path, story(n, title, at))
            poll(cal, at)
        assert [n for n in cal.run(local(-1, 21)) if n.kind == "digest"] == []  # another day
        assert [n for n in cal.run(local(0, 20, 59)) if n.kind == "digest"] == []  # too early
        digests = [n for n in cal.run(local(0, 21)) if n.kind == "digest"]
        assert sorted(n.subscriber.chat_id for n in digests) == [101, 202]
        groups = digests[0].payload["groups"]
        assert [(g["topic_id"], [(r["title"], r["publisher"]) for r in g["rows"]]) for g in groups] == [
            ("treaty", [("Belarus and Russia signed the security guarantees treaty", "BelTA")]),
            ("oil", [("Russia raises oil supplies to Belarus", "TASS")]),
        ]
        text = render_notice("digest", digests[0].payload, "en")
        assert "Union State summit" in text and "Oil supplies" in text and "Weather" not in text
        feed_server.add_item("/tass.xml", story(9, "Late oil news for Belarus", local(0, 21, 10)))
        poll(cal, local(0, 21, 10))
        assert [n for n in cal.run(local(0, 21, 30)) if n.kind == "digest"] == []  # once
        assert [n for n in cal.run(local(1, 21)) if n.kind == "digest"] == []  # the day after
    finally:
        cal.close()


def test_digest_lists_a_story_reported_by_two_feeds_once(feed_server: FeedServer, tmp_path: Path) -> None:
    for path in ("/belta.xml", "/tass.xml"):
        feed_server.set_feed(path, [])
    feeds = [(feed_server.url("/belta.xml"), "BelTA"), (feed_server.url("/tass.xml"), "TASS")]
    cal = Calendar(tmp_path / "bot.db", make_config(feeds), local(-1, 12))
    try:
        cal.subscribe(101, local(-1, 12))
        poll(cal, local(-1, 12))
        feed_server.add_item("/belta.xml", story(1, "Lukashenko and Putin discuss oil prices at Sochi talks",
                                                 local(0, 10)))
        poll(cal, local(0, 10))
        feed_server.add_item("/tass.xml", story(2, "Putin, Lukashenko hold talks on oil prices in Sochi",
                                                local(0, 11)))
        poll(cal, local(0, 11))
        stored = cal.store.entries_between(local(0, 0), local(1, 0))
        assert len({e.cluster_id for e in stored}) == 1, "both reports are one story"
        [digest] = [n for n in cal.run(local(0, 21)) if n.kind == "digest"]
        [oil] = digest.payload["groups"]
        assert [(r["publisher"], r["link"]) for r in oil["rows"]] == [("BelTA", "https://news.test/1")]
    finally:
        cal.close()


def test_digest_covers_the_whole_day_however_busy(calendar: Calendar) -> None:
    """A busy summit day: 600 oil stories before the treaty is signed in the evening. The
    digest still lists the evening's treaty story and counts the oil stories it leaves out."""
    calendar.subscribe(101, local(-1, 12))
    feed = FeedState("https://news.example/rss")
    for n in range(600):
        at = local(0, 0, 1) + timedelta(seconds=n * 60)
        calendar.store.commit_poll(feed, [make_entry(n, topics=("oil",), published=at)], now=at)
    signed = make_entry("signed", topics=("treaty",), published=local(0, 20))
    calendar.store.commit_poll(feed, [signed], now=local(0, 20))
    [digest] = [n for n in calendar.run(local(0, 21)) if n.kind == "digest"]
    treaty, oil = digest.payload["groups"]
    assert [r["title"] for r in treaty["rows"]] == [signed.entry.title]
    assert (len(oil["rows"]), oil["more"]) == (DIGEST_ROWS, 600 - DIGEST_ROWS)
    assert oil["rows"][0]["title"] == make_entry(599).entry.title  # newest first
    text = render_notice("digest", digest.payload, "en")
    assert f"…and {600 - DIGEST_ROWS} more stories" in text
    assert "…и ещё 585 сюжетов" in render_notice("digest", digest.payload, "ru")
