"""The Drainer over a real store: print once, retry without giving up, mute hold, stop."""

from __future__ import annotations

import asyncio
import io
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from conftest_store import plan_of

from bot.delivery.console import ConsoleSink
from bot.delivery.drainer import Delivered, Drainer, Verdict
from bot.model import Entry, FeedState, NewAlert, NewEntry, OutboxItem, Subscriber
from bot.store import Store

T0 = datetime(2025, 4, 2, 9, 0, tzinfo=UTC)
MINSK = ZoneInfo("Europe/Minsk")
FEED = "https://wire.news.test/rss"
HEADLINES = [
    "Lukashenko and Putin to meet in Minsk next week",
    "Union State treaty on customs signed by both premiers",
    "Parliament in Moscow ratifies the Minsk security pact",
    "Gas price for 2026 agreed at talks in Sochi",
    "Foreign ministers discuss the Union State budget",
]
WHY = {"topics": ["union-state"], "watches": ["customs treaty"], "terms": ["Minsk"],
       "status": "signed"}


class Clock:
    """A movable clock for the drainer: time only passes when a test says so."""

    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def entry(n: int) -> Entry:
    return Entry(feed="Wire", feed_url=FEED, title=HEADLINES[n % len(HEADLINES)] + f" ({n})",
                 link=f"https://wire.news.test/story/{n}", summary=f"Story {n} in short.",
                 published=T0 - timedelta(minutes=30 - n), guid=f"wire-{n}", lang="en")


def enqueue(store: Store, sub: Subscriber, *numbers: int) -> tuple[int, ...]:
    news = [NewEntry(f"k{n}", (f"k{n}",), entry(n), "signed", ("union-state",)) for n in numbers]
    alerts = [NewAlert(f"k{n}", sub.id, WHY) for n in numbers]
    return store.commit_poll(FeedState(FEED), news, now=T0, plan=plan_of(alerts=alerts)).outbox_ids


def drain(drainer: Drainer) -> int:
    return asyncio.run(drainer.drain())


@dataclass
class ScriptedSink:
    """Answers each delivery with the next outcome of `script` (the last one repeats)."""

    script: list[Delivered | Exception]
    calls: list[int] = field(default_factory=list)

    async def deliver(self, item: OutboxItem) -> Delivered:
        outcome = self.script[min(len(self.calls), len(self.script) - 1)]
        self.calls.append(item.id)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome
    deliver_notice = deliver  # no notices in these tests; same contract


SENT = Delivered(Verdict.SENT, message_id=77)


def console(store: Store, clock: Clock, *, json_lines: bool = False) -> tuple[Drainer, io.StringIO]:
    out = io.StringIO()
    return Drainer(store, ConsoleSink(MINSK, json_lines, out), clock), out


# ------------------------------------------------------------------ console: once and only once


def test_console_prints_each_alert_once_and_marks_sent(db: Store) -> None:
    clock = Clock()
    enqueue(db, db.ensure_console_subscriber(), 1, 2, 3)
    drainer, out = console(db, clock)
    assert drain(drainer) == 3
    lines = out.getvalue().splitlines()
    assert len(lines) == 3
    for n, line in zip((1, 2, 3), lines, strict=True):
        assert entry(n).title in line and f"https://wire.news.test/story/{n}" in line
        # Exact wording is render.py's (test_render); here: badge, topic and watch are shown.
        assert "[SIGNED]" in line and "union-state" in line and "customs treaty" in line
    assert "2025-04-02 11:31" in lines[0]  # published 08:31Z shown in Minsk time
    stats = db.stats()
    assert (stats.outbox_sent, stats.outbox_pending, stats.outbox_failed) == (3, 0, 0)
    # A second drain, even much later, prints nothing again.
    clock.advance(days=2)
    assert drain(drainer) == 0
    assert out.getvalue().splitlines() == lines


