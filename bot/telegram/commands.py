"""Chat commands about the subscription itself: /start /stop /mute /unmute /lang, the
read-only /help /list /topics /status, the operators' /stats /feeds (and /feeds export),
and unknown commands.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from telegram import MessageEntity, Update
from telegram.ext import ContextTypes

from bot.config import DurationTooLong, parse_duration
from bot.delivery.html import local_time
from bot.i18n import as_lang, t
from bot.services import Services
from bot.telegram.buttons import list_view, topics_view
from bot.telegram.chats import Where, command, command_arg, reply, services_of, where
from bot.telegram.feedcmds import send_export
from bot.telegram.guard import is_bot_admin, is_group
from bot.telegram.replies import feeds_text, stats_text, status_text

MAX_MUTE = timedelta(days=30)


@command(manage=True)
async def start(update: Update, context: ContextTypes.DEFAULT_TYPE, services: Services,
                place: Where) -> None:
    """Subscribe this chat (or forum topic); resume it, settings kept, if it was stopped."""
    now = services.now()
    before = place.subscriber
    sub = await services.db(services.store.get_or_create_subscriber,
        place.chat.id, place.thread_id, place.kind, place.lang, place.title, now=now)
    if before is None:
        text = t(sub.lang, "welcome")
    elif not sub.active:
        await services.db(services.store.set_active, sub.id, True, now=now)
        text = t(sub.lang, "resumed")
    else:
        text = t(sub.lang, "already_active")
    services.outbox_changed()
    await reply(update, text)


@command(manage=True)
async def stop(update: Update, context: ContextTypes.DEFAULT_TYPE, services: Services,
               place: Where) -> None:
    sub = place.subscriber
    if sub is None:
        await reply(update, t(place.lang, "need_start"))
    elif not sub.active:
        await reply(update, t(place.lang, "already_stopped"))
    else:
        await services.db(services.store.set_active, sub.id, False, now=services.now())
        await reply(update, t(place.lang, "stopped"))


def _until_text(until: datetime, services: Services, lang: str) -> str:
    return f"{local_time(until, services.config.tz, lang)} ({services.config.timezone})"


@command(manage=True)
async def mute(update: Update, context: ContextTypes.DEFAULT_TYPE, services: Services,
               place: Where) -> None:
    """Hold alerts for a while (at most 30 days); the outbox delivers them afterwards."""
    lang, sub = place.lang, place.subscriber
    if sub is None:
        await reply(update, t(lang, "need_start"))
        return
    try:
        duration = parse_duration(command_arg(update.effective_message))
    except DurationTooLong:
        duration = MAX_MUTE + timedelta(days=1)  # capped below, and the reply says so
    except ValueError:
        duration = timedelta(0)
    if duration <= timedelta(0):
        await reply(update, t(lang, "usage_mute"))
        return
    capped = duration > MAX_MUTE
    until = services.now() + min(duration, MAX_MUTE)
    await services.db(services.store.set_muted_until, sub.id, until, now=services.now())
    text = t(lang, "muted", until=_until_text(until, services, lang))
    await reply(update, text + (" " + t(lang, "mute_capped") if capped else ""))


@command(manage=True)
async def unmute(update: Update, context: ContextTypes.DEFAULT_TYPE, services: Services,
                 place: Where) -> None:
    lang, sub = place.lang, place.subscriber
    if sub is None:
        await reply(update, t(lang, "need_start"))
        return
    now = services.now()
    was_muted = sub.muted(now)
    # Ending the mute now (not clearing it) lets delivery tell what it held back.
    await services.db(services.store.set_muted_until, sub.id, now if was_muted else None, now=now)
    if was_muted:
        services.outbox_changed()  # held alerts are due now
    # The topics muted from alerts' buttons hear again too: /unmute undoes every mute.
    lifted = await services.db(services.store.unmute_topics, sub.id, now=now)
    await reply(update, t(lang, "unmuted" if was_muted or lifted else "not_muted"))


@command(manage=True)
async def lang(update: Update, context: ContextTypes.DEFAULT_TYPE, services: Services,
               place: Where) -> None:
    chosen = as_lang(command_arg(update.effective_message))
    if chosen is None:
        await reply(update, t(place.lang, "usage_lang"))
        return
    if place.subscriber is None:
        await reply(update, t(chosen, "need_start"))
        return
    await services.db(services.store.set_lang, place.subscriber.id, chosen, now=services.now())
    await reply(update, t(chosen, "lang_set"))


@command()
async def help_(update: Update, context: ContextTypes.DEFAULT_TYPE, services: Services,
                place: Where) -> None:
    await reply(update, t(place.lang, "help"))


@command()
async def list_(update: Update, context: ContextTypes.DEFAULT_TYPE, services: Services,
                place: Where) -> None:
    text, markup = await services.db(list_view, services, place.subscriber, place.lang)
    await reply(update, text, reply_markup=markup)


@command()
async def topics(update: Update, context: ContextTypes.DEFAULT_TYPE, services: Services,
                 place: Where) -> None:
    text, markup = await services.db(topics_view, services, place.subscriber, place.lang)
    await reply(update, text, reply_markup=markup)


def _parse_iso(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


@command()
async def status(update: Update, context: ContextTypes.DEFAULT_TYPE, services: Services,
                 place: Where) -> None:
    states = await services.db(services.store.all_feed_states)
    last_poll = _parse_iso(await services.db(services.store.get_meta, "last_poll_at"))
    await reply(update, status_text(place.lang, services.config, states, last_poll,
                                    services.now()))


@command()
async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE, services: Services,
                place: Where) -> None:
    if not is_bot_admin(update.effective_user, services.settings.admin_ids):
        await reply(update, t(place.lang, "bot_admins_only"))
        return
    await reply(update, stats_text(await services.db(services.store.stats)))


@command()
async def feeds(update: Update, context: ContextTypes.DEFAULT_TYPE, services: Services,
                place: Where) -> None:
    """/feeds: per-feed health; /feeds export: the feeds as an OPML document."""
    if not is_bot_admin(update.effective_user, services.settings.admin_ids):
        await reply(update, t(place.lang, "bot_admins_only"))
        return
    action = command_arg(update.effective_message).lower()
    if action == "export":
        await send_export(update, services, place)
        return
    if action:
        await reply(update, t(place.lang, "feeds_usage"))
        return
    states = await services.db(services.store.all_feed_states)
    await reply(update, feeds_text(services.config, states, services.config.tz))


async def unknown(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A /command no handler took. In groups, answer only when it names this bot: other
    bots' commands are not ours to judge."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None or not message.text:
        return
    first = message.parse_entities([MessageEntity.BOT_COMMAND])
    cmd = next(iter(first.values()), message.text.split()[0])
    _, at, target = cmd.partition("@")
    if at and target.lower() != (context.bot.username or "").lower():
        return
    if is_group(chat) and not at:
        return
    place = await where(update, services_of(context))
    await reply(update, t(place.lang if place else "en", "unknown_command"))
