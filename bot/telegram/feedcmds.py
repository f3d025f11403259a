"""Feed lists in a private chat with an operator: `/feeds export` sends the polled feeds as
an OPML document; an `.opml` document sent to the bot adds its feeds (stored, polled at once).
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from telegram import Document, InputFile, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.delivery.html import cut, esc
from bot.feedlist import (
    MAX_BYTES,
    OpmlError,
    export_opml,
    plan_import,
    read_opml,
    with_chat_feeds,
    yaml_sections,
)
from bot.i18n import t, tn
from bot.model import ChatFeed
from bot.services import Services
from bot.telegram.chats import Where, reply, services_of, where
from bot.telegram.feedreplies import import_text, refusal_text
from bot.telegram.guard import is_bot_admin

log = logging.getLogger(__name__)
CHAT_GROUP = "Added in chat"  # the OPML folder of chat feeds that came without one
OPML_TYPES = frozenset({"text/x-opml", "text/x-opml+xml", "application/x-opml+xml"})


def is_opml(document: Document) -> bool:
    name = (document.file_name or "").lower()
    return name.endswith(".opml") or (document.mime_type or "").lower() in OPML_TYPES


def export_groups(services: Services, chat_feeds: list[ChatFeed]) -> dict[str, str]:
    """Feed URL -> OPML folder: feeds.yaml's section comments, the chat feeds' categories."""
    try:
        groups = yaml_sections(services.settings.config_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeError):
        groups = {}
    for feed in chat_feeds:
        groups.setdefault(feed.url, feed.category or CHAT_GROUP)
    return groups


async def send_export(update: Update, services: Services, place: Where) -> None:
    """`/feeds export`: the polled feeds (feeds.yaml and chat) as an OPML document."""
    message = update.effective_message
    if message is None:
        return
    if place.chat.type != ChatType.PRIVATE:
        await reply(update, t(place.lang, "feeds_private_only"))
        return
    chat_feeds = await services.db(services.store.chat_feeds)
    groups = await asyncio.to_thread(export_groups, services, chat_feeds)
    now, feeds = services.now(), services.config.feeds
    data = export_opml(feeds, groups, now=now)
    name = f"summit-watch-feeds-{now.date().isoformat()}.opml"
    await message.reply_document(InputFile(data, filename=name), filename=name,
                                 caption=t(place.lang, "opml_caption",
                                           feeds=tn(place.lang, "feeds", len(feeds))),
                                 parse_mode="HTML")


def import_file(services: Services, lang: str, file: str, data: bytes,
                user_id: int | None) -> tuple[str, list[ChatFeed]]:
    """Read, plan and store one OPML file (in a worker thread): the reply text and every
    chat feed now stored. A refused file changes nothing."""
    try:
        listing = read_opml(data)
    except OpmlError as err:
        return refusal_text(lang, file, err), []
    plan = plan_import(listing.outlines, services.config.feeds)
    rows = [ChatFeed(f.url, f.name, f.lang, f.category) for f in plan.added]
    store = services.store
    stored = store.add_chat_feeds(rows, added_by=user_id, now=services.now()) if rows else []
    if stored:
        log.info("%d feeds added in chat by %s from %s", len(stored), user_id, file)
    return import_text(lang, file, plan, set(stored)), store.chat_feeds() if stored else []


async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A document in a private chat: an operator's OPML file is imported."""
    message, user = update.effective_message, update.effective_user
    if message is None or message.document is None:
        return
    services = services_of(context)
    place = await where(update, services)
    if place is None:
        return
    document, lang = message.document, place.lang
    if not is_bot_admin(user, services.settings.admin_ids):
        if is_opml(document):
            await reply(update, t(lang, "bot_admins_only"))
        return
    if not is_opml(document):
        await reply(update, t(lang, "opml_send_hint", kb=MAX_BYTES // 1000))
        return
    file = Path(document.file_name or "feeds.opml").name
    if (document.file_size or 0) > MAX_BYTES:
        too_large = OpmlError("too_large", "too large", kb=MAX_BYTES // 1000)
        await reply(update, refusal_text(lang, file, too_large))
        return
    try:
        handle = await context.bot.get_file(document.file_id)
        data = bytes(await handle.download_as_bytearray())
    except TelegramError as err:
        log.warning("could not download an OPML file: %s", err)
        await reply(update, t(lang, "opml_download_failed", file=esc(cut(file, 60))))
        return
    user_id = user.id if user else None
    text, chat_feeds = await services.db(import_file, services, lang, file, data, user_id)
    if chat_feeds:  # here, not in the thread: /event also replaces the running config
        services.config = with_chat_feeds(services.config, chat_feeds)
    await reply(update, text)