def test_console_json_lines_are_replay_objects_with_type_item(db: Store) -> None:
    enqueue(db, db.ensure_console_subscriber(), 4)
    drainer, out = console(db, Clock(), json_lines=True)
    assert drain(drainer) == 1
    (line,) = out.getvalue().splitlines()
    assert json.loads(line) == {
        "type": "item",
        "link": "https://wire.news.test/story/4",
        "title": entry(4).title,
        "feed": "Wire",
        "published": "2025-04-02T08:34:00Z",
        "topics": ["union-state"],
        "watches": ["customs treaty"],
        "status": "signed",
        "matched": ["Minsk"],
        "concepts": {},
    }


def test_console_line_names_the_stored_concepts(db: Store) -> None:
    news = [NewEntry("k9", ("k9",), entry(9), "signed", ("union-state",))]
    why = {**WHY, "topics": ["union-state", "other"], "concepts": ["agreement + belarus", ""]}
    db.commit_poll(FeedState(FEED), news, now=T0, plan=plan_of(alerts=[NewAlert("k9", db.ensure_console_subscriber().id, why)]))
    drainer, out = console(db, Clock())
    assert drain(drainer) == 1
    assert "(matched: Minsk; concept: agreement + belarus)" in out.getvalue()


def test_console_holds_chat_subscribers_alerts_for_telegram_mode(db: Store) -> None:
    clock = Clock()
    chat = db.get_or_create_subscriber(4242, None, "private", "en", "Anna", now=T0)
    enqueue(db, chat, 1)
    drainer, out = console(db, clock)
    assert drain(drainer) == 0
    assert out.getvalue() == ""
    assert db.pending_count() == 1
    clock.advance(hours=1)
    (item,) = db.claim_due(clock(), 10)  # kept, and offered again later
    assert item.subscriber.id == chat.id


# ------------------------------------------------------------------ sink verdicts


@pytest.mark.parametrize(
    ("first", "due_again_after"),
    [
        (Delivered(Verdict.RETRY, retry_after=timedelta(minutes=5), error="429"),
         timedelta(minutes=5)),
        (Delivered(Verdict.RETRY, error="network down"), timedelta(seconds=30)),
        (RuntimeError("sink bug"), timedelta(minutes=1)),
    ],
    ids=["retry-after-honoured", "retry-default-delay", "sink-exception-retried-later"],
)
def test_retry_keeps_item_pending_until_due_again(
    db: Store, first: Delivered | Exception, due_again_after: timedelta
) -> None:
    clock = Clock()
    (item_id,) = enqueue(db, db.ensure_console_subscriber(), 1)
    sink = ScriptedSink([first, SENT])
    drainer = Drainer(db, sink, clock)
    assert drain(drainer) == 0
    assert sink.calls == [item_id] and db.pending_count() == 1
    clock.now = T0 + due_again_after - timedelta(seconds=1)
    assert drain(drainer) == 0 and sink.calls == [item_id]  # not due yet
    clock.now = T0 + due_again_after
    assert drain(drainer) == 1 and sink.calls == [item_id, item_id]
    assert db.stats().outbox_sent == 1 and db.pending_count() == 0


def test_retry_is_never_given_up(db: Store) -> None:
    clock = Clock()
    (item_id,) = enqueue(db, db.ensure_console_subscriber(), 1)
    busy = Delivered(Verdict.RETRY, retry_after=timedelta(hours=1), error="flood wait")
    sink = ScriptedSink([busy] * 60 + [SENT])
    drainer = Drainer(db, sink, clock)
    for _ in range(60):  # two and a half days of refusals
        assert drain(drainer) == 0
        assert db.pending_count() == 1 and db.stats().outbox_failed == 0
        clock.advance(hours=1)
    assert drain(drainer) == 1
    assert sink.calls == [item_id] * 61


