"""The poll tick driven directly with a fixed clock, a real loopback feed server and a real
SQLite file: backlog, dedup, routing, conditional GET, failures and hostile feeds.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from feedserver import FeedServer

from bot.config import Config, settings_from_env
from bot.ingest.fetch import Fetcher
from bot.ingest.outcome import FetchLimits
from bot.ingest.poller import FeedReport, Poller
from bot.services import Services
from bot.store import Store, open_store

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
TREATY = '"security guarantee" belarus*'


def make_config(server: FeedServer, paths: list[str], **extra: Any) -> Config:
    return Config.model_validate({
        "interval": "1m",
        "feeds": [{"url": server.url(p), "name": p.strip("/").removesuffix(".xml")} for p in paths],
        "topics": [
            {"id": "treaty", "title": "Treaty", "query": TREATY},
            {"id": "summit", "title": "Summit", "query": '"state council"'},
        ],
        **extra,
    })


class Harness:
    """A Poller on a SQLite file with a settable clock."""

    def __init__(self, config: Config, store: Store) -> None:
        self.now = T0
        self.store = store
        self.services = Services(config, settings_from_env({}), store, clock=lambda: self.now)
        self.console = store.ensure_console_subscriber()

    def tick(self, advance: timedelta = timedelta(0)) -> list[FeedReport]:
        self.now += advance

        async def go() -> list[FeedReport]:
            async with Fetcher(FetchLimits.from_config(self.services.config.fetch)) as fetcher:
                return await Poller(self.services, fetcher).tick(self.now)

        return asyncio.run(go())

    def alerts(self) -> list[Any]:
        return self.store.claim_due(self.now + timedelta(days=1), limit=1000)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = open_store(f"sqlite:///{tmp_path / 'bot.db'}")
    yield s
    s.close()


def item(n: int, title: str, **kw: Any) -> dict[str, Any]:
    return {"title": title, "link": f"https://news.test/{n}", "guid": f"g{n}",
            "published": T0 - timedelta(minutes=n), **kw}


def test_backlog_is_silent_then_new_entries_alert(feed_server: FeedServer, store: Store) -> None:
    feed_server.set_feed("/a.xml", [item(1, "Belarus security guarantees treaty signed")])
    h = Harness(make_config(feed_server, ["/a.xml"]), store)
    [first] = h.tick()
    assert (first.outcome, first.new, first.alerts) == ("ok", 1, 0)
    feed_server.add_item("/a.xml", item(0, "Belarus security guarantees treaty ratified"))
    [second] = h.tick(timedelta(minutes=1))
    assert (second.outcome, second.new, second.alerts) == ("ok", 1, 1)
    [alert] = h.alerts()
    assert alert.entry.entry.title == "Belarus security guarantees treaty ratified"
    assert alert.why["topics"] == ["treaty"] and alert.why["status"] == "ratified"
    assert set(alert.why["terms"]) == {"belarus", "security", "guarantees"}


def test_unchanged_feed_gets_304_and_no_parse(feed_server: FeedServer, store: Store) -> None:
    feed_server.set_feed("/a.xml", [item(1, "Weather")])
    h = Harness(make_config(feed_server, ["/a.xml"]), store)
    h.tick()
    [again] = h.tick(timedelta(minutes=1))
    assert again.outcome == "not_modified"
    sent = feed_server.headers("/a.xml")[-1]
    assert "if-none-match" in sent and "if-modified-since" in sent


def test_feed_is_not_polled_before_its_interval(feed_server: FeedServer, store: Store) -> None:
    feed_server.set_feed("/a.xml", [item(1, "Weather")])
    h = Harness(make_config(feed_server, ["/a.xml"]), store)
    h.tick()
    assert h.tick(timedelta(seconds=20)) == []
    assert feed_server.count("/a.xml") == 1


def test_same_story_in_two_feeds_is_one_alert(feed_server: FeedServer, store: Store) -> None:
    for path in ("/a.xml", "/b.xml"):
        feed_server.set_feed(path, [])
    h = Harness(make_config(feed_server, ["/a.xml", "/b.xml"]), store)
    h.tick()
    story = "Belarus security guarantees treaty enters into force"
    feed_server.add_item("/a.xml", {"title": story, "link": "https://wire.test/s?utm_source=a", "guid": "a-1"})
    feed_server.add_item("/b.xml", {"title": story + "!", "link": "http://www.wire.test/s#top", "guid": "b-77"})
    reports = h.tick(timedelta(minutes=1))
    assert sum(r.new for r in reports) == 1
    assert len(h.alerts()) == 1


def test_retitled_republication_keeping_link_is_not_new(feed_server: FeedServer, store: Store) -> None:
    feed_server.set_feed("/a.xml", [])
    h = Harness(make_config(feed_server, ["/a.xml"]), store)
    h.tick()
    feed_server.add_item("/a.xml", {"title": "Belarus security guarantees pact signed", "link": "https://n.test/x"})
    h.tick(timedelta(minutes=1))
    feed_server.set_items("/a.xml", [{"title": "UPDATED: Belarus security guarantees pact signed in Minsk",
                                      "link": "https://n.test/x"}])
    [report] = h.tick(timedelta(minutes=1))
    assert report.new == 0 and len(h.alerts()) == 1


@pytest.mark.parametrize(
    ("backfill", "expected_titles"),
    [("0", set()), ("24h", {"Belarus security guarantees fresh"})],
    ids=["no-backfill-silent", "backfill-recent-only"],
)
def test_backfill_window(feed_server: FeedServer, store: Store, backfill: str, expected_titles: set[str]) -> None:
    feed_server.set_feed("/a.xml", [
        {"title": "Belarus security guarantees fresh", "link": "https://n.test/1", "published": T0 - timedelta(hours=2)},
        {"title": "Belarus security guarantees stale", "link": "https://n.test/2", "published": T0 - timedelta(days=3)},
    ])
    h = Harness(make_config(feed_server, ["/a.xml"], backfill=backfill), store)
    h.tick()
    assert {a.entry.entry.title for a in h.alerts()} == expected_titles


def test_entries_older_than_retention_never_alert(feed_server: FeedServer, store: Store) -> None:
    feed_server.set_feed("/a.xml", [])
    h = Harness(make_config(feed_server, ["/a.xml"], retention="7d"), store)
    h.tick()
    feed_server.add_item("/a.xml", {"title": "Belarus security guarantees archive piece",
                                    "link": "https://n.test/old", "published": T0 - timedelta(days=30)})
    [report] = h.tick(timedelta(minutes=1))
    assert report.new == 1 and report.alerts == 0


def test_watches_route_to_their_subscriber_and_merge_with_topics(feed_server: FeedServer, store: Store) -> None:
    feed_server.set_feed("/a.xml", [])
    h = Harness(make_config(feed_server, ["/a.xml"]), store)
    alice = store.get_or_create_subscriber(101, None, "private", "en", "alice")
    bob = store.get_or_create_subscriber(202, None, "private", "en", "bob")
    store.set_following(bob.id, "treaty", False)
    store.add_watch(alice.id, "minsk")
    store.add_watch(bob.id, "oil")
    h.tick()
    feed_server.add_item("/a.xml", {"title": "Belarus security guarantees treaty debated in Minsk", "link": "https://n.test/m"})
    h.tick(timedelta(minutes=1))
    by_chat = {a.subscriber.chat_id: a.why for a in h.alerts()}
    assert set(by_chat) == {0, 101}  # console follows the topic; bob unfollowed it
    assert by_chat[101]["topics"] == ["treaty"] and by_chat[101]["watches"] == ["minsk"]
    assert "minsk" in by_chat[101]["terms"]
    assert by_chat[0]["watches"] == []


def test_watch_only_match_has_no_status(feed_server: FeedServer, store: Store) -> None:
    feed_server.set_feed("/a.xml", [])
    h = Harness(make_config(feed_server, ["/a.xml"]), store)
    sub = store.get_or_create_subscriber(7, None, "private", "en", None)
    store.add_watch(sub.id, "pipeline")
    h.tick()
    feed_server.add_item("/a.xml", {"title": "Gas pipeline deal signed", "link": "https://n.test/p"})
    h.tick(timedelta(minutes=1))
    [alert] = h.alerts()
    assert alert.why == {"topics": [], "watches": ["pipeline"], "terms": ["pipeline"], "status": None}


@pytest.mark.parametrize(
    ("setup", "error_part"),
    [
        (lambda s: s.set_status("/bad.xml", 500), "HTTP 500"),
        (lambda s: s.set_raw("/bad.xml", "<html><body>Not a feed</body></html>", "text/html"), "not a usable feed"),
        (lambda s: s.set_raw("/bad.xml", '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><rss/>'), "not a usable feed"),
        (lambda s: s.set_redirect("/bad.xml", "/bad.xml"), "redirects"),
        (lambda s: s.set_huge("/bad.xml"), "body over"),
    ],
    ids=["http-500", "html-page", "entity-bomb", "redirect-loop", "huge-body"],
)
def test_hostile_feed_fails_alone(feed_server: FeedServer, store: Store, setup: Any, error_part: str) -> None:
    feed_server.set_feed("/good.xml", [])
    setup(feed_server)
    config = make_config(feed_server, ["/bad.xml", "/good.xml"],
                         fetch={"max_bytes": 200_000, "timeout": "5s"})
    h = Harness(config, store)
    h.tick()
    feed_server.add_item("/good.xml", {"title": "Belarus security guarantees ok", "link": "https://n.test/g"})
    reports = {r.feed.name: r for r in h.tick(timedelta(minutes=2))}
    assert reports["good"].alerts == 1
    assert reports["bad"].outcome == "failed" and error_part in (reports["bad"].error or "")
    state = store.get_feed_states([config.feeds[0].url])[config.feeds[0].url]
    assert state.failures == 2 and error_part in (state.last_error or "")


def test_failing_feed_backs_off_and_honours_retry_after(feed_server: FeedServer, store: Store) -> None:
    feed_server.set_status("/busy.xml", 429, retry_after="600")
    config = make_config(feed_server, ["/busy.xml"])
    h = Harness(config, store)
    h.tick()
    url = config.feeds[0].url
    state = store.get_feed_states([url])[url]
    assert state.failures == 1 and state.next_poll_at == T0 + timedelta(seconds=600)
    assert h.tick(timedelta(minutes=5)) == []  # still inside Retry-After
    assert len(h.tick(timedelta(minutes=6))) == 1


def test_status_report_reaches_chats_as_one_breaking_notice(feed_server: FeedServer, store: Store) -> None:
    feed_server.set_feed("/a.xml", [])
    feed_server.set_feed("/b.xml", [])
    h = Harness(make_config(feed_server, ["/a.xml", "/b.xml"]), store)
    chat = store.get_or_create_subscriber(101, None, "private", "en", "chat")
    h.tick()
    feed_server.add_item("/a.xml", {"title": "Belarus security guarantees treaty signed", "link": "https://a.test/1"})
    h.tick(timedelta(minutes=1))
    # The console keeps its alert line; the chat learns it from the breaking notice only.
    assert [a.subscriber.chat_id for a in h.alerts()] == [0]
    [notice] = [n for n in store.claim_notices(h.now, 100) if n.subscriber.id == chat.id]
    assert notice.key == "status:treaty:signed" and notice.payload["sources"] == ["a"]
    assert notice.payload["confirmed"] is False
    store.mark_notice_sent(notice.id, h.now, 555)
    feed_server.add_item("/b.xml", {"title": "Security guarantees treaty with Belarus signed in Minsk",
                                    "link": "https://b.test/9"})
    h.tick(timedelta(minutes=1))
    [edit] = [n for n in store.claim_notices(h.now + timedelta(minutes=5), 100) if n.subscriber.id == chat.id]
    assert edit.message_id == 555 and edit.payload["confirmed"] is True
    assert edit.payload["sources"] == ["a", "b"] and edit.payload["title"] == "Belarus security guarantees treaty signed"


def test_stop_abandons_a_slow_fetch_without_committing(feed_server: FeedServer, store: Store) -> None:
    feed_server.set_slow("/slow.xml", b"<rss>" + b" " * 50, interval=0.5)
    feed_server.set_feed("/fast.xml", [])
    config = make_config(feed_server, ["/slow.xml", "/fast.xml"])
    h = Harness(config, store)

    async def go() -> tuple[list[FeedReport], float]:
        async with Fetcher(FetchLimits.from_config(config.fetch)) as fetcher:
            poller = Poller(h.services, fetcher)
            tick = asyncio.ensure_future(poller.tick(T0))
            await asyncio.sleep(0.5)
            started = asyncio.get_running_loop().time()
            poller.stop()
            return await tick, asyncio.get_running_loop().time() - started

    reports, seconds = asyncio.run(go())
    outcomes = {r.feed.name: r.outcome for r in reports}
    assert outcomes == {"slow": "cancelled", "fast": "ok"} and seconds < 1
    slow = config.feeds[0].url
    assert store.get_feed_states([slow])[slow].last_polled_at is None  # polled again next time


def test_the_outbox_row_names_the_concepts_of_each_topic(feed_server: FeedServer, store: Store) -> None:
    config = make_config(feed_server, ["/a.xml"], termsets={
        "agreement": ["treaty", "pact"], "belarus": ["belarus*", "minsk"],
    }, topics=[
        {"id": "treaty", "title": "Treaty", "query": "@agreement NEAR/3 @belarus"},
        {"id": "summit", "title": "Summit", "query": '"state council"'},
    ])
    feed_server.set_feed("/a.xml", [item(1, "Weather")])
    h = Harness(config, store)
    h.tick()
    feed_server.add_item("/a.xml", item(0, "State Council: Minsk pact signed"))
    h.tick(timedelta(minutes=1))
    [alert] = h.alerts()
    assert alert.why["topics"] == ["treaty", "summit"]
    assert alert.why["concepts"] == ["agreement + belarus", ""]  # query order; none for summit
    # Without a concept the row is what it always was: no "concepts" key at all.
    feed_server.add_item("/a.xml", item(-1, "State Council meets"))
    h.tick(timedelta(minutes=2))
    plain = next(a for a in h.alerts() if a.entry.entry.title == "State Council meets")
    assert "concepts" not in plain.why


def test_a_watch_filter_excludes_one_publisher(feed_server: FeedServer, store: Store) -> None:
    """source: and lang: read what the poll recorded: the feed's publisher and language."""
    feed_server.set_feed("/belta.xml", [], lang="ru")
    feed_server.set_feed("/ria.xml", [], lang="ru")
    config = make_config(feed_server, ["/belta.xml", "/ria.xml"])
    config = config.model_copy(update={"feeds": (
        config.feeds[0].model_copy(update={"name": "БелТА", "publisher": "BelTA"}),
        config.feeds[1].model_copy(update={"name": "РИА Новости", "publisher": "РИА Новости"}),
    )})
    h = Harness(config, store)
    chat = store.get_or_create_subscriber(501, None, "private", "en", None)
    store.add_watch(chat.id, "pipeline -source:ria")
    store.add_watch(chat.id, "refinery source:ria lang:ru")
    store.add_watch(chat.id, "refinery lang:be")
    h.tick()
    feed_server.add_item("/belta.xml", {"title": "Pipeline deal agreed in Minsk",
                                        "link": "https://www.belta.by/1", "guid": "b1"})
    feed_server.add_item("/ria.xml", {"title": "Pipeline tariffs rise again",
                                      "link": "https://ria.ru/2", "guid": "r1"})
    feed_server.add_item("/ria.xml", {"title": "Refinery output falls",
                                      "link": "https://ria.ru/3", "guid": "r2"})
    h.tick(timedelta(minutes=1))
    got = {a.entry.entry.title: a.why["watches"] for a in h.alerts()
           if a.subscriber.chat_id == 501}
    assert got == {"Pipeline deal agreed in Minsk": ["pipeline -source:ria"],
                   "Refinery output falls": ["refinery source:ria lang:ru"]}


