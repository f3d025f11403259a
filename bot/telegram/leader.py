"""Exactly one replica consumes Telegram updates (long polling): the holder of the "updates"
lock (store.leader). The others retry every `RETRY_EVERY` and take over when the leader's
session ends; a leader whose lock connection fails stops polling at its next check.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from telegram import Update
from telegram.error import Conflict, TelegramError
from telegram.ext import Application

from bot.store.leader import LeaderLock, current_leader

log = logging.getLogger(__name__)

RETRY_EVERY = timedelta(seconds=3)  # a follower's attempt, and the leader's own check
CHECK_TIMEOUT = 8.0  # a lock check that hangs this long counts as a lost connection
ROLE = "updates"


class UpdatesLeader:
    """Starts and stops the PTB Updater with the lock: leader polls, followers do not."""

    def __init__(self, application: Application[Any, Any, Any, Any, Any, Any],
                 lock: LeaderLock, now: Callable[[], datetime]) -> None:
        self.application = application
        self.lock = lock
        self._now = now
        self.leading = False
        self.conflicts = 0  # 409 answers to getUpdates seen by this process
        self._follower_logged = False

    async def step(self) -> None:
        """Leader: still holding the lock? Follower: can it be taken now?"""
        if self.leading:
            if not await self._check(self.lock.held):
                await self._step_down("its database connection (and so the lock) was lost")
            return
        if await self._check(lambda: self.lock.acquire(self._now())):
            await self._start_polling()
        elif not self._follower_logged:
            self._follower_logged = True
            log.info("another replica consumes Telegram updates (%s); this one polls feeds "
                     "and delivers, and tries to take over every %.0f s",
                     await asyncio.to_thread(self._who), RETRY_EVERY.total_seconds())

    async def stop(self) -> None:
        """Stop polling (confirming what was fetched), then let another replica lead."""
        if self.leading:
            await self._stop_updater()
        await asyncio.to_thread(self.lock.release)
        await asyncio.to_thread(self.lock.close)

    async def _check(self, call: Callable[[], bool]) -> bool:
        try:
            return await asyncio.wait_for(asyncio.to_thread(call), CHECK_TIMEOUT)
        except TimeoutError:
            log.warning("the %s lock check did not answer within %.0f s", ROLE, CHECK_TIMEOUT)
            return False

    async def _start_polling(self) -> None:
        updater = self.application.updater
        assert updater is not None
        try:
            await updater.start_polling(allowed_updates=Update.ALL_TYPES,
                                        error_callback=self._on_polling_error)
        except TelegramError as err:
            log.warning("could not start polling Telegram for updates (%s); the lock is "
                        "given up and taken again later", type(err).__name__)
            await asyncio.to_thread(self.lock.release)
            return
        self.leading, self._follower_logged = True, False
        log.info("this replica now leads: it alone consumes Telegram updates")

    async def _step_down(self, why: str) -> None:
        log.warning("this replica stops consuming Telegram updates: %s; another replica "
                    "takes over", why)
        await self._stop_updater()
        await asyncio.to_thread(self.lock.release)

    async def _stop_updater(self) -> None:
        self.leading = False
        updater = self.application.updater
        if updater is not None and updater.running:
            await updater.stop()

    def _on_polling_error(self, exc: TelegramError) -> None:
        """PTB retries getUpdates after any error; say plainly what a 409 means."""
        if isinstance(exc, Conflict):
            self.conflicts += 1
            log.error("Telegram answered getUpdates with 409 Conflict: another process takes "
                      "this bot's updates (a second deployment with the same token, or a "
                      "webhook); this replica holds the %s lock and keeps retrying", ROLE)
            return
        log.warning("polling Telegram for updates failed (%s: %s); retrying",
                    type(exc).__name__, exc.message)

    def _who(self) -> str:
        try:
            leader = current_leader(self.lock.engine, ROLE)
        except Exception:  # noqa: BLE001 - only for a log line
            return "unknown"
        if leader is None:
            return "unknown"
        return f"{leader.host} pid {leader.pid}"
