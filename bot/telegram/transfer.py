"""/export sends this chat's settings as a JSON file; sending that file back (in a private
chat as it is; in a group captioned /import, or under its exported name, or replied to with
/import) restores them: all or nothing, in one transaction, with a reply saying what changed.
"""

from __future__ import annotations

import logging

from telegram import Document, Message, MessageEntity, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes, filters

from bot.delivery.html import esc
from bot.i18n import t, tn
from bot.services import Services
from bot.store.imports import ImportChanges
from bot.telegram.chats import Where, command, reply
from bot.telegram.importplan import Plan, make_plan, refuse_broad, report
from bot.telegram.prefscmds import retime_held
from bot.telegram.settingsfile import (
    MAX_FILE_BYTES,
    MIME_TYPE,
    Refused,
    dump,
    export_document,
    file_name,
    kb,
    read,
)

log = logging.getLogger(__name__)

# What the settings handler is given: JSON documents, and any document captioned /import.
# Calendar files are taken before it and OPML files after it (bot.telegram.handlers).
SETTINGS_FILES = filters.Document.ALL & (
    filters.Document.FileExtension("json") | filters.Document.MimeType(MIME_TYPE)
    | filters.CaptionRegex(r"^/import(@\w+)?(\s|$)"))
_EXPORTED_NAME = "summit-watch-"


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
    watches = [w.query for w in await services.db(store.list_watches, sub.id)]
    followed = await services.db(store.followed_topics, sub.id, topic_ids)
    mutes = await services.db(store.topic_mutes, sub.id, now=now)
    modes = {w.query: w.mode for w in await services.db(store.list_watches, sub.id) if w.mode}
    quiet = f"{sub.quiet} strict" if sub.quiet and sub.quiet_strict else sub.quiet
    document = export_document(
        chat={"id": sub.chat_id, "thread_id": sub.thread_id, "title": sub.title,
              "kind": sub.kind},
        language=sub.lang, watches=watches, followed=followed,
        unfollowed=[tid for tid in topic_ids if tid not in followed],
        muted_until=sub.muted_until if sub.muted(now) else None, topic_mutes=mutes, now=now,
        delivery={"quiet_hours": quiet, "time_zone": sub.tz, "delivery_mode": sub.mode},
        watch_modes=modes)
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
    """A document to import: captioned /import; or, uncaptioned, a JSON file in a private
    chat or one named as /export names it. In groups people share other JSON files that
    are none of the bot's business (and their senders are not asked to be admins)."""
    if message is None or message.document is None:
        return False
    if _caption_command(message, bot_username):
        return True
    document = message.document
    name = (document.file_name or "").lower()
    is_json = name.endswith(".json") or document.mime_type == MIME_TYPE
    if not is_json or (message.caption or "").startswith("/"):
        return False
    return message.chat.type == "private" or name.startswith(_EXPORTED_NAME)


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
    """A settings document (SETTINGS_FILES) that `wants_import`; others are left alone."""
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
        if data is None:
            await reply(update, t(lang, "import_unreadable"))
            return
        plan: Plan = await services.db(make_plan, services, sub, read(data))
        await refuse_broad(services, plan)
    except Refused as refused:
        await reply(update, _refusal(lang, refused))
        return
    if plan.changes:
        await services.db(services.store.import_settings, sub.id, _changes(plan, services),
                          now=services.now())
        if plan.delivery or plan.watch_modes:  # what the chat holds follows the new settings
            await services.db(retime_held, services, sub.id, services.now())
        if plan.mute_changed or plan.delivery or plan.watch_modes:
            services.outbox_changed()  # an ended mute's (or quiet hours') alerts are due now
    log.info("settings imported into chat %s: %d watches added, %d removed", sub.chat_id,
             len(plan.add), len(plan.remove))
    await reply(update, report(plan, name, services.config))


def _changes(plan: Plan, services: Services) -> ImportChanges:
    # The import time ends a running mute (as /unmute does), so delivery tells what it held.
    muted = (plan.muted_until or services.now()) if plan.mute_changed else None
    return ImportChanges(add_watches=plan.add, remove_watches=plan.remove, follows=plan.follows,
                         lang=plan.new_lang, muted_until=muted,
                         topic_mutes=plan.topic_mutes if plan.topic_mutes_changed else None,
                         delivery=plan.delivery, watch_modes=plan.watch_modes)


async def _download(context: ContextTypes.DEFAULT_TYPE, document: Document) -> bytes | None:
    """The file's bytes (None if Telegram would not give them); Refused when Telegram
    says it is too big, before downloading a byte."""
    if (document.file_size or 0) > MAX_FILE_BYTES:
        raise Refused("import_too_big", size=kb(document.file_size or 0),
                      limit=kb(MAX_FILE_BYTES))
    try:
        found = await context.bot.get_file(document.file_id)
        if (found.file_size or 0) > MAX_FILE_BYTES:
            raise Refused("import_too_big", size=kb(found.file_size or 0),
                          limit=kb(MAX_FILE_BYTES))
        return bytes(await found.download_as_bytearray())
    except TelegramError as exc:
        log.info("could not download an imported file: %s", exc)
        return None


def _refusal(lang: str, refused: Refused) -> str:
    values = dict(refused.values)
    if "count" in values and "field" in values:
        values["items"] = tn(lang, "items", int(str(values.pop("count"))))
    if "count" in values:
        values["watches"] = tn(lang, "watches", int(str(values.pop("count"))))
    for key in ("field", "version", "query", "error", "language"):
        if key in values:
            values[key] = esc(str(values[key]))
    return t(lang, refused.key, **values)
