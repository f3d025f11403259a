"""The buttons under an alert: 🔕 mute its topic in this chat for a day, ✖ stop the watch
that matched; their callback data (within Telegram's 64 bytes) and their labels before and
after a press. Pure: the chat's running mutes and live watches come in as `ChatControls`.

Callback data: `mt:<topic id>` mutes that topic for this chat; `sw:<watch id>` removes that
watch (`sw:0`: it is already gone). A label says what a press will do, or that it was done.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from bot.delivery.html import cut
from bot.i18n import t
from bot.model import ChatControls

MAX_CALLBACK_BYTES = 64
TOPIC_MUTE = timedelta(days=1)  # how long the 🔕 button mutes a topic
MUTE, STOP = "mt", "sw"
MAX_STOP_BUTTONS = 5  # as many as an alert names watches (render.MAX_WATCHES_SHOWN)
_TOPIC_SHOWN = 28  # characters of a topic title in a label
_QUERY_SHOWN = 24
Action = Literal["mute", "stop"]


@dataclass(frozen=True, slots=True)
class Button:
    """One inline button: its plain-text label and its callback data."""

    label: str
    data: str


def fits(data: str) -> bool:
    """Telegram rejects a whole keyboard if one button's data is over 64 bytes."""
    return len(data.encode("utf-8")) <= MAX_CALLBACK_BYTES


def parse_data(data: str | None) -> tuple[Action, str] | None:
    """(action, argument) of an alert button's data, or None if the data is not one."""
    kind, sep, arg = (data or "").partition(":")
    if not sep or not arg:
        return None
    if kind == MUTE:
        return "mute", arg
    if kind == STOP and arg.isdecimal():
        return "stop", arg
    return None


def mute_button(lang: str, title: str, until: datetime | None, tz: ZoneInfo,
                topic_id: str) -> Button:
    """Mute the topic for a day, or (muted) until when it is muted."""
    shown = cut(title, _TOPIC_SHOWN)
    if until is None:
        label = t(lang, "btn_mute_topic", topic=shown)
    else:
        # The time alone: a topic mute lasts at most a day, so it cannot be ambiguous.
        label = t(lang, "btn_topic_muted", topic=shown, until=until.astimezone(tz).strftime("%H:%M"))
    return Button(label, f"{MUTE}:{topic_id}")


def stop_button(lang: str, query: str, watch_id: int | None, *, named: bool) -> Button:
    """Stop the watch, or (`watch_id` None: it is gone) that it was stopped. `named`: the
    alert names several watches, so each label says which."""
    shown = cut(" ".join(query.split()), _QUERY_SHOWN)
    if watch_id is None:
        label = t(lang, "btn_named_watch_stopped", query=shown) if named and shown \
            else t(lang, "btn_watch_stopped")
    else:
        label = t(lang, "btn_stop_named_watch", query=shown) if named \
            else t(lang, "btn_stop_watch")
    return Button(label, f"{STOP}:{watch_id or 0}")


def alert_buttons(why: Mapping[str, Any], lang: str, topic_titles: Mapping[str, str],
                  controls: ChatControls, tz: ZoneInfo) -> list[Button]:
    """One button per topic the alert is about, then one per watch that matched it (as
    many as the alert names), each showing its current state; none whose data would not
    fit."""
    buttons = [mute_button(lang, topic_titles.get(tid, tid), controls.topic_mutes.get(tid), tz,
                           tid)
               for tid in (str(x) for x in why.get("topics") or ())]
    queries = [str(q) for q in why.get("watches") or ()][:MAX_STOP_BUTTONS]
    buttons += [stop_button(lang, q, controls.watches.get(q), named=len(queries) > 1)
                for q in queries]
    return [b for b in buttons if fits(b.data)]
