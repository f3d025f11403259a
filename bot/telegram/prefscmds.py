"""/quiet, /tz and /mode: a chat's quiet hours, time zone and delivery mode (and a watch's
own mode). Invalid input is answered with an example and changes nothing; a change re-times
what the chat holds, so held alerts follow the new settings.
"""

from __future__ import annotations

from datetime import datetime

from telegram import Update
from telegram.ext import ContextTypes

from bot.delivery.html import esc
from bot.delivery.prefs import (
    Mode,
    Prefs,
    PrefsError,
    parse_mode,
    parse_quiet,
    parse_tz,
    prefs_of,
    stored_mode,
)
from bot.delivery.timing import alert_hold
from bot.i18n import t
from bot.model import Subscriber, Watch
from bot.services import Services
from bot.telegram.chats import Where, command, command_arg, reply
from bot.telegram.watchcmds import find_watch


def retime_held(services: Services, subscriber_id: int, now: datetime) -> int:
    """Blocking (run it through services.db). Give what the chat holds the release times
    its new preferences say (now, if they hold nothing): held alerts still arrive together,
    as one summary."""
    store = services.store
    holds: dict[int, tuple[datetime, str | None]] = {}
    for item in store.held_alerts(subscriber_id):
        hold = alert_hold(item.why, prefs_of(item.subscriber, services.config.tz),
                          item.watch_modes, now)
        holds[item.id] = (hold.until, hold.reason) if hold else (now, None)
    return store.retime_held(subscriber_id, holds, now)


async def _changed(services: Services, subscriber_id: int, now: datetime) -> Subscriber | None:
    """After a change: re-time what is held, ask for a delivery, read the chat back."""
    await services.db(retime_held, services, subscriber_id, now)
    services.outbox_changed()
    return await services.db(services.store.get_subscriber, subscriber_id)


def _quiet_text(lang: str, prefs: Prefs) -> str:
    if prefs.quiet is None:
        return t(lang, "quiet_none", tz=esc(prefs.tz.key))
    key = "quiet_set_strict" if prefs.quiet.strict else "quiet_set"
    return t(lang, key, window=prefs.quiet.text, tz=esc(prefs.tz.key))


async def _subscriber(update: Update, place: Where) -> Subscriber | None:
    if place.subscriber is None:
        await reply(update, t(place.lang, "need_start"))
    return place.subscriber


@command(manage=True)
async def quiet(update: Update, context: ContextTypes.DEFAULT_TYPE, services: Services,
                place: Where) -> None:
    """/quiet shows; /quiet 23:00-07:00 [strict] sets; /quiet off clears."""
    lang, arg = place.lang, command_arg(update.effective_message)
    sub = await _subscriber(update, place)
    if sub is None:
        return
    if not arg:
        await reply(update, _quiet_text(lang, prefs_of(sub, services.config.tz)))
        return
    try:
        chosen = parse_quiet(arg)
    except PrefsError as err:
        await reply(update, t(lang, err.key))
        return
    now = services.now()
    await services.db(services.store.set_prefs, sub.id,
                      {"quiet": chosen.text if chosen else None,
                       "quiet_strict": bool(chosen and chosen.strict)}, now=now)
    prefs = prefs_of(await _changed(services, sub.id, now) or sub, services.config.tz)
    await reply(update, _quiet_text(lang, prefs) if chosen else t(lang, "quiet_off"))


@command(manage=True)
async def tz(update: Update, context: ContextTypes.DEFAULT_TYPE, services: Services,
             place: Where) -> None:
    """/tz shows the chat's zone; /tz Europe/Minsk sets it."""
    lang, arg = place.lang, command_arg(update.effective_message)
    sub = await _subscriber(update, place)
    if sub is None:
        return
    now = services.now()
    if not arg:
        zone = prefs_of(sub, services.config.tz).tz
        await reply(update, t(lang, "tz_show", tz=esc(zone.key),
                              time=now.astimezone(zone).strftime("%H:%M")))
        return
    try:
        name = parse_tz(arg)
    except PrefsError as err:
        await reply(update, t(lang, err.key))
        return
    await services.db(services.store.set_prefs, sub.id, {"tz": name}, now=now)
    zone = prefs_of(await _changed(services, sub.id, now) or sub, services.config.tz).tz
    await reply(update, t(lang, "tz_set", tz=esc(zone.key),
                          time=now.astimezone(zone).strftime("%H:%M")))


def mode_name(lang: str, mode: Mode, prefs: Prefs) -> str:
    at = f"{mode.at:%H:%M}" if mode.at else ""
    return t(lang, f"mode_name_{mode.kind}", at=at, tz=esc(prefs.tz.key))


def _mode_summary(lang: str, prefs: Prefs, watches: list[Watch]) -> str:
    lines = [t(lang, "mode_show", mode=mode_name(lang, prefs.mode, prefs))]
    lines += [t(lang, "mode_show_watch", query=esc(w.query),
                mode=mode_name(lang, stored_mode(w.mode), prefs))
              for w in watches if w.mode]
    return "\n".join(lines)


@command(manage=True)
async def mode(update: Update, context: ContextTypes.DEFAULT_TYPE, services: Services,
               place: Where) -> None:
    """/mode shows; /mode instant|hourly|daily HH:MM [watch] sets; /mode chat <watch>."""
    lang, arg = place.lang, command_arg(update.effective_message)
    sub = await _subscriber(update, place)
    if sub is None:
        return
    prefs = prefs_of(sub, services.config.tz)
    watches = await services.db(services.store.list_watches, sub.id)
    if not arg:
        await reply(update, _mode_summary(lang, prefs, watches))
        return
    try:
        choice = parse_mode(arg)
    except PrefsError as err:
        await reply(update, t(lang, err.key))
        return
    now = services.now()
    if not choice.watch:
        chosen = choice.mode or prefs.mode
        await services.db(services.store.set_prefs, sub.id, {"mode": chosen.stored}, now=now)
        text = t(lang, "mode_set", mode=mode_name(lang, chosen, prefs))
    else:
        target = find_watch(watches, choice.watch)
        if target is None:
            await reply(update, t(lang, "mode_watch_missing"))
            return
        await services.db(services.store.set_watch_mode, sub.id, target.id,
                          choice.mode.text if choice.mode else None)
        key, shown = ("mode_set_watch", choice.mode) if choice.mode else ("mode_watch_chat", prefs.mode)
        text = t(lang, key, query=esc(target.query), mode=mode_name(lang, shown, prefs))
    await _changed(services, sub.id, now)
    await reply(update, text)
