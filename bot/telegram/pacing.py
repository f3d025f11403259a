"""Telegram's limits for the chat side too: every message PTB sends for a handler (replies,
menus, edits) takes its turn in the limiter the alert sender uses, and a 429 is waited out
and retried instead of losing the reply. The sender paces its own sends and marks them.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.delivery.ratelimit import RateLimiter
from bot.delivery.sender import retry_seconds
from bot.metrics import Metrics

log = logging.getLogger(__name__)

# Requests Telegram counts against the message limits; others (getMe, answerCallbackQuery,
# getChatMember...) go straight through.
COUNTED = frozenset({"sendMessage", "editMessageText", "editMessageReplyMarkup", "sendDocument"})
PACED = {"paced": True}  # rate_limit_args of a request already paced by its caller
MAX_WAIT = 60.0  # a flood wait longer than this fails the request rather than hold a handler
RETRIES = 2


class SharedPacing(BaseRateLimiter[dict[str, Any]]):
    """PTB's rate-limiter hook around the process's one `RateLimiter`."""

    def __init__(self, limiter: RateLimiter, clock: Callable[[], float] = time.monotonic,
                 metrics: Metrics | None = None) -> None:
        self.limiter = limiter
        self._clock = clock
        self.metrics = metrics if metrics is not None else Metrics()

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: dict[str, Any] | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        chat_id = _chat_id(data)
        if endpoint not in COUNTED or chat_id is None or (rate_limit_args or {}).get("paced"):
            return await callback(*args, **kwargs)
        for attempt in range(RETRIES + 1):
            await self._take_turn(chat_id)
            started = time.monotonic()
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                wait = retry_seconds(exc)
                self.metrics.retry("retry_after")
                self.limiter.on_retry_after(chat_id, wait, self._clock())
                if attempt == RETRIES or wait > MAX_WAIT:
                    raise
                log.info("%s to chat %s: flood wait %.0f s, then retried", endpoint, chat_id, wait)
            finally:
                self.metrics.sent("reply", time.monotonic() - started)
        raise AssertionError("unreachable")  # the loop returns or raises

    async def _take_turn(self, chat_id: int) -> None:
        """Wait until this chat and the bot as a whole may send; the turn is counted."""
        while (wait := self.limiter.acquire(chat_id, self._clock())) > 0:
            await asyncio.sleep(min(wait, MAX_WAIT))


def _chat_id(data: dict[str, Any]) -> int | None:
    try:
        return int(data["chat_id"])
    except (KeyError, TypeError, ValueError):
        return None  # @channelusername or none: nothing to pace by
