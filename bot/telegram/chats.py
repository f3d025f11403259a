"""Which subscriber an update belongs to (chat, forum topic, language), and the bot's own
membership: greeting when added, deactivating when removed, following group migrations.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram import (
    CallbackQuery,
    Chat,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    Update,
)
from telegram.constants import ChatMemberStatus, ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.i18n import lang_for, t
from bot.model import Subscriber, SubscriberKind, UiLang
from bot.services import Services
from bot.telegram.guard import is_chat_admin

log = logging.getLogger(__name__)
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)

_KINDS: dict[str, SubscriberKind] = {
    "private": "private", "group": "group", "supergroup": "supergroup", "channel": "channel",
}
_IN = frozenset({ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR,
                 ChatMemberStatus.OWNER, ChatMemberStatus.RESTRICTED})
_OUT = frozenset({ChatMemberStatus.LEFT, ChatMemberStatus.BANNED})


def services_of(context: ContextTypes.DEFAULT_TYPE) -> Services:
    services = context.bot_data.get("services")
    if not isinstance(services, Services):
        raise TypeError("bot_data['services'] is not set: the app must put Services there")
    return services


def thread_of(message: Message | None) -> int | None:
    """The forum topic a message belongs to; None outside forum topics (in a plain group
    message_thread_id only names a reply chain, which cannot receive alerts)."""
    if message is None or not message.is_topic_message:
        return None
    return message.message_thread_id


@dataclass(frozen=True, slots=True)
class Where:
    """The chat (and forum topic) an update came from, its subscriber and reply language."""

    chat: Chat
    thread_id: int | None
    subscriber: Subscriber | None
    lang: UiLang

    @property
    def kind(self) -> SubscriberKind:
        return _KINDS.get(self.chat.type, "group")

    @property
    def title(self) -> str | None:
        return self.chat.effective_name


async def where(update: Update, services: Services,
                message: Message | None = None) -> Where | None:
    """Locate an update's subscriber; the language is the stored one, else the user's."""
    chat = update.effective_chat
    if chat is None:
        return None
    msg = message if message is not None else update.effective_message
    thread_id = thread_of(msg)
    sub = await services.db(services.store.find_subscriber, chat.id, thread_id)
    user = update.effective_user
    lang: UiLang = sub.lang if sub else lang_for(user.language_code if user else None)
    return Where(chat, thread_id, sub, lang)


async def reply(update: Update, text: str,
                reply_markup: InlineKeyboardMarkup | None = None) -> None:
    """Reply in the update's chat and forum topic, as HTML without link previews."""
    message = update.effective_message
    if message is None:
        return
    await message.reply_text(text, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW,
                             reply_markup=reply_markup)


async def on_my_chat_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Added to a chat: greet it briefly. Removed or blocked: stop alerting it."""
    change = update.my_chat_member
    if change is None:
        return
    services = services_of(context)
    old, new = change.old_chat_member.status, change.new_chat_member.status
    chat = change.chat
    if new in _OUT:
        count = await services.db(services.store.deactivate, chat.id, now=services.now())
        log.info("bot removed from chat %s; %d subscriber(s) deactivated", chat.id, count)
        return
    if new in _IN and old in _OUT and chat.type != "private":
        lang = lang_for(change.from_user.language_code if change.from_user else None)
        try:
            await context.bot.send_message(chat.id, t(lang, "group_hello"),
                                           parse_mode=ParseMode.HTML)
        except TelegramError as exc:  # e.g. no right to post: nothing else to do
            log.info("could not greet chat %s: %s", chat.id, exc)


async def on_migrate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A group became a supergroup: move its subscribers to the new chat id."""
    message = update.effective_message
    if message is None or message.migrate_to_chat_id is None:
        return  # the twin service message in the new chat carries migrate_from_chat_id
    services = services_of(context)
    moved = await services.db(services.store.migrate_chat, message.chat.id, message.migrate_to_chat_id,
                                        now=services.now())
    log.info("chat %s migrated to %s; %d subscriber(s) moved",
             message.chat.id, message.migrate_to_chat_id, moved)


Command = Callable[[Update, ContextTypes.DEFAULT_TYPE, Services, Where], Awaitable[None]]
Callback = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]


def command(*, manage: bool = False) -> Callable[[Command], Callback]:
    """Adapt `fn(update, context, services, where)` to a PTB callback. With `manage`, only
    chat admins may run it in groups; everyone else gets a polite refusal."""

    def decorate(fn: Command) -> Callback:
        @functools.wraps(fn)
        async def callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            services = services_of(context)
            place = await where(update, services)
            if place is None:
                return
            if manage and not await is_chat_admin(
                place.chat, update.effective_user, update.effective_message, context
            ):
                await reply(update, t(place.lang, "admins_only"))
                return
            await fn(update, context, services, place)

        return callback

    return decorate


def command_arg(message: Message | None) -> str:
    """The text after the /command, with line breaks turned into spaces (the query parser
    treats them alike, and the caret under an error stays aligned)."""
    if message is None or not message.text:
        return ""
    parts = message.text.split(maxsplit=1)
    rest = parts[1] if len(parts) > 1 else ""
    return rest.translate(_BLANKS).strip()


_BLANKS = str.maketrans({c: " " for c in "\r\n\t\v\f"})


@dataclass(frozen=True)
class Press:
    """A button press: its query, the message under which it was pressed, where it was."""

    query: CallbackQuery
    services: Services
    message: Message | None
    place: Where | None


async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Press | None:
    """The press an update carries, located; None when it carries none."""
    query = update.callback_query
    if query is None:
        return None
    services = services_of(context)
    message = query.message if isinstance(query.message, Message) else None
    return Press(query, services, message, await where(update, services, message))
