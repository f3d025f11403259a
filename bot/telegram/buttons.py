"""The /list and /topics (with statuses and timelines) views and their inline buttons, and
the callback handler that applies a button press and edits the view in place.

Callback data (at most 64 bytes): `uw:<watch id>` remove a watch and `lu:<topic>` unfollow,
both from /list; `tf:<topic>` follow and `tu:<topic>` unfollow, from /topics.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.delivery.html import cut
from bot.i18n import t
from bot.model import Subscriber
from bot.services import Services
from bot.telegram.chats import NO_PREVIEW, pressed
from bot.telegram.guard import is_chat_admin
from bot.telegram.replies import (
    TIMELINE_SHOWN,
    TopicRow,
    list_text,
    subscriber_state,
    topics_text,
)

log = logging.getLogger(__name__)

MAX_CALLBACK_BYTES = 64
View = tuple[str, InlineKeyboardMarkup | None]


def _button(label: str, data: str) -> InlineKeyboardButton | None:
    # Telegram rejects the whole keyboard if one button's data is too long: skip that one.
    if len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:
        return None
    return InlineKeyboardButton(cut(label, 40), callback_data=data)


def _keyboard(buttons: list[InlineKeyboardButton | None]) -> InlineKeyboardMarkup | None:
    rows = [[b] for b in buttons if b is not None]
    return InlineKeyboardMarkup(rows) if rows else None


# The views below read the store: the handlers run them through `services.db`, off the loop.


def topic_rows(services: Services, sub: Subscriber | None) -> list[TopicRow]:
    ids = [tp.id for tp in services.config.topics]
    followed = set(services.store.followed_topics(sub.id, ids) if sub else ids)
    return [TopicRow(tp.id, tp.title, tp.id in followed) for tp in services.config.topics]


def topic_rows_with_timeline(services: Services, sub: Subscriber | None) -> list[TopicRow]:
    """`topic_rows` with each topic's stored status and latest timeline steps."""
    store = services.store
    statuses = store.topic_statuses()
    return [replace(row, status=statuses.get(row.id),
                    steps=tuple(store.timeline(row.id, limit=TIMELINE_SHOWN)))
            for row in topic_rows(services, sub)]


def list_view(services: Services, sub: Subscriber | None, lang: str) -> View:
    watches = services.store.list_watches(sub.id) if sub else []
    topics = topic_rows(services, sub)
    state = subscriber_state(lang, sub, services.now(), services.config.tz)
    text = list_text(lang, watches, topics, state)
    if sub is None:
        return text, None
    buttons = [_button(t(lang, "btn_unwatch", label=f"{i}. {w.query}"), f"uw:{w.id}")
               for i, w in enumerate(watches, 1)]
    buttons += [_button(t(lang, "btn_unfollow", label=tp.title), f"lu:{tp.id}")
                for tp in topics if tp.following]
    return text, _keyboard(buttons)


def topics_view(services: Services, sub: Subscriber | None, lang: str) -> View:
    topics = topic_rows_with_timeline(services, sub)
    config = services.config
    text = topics_text(lang, topics, config.events, services.now(), tz=config.tz,
                       confirmations=config.confirmations)
    if sub is None:
        return text, None
    buttons = [
        _button(t(lang, "btn_unfollow", label=tp.title), f"tu:{tp.id}") if tp.following
        else _button(t(lang, "btn_follow", label=tp.title), f"tf:{tp.id}")
        for tp in topics
    ]
    return text, _keyboard(buttons)


def _apply(services: Services, sub: Subscriber, data: str) -> tuple[str, bool] | None:
    """Apply one press: (which view to redraw, whether anything changed), or None if the
    data is not ours or names something unknown."""
    action, _, arg = data.partition(":")
    if action == "uw" and arg.isdecimal():
        removed = services.store.remove_watch(sub.id, int(arg))
        return "list", removed
    if action in ("lu", "tf", "tu") and services.config.topic(arg) is not None:
        services.store.set_following(sub.id, arg, action == "tf", now=services.now())
        return ("list" if action == "lu" else "topics"), True
    return None


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every press is answered; in groups only admins may change anything."""
    if (press := await pressed(update, context)) is None:
        return
    query, services, message, place = press.query, press.services, press.message, press.place
    if place is None or message is None:
        await query.answer()
        return
    lang = place.lang
    if not await is_chat_admin(place.chat, query.from_user, None, context):
        await query.answer(t(lang, "admins_only"), show_alert=True)
        return
    if place.subscriber is None:
        await query.answer(t(lang, "need_start"), show_alert=True)
        return
    result = await services.db(_apply, services, place.subscriber, query.data or "")
    if result is None:
        await query.answer()
        return
    view_name, changed = result
    await query.answer(t(lang, "cb_done" if changed else "cb_gone"))
    make = list_view if view_name == "list" else topics_view
    text, markup = await services.db(make, services, place.subscriber, lang)
    try:
        await message.edit_text(text, parse_mode=ParseMode.HTML, reply_markup=markup,
                                link_preview_options=NO_PREVIEW)
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():  # a double press changes nothing
            raise
