"""/export sends this chat's settings as a JSON file; /import (the file's caption, a reply
to the file, or just the file in a private chat) restores them: watches re-validated as
/watch would, topic choices and language, in one transaction, with a reply saying what.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Document, Message, MessageEntity, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.delivery.html import esc
from bot.i18n import t, tn
from bot.services import Services
from bot.telegram.chats import Where, command, reply
from bot.telegram.importplan import Plan, make_plan, report
from bot.telegram.settingsfile import (
    MAX_FILE_BYTES,
    Refused,
    dump,
    export_document,
    file_name,
    read,
)

log = logging.getLogger(__name__)


@command()
async def export(update: Update, context: ContextTypes.DEFAULT_TYPE, services: Services,
                 place: Where) -> None:
    """The chat's settings as `summit-watch-<chat>.json`, with a caption saying how to use it."""
    sub, message = place.subscriber, update.effective_message
    if sub is None or message is None:
        await reply(update, t(place.lang, "need_start"))
        return
    now, store = services.now(), services.store
    topic_ids = [tp.id for tp in services.config.topics]
    watches = [w.query for w in await asyncio.to_thread(store.list_watches, sub.id)]
    followed = await asyncio.to_thread(store.followed_topics, sub.id, topic_ids)
    mutes = await asyncio.to_thread(store.topic_mutes, sub.id, now=now)
    document = export_document(
        chat_id=sub.chat_id, thread_id=sub.thread_id, title=sub.title, kind=sub.kind,
        language=sub.lang, watches=watches, followed=followed,
        unfollowed=[tid for tid in topic_ids if tid not in followed], topic_mutes=mutes,
        now=now)
    caption = t(sub.lang, "export_caption", watches=tn(sub.lang, "watches", len(watches)),
                topics=tn(sub.lang, "followed_topics", len(followed)))
    await message.reply_document(document=dump(document),
                                 filename=file_name(sub.chat_id, sub.thread_id),
                                 caption=caption, parse_mode=ParseMode.HTML)


def _caption_command(message: Message, bot_username: str | None) -> bool:
    """Is the caption `/import` (or `/import@thisbot`)?"""
    found = message.parse_caption_entities([MessageEntity.BOT_COMMAND])
    first = next(iter(found.items()), None)
    if first is None or first[0].offset != 0:
        return False
    name, _, target = first[1].partition("@")
    return name.lower() == "/import" and (not target
                                          or target.lower() == (bot_username or "").lower())


def wants_import(message: Message | None, bot_username: str | None) -> bool:
    """A document to import: captioned /import, or sent without a command in a private chat."""
    if message is None or message.document is None:
        return False
    if _caption_command(message, bot_username):
        return True
    return message.chat.type == "private" and not (message.caption or "").startswith("/")


@command(manage=True)
async def import_(update: Update, context: ContextTypes.DEFAULT_TYPE, services: Services,
                  place: Where) -> None:
    """`/import` typed as a reply to the file; on its own it explains how."""
    message = update.effective_message
    replied = message.reply_to_message if message is not None else None
    document = replied.document if replied is not None else None
    if document is None:
        await reply(update, t(place.lang, "import_usage"))
        return
    await _import(update, context, services, place, document)


async def import_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A document message: imported when captioned /import, or sent in a private chat; any
    other document is none of our business (and its sender is not asked to be an admin)."""
    if wants_import(update.effective_message, context.bot.username):
        await _import_attached(update, context)


@command(manage=True)
async def _import_attached(update: Update, context: ContextTypes.DEFAULT_TYPE,
                           services: Services, place: Where) -> None:
    message = update.effective_message
    assert message is not None and message.document is not None  # wants_import checked it
    await _import(update, context, services, place, message.document)


async def _import(update: Update, context: ContextTypes.DEFAULT_TYPE, services: Services,
                  place: Where, document: Document) -> None:
    sub, lang = place.subscriber, place.lang
    if sub is None:
        await reply(update, t(lang, "need_start"))
        return
    name = document.file_name or file_name(sub.chat_id, sub.thread_id)
    try:
        data = await _download(context, document)
        settings = read(data) if data is not None else None
    except Refused as refused:
        await reply(update, _refusal(lang, refused))
        return
    if settings is None:
        await reply(update, t(lang, "import_unreadable"))
        return
    plan: Plan = await asyncio.to_thread(make_plan, services, sub, settings)
    added = await asyncio.to_thread(
        services.store.import_settings, sub.id, add_watches=plan.add, follows=plan.follows,
        lang=plan.new_lang, now=services.now())
    await reply(update, report(plan, added, name, services.config))


async def _download(context: ContextTypes.DEFAULT_TYPE, document: Document) -> bytes | None:
    """The file's bytes (None if Telegram would not give them); Refused when Telegram
    says it is too big, before downloading a byte."""
    size = document.file_size or 0
    if size > MAX_FILE_BYTES:
        raise Refused("import_too_big", size=-(-size // 1024), limit=MAX_FILE_BYTES // 1024)
    try:
        found = await context.bot.get_file(document.file_id)
        if (found.file_size or 0) > MAX_FILE_BYTES:
            raise Refused("import_too_big", size=-(-(found.file_size or 0) // 1024),
                          limit=MAX_FILE_BYTES // 1024)
        return bytes(await found.download_as_bytearray())
    except TelegramError as exc:
        log.info("could not download an imported file: %s", exc)
        return None


def _refusal(lang: str, refused: Refused) -> str:
    values = dict(refused.values)
    if "count" in values:
        values["items"] = tn(lang, "items", int(str(values.pop("count"))))
    if "field" in values:
        values["field"] = esc(str(values["field"]))
    if "version" in values:
        values["version"] = esc(str(values["version"]))
    return t(lang, refused.key, **values)
