"""Drains the outbox and the notices into a sink (the console or Telegram) and settles
every item with the sink's verdict.

An item is marked sent only after the sink confirms it. The one window left: a crash
between the sink's confirmation and `mark_sent` re-sends that one item after its lease.
"""

from __future__ import annotations

import asyncio
import enum
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from bot.delivery.held import HANDFUL, summary_pages
from bot.delivery.prefs import prefs_of
from bot.delivery.timing import Hold, alert_hold, notice_hold
from bot.metrics import Metrics
from bot.model import NoticeItem, OutboxItem
from bot.store import Store
from bot.store.aio import StoreRunner, runner_for

log = logging.getLogger(__name__)
TICK = "outbox delivery"  # the job /healthz watches


class Verdict(enum.Enum):
    """What became of one delivery attempt."""

    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"
    HELD = "held"  # not handed to the sink: quiet hours or a digest keep it back


@dataclass(frozen=True, slots=True)
class Delivered:
    """A sink's answer for one item: the verdict, and what settling it needs."""

    verdict: Verdict
    message_id: int | None = None
    retry_after: timedelta | None = None
    error: str | None = None
    forget_message: bool = False  # RETRY: the message to edit is gone; send anew


class Sink(Protocol):
    """Where drained items go: the console or Telegram."""

    async def deliver(self, item: OutboxItem) -> Delivered: ...
    async def deliver_notice(self, item: NoticeItem) -> Delivered: ...


@dataclass(frozen=True, slots=True)
class _Queue:
    """One claimable queue: entry alerts (the outbox) or notices."""

    name: str
    claim: Callable[[datetime, int], Sequence[Any]]
    deliver: Callable[[Any], Awaitable[Delivered]]
    sent: Callable[[int, datetime, int | None], bool]
    retry: Callable[[int, datetime, str, bool], bool]
    failed: Callable[[int, str], bool]
    hold: Callable[[Any, datetime], Hold | None]  # whether the chat's preferences hold it
    held: Callable[[int, Hold], bool]


class Drainer:
    """Claims due alerts and notices in batches and hands them to the sink, `concurrency`
    at a time; settles each with the sink's verdict."""

    def __init__(self, store: Store | StoreRunner, sink: Sink, clock: Callable[[], datetime],
                 *, batch: int = 50, concurrency: int = 16,
                 topic_titles: Mapping[str, str] | None = None,
                 tz: ZoneInfo | None = None,
                 metrics: Metrics | None = None) -> None:
        self.db = runner_for(store)
        self.store = self.db.store
        self.sink = sink
        self.clock = clock
        self.topic_titles = dict(topic_titles or {})
        self.tz = tz or ZoneInfo("UTC")  # chats that chose no zone (the config's timezone)
        self.metrics = metrics if metrics is not None else Metrics()
        self.batch = batch
        self._slots = asyncio.Semaphore(concurrency)
        self._lock = asyncio.Lock()  # one drain at a time: the job and a nudge may overlap
        self._stopping = False

    def stop(self) -> None:
        """Claim nothing more; items not yet handed to the sink go back to pending."""
        self._stopping = True

    def _queues(self) -> tuple[_Queue, _Queue]:
        s = self.store
        return (
            _Queue("outbox", s.claim_due, self.sink.deliver, s.mark_sent, s.mark_retry, s.mark_failed,
                   self._alert_hold, lambda i, h: s.mark_held(i, h.until, h.reason)),
            _Queue("notice", s.claim_notices, self.sink.deliver_notice, s.mark_notice_sent,
                   s.mark_notice_retry, s.mark_notice_failed, self._notice_hold,
                   lambda i, h: s.mark_notice_held(i, h.until)),
        )

    def _alert_hold(self, item: OutboxItem, now: datetime) -> Hold | None:
        if item.message_id is not None or item.sent_at is not None:
            return None  # an edit of what the chat already has: silent, never held
        return alert_hold(item.why, prefs_of(item.subscriber, self.tz), item.watch_modes, now)

    def _notice_hold(self, item: NoticeItem, now: datetime) -> Hold | None:
        if item.message_id is not None or item.sent_at is not None:
            return None
        return notice_hold(item.kind, item.payload, prefs_of(item.subscriber, self.tz), now)

    async def drain(self) -> int:
        """Deliver everything due now; returns how many items were sent."""
        sent = 0
        async with self._lock:
            self.metrics.tick(TICK)
            await self.db(self.store.collapse_held, self.clock(), HANDFUL, self._summarise)
            await self.db(self.store.release_held, self.clock(), self._summarise)
            for queue in self._queues():
                sent += await self._drain(queue)
            if self.metrics.refresh_due("queue_depth"):
                self.metrics.set_queue_depths(await self.db(self.store.queue_depths))
        return sent

    def _summarise(self, held: list[OutboxItem], until: datetime,
                   reason: str) -> list[dict[str, Any]]:
        return summary_pages(held, self.topic_titles, until, reason)

    async def _drain(self, queue: _Queue) -> int:
        sent = 0
        while not self._stopping:
            items = await self.db(queue.claim, self.clock(), self.batch)
            if not items:
                break
            verdicts = await asyncio.gather(*(self._one(queue, item) for item in items))
            sent += sum(v is Verdict.SENT for v in verdicts)
            self.metrics.tick(TICK)  # a long backlog is progress, not a stall
            if len(items) < self.batch:
                break
        return sent

    async def _one(self, queue: _Queue, item: Any) -> Verdict:
        async with self._slots:
            if self._stopping:
                outcome = Delivered(Verdict.RETRY, retry_after=timedelta(0), error="shutting down")
                await self.db(self._settle, queue, item, outcome)
                return outcome.verdict
            hold = queue.hold(item, self.clock())
            if hold is not None:
                await self.db(queue.held, item.id, hold)
                return Verdict.HELD
            try:
                outcome = await queue.deliver(item)
            except Exception as err:  # a sink bug must not wedge the queue
                log.exception("delivering %s item %d failed", queue.name, item.id)
                outcome = Delivered(Verdict.RETRY, retry_after=timedelta(minutes=1), error=repr(err))
        await self.db(self._settle, queue, item, outcome)
        self._count(queue, item, outcome.verdict)
        return outcome.verdict

    def _count(self, queue: _Queue, item: Any, verdict: Verdict) -> None:
        self.metrics.delivered(queue.name, verdict.value)
        # An alert's first delivery; edits and re-sends of a story are not its latency.
        if verdict is Verdict.SENT and isinstance(item, OutboxItem) and item.sent_at is None \
                and item.message_id is None:
            self.metrics.alert_sent(item.entry.entry.published, self.clock())

    def _settle(self, queue: _Queue, item: Any, outcome: Delivered) -> None:
        now = self.clock()
        if outcome.verdict is Verdict.SENT:
            queue.sent(item.id, now, outcome.message_id)
        elif outcome.verdict is Verdict.RETRY:
            # Rate limits, network errors and 5xx are never given up: the item waits.
            delay = outcome.retry_after if outcome.retry_after is not None else timedelta(seconds=30)
            queue.retry(item.id, now + delay, outcome.error or "retry", outcome.forget_message)
        else:
            log.warning("%s item %d failed for good: %s", queue.name, item.id, outcome.error)
            queue.failed(item.id, outcome.error or "failed")
