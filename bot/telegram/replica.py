"""This process among replicas on one PostgreSQL: its share of Telegram's bot-wide limit
(delivery.share) and the lock that lets one replica alone consume updates (telegram.leader).
On SQLite the one process has the whole budget and leads.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from telegram.ext import Application

from bot.delivery.ratelimit import RateLimiter
from bot.delivery.share import REFRESH_EVERY, BudgetShare
from bot.services import Services
from bot.store.leader import LeaderLock
from bot.telegram.leader import RETRY_EVERY, ROLE, UpdatesLeader

# A repeating job: what to run, its name, its interval and when it first runs.
Job = tuple[Callable[[], Awaitable[object]], str, timedelta, float | timedelta]


class Replica:
    """The budget share and the updates leader of one `run`."""

    def __init__(self, services: Services,
                 application: Application[Any, Any, Any, Any, Any, Any],
                 limiter: RateLimiter) -> None:
        store = services.store
        self.shared = store.dialect == "postgresql"
        self.share = BudgetShare(services.db, limiter, services.now)
        self.leader = UpdatesLeader(application, LeaderLock(store.engine, ROLE, store.worker_id),
                                    services.now)

    def jobs(self) -> list[Job]:
        """The repeating jobs replicas need: recount the share, follow or keep the lock."""
        if not self.shared:
            return []
        return [(self.share.refresh, "replica share", REFRESH_EVERY, REFRESH_EVERY),
                (self.leader.step, "updates leader", RETRY_EVERY, RETRY_EVERY)]

    async def join(self) -> None:
        """Before the first send: take this replica's share (waiting for the others to
        make room for it)."""
        await self.share.join()
