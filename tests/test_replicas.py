"""Replicas on one PostgreSQL: one chat served by one replica at a time (holds, slices),
calendar notices enqueued once by three replicas at once, each replica's share of the
bot-wide pace, one updates leader with failover (three `python -m bot run` processes
against the fake Bot API, the leader killed with SIGKILL), and a 409 Conflict logged and
survived. The PostgreSQL tests are skipped without BOT_TEST_DATABASE_URL.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest_store import NOW, PG_URL_ENV, make_entry, plan_of
from fakebotapi import DEFAULT_TOKEN, FakeBotApi
from feedserver import FeedServer
from sqlalchemy import Engine, make_url, text

from bot.config import Config, settings_from_env
from bot.delivery.ratelimit import Limits, RateLimiter
from bot.model import FeedState, NewAlert
from bot.services import Services
from bot.store import Store, open_store
from bot.store.chatholds import HOLD_GROUP, HOLD_PRIVATE
from bot.store.leader import current_leader
from bot.summit.jobs import SummitJobs
from bot.telegram.leader import ROLE

ROOT = Path(__file__).resolve().parent.parent
postgres_only = pytest.mark.skipif(not os.environ.get(PG_URL_ENV), reason=f"needs {PG_URL_ENV}")
FEED = FeedState("https://news.example/rss")


# ------------------------------------------------------------------ the bot-wide pace, shared

@pytest.mark.parametrize(("replicas", "per_second"), [(1, 30), (2, 15), (3, 10), (4, 7)],
                         ids=["alone", "two", "three", "four"])
def test_each_replica_takes_its_share_of_the_bot_wide_pace(replicas: int,
                                                           per_second: int) -> None:
    """Sends admitted in any one second by one replica's limiter, sending flat out."""
    limiter = RateLimiter(Limits())
    limiter.set_share(replicas)
    assert limiter.share == replicas
    now, sent = 100.0, []
    while now < 103.0:
        chat = len(sent)  # a new chat each time: only the bot-wide pace can hold it back
        wait = limiter.acquire(chat, now)
        if wait <= 0:
            sent.append(now)
        now += max(wait, 0.001)
    busiest = max(sum(1 for t in sent if start <= t < start + 1.0) for start in sent)
    assert busiest <= per_second
    assert len(sent) >= 3 * per_second * 0.9


# ----------------------------------------------------------------- chats held by one replica

@pytest.fixture
def pg_url(pg_admin: Engine) -> Iterator[str]:
    """A URL to a fresh PostgreSQL schema, dropped afterwards."""
    schema = f"t_{uuid.uuid4().hex[:16]}"
    with pg_admin.connect() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    url = make_url(os.environ[PG_URL_ENV]).update_query_dict({"options": f"-csearch_path={schema}"})
    yield url.render_as_string(hide_password=False)
    with pg_admin.connect() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))


@pytest.fixture
def replicas(pg_url: str) -> Iterator[list[Store]]:
    """Three workers on one database (PostgreSQL only: SQLite has one process)."""
    url = pg_url
    stores = [open_store(url) for _ in range(3)]
    for store in stores:
        store.register_worker(NOW)
    yield stores
    for store in stores:
        store.close()


def queue_alerts(store: Store, chats: list[int], per_chat: int) -> None:
    subs = [store.get_or_create_subscriber(c, None, "group" if c < 0 else "private", "en", None,
                                           now=NOW) for c in chats]
    keys = [f"k{n}" for n in range(per_chat)]
    store.commit_poll(FEED, [make_entry(n) for n in range(per_chat)], now=NOW,
                      plan=plan_of(alerts=[NewAlert(k, s.id) for k in keys for s in subs]))


def chats(items: list[object]) -> set[int]:
    return {i.subscriber.chat_id for i in items}  # type: ignore[attr-defined]


@postgres_only
def test_a_chat_is_served_by_one_replica_at_a_time(replicas: list[Store]) -> None:
    a, b, _ = replicas
    queue_alerts(a, [11, -22], per_chat=3)
    first = a.claim_due(NOW, 1)  # one row, of chat 11: the chat is a's now
    assert chats(first) == {11}
    assert chats(b.claim_due(NOW, 100)) == {-22}, "b takes the chat a does not hold"
    a.mark_sent(first[0].id, NOW, 1)
    assert a.claim_due(NOW, 100) and not b.claim_due(NOW + HOLD_PRIVATE / 2, 100)
    # a held 11 last at NOW: it is free once the 1 s window and the margin have passed.
    after = NOW + HOLD_PRIVATE + timedelta(seconds=1)
    for item in a.claim_due(after, 100) + b.claim_due(after, 100):
        (a if item.subscriber.chat_id == 11 else b).mark_retry(item.id, after, "again")
    late = b.claim_due(after + timedelta(seconds=1), 100)
    assert chats(late) <= {-22}, "a renewed its hold of 11 by claiming it again"
    assert HOLD_GROUP > timedelta(seconds=60), "a group is held past its 20-per-minute window"


