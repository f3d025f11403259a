"""Telegram mode of `run`: the PTB Application with long polling, chat handlers, and the
outbox delivered as rate-limited HTML messages.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from datetime import timedelta
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.error import InvalidToken, NetworkError, TelegramError

from bot.runtime import (
    STOP_GRACE,
    Runtime,
    nudge_delivery,
    open_runtime,
    schedule_jobs,
    shutdown,
    wait_for_stop_signal,
)
from bot.config import Config, Delivery, Settings
from bot.delivery.drainer import Delivered, Verdict
from bot.store import NoticeItem, OutboxItem, Store, Subscriber
from bot.telegram.handlers import register_handlers, set_commands
from bot.delivery.render import render_alert
from bot.delivery.notices import render_notice
from bot.delivery.ratelimit import Limits, RateLimiter
from bot.delivery.sender import OutcomeKind, Sender, SendOutcome

log = logging.getLogger(__name__)


class TelegramSink:
    """One HTML message per outbox item, through the rate-limited Sender."""

    def __init__(self, sender: Sender, store: Store, tz: ZoneInfo, topic_titles: Mapping[str, str]) -> None:
        self.sender = sender
        self.store = store
        self.tz = tz
        self.topic_titles = topic_titles

    async def deliver(self, item: OutboxItem) -> Delivered:
        sub = item.subscriber
        if sub.kind == "console":
            return Delivered(Verdict.FAILED, error="the console subscriber has no chat")
        text = render_alert(item, tz=self.tz, lang=sub.lang, topic_titles=self.topic_titles)
        return await self._send_or_edit(sub, item.message_id, text)

    async def deliver_notice(self, item: NoticeItem) -> Delivered:
        sub = item.subscriber
        if sub.kind == "console":
            return Delivered(Verdict.FAILED, error="the console subscriber has no chat")
        text = render_notice(item.kind, item.payload, sub.lang)
        return await self._send_or_edit(sub, item.message_id, text)

    async def _send_or_edit(self, sub: Subscriber, message_id: int | None, text: str) -> Delivered:
        """A first delivery sends; a later one (a new source, a confirmation) edits in place."""
        if self.sender.is_blocked(sub.chat_id):
            # Claims only return active subscribers: this chat pressed /start again.
            self.sender.unblock(sub.chat_id)
        if message_id is not None:
            outcome = await self.sender.edit(sub.chat_id, message_id, text)
        else:
            outcome = await self.sender.send(sub.chat_id, text, thread_id=sub.thread_id)
        return await self._verdict(sub, outcome, message_id)

    async def _verdict(self, sub: Subscriber, outcome: SendOutcome, message_id: int | None) -> Delivered:
        if outcome.kind is OutcomeKind.OK:
            return Delivered(Verdict.SENT, message_id=outcome.message_id or message_id)
        if outcome.kind is OutcomeKind.RETRY:
            return Delivered(Verdict.RETRY, retry_after=timedelta(seconds=outcome.retry_after or 1),
                             error=outcome.error)
        if outcome.kind is OutcomeKind.BLOCKED:
            await asyncio.to_thread(self.store.deactivate, sub.chat_id)
            return Delivered(Verdict.FAILED, error=outcome.error or "blocked by the user")
        if outcome.kind is OutcomeKind.MIGRATED and outcome.new_chat_id is not None:
            await asyncio.to_thread(self.store.migrate_chat, sub.chat_id, outcome.new_chat_id)
            # The next claim loads the subscriber again, now with the supergroup's id.
            return Delivered(Verdict.RETRY, retry_after=timedelta(0), error="chat migrated")
        if message_id is not None:
            # The message to edit is gone (deleted, too old): the first delivery stands.
            return Delivered(Verdict.SENT, message_id=message_id)
        return Delivered(Verdict.FAILED, error=outcome.error or outcome.kind.value)


def rate_limits(delivery: Delivery) -> Limits:
    return Limits(
        global_per_second=float(delivery.global_per_second),
        chat_interval=delivery.per_chat_interval.total_seconds(),
        group_max=delivery.group_per_minute,
    )


async def _connect(rt: Runtime) -> str | None:
    """initialize() calls getMe: a wrong token or an unreachable API stops us here.
    The messages never include the token (PTB's own InvalidToken message does)."""
    api = rt.services.settings.telegram_api_url
    try:
        await rt.application.initialize()
    except InvalidToken:
        return f"the Telegram Bot API at {api} rejected the token (check TELEGRAM_BOT_TOKEN)"
    except NetworkError as err:
        return f"cannot reach the Telegram Bot API at {api}: {type(err).__name__}"
    except TelegramError as err:
        return f"the Telegram Bot API at {api} refused to start the bot: {type(err).__name__}"
    return None


async def run_telegram(config: Config, settings: Settings, store: Store) -> int:
    rt = open_runtime(config, settings, store)
    app = rt.application
    register_handlers(app)
    sender = Sender(app.bot, RateLimiter(rate_limits(config.delivery)))
    rt.drainer.sink = TelegramSink(sender, store, config.tz, {t.id: t.title for t in config.topics})
    rt.services.outbox_changed = lambda: nudge_delivery(rt)
    console = await asyncio.to_thread(store.find_subscriber, 0)
    if console is not None:
        await asyncio.to_thread(store.set_active, console.id, False)
    problem = await _connect(rt)
    if problem:
        log.error("%s", problem)
        await rt.fetcher.aclose()
        store.close()
        return 1
    try:
        await set_commands(app.bot)
    except TelegramError as err:
        log.warning("could not register the command list: %s", err)
    schedule_jobs(rt)
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(allowed_updates=Update.ALL_TYPES)
    log.info("telegram mode: @%s polling %d feeds", app.bot.username, len(config.feeds))
    await wait_for_stop_signal()
    log.info("stopping: finishing the current step")
    await app.updater.stop()
    rt.poller.stop()
    rt.drainer.stop()
    try:  # stops handlers and the JobQueue; the current job finishes its step
        await asyncio.wait_for(app.stop(), STOP_GRACE)
    except TimeoutError:
        log.warning("a job was still running after %.0fs; its work is retried next start", STOP_GRACE)
    await shutdown(rt)
    await app.shutdown()
    log.info("stopped")
    return 0
