"""Sending and editing Telegram messages through python-telegram-bot's Bot, paced by our own
flood-limit pacer, with every outcome classified (ok, retry, blocked, failed, migrated).
"""

from __future__ import annotations

import asyncio
import enum
import time
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Self

from telegram import Bot, InlineKeyboardMarkup, InputFile, LinkPreviewOptions, Message
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import ExtBot
from telegram.request import HTTPXRequest

from bot.delivery.ratelimit import Limits, RateLimiter
from bot.metrics import Metrics

_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
_NOT_MODIFIED = "message is not modified"
# Telegram's answers when an edit's target is the problem, not the new text.
_EDIT_TARGET_GONE = ("message to edit not found", "message can't be edited",
                     "message_id_invalid", "message identifier is not specified")


class OutcomeKind(enum.Enum):
    OK = "ok"
    RETRY = "retry"  # try again after `retry_after` seconds
    BLOCKED = "blocked"  # the user blocked the bot / bot removed: deactivate, never send again
    FAILED = "failed"  # this message can never be delivered as is: do not retry
    MIGRATED = "migrated"  # the group became a supergroup: resend to `new_chat_id`
    GONE = "gone"  # the message to edit no longer exists or can no longer be edited


@dataclass(frozen=True, slots=True)
class SendOutcome:
    kind: OutcomeKind
    message_id: int | None = None
    retry_after: float | None = None
    new_chat_id: int | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.kind is OutcomeKind.OK


@dataclass(frozen=True, slots=True)
class Backoff:
    """Exponential backoff for network errors and 5xx answers, which carry no retry_after."""

    first: float = 1.0
    factor: float = 2.0
    cap: float = 300.0

    def after(self, failures: int) -> float:
        return min(self.cap, self.first * self.factor ** max(0, failures - 1))