@postgres_only
def test_free_chats_are_split_between_replicas_by_slice(replicas: list[Store]) -> None:
    for n, store in enumerate(replicas):
        store.partition = (n, 3)
    queue_alerts(replicas[0], list(range(300, 312)), per_chat=2)
    taken = [chats(store.claim_due(NOW, 100)) for store in replicas]
    assert taken == [{c for c in range(300, 312) if c % 3 == n} for n in range(3)]


@postgres_only
def test_a_clean_stop_frees_private_chats_at_once_and_groups_after_their_window(
        replicas: list[Store]) -> None:
    a, b, _ = replicas
    queue_alerts(a, [11, -22], per_chat=2)
    assert chats(a.claim_due(NOW, 100)) == {11, -22}
    a.retire_worker(NOW)
    assert chats(b.claim_due(NOW, 100)) == {11}
    assert chats(b.claim_due(NOW + HOLD_GROUP, 100)) == {-22}


# ------------------------------------------------------ calendar notices: once, not per replica

MINSK = ZoneInfo("Europe/Minsk")
EVENT_DAY = date(2026, 5, 20)


def summit_config() -> Config:
    return Config.model_validate({
        "interval": "1m", "feeds": [{"url": "https://news.example/rss", "name": "N"}],
        "topics": [{"id": "treaty", "title": "Treaty", "query": "treaty"}],
        "events": [{"id": "summit", "title": "Summit", "date": EVENT_DAY.isoformat(),
                    "timezone": "Europe/Minsk", "location": "Minsk", "topics": ["treaty"],
                    "reminders": ["7d", "1d", "08:00"]}],
    })