def test_failed_is_marked_failed_and_never_retried(db: Store) -> None:
    clock = Clock()
    ids = enqueue(db, db.ensure_console_subscriber(), 1, 2)
    sink = ScriptedSink([Delivered(Verdict.FAILED, error="chat not found"), SENT])
    drainer = Drainer(db, sink, clock)
    assert drain(drainer) == 1
    stats = db.stats()
    assert (stats.outbox_failed, stats.outbox_sent, stats.outbox_pending) == (1, 1, 0)
    clock.advance(days=3)
    assert drain(drainer) == 0 and sorted(sink.calls) == sorted(ids)


def test_sink_exception_does_not_wedge_the_others(db: Store) -> None:
    clock = Clock()
    enqueue(db, db.ensure_console_subscriber(), 1, 2, 3)

    class Flaky:
        async def deliver(self, item: OutboxItem) -> Delivered:
            if item.entry.key == "k2":
                raise ValueError("cannot render")
            return SENT
        deliver_notice = deliver  # no notices in these tests; same contract

    assert drain(Drainer(db, Flaky(), clock)) == 2
    assert db.pending_count() == 1
    clock.advance(minutes=1)
    (again,) = db.claim_due(clock(), 10)
    assert again.entry.key == "k2" and again.attempts == 2


# ------------------------------------------------------------------ mute, batching, stop


def test_muted_subscriber_items_held_then_delivered_after_unmute(db: Store) -> None:
    clock = Clock()
    sub = db.ensure_console_subscriber()
    db.set_muted_until(sub.id, T0 + timedelta(hours=8), now=T0)
    enqueue(db, sub, 1, 2)
    drainer, out = console(db, clock)
    assert drain(drainer) == 0 and out.getvalue() == ""
    clock.advance(hours=2)
    assert drain(drainer) == 0 and db.pending_count() == 2
    db.set_muted_until(sub.id, None, now=clock())
    assert drain(drainer) == 2
    assert len(out.getvalue().splitlines()) == 2 and db.pending_count() == 0


def test_mute_expiring_by_itself_releases_items(db: Store) -> None:
    clock = Clock()
    sub = db.ensure_console_subscriber()
    db.set_muted_until(sub.id, T0 + timedelta(hours=1), now=T0)
    enqueue(db, sub, 1)
    drainer, out = console(db, clock)
    assert drain(drainer) == 0
    clock.advance(hours=1)
    assert drain(drainer) == 1 and entry(1).title in out.getvalue()


@dataclass
class SlowSink:
    """Takes `delay` per item and records how many deliveries overlapped at most."""

    delay: float = 0.02
    in_flight: int = 0
    peak: int = 0
    delivered: list[int] = field(default_factory=list)

    async def deliver(self, item: OutboxItem) -> Delivered:
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            await asyncio.sleep(self.delay)
        finally:
            self.in_flight -= 1
        self.delivered.append(item.id)
        return SENT
    deliver_notice = deliver  # no notices in these tests; same contract


def test_slow_sink_bounded_concurrency_all_batches_drained(db: Store) -> None:
    ids = enqueue(db, db.ensure_console_subscriber(), *range(7))
    sink = SlowSink()
    assert drain(Drainer(db, sink, Clock(), batch=3, concurrency=2)) == 7
    assert sorted(sink.delivered) == sorted(ids)
    assert sink.peak == 2


def test_overlapping_drains_deliver_each_item_once(db: Store) -> None:
    ids = enqueue(db, db.ensure_console_subscriber(), *range(5))
    sink = SlowSink(delay=0.01)
    drainer = Drainer(db, sink, Clock(), batch=2)

    async def both() -> list[int]:
        return list(await asyncio.gather(drainer.drain(), drainer.drain()))

    assert sum(asyncio.run(both())) == 5
    assert sorted(sink.delivered) == sorted(ids)


