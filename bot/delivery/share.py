"""Telegram's bot-wide limit (30 messages a second) split between replicas on one database:
each replica paces itself at 1/N of it, N being the workers with a fresh heartbeat.

Why a share and not a shared token bucket: a bucket row would cost a database round trip
(and a hot row lock) per message; the share costs one count every `REFRESH_EVERY`. The
sends of N replicas, each at most 30/N in any second, add up to at most 30 (27 with the
headroom several replicas keep for jitter). Views of N
lag by at most `REFRESH_EVERY`: a joining replica waits `JOIN_GRACE` before its first send,
so every other replica has lowered its pace by then; a dead replica is counted until its
heartbeat is stale (30 s), which only slows the survivors. The per-chat limits need no
share: one chat is served by one replica at a time (store.chatholds), and the same count
splits the free chats between replicas (chat id modulo N), so each has its share of chats
to spend its share of the budget on.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.delivery.ratelimit import RateLimiter
from bot.store import Store
from bot.store.aio import StoreRunner, runner_for

log = logging.getLogger(__name__)

REFRESH_EVERY = timedelta(seconds=2)
# Several replicas' sends reach Telegram through different connections and arrive bunched
# by network and scheduling jitter that one process's even pacing never shows: together
# they keep 10% below the limit (bench/replica_check.py on a busy 2-core machine: 5 429s
# in 1,000 alerts from three replicas at 100%, none at 90%).
SHARED_HEADROOM = 0.9
JOIN_GRACE = REFRESH_EVERY.total_seconds() + 1.0


class BudgetShare:
    """Keeps one process's limiter at its share of the bot-wide pace."""

    def __init__(self, store: Store | StoreRunner, limiter: RateLimiter,
                 now: Callable[[], datetime], monotonic: Callable[[], float] = time.monotonic,
                 ) -> None:
        self.db = runner_for(store)
        self.limiter = limiter
        self._now = now
        self._monotonic = monotonic

    async def join(self) -> int:
        """Take this process's share before its first send; with other replicas alive,
        wait until they have made room for it."""
        replicas = await self.refresh()
        if replicas > 1:
            self.limiter.pause_all(self._monotonic() + JOIN_GRACE)
        return replicas

    async def refresh(self) -> int:
        """Count the live replicas (this one included) and pace at 1/N; returns N."""
        if self.db.store.dialect != "postgresql":
            return 1  # SQLite: one process, the whole budget
        store = self.db.store
        live = [worker for worker, *_ in await self.db(store.live_workers, self._now())]
        replicas = max(1, len(live))
        store.partition = (live.index(store.worker_id), replicas) if store.worker_id in live \
            else None
        if replicas != self.limiter.share:
            headroom = 1.0 if replicas == 1 else SHARED_HEADROOM
            log.info("%d replicas share Telegram's limit: this one sends at most %.1f "
                     "messages a second", replicas,
                     self.limiter.limits.global_per_second * headroom / replicas)
            self.limiter.set_share(replicas, headroom)
        return replicas