@postgres_only
def test_three_replicas_enqueue_each_reminder_once(replicas: list[Store]) -> None:
    """Three calendar jobs on one database run at the same moments, side by side: every
    follower has each reminder, the summit-day alert and the digest exactly once."""
    config = summit_config()
    for chat in range(500, 520):
        replicas[0].get_or_create_subscriber(chat, None, "private", "en", None, now=NOW)
    jobs = [SummitJobs(Services(config, settings_from_env({}), s)) for s in replicas]
    moments = [datetime.combine(EVENT_DAY + timedelta(days=d), dtime(h, 1), MINSK).astimezone(UTC)
               for d, h in ((-7, 9), (-1, 9), (0, 8), (0, 21))]
    for at in moments:
        start = threading.Barrier(len(jobs))

        def one(job: SummitJobs, at: datetime = at, start: threading.Barrier = start) -> None:
            start.wait()
            job._run(at)

        threads = [threading.Thread(target=one, args=(job,)) for job in jobs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    items = replicas[1].claim_notices(moments[-1], 1000)
    per_chat: dict[int, list[str]] = {}
    for item in items:
        per_chat.setdefault(item.subscriber.chat_id, []).append(item.kind)
    assert len(per_chat) == 20
    assert {tuple(sorted(kinds)) for kinds in per_chat.values()} == {
        ("digest", "reminder", "reminder", "summit_day")}


# ------------------------------------------------------------ one updates leader, with failover

def today_event_config(path: Path, feed_url: str) -> Path:
    """An event today in Minsk: its summit-day alert goes to every follower once."""
    today = datetime.now(MINSK).date().isoformat()
    path.write_text(
        "interval: 30s\n"
        f"feeds:\n  - {{url: '{feed_url}', name: Wire}}\n"
        "topics:\n  - {id: treaty, title: Treaty, query: treaty}\n"
        "events:\n  - {id: summit, title: Union State summit, "
        f"date: '{today}', timezone: Europe/Minsk, location: Minsk, topics: [treaty]}}\n",
        encoding="utf-8")
    return path


def start_bot(config: Path, url: str, api: FakeBotApi, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "BOT_DATABASE_URL": url, "TELEGRAM_BOT_TOKEN": DEFAULT_TOKEN,
           "TELEGRAM_API_URL": api.url}
    return subprocess.Popen([sys.executable, "-m", "bot", "run", "--config", str(config)],
                            cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)


def wait_until(condition: Callable[[], object], timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return bool(condition())


def leader_pid(store: Store) -> int | None:
    leader = current_leader(store.engine, ROLE)
    return leader.pid if leader is not None and leader.alive else None


# The summit-day alert's heading. Only that: after the digest time (21:00 Minsk) the day's
# digest, which names the event too, goes to a late follower as well.
SUMMIT_DAY = "Today: Union State summit"


def replies(api: FakeBotApi, chat: int, fragment: str) -> int:
    return sum(fragment in m.text for m in api.sent_messages(chat))


@postgres_only
@pytest.mark.timeout(240)
def test_one_replica_consumes_updates_and_another_takes_over_when_it_is_killed(
        pg_url: str, feed_server: FeedServer, tmp_path: Path) -> None:
    url = pg_url
    feed_server.set_feed("/wire.xml", [])
    config = today_event_config(tmp_path / "feeds.yaml", feed_server.url("/wire.xml"))
    store = open_store(url)
    with FakeBotApi() as api:
        bots = [start_bot(config, url, api, tmp_path / f"bot{n}.log") for n in range(3)]
        try:
            assert wait_until(lambda: leader_pid(store), 60), "no replica took the lead"
            first = leader_pid(store)
            api.send_text(701, "/start", user_id=701)
            assert wait_until(lambda: replies(api, 701, SUMMIT_DAY) >= 1, 60)
            api.send_text(704, "/help", user_id=704)
            assert wait_until(lambda: api.sent_messages(704), 30)
            time.sleep(4)  # a second consumer, or a second calendar pass, would show by now
            assert len(api.sent_messages(704)) == 1, "one update, one reply"
            assert replies(api, 701, SUMMIT_DAY) == 1, "one summit-day alert"
            assert replies(api, 701, "the day's stories") <= 1, "at most one digest"

            victim = next(b for b in bots if b.pid == first)
            victim.send_signal(signal.SIGKILL)
            victim.wait()
            killed = time.monotonic()
            assert wait_until(lambda: (leader_pid(store) or first) != first, 30)
            takeover = time.monotonic() - killed
            api.send_text(702, "/help", user_id=702)
            assert wait_until(lambda: api.sent_messages(702), 30)
            time.sleep(3)
            assert len(api.sent_messages(702)) == 1
            assert replies(api, 701, SUMMIT_DAY) == 1
            assert replies(api, 701, "the day's stories") <= 1
            assert takeover < 10, f"another replica led after {takeover:.1f} s"
            health = subprocess.run([sys.executable, "-m", "bot", "health", "--config",
                                     str(config)], check=False, cwd=ROOT, capture_output=True,
                                    text=True,
                                    env={**os.environ, "BOT_DATABASE_URL": url}, timeout=60)
            assert f"pid {leader_pid(store)}" in health.stdout, health.stdout
            assert "replicas alive: 3" in health.stdout, "the killed one is still counted"
        finally:
            for bot in bots:
                if bot.poll() is None:
                    bot.send_signal(signal.SIGTERM)
            for bot in bots:
                bot.wait(30)
            store.close()
    logs = "".join((tmp_path / f"bot{n}.log").read_text(errors="replace") for n in range(3))
    assert logs.count("now leads: it alone consumes Telegram updates") == 2
    assert "409 Conflict" not in logs and "Traceback" not in logs


def test_a_409_conflict_is_logged_and_survived(feed_server: FeedServer, tmp_path: Path) -> None:
    """Someone else polls the same token: Telegram ends one of the two waiting getUpdates
    with 409. The bot says what that means, keeps running, and still answers."""
    feed_server.set_feed("/wire.xml", [])
    config = today_event_config(tmp_path / "feeds.yaml", feed_server.url("/wire.xml"))
    with FakeBotApi() as api:
        bot = start_bot(config, f"sqlite:///{tmp_path / 'bot.db'}", api, tmp_path / "bot.log")
        try:
            assert wait_until(lambda: api.calls_to("getUpdates"), 60)
            time.sleep(0.5)
            intruder = f"{api.url}/bot{DEFAULT_TOKEN}/getUpdates?timeout=2"
            try:
                with urllib.request.urlopen(intruder, timeout=10) as answer:
                    answer.read()
            except urllib.error.HTTPError as err:
                assert err.code == 409, "the bot polled again and ended ours: fair"
            assert wait_until(lambda: "409 Conflict" in (tmp_path / "bot.log").read_text(), 20)
            api.send_text(703, "/help", user_id=703)
            assert wait_until(lambda: api.sent_messages(703), 30)
            assert bot.poll() is None
        finally:
            bot.send_signal(signal.SIGTERM)
            bot.wait(30)
    log = (tmp_path / "bot.log").read_text()
    assert "another process takes this bot's updates" in log
    assert "Traceback" not in log
