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
                 limiter: RateLimiter, *, polling: bool = True) -> None:
        store = services.store
        self.shared = store.dialect == "postgresql"
        self.polling = polling  # long polling needs one leader; a webhook feeds every replica
        self.application = application
        self.share = BudgetShare(services.db, limiter, services.now)
        self.leader = UpdatesLeader(application, LeaderLock(store.engine, ROLE, store.worker_id),
                                    services.now)

    def jobs(self) -> list[Job]:
        """The repeating jobs replicas need: recount the share, follow or keep the lock."""
        if not self.shared:
            return []
        jobs: list[Job] = [(self.share.refresh, "replica share", REFRESH_EVERY, REFRESH_EVERY)]
        if self.polling:
            jobs.append((self.leader.step, "updates leader", RETRY_EVERY, RETRY_EVERY))
        return jobs

    async def join(self) -> None:
        """Before the first send: take this replica's share (waiting for the others to
        make room for it)."""
        await self.share.join()

    async def lead(self) -> None:
        """Long polling: poll updates if this replica takes the updates lock (SQLite's one
        process always does); the job retries later. A webhook needs no leader."""
        if self.polling:
            await self.leader.step()

    async def stop(self) -> None:
        """Stop taking updates: polling and the lock, or the webhook server."""
        if self.polling:
            await self.leader.stop()
            return
        updater = self.application.updater
        if updater is not None and updater.running:
            await updater.stop()