class Sender:
    """Owns the Bot used for outgoing messages; one instance per bot token and event loop.

    It never retries by itself: a RETRY outcome says how long to wait, and the caller (the
    outbox drain) decides when to try again.
    """

    def __init__(self, bot: Bot, limiter: RateLimiter | None = None, *,
                 backoff: Backoff | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 metrics: Metrics | None = None) -> None:
        self.bot = bot
        self.metrics = metrics if metrics is not None else Metrics()
        self.limiter = limiter if limiter is not None else RateLimiter()  # it has __len__
        self.backoff = backoff or Backoff()
        self._clock = clock
        self._network_failures = 0  # consecutive, across chats: the network is shared
        self._blocked: set[int] = set()
        # An application's bot passes requests through its rate limiter (the chat side's
        # pacing); these sends are paced here already, so they say so.
        self._paced: dict[str, Any] = (
            {"rate_limit_args": {"paced": True}}
            if isinstance(bot, ExtBot) and bot.rate_limiter is not None else {})

    @classmethod
    def build(cls, token: str, *, base_url: str | None = None, limits: Limits | None = None,
              connections: int = 16, backoff: Backoff | None = None) -> Sender:
        """A Sender with its own Bot; `connections` bounds concurrent requests."""
        request = HTTPXRequest(connection_pool_size=connections, pool_timeout=30.0)
        kwargs: dict[str, Any] = {"request": request}
        if base_url is not None:
            kwargs["base_url"] = base_url
        return cls(Bot(token, **kwargs), RateLimiter(limits), backoff=backoff)

    async def __aenter__(self) -> Self:
        await self.bot.initialize()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.bot.shutdown()

    def is_blocked(self, chat_id: int) -> bool:
        return chat_id in self._blocked

    def unblock(self, chat_id: int) -> None:
        """The chat came back (/start after a block): sending is allowed again."""
        self._blocked.discard(chat_id)

    async def send(self, chat_id: int, text: str, *, thread_id: int | None = None,
                   reply_markup: InlineKeyboardMarkup | None = None) -> SendOutcome:
        """Send one HTML message with link previews off, when the bot-wide pace allows; a
        chat whose own limits say "not yet" gets RETRY at once (see `_take_turn`)."""
        return await self._send(chat_id, "send", lambda: self.bot.send_message(
            chat_id, text, parse_mode=ParseMode.HTML, link_preview_options=_NO_PREVIEW,
            message_thread_id=thread_id, reply_markup=reply_markup, **self._paced))

    async def send_document(self, chat_id: int, filename: str, data: bytes, *,
                            caption: str | None = None,
                            thread_id: int | None = None) -> SendOutcome:
        """Send one file (a calendar) with an HTML caption, paced and classified exactly
        like a message; its type comes from the file name."""
        return await self._send(chat_id, "document", lambda: self.bot.send_document(
            chat_id, InputFile(data, filename=filename), caption=caption,
            parse_mode=ParseMode.HTML, message_thread_id=thread_id, **self._paced))

    async def _send(self, chat_id: int, method: str,
                    call: Callable[[], Awaitable[Message]]) -> SendOutcome:
        if (refused := await self._gate(chat_id)) is not None:
            return refused
        started = time.monotonic()
        try:
            message = await call()
        except TelegramError as exc:
            return self._classify(chat_id, exc, edit=False)
        finally:
            self.metrics.sent(method, time.monotonic() - started)
        self._network_failures = 0
        return SendOutcome(OutcomeKind.OK, message_id=message.message_id)

    async def edit(self, chat_id: int, message_id: int, text: str, *,
                   reply_markup: InlineKeyboardMarkup | None = None) -> SendOutcome:
        """Replace a sent message's text; an unchanged text counts as success."""
        if (refused := await self._gate(chat_id)) is not None:
            return refused
        started = time.monotonic()
        try:
            result = await self.bot.edit_message_text(
                text, chat_id=chat_id, message_id=message_id, parse_mode=ParseMode.HTML,
                link_preview_options=_NO_PREVIEW, reply_markup=reply_markup, **self._paced)
        except TelegramError as exc:
            return self._classify(chat_id, exc, edit=True, message_id=message_id)
        finally:
            self.metrics.sent("edit", time.monotonic() - started)
        self._network_failures = 0
        edited_id = result.message_id if isinstance(result, Message) else message_id
        return SendOutcome(OutcomeKind.OK, message_id=edited_id)

    async def _gate(self, chat_id: int) -> SendOutcome | None:
        """None once a message to this chat may go now; else why not (blocked, or paced)."""
        if chat_id in self._blocked:
            return SendOutcome(OutcomeKind.BLOCKED, error="blocked earlier")
        if (paced := await self._take_turn(chat_id)) > 0:
            self.metrics.retry("paced")
            return SendOutcome(OutcomeKind.RETRY, retry_after=paced, error="paced")
        return None

    async def _take_turn(self, chat_id: int) -> float:
        """0 once this message may go now (and it is counted); else how long the chat itself
        must wait. Only the bot-wide pace is waited for here, which every chat shares: a
        chat's own 1 per second or 20 per minute never holds a delivery slot."""
        while True:
            now = self._clock()
            if (chat_wait := self.limiter.chat_delay(chat_id, now)) > 0:
                return chat_wait
            # Checked and counted with no await between: no other task slips in.
            if (wait := self.limiter.acquire(chat_id, now)) <= 0:
                return 0.0
            await asyncio.sleep(wait)

    def _classify(self, chat_id: int, exc: TelegramError, *, edit: bool,
                  message_id: int | None = None) -> SendOutcome:
        error = f"{type(exc).__name__}: {exc.message}"
        if isinstance(exc, RetryAfter):
            wait = retry_seconds(exc)
            self.metrics.retry("retry_after")
            self.limiter.on_retry_after(chat_id, wait, self._clock())
            return SendOutcome(OutcomeKind.RETRY, retry_after=wait, error=error)
        if isinstance(exc, ChatMigrated):
            return SendOutcome(OutcomeKind.MIGRATED, new_chat_id=int(exc.new_chat_id),
                               error=error)
        if isinstance(exc, Forbidden):
            self._blocked.add(chat_id)
            return SendOutcome(OutcomeKind.BLOCKED, error=error)
        if isinstance(exc, BadRequest):  # before NetworkError: BadRequest subclasses it
            if edit and _NOT_MODIFIED in exc.message.lower():
                return SendOutcome(OutcomeKind.OK, message_id=message_id)
            if edit and any(gone in exc.message.lower() for gone in _EDIT_TARGET_GONE):
                return SendOutcome(OutcomeKind.GONE, error=error)
            return SendOutcome(OutcomeKind.FAILED, error=error)
        if isinstance(exc, NetworkError):  # includes TimedOut and 5xx answers
            self._network_failures += 1
            self.metrics.retry("network")
            wait = self.backoff.after(self._network_failures)
            return SendOutcome(OutcomeKind.RETRY, retry_after=wait, error=error)
        # InvalidToken, Conflict, EndPointNotFound: retrying the message cannot help.
        return SendOutcome(OutcomeKind.FAILED, error=error)


def retry_seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():  # PTB 22 warns that int time periods are deprecated
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
