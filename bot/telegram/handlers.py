"""Wires the chat side into a python-telegram-bot Application: command, button, membership,
migration and document handlers (calendars, settings files, OPML), the per-user flood gate,
the error handler, the menus.
"""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand, Update
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.i18n import LANGS, t
from bot.telegram import calendarcmd, commands, eventcmd, feedcmds, prefscmds, transfer, watchcmds
from bot.telegram.alertbuttons import PATTERN as ALERT_BUTTONS
from bot.telegram.alertbuttons import on_alert_button
from bot.telegram.buttons import on_button
from bot.telegram.chats import on_migrate, on_my_chat_member, reply, services_of, where
from bot.telegram.guard import Admission, FloodGuard

log = logging.getLogger(__name__)

# Telegram's command menu; admin-only commands stay out of it.
MENU = ("start", "stop", "watch", "unwatch", "list", "topics", "calendar", "mute", "unmute",
        "quiet", "mode", "lang", "export", "import", "status", "help")
BOT_COMMANDS: dict[str, list[BotCommand]] = {
    lang: [BotCommand(name, t(lang, f"menu_{name}")) for name in MENU] for lang in LANGS
}
_COMMANDS = {
    "start": commands.start, "stop": commands.stop, "watch": watchcmds.watch,
    "unwatch": watchcmds.unwatch, "list": commands.list_, "topics": commands.topics,
    "mute": commands.mute, "unmute": commands.unmute, "lang": commands.lang,
    "status": commands.status, "help": commands.help_, "stats": commands.stats,
    "feeds": commands.feeds, "event": eventcmd.event, "calendar": calendarcmd.calendar,
    "quiet": prefscmds.quiet, "tz": prefscmds.tz, "mode": prefscmds.mode,
    "export": transfer.export, "import": transfer.import_,
}
# The menu each client language sees besides the default (English): as `lang_for` chooses.
MENU_LANGS = (("ru", "ru"), ("uk", "ru"), ("be", "be"))
# An .ics sent to the bot: operators import it (bot.telegram.calendarcmd).
_CALENDAR_FILES = filters.Document.FileExtension("ics") | filters.Document.MimeType("text/calendar")


async def set_commands(bot: Bot) -> None:
    """Publish the command menus: English by default, Russian for Russian and Ukrainian
    clients, Belarusian for Belarusian ones."""
    await bot.set_my_commands(BOT_COMMANDS["en"])
    for code, lang in MENU_LANGS:
        await bot.set_my_commands(BOT_COMMANDS[lang], language_code=code)


class FloodGate:
    """Runs before every handler: over a user's command budget, say "slow down" once, then
    swallow their commands until the bucket refills."""

    def __init__(self, guard: FloodGuard) -> None:
        self.guard = guard

    async def __call__(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, user = update.message, update.effective_user
        if message is None or user is None:
            return
        # A settings file to import costs as much as a command; other documents are not ours.
        if not (message.text or "").startswith("/") and not transfer.wants_import(
                message, context.bot.username):
            return
        services = services_of(context)
        admission = self.guard.check(user.id, services.now().timestamp())
        if admission is Admission.ALLOW:
            return
        if admission is Admission.WARN:
            place = await where(update, services)
            await reply(update, t(place.lang if place else "en", "slow_down"))
        raise ApplicationHandlerStop


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log every handler failure with its traceback and tell the user something went wrong."""
    log.error("handler failed for update %r", update, exc_info=context.error)
    if not isinstance(update, Update):
        return
    lang = "en"
    try:
        place = await where(update, services_of(context))
        lang = place.lang if place else lang
    except Exception:  # the store may be what failed; English will do
        log.debug("no language for the error reply", exc_info=True)
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(t(lang, "error"), show_alert=True)
        elif update.effective_message is not None:
            await reply(update, t(lang, "error"))
    except Exception:  # reporting must never raise from the error handler
        log.debug("could not report the error to the chat", exc_info=True)


def register_handlers(application: Application,  # type: ignore[type-arg]
                      *, flood_guard: FloodGuard | None = None) -> None:
    """Add every chat handler and the error handler. Handlers read `bot_data["services"]`."""
    # `is None`, not `or`: a FloodGuard has __len__, so a fresh (empty) one is falsy.
    gate = FloodGate(flood_guard if flood_guard is not None else FloodGuard())
    application.add_handler(TypeHandler(Update, gate), group=-1)
    handlers: list[BaseHandler] = [  # type: ignore[type-arg]
        CommandHandler(name, callback, filters=filters.UpdateType.MESSAGE)
        for name, callback in _COMMANDS.items()
    ]
    handlers += [
        MessageHandler(filters.StatusUpdate.MIGRATE, on_migrate),
        # Calendar files first, then settings files (.json, or captioned /import): the OPML
        # handler answers any other private document, so it must never see these.
        MessageHandler(_CALENDAR_FILES & filters.UpdateType.MESSAGE, calendarcmd.on_calendar_file),
        MessageHandler(transfer.SETTINGS_FILES & filters.UpdateType.MESSAGE,
                       transfer.import_document),
        # An operator's OPML file; other chats' documents are none of the bot's business.
        MessageHandler(filters.Document.ALL & filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE,
                       feedcmds.on_document),
        ChatMemberHandler(on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER),
        CallbackQueryHandler(on_alert_button, pattern=ALERT_BUTTONS),
        CallbackQueryHandler(on_button),
        # Last in the group: only commands no handler above took get here.
        MessageHandler(filters.COMMAND & filters.UpdateType.MESSAGE, commands.unknown),
    ]
    application.add_handlers(handlers)
    application.add_error_handler(on_error)


__all__ = ["BOT_COMMANDS", "FloodGate", "register_handlers", "set_commands"]
