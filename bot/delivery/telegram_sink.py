"""Telegram mode's sink: one HTML message per alert (with its buttons as they stand for the
chat) or notice through the rate-limited Sender, edited in place when a later report changes
it; a notice with a file (a moved event's calendar) is one document with the notice as caption.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.delivery.controls import Button, alert_buttons
from bot.delivery.drainer import Delivered, Verdict
from bot.delivery.render import render_alert, render_caption, render_notice
from bot.delivery.sender import OutcomeKind, Sender, SendOutcome
from bot.model import NoticeAttachment, NoticeItem, OutboxItem, Subscriber
from bot.store import Store
from bot.store.aio import StoreRunner, runner_for


def keyboard(buttons: list[Button]) -> InlineKeyboardMarkup | None:
    """One button per row; None for none (Telegram then shows no keyboard)."""
    if not buttons:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(b.label, callback_data=b.data)]
                                 for b in buttons])


def _wall_clock() -> datetime:
    return datetime.now(UTC)


class TelegramSink:
    """One HTML message per outbox item, through the rate-limited Sender."""

    def __init__(self, sender: Sender, store: Store | StoreRunner, tz: ZoneInfo,
                 topic_titles: Mapping[str, str],
                 clock: Callable[[], datetime] = _wall_clock) -> None:
        self.sender = sender
        self.db = runner_for(store)
        self.store = self.db.store
        self.tz = tz
        self.topic_titles = topic_titles
        self.clock = clock  # which topic mutes are running, for the buttons' labels

    async def deliver(self, item: OutboxItem) -> Delivered:
        sub = item.subscriber
        if sub.kind == "console":
            return Delivered(Verdict.FAILED, error="the console subscriber has no chat")
        text = render_alert(item, tz=self.tz, lang=sub.lang, topic_titles=self.topic_titles)
        # Read at each send and edit: an edit (a later report) must not undo a press.
        controls = await self.db(self.store.chat_controls, sub.id, now=self.clock())
        buttons = alert_buttons(item.why, sub.lang, self.topic_titles, controls, self.tz)
        return await self._send_or_edit(sub, item.message_id, text, keyboard(buttons))

    async def deliver_notice(self, item: NoticeItem) -> Delivered:
        sub = item.subscriber
        if sub.kind == "console":
            return Delivered(Verdict.FAILED, error="the console subscriber has no chat")
        attachment = NoticeAttachment.of_payload(item.payload)
        if attachment is not None:
            return await self._send_file(sub, item, attachment)
        text = render_notice(item.kind, item.payload, sub.lang)
        return await self._send_or_edit(sub, item.message_id, text)

    async def _send_file(self, sub: Subscriber, item: NoticeItem,
                         attachment: NoticeAttachment) -> Delivered:
        """The notice and its file in ONE message, so the row is settled by one send: sent
        whole or retried whole, never half. A file is never edited: a re-opened notice
        sends its file again."""
        if self.sender.is_blocked(sub.chat_id):
            self.sender.unblock(sub.chat_id)
        caption = render_caption(item.kind, item.payload, sub.lang)
        outcome = await self.sender.send_document(
            sub.chat_id, attachment.filename, attachment.text.encode("utf-8"), caption=caption,
            thread_id=sub.thread_id)
        return await self._verdict(sub, outcome)

    async def _send_or_edit(self, sub: Subscriber, message_id: int | None, text: str,
                            markup: InlineKeyboardMarkup | None = None) -> Delivered:
        """A first delivery sends; a later one (a new source, a confirmation) edits in place."""
        if self.sender.is_blocked(sub.chat_id):
            # Claims only return active subscribers: this chat pressed /start again.
            self.sender.unblock(sub.chat_id)
        if message_id is None:
            outcome = await self.sender.send(sub.chat_id, text, thread_id=sub.thread_id,
                                             reply_markup=markup)
            return await self._verdict(sub, outcome)
        outcome = await self.sender.edit(sub.chat_id, message_id, text, reply_markup=markup)
        if outcome.kind is OutcomeKind.GONE:
            # Deleted, or too old to edit: the update goes out as a new message at the next
            # attempt, so the chat still hears of it; it counts as sent only once it is.
            return Delivered(Verdict.RETRY, retry_after=timedelta(0), error=outcome.error,
                             forget_message=True)
        return await self._verdict(sub, outcome)

    async def _verdict(self, sub: Subscriber, outcome: SendOutcome) -> Delivered:
        if outcome.kind is OutcomeKind.OK:
            return Delivered(Verdict.SENT, message_id=outcome.message_id)
        if outcome.kind is OutcomeKind.RETRY:
            return Delivered(Verdict.RETRY, retry_after=timedelta(seconds=outcome.retry_after or 1),
                             error=outcome.error)
        if outcome.kind is OutcomeKind.BLOCKED:
            await self.db(self.store.deactivate, sub.chat_id)
            return Delivered(Verdict.FAILED, error=outcome.error or "blocked by the user")
        if outcome.kind is OutcomeKind.MIGRATED and outcome.new_chat_id is not None:
            await self.db(self.store.migrate_chat, sub.chat_id, outcome.new_chat_id)
            # The next claim loads the subscriber again, now with the supergroup's id.
            return Delivered(Verdict.RETRY, retry_after=timedelta(0), error="chat migrated")
        return Delivered(Verdict.FAILED, error=outcome.error or outcome.kind.value)

