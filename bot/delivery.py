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
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol, TextIO
from zoneinfo import ZoneInfo

from bot.model import MatchResult, WatchHit
from bot.render import alert_json, console_line
from bot.store import OutboxItem, Store

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


def item_result(item: OutboxItem) -> MatchResult:
    """The stored reasons of an outbox item as a MatchResult, for the shared renderers."""
    why = item.why
    return MatchResult(
        topics=tuple(why.get("topics", ())),
        watches=tuple(WatchHit(None, q) for q in why.get("watches", ())),
        terms=tuple(why.get("terms", ())),
        status=why.get("status"),
    )


class ConsoleSink:
    """Console mode: one line per alert on stdout (JSON lines with `--json`)."""

    def __init__(self, tz: ZoneInfo, json_lines: bool = False, out: TextIO | None = None) -> None:
        self.tz = tz
        self.json_lines = json_lines
        self.out = out

    async def deliver(self, item: OutboxItem) -> Delivered:
        if item.subscriber.kind != "console":
            # A chat subscriber from an earlier Telegram run: keep its alert for that mode.
            return Delivered(Verdict.RETRY, retry_after=timedelta(hours=1), error="console mode")
        entry, result = item.entry.entry, item_result(item)
        if self.json_lines:
            line = json.dumps({"type": "item", **alert_json(entry, result)}, ensure_ascii=False)
        else:
            line = console_line(entry, result, self.tz)
        out = self.out or sys.stdout
        out.write(line + "\n")
        out.flush()  # a pipe reader must see the alert now, not at exit
        return Delivered(Verdict.SENT)


class Drainer:
    """Claims due items in batches and hands them to the sink, `concurrency` at a time."""

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

    async def drain(self) -> int:
        """Deliver everything due now; returns how many items were sent."""
        sent = 0
        async with self._lock:
            while not self._stopping:
                items = await asyncio.to_thread(self.store.claim_due, self.clock(), self.batch)
                if not items:
                    return sent
                verdicts = await asyncio.gather(*(self._one(item) for item in items))
                sent += sum(v is Verdict.SENT for v in verdicts)
                if len(items) < self.batch:
                    return sent
            return sent

    async def _one(self, item: OutboxItem) -> Verdict:
        async with self._slots:
            if self._stopping:
                outcome = Delivered(Verdict.RETRY, retry_after=timedelta(0), error="shutting down")
                await asyncio.to_thread(self._settle, item, outcome)
                return outcome.verdict
            try:
                outcome = await self.sink.deliver(item)
            except Exception as err:  # a sink bug must not wedge the outbox
                log.exception("delivering outbox item %d failed", item.id)
                outcome = Delivered(Verdict.RETRY, retry_after=timedelta(minutes=1), error=repr(err))
        await asyncio.to_thread(self._settle, item, outcome)
        return outcome.verdict

    def _settle(self, item: OutboxItem, outcome: Delivered) -> None:
        now = self.clock()
        if outcome.verdict is Verdict.SENT:
            self.store.mark_sent(item.id, now, outcome.message_id)
        elif outcome.verdict is Verdict.RETRY:
            # Rate limits, network errors and 5xx are never given up: the item waits.
            delay = outcome.retry_after if outcome.retry_after is not None else timedelta(seconds=30)
            self.store.mark_retry(item.id, now + delay, outcome.error or "retry")
        else:
            log.warning("outbox item %d failed for good: %s", item.id, outcome.error)
            self.store.mark_failed(item.id, outcome.error or "failed")
