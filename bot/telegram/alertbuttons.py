"""The buttons under an alert, pressed: 🔕 mutes the alert's topic in this chat for a day
(a second press lifts it), ✖ removes the watch that matched. Each press acts at once, is
confirmed in a short answer, and the pressed button is redrawn; stale presses are answered.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.delivery.controls import (
    STOP,
    TOPIC_MUTE,
    Button,
    mute_button,
    parse_data,
    stop_button,
)
from bot.delivery.html import cut, local_time
from bot.i18n import t
from bot.model import Subscriber
from bot.services import Services
from bot.telegram.chats import pressed
from bot.telegram.guard import is_chat_admin

PATTERN = rf"^(mt|{STOP}):"  # the callback data this handler takes (see delivery.controls)
_ANSWER_TOPIC = 32  # characters of a topic title or a query in an answer (at most 200 in all)


@dataclass(frozen=True, slots=True)
class Pressed:
    """What a press did: the answer to show, and the pressed button as it now stands."""

    answer: str
    button: Button | None  # None: leave the keyboard as it is


def mute(services: Services, sub: Subscriber, topic_id: str, lang: str) -> Pressed:
    """Mute the topic here for TOPIC_MUTE; pressing again while it runs lifts it (a misclick
    must be undone where it was made)."""
    topic = services.config.topic(topic_id)
    if topic is None:  # no longer tracked: nothing to mute
        return Pressed(t(lang, "cb_gone"), None)
    now, tz = services.now(), services.config.tz
    title = cut(topic.title, _ANSWER_TOPIC)
    if topic_id in services.store.topic_mutes(sub.id, now=now):
        services.store.unmute_topic(sub.id, topic_id)
        return Pressed(t(lang, "cb_topic_unmuted", topic=title),
                       mute_button(lang, topic.title, None, tz, topic_id))
    until = now + TOPIC_MUTE
    services.store.mute_topic(sub.id, topic_id, until, now=now)
    answer = t(lang, "cb_topic_muted", topic=title, until=local_time(until, tz, lang))
    return Pressed(answer, mute_button(lang, topic.title, until, tz, topic_id))


def stop(services: Services, sub: Subscriber, watch_id: int, lang: str, *,
         named: bool) -> Pressed:
    """Remove the watch; a watch already gone is answered so and shown as stopped."""
    target = next((w for w in services.store.list_watches(sub.id) if w.id == watch_id), None)
    if target is None or not services.store.remove_watch(sub.id, watch_id):
        return Pressed(t(lang, "cb_gone"), stop_button(lang, "", None, named=False))
    answer = t(lang, "cb_watch_stopped", query=cut(" ".join(target.query.split()), _ANSWER_TOPIC))
    return Pressed(answer, stop_button(lang, target.query, None, named=named))


def redrawn(markup: InlineKeyboardMarkup | None, data: str,
            button: Button) -> InlineKeyboardMarkup | None:
    """The message's keyboard with the pressed button (by its data) replaced."""
    if markup is None:
        return None
    rows = [[InlineKeyboardButton(button.label, callback_data=data)
             if b.callback_data == data else b for b in row] for row in markup.inline_keyboard]
    return InlineKeyboardMarkup(rows)


def _stop_buttons(markup: InlineKeyboardMarkup | None) -> int:
    if markup is None:
        return 0
    return sum(str(b.callback_data or "").startswith(f"{STOP}:")
               for row in markup.inline_keyboard for b in row)


async def on_alert_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every press is answered; in groups only admins may press."""
    if (press := await pressed(update, context)) is None:
        return
    query, services, message, place = press.query, press.services, press.message, press.place
    parsed = parse_data(query.data)
    if place is None or message is None or parsed is None:
        await query.answer()
        return
    lang, sub = place.lang, place.subscriber
    if not await is_chat_admin(place.chat, query.from_user, None, context):
        await query.answer(t(lang, "admins_only"), show_alert=True)
        return
    if sub is None:
        await query.answer(t(lang, "need_start"), show_alert=True)
        return
    action, arg = parsed
    if action == "mute":
        done = await services.db(mute, services, sub, arg, lang)
    else:
        named = _stop_buttons(message.reply_markup) > 1
        done = await services.db(stop, services, sub, int(arg), lang, named=named)
    await query.answer(done.answer)
    markup = redrawn(message.reply_markup, str(query.data), done.button) \
        if done.button is not None else None
    if markup is None:
        return
    try:
        await message.edit_reply_markup(reply_markup=markup)
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():  # a second press shows the same
            raise