def test_stop_returns_unsent_items_to_pending(db: Store) -> None:
    clock = Clock()
    ids = enqueue(db, db.ensure_console_subscriber(), *range(4))

    class Gate:
        """Holds the first delivery until the test has called stop()."""

        def __init__(self) -> None:
            self.started, self.release = asyncio.Event(), asyncio.Event()
            self.delivered: list[int] = []

        async def deliver(self, item: OutboxItem) -> Delivered:
            self.started.set()
            await self.release.wait()
            self.delivered.append(item.id)
            return SENT
        deliver_notice = deliver  # no notices in these tests; same contract

    async def scenario() -> tuple[int, Gate]:
        gate = Gate()
        drainer = Drainer(db, gate, clock, concurrency=1)
        task = asyncio.create_task(drainer.drain())
        await gate.started.wait()
        drainer.stop()
        gate.release.set()
        return await task, gate

    sent, gate = asyncio.run(scenario())
    assert sent == 1 and gate.delivered == [ids[0]]  # the one in the sink's hands finishes
    assert db.pending_count() == 3
    # Not lost and not leased: a fresh drainer at the same moment delivers exactly the rest.
    drainer, out = console(db, clock)
    assert drain(drainer) == 3
    assert len(out.getvalue().splitlines()) == 3
    assert db.stats().outbox_sent == 4


# ------------------------------------------------------------------ held by a mute, fairness


@pytest.mark.parametrize(("held", "expect_summary"), [(12, True), (5, False), (3, False)],
                         ids=["flood-becomes-one-summary", "handful-one-by-one", "few"])
def test_alerts_held_by_a_mute_arrive_once_as_a_summary_or_one_by_one(
        db: Store, held: int, expect_summary: bool) -> None:
    clock = Clock()
    sub = db.ensure_console_subscriber()
    db.set_muted_until(sub.id, T0 + timedelta(hours=8), now=T0)
    enqueue(db, sub, *range(held))
    drainer, out = console(db, clock, json_lines=True)
    assert drain(drainer) == 0  # muted: held, not dropped
    clock.advance(hours=9)
    drain(drainer)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    if expect_summary:
        (summary,) = lines
        assert summary["type"] == "notice" and summary["kind"] == "held"
        assert summary["payload"]["count"] == held
        assert summary["payload"]["topics"] == [{"id": "union-state", "title": "union-state",
                                                 "count": held}]
        # Every held story is listed (oldest first) under its topic, its link kept.
        (group,) = summary["payload"]["groups"]
        assert group["title"] == "union-state"
        assert [r["link"] for r in group["stories"]] == [
            f"https://wire.news.test/story/{n}" for n in range(held)]
    else:
        assert [line["type"] for line in lines] == ["item"] * held
    assert db.pending_count() == 0
    drain(drainer)  # nothing twice
    assert len(out.getvalue().splitlines()) == len(lines)


def test_a_new_alert_after_the_mute_is_not_summarised(db: Store) -> None:
    clock = Clock()
    sub = db.ensure_console_subscriber()
    db.set_muted_until(sub.id, T0 + timedelta(minutes=5), now=T0)
    enqueue(db, sub, *range(8))
    clock.advance(minutes=10)
    news = [NewEntry("k99", ("k99",), entry(99), "signed", ("union-state",))]
    db.commit_poll(FeedState(FEED), news, now=clock.now,
                   plan=plan_of(alerts=[NewAlert("k99", sub.id, WHY)]))
    drainer, out = console(db, clock, json_lines=True)
    drain(drainer)
    kinds = [json.loads(line).get("kind", "item") for line in out.getvalue().splitlines()]
    assert sorted(kinds) == ["held", "item"]


def test_claims_take_turns_between_chats(db: Store) -> None:
    """One chat's backlog never queues in front of another chat's only alert."""
    busy = db.get_or_create_subscriber(1, None, "private", "en", None, now=T0)
    quiet = [db.get_or_create_subscriber(n, None, "private", "en", None, now=T0)
             for n in (2, 3, 4)]
    enqueue(db, busy, *range(10))
    for n, sub in enumerate(quiet):
        enqueue(db, sub, 100 + n)
    first = db.claim_due(T0, 4)
    assert sorted(i.subscriber.chat_id for i in first) == [1, 2, 3, 4]
    assert [i.subscriber.chat_id for i in db.claim_due(T0, 4)] == [1, 1, 1, 1]