def test_a_muted_topic_drops_its_alerts_but_watches_still_alert(feed_server: FeedServer,
                                                               store: Store) -> None:
    feed_server.set_feed("/a.xml", [])
    h = Harness(make_config(feed_server, ["/a.xml"]), store)
    muted = store.get_or_create_subscriber(601, None, "private", "en", None)
    other = store.get_or_create_subscriber(602, None, "private", "en", None)
    store.mute_topic(muted.id, "treaty", T0 + timedelta(hours=1), now=T0)
    store.add_watch(muted.id, "minsk")
    h.tick()
    feed_server.add_item("/a.xml", item(0, "Belarus security guarantees treaty debated in Minsk"))
    feed_server.add_item("/a.xml", item(-1, "Security guarantee talks with Belarus stall"))
    h.tick(timedelta(minutes=1))
    by_chat: dict[int, list[Any]] = {}
    for alert in h.alerts():
        by_chat.setdefault(alert.subscriber.chat_id, []).append(alert.why)
    assert [w["topics"] for w in by_chat[other.chat_id]] == [["treaty"], ["treaty"]]
    assert by_chat[muted.chat_id] == [{"topics": [], "watches": ["minsk"], "terms": ["minsk"],
                                       "status": None}]
    h.now += timedelta(hours=2)  # the mute has run out: the topic alerts again
    feed_server.add_item("/a.xml", item(-2, "Duma experts weigh the security guarantee for Belarus"))
    h.tick()
    assert sorted(a.subscriber.chat_id for a in h.alerts() if "Duma" in a.entry.entry.title
                  ) == [0, 601, 602]
