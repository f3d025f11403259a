"""Drains the outbox into a sink (the console or Telegram) and settles every item.

An item is marked sent only after the sink confirms it. The one window left: a crash
between the sink's confirmation and `mark_sent` re-sends that one item after its lease.
"""

from __future__ import annotations

import asyncio
import enum
import json
import logging
import sys
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol, TextIO
from zoneinfo import ZoneInfo

from bot.model import MatchResult, WatchHit
from bot.delivery.console import alert_json, console_line
from bot.store import NoticeItem, OutboxItem, Store
from bot.delivery.notices import notice_text

log = logging.getLogger(__name__)

class Verdict(enum.Enum):
    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Delivered:
    verdict: Verdict
    message_id: int | None = None
    retry_after: timedelta | None = None
    error: str | None = None


class Sink(Protocol):
    async def deliver(self, item: OutboxItem) -> Delivered: ...
    async def deliver_notice(self, item: NoticeItem) -> Delivered: ...


def item_result(item: OutboxItem) -> MatchResult:
    """The stored reasons of an outbox item as a MatchResult, for the shared renderers."""
    why = item.why
    return MatchResult(
        topics=tuple(why.get("topics", ())),
        watches=tuple(WatchHit(None, q) for q in why.get("watches", ())),
        terms=tuple(why.get("terms", ())),
        status=why.get("status"),
    )


def also_feeds(why: Mapping[str, Any]) -> list[str]:
    """Feeds that later reported the same story (clustered into this alert)."""
    return [str(a.get("feed")) for a in why.get("also") or () if isinstance(a, Mapping) and a.get("feed")]


class ConsoleSink:
    """Console mode: one line per alert on stdout (JSON lines with `--json`); a story that
    another feed reports later gets an "update" line, notices a "notice" line."""

    def __init__(self, tz: ZoneInfo, json_lines: bool = False, out: TextIO | None = None) -> None:
        self.tz = tz
        self.json_lines = json_lines
        self.out = out

    def _write(self, line: str) -> Delivered:
        out = self.out or sys.stdout
        out.write(line + "\n")
        out.flush()  # a pipe reader must see the alert now, not at exit
        return Delivered(Verdict.SENT)

    async def deliver(self, item: OutboxItem) -> Delivered:
        if item.subscriber.kind != "console":
            # A chat subscriber from an earlier Telegram run: keep its alert for that mode.
            return Delivered(Verdict.RETRY, retry_after=timedelta(hours=1), error="console mode")
        entry, result = item.entry.entry, item_result(item)
        also = also_feeds(item.why)
        if item.sent_at is not None:  # printed before: only the new sources are news
            if self.json_lines:
                return self._write(json.dumps({"type": "update", "link": entry.link, "title": entry.title,
                                               "also": also}, ensure_ascii=False))
            # The headline was printed already: name the story by its link, not its title.
            return self._write(f"  ↳ also reported by {', '.join(also)}: {entry.link or 'the story above'}")
        if self.json_lines:
            extra = {"also": also} if also else {}
            return self._write(json.dumps({"type": "item", **alert_json(entry, result), **extra},
                                          ensure_ascii=False))
        line = console_line(entry, result, self.tz)
        return self._write(line + (f"  (also: {', '.join(also)})" if also else ""))

    async def deliver_notice(self, item: NoticeItem) -> Delivered:
        if item.subscriber.kind != "console":
            return Delivered(Verdict.RETRY, retry_after=timedelta(hours=1), error="console mode")
        text = notice_text(item.kind, item.payload)
        if self.json_lines:
            return self._write(json.dumps({"type": "notice", "kind": item.kind, "key": item.key,
                                           "update": item.sent_at is not None, "text": text,
                                           "payload": item.payload}, ensure_ascii=False, default=str))
        prefix = "[NOTICE UPDATE] " if item.sent_at is not None else "[NOTICE] "
        return self._write(f"{prefix}{text}")


@dataclass(frozen=True, slots=True)
class _Queue:
    """One claimable queue: entry alerts (the outbox) or notices."""

    name: str
    claim: Callable[[datetime, int], Sequence[Any]]
    deliver: Callable[[Any], Awaitable[Delivered]]
    sent: Callable[[int, datetime, int | None], bool]
    retry: Callable[[int, datetime, str], bool]
    failed: Callable[[int, str], bool]


class Drainer:
    """Claims due alerts and notices in batches and hands them to the sink, `concurrency`
    at a time; settles each with the sink's verdict."""

    def __init__(self, store: Store, sink: Sink, clock: Callable[[], datetime],
                 *, batch: int = 50, concurrency: int = 16) -> None:
        self.store = store
        self.sink = sink
        self.clock = clock
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
            _Queue("outbox", s.claim_due, self.sink.deliver, s.mark_sent, s.mark_retry, s.mark_failed),
            _Queue("notice", s.claim_notices, self.sink.deliver_notice, s.mark_notice_sent,
                   s.mark_notice_retry, s.mark_notice_failed),
        )

    async def drain(self) -> int:
        """Deliver everything due now; returns how many items were sent."""
        sent = 0
        async with self._lock:
            for queue in self._queues():
                sent += await self._drain(queue)
        return sent

    async def _drain(self, queue: _Queue) -> int:
        sent = 0
        while not self._stopping:
            items = await asyncio.to_thread(queue.claim, self.clock(), self.batch)
            if not items:
                break
            verdicts = await asyncio.gather(*(self._one(queue, item) for item in items))
            sent += sum(v is Verdict.SENT for v in verdicts)
            if len(items) < self.batch:
                break
        return sent

    async def _one(self, queue: _Queue, item: Any) -> Verdict:
        async with self._slots:
            if self._stopping:
                outcome = Delivered(Verdict.RETRY, retry_after=timedelta(0), error="shutting down")
                await asyncio.to_thread(self._settle, queue, item, outcome)
                return outcome.verdict
            try:
                outcome = await queue.deliver(item)
            except Exception as err:  # a sink bug must not wedge the queue
                log.exception("delivering %s item %d failed", queue.name, item.id)
                outcome = Delivered(Verdict.RETRY, retry_after=timedelta(minutes=1), error=repr(err))
        await asyncio.to_thread(self._settle, queue, item, outcome)
        return outcome.verdict

    def _settle(self, queue: _Queue, item: Any, outcome: Delivered) -> None:
        now = self.clock()
        if outcome.verdict is Verdict.SENT:
            queue.sent(item.id, now, outcome.message_id)
        elif outcome.verdict is Verdict.RETRY:
            # Rate limits, network errors and 5xx are never given up: the item waits.
            delay = outcome.retry_after if outcome.retry_after is not None else timedelta(seconds=30)
            queue.retry(item.id, now + delay, outcome.error or "retry")
        else:
            log.warning("%s item %d failed for good: %s", queue.name, item.id, outcome.error)
            queue.failed(item.id, outcome.error or "failed")
