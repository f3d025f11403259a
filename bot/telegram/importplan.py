"""What importing a settings file changes in a chat (`make_plan`, no writes; `refuse_broad`
after it): watches (checked as /watch would), topics, language and mutes become the file's;
one unusable watch or language refuses the whole file (`Refused`). `report` is the reply.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.config import Config
from bot.delivery.controls import TOPIC_MUTE
from bot.delivery.html import cut, esc, fit_lines, local_time
from bot.i18n import LANGS, as_lang, t, tn
from bot.matching.query import QueryError
from bot.model import Subscriber, UiLang
from bot.services import Services
from bot.telegram.commands import MAX_MUTE
from bot.telegram.settingsfile import Refused, Settings
from bot.telegram.watchcmds import parse_for_chat, too_broad

_SHOWN = 60  # characters of one query, file name or key in the reply
_LIST_SHOWN = 600
_CODES_SHOWN = 20
_BLANKS = str.maketrans({c: " " for c in "\r\n\t\v\f"})


@dataclass
class Plan:
    """The changes an import makes; `watches` is the chat's whole list afterwards."""

    lang: str  # the chat's language after the import: the reply's language
    new_lang: UiLang | None = None  # set when the file changes it
    watches: list[str] = field(default_factory=list)
    add: list[str] = field(default_factory=list)
    remove: list[str] = field(default_factory=list)
    follows: dict[str, bool] = field(default_factory=dict)  # only the changed choices
    unknown_topics: list[str] = field(default_factory=list)
    muted_until: datetime | None = None  # the chat's /mute afterwards
    mute_changed: bool = False
    topic_mutes: dict[str, datetime] = field(default_factory=dict)  # running afterwards
    topic_mutes_changed: bool = False
    ignored: list[str] = field(default_factory=list)
    delivery: dict[str, Any] = field(default_factory=dict)  # changed delivery columns
    watch_modes: dict[str, str | None] = field(default_factory=dict)  # changed, by query

    @property
    def changes(self) -> bool:
        return bool(self.add or self.remove or self.follows or self.new_lang
                    or self.mute_changed or self.topic_mutes_changed or self.delivery
                    or self.watch_modes)


def make_plan(services: Services, sub: Subscriber, settings: Settings) -> Plan:
    """Blocking (store reads): run it through the store runner. Refused names the first
    thing that makes the file unusable."""
    new_lang = as_lang(settings.language) if settings.language else None
    if settings.language and new_lang is None:
        raise Refused("import_bad_language", language=cut(settings.language, _SHOWN),
                      supported=", ".join(LANGS))
    plan = Plan(lang=new_lang or sub.lang, ignored=list(settings.ignored))
    if new_lang is not None and new_lang != sub.lang:
        plan.new_lang = new_lang
    _plan_watches(services, sub, settings.watches, plan)
    _plan_topics(services, sub, settings, plan)
    _plan_mutes(services, sub, settings, plan)
    _plan_delivery(services, sub, settings, plan)
    return plan


def _plan_delivery(services: Services, sub: Subscriber, settings: Settings, plan: Plan) -> None:
    """Quiet hours, time zone and modes become the file's; a watch's mode follows it."""
    plan.delivery = {key: value for key, value in settings.delivery.items()
                     if getattr(sub, key) != value}
    current = {w.query: w.mode for w in services.store.list_watches(sub.id)}
    plan.watch_modes = {q: m for q, m in settings.watch_modes.items()
                        if q in plan.watches and current.get(q) != m}


def _plan_watches(services: Services, sub: Subscriber, texts: Sequence[str], plan: Plan) -> None:
    current = [w.query for w in services.store.list_watches(sub.id)]
    wanted: list[str] = []
    for text in dict.fromkeys(q.translate(_BLANKS).strip() for q in texts):
        if not text:
            continue
        try:
            query = parse_for_chat(services, text)
        except QueryError as err:
            raise Refused("import_bad_watch", query=cut(text, _SHOWN), error=str(err)) from None
        if query.text not in wanted:
            wanted.append(query.text)
    limit = services.config.limits.max_watches_per_chat
    if len(wanted) > limit:
        raise Refused("import_too_many_watches", count=len(wanted), limit=limit)
    plan.watches, plan.add = wanted, [q for q in wanted if q not in current]
    plan.remove = [q for q in current if q not in wanted]


async def refuse_broad(services: Services, plan: Plan) -> None:
    """Refused if a watch the import adds would be a firehose, as /watch refuses it."""
    candidates = [parse_for_chat(services, q) for q in plan.add]
    flags = await too_broad(services, candidates, services.now()) if candidates else []
    wide = next((q.text for q, flag in zip(candidates, flags, strict=True) if flag), None)
    if wide is not None:
        raise Refused("import_watch_too_broad", query=cut(wide, _SHOWN))


def _plan_topics(services: Services, sub: Subscriber, settings: Settings, plan: Plan) -> None:
    """A topic in both lists counts as followed; unknown ones are reported, not fatal (a
    file may come from a bot that tracks other topics)."""
    ids = [tp.id for tp in services.config.topics]
    following = set(services.store.followed_topics(sub.id, ids))
    wanted = {tid: False for tid in settings.unfollowed}
    wanted.update({tid: True for tid in settings.followed})
    plan.unknown_topics = [tid for tid in wanted if tid not in ids]
    plan.follows = {tid: want for tid, want in wanted.items()
                    if tid in ids and (tid in following) != want}


def _plan_mutes(services: Services, sub: Subscriber, settings: Settings, plan: Plan) -> None:
    """Mutes still running at import time are restored, each within its usual bound (30
    days for /mute, a day for a topic); ended ones and the chat's others are lifted."""
    now = services.now()
    until = settings.muted_until
    plan.muted_until = min(until, now + MAX_MUTE) if until is not None and until > now else None
    running = sub.muted_until if sub.muted(now) else None
    plan.mute_changed = plan.muted_until != running
    known = {tp.id for tp in services.config.topics}
    plan.topic_mutes = {topic: min(end, now + TOPIC_MUTE)
                        for topic, end in settings.topic_mutes.items()
                        if topic in known and end > now}
    plan.topic_mutes_changed = plan.topic_mutes != services.store.topic_mutes(sub.id, now=now)


def _codes(queries: Sequence[str]) -> str:
    """Up to _CODES_SHOWN queries, each cut before escaping, and how many more."""
    shown = ", ".join(f"<code>{esc(cut(q, _SHOWN))}</code>" for q in queries[:_CODES_SHOWN])
    rest = len(queries) - _CODES_SHOWN
    return shown + (f" +{rest}" if rest > 0 else "")


def _names(names: Sequence[str]) -> str:
    return esc(cut(", ".join(cut(n, _SHOWN) for n in names), _LIST_SHOWN))


def report(plan: Plan, file: str, config: Config) -> str:
    """The reply in the chat's (new) language: what changed, then what was left alone."""
    lang, tz = plan.lang, config.tz
    titles = {tp.id: tp.title for tp in config.topics}
    lines = [t(lang, "import_header" if plan.changes else "import_nothing",
               file=esc(cut(file, _SHOWN)))]
    if plan.add:
        lines.append(t(lang, "import_watches_added", watches=tn(lang, "watches", len(plan.add)),
                       queries=_codes(plan.add)))
    if plan.remove:
        lines.append(t(lang, "import_watches_removed",
                       watches=tn(lang, "watches", len(plan.remove)), queries=_codes(plan.remove)))
    kept = len(plan.watches) - len(plan.add)
    if kept and (plan.add or plan.remove):
        lines.append(t(lang, "import_watches_kept", watches=tn(lang, "watches", kept)))
    on = [titles[tid] for tid, want in plan.follows.items() if want]
    off = [titles[tid] for tid, want in plan.follows.items() if not want]
    if on:
        lines.append(t(lang, "import_followed", topics=_names(on)))
    if off:
        lines.append(t(lang, "import_unfollowed", topics=_names(off)))
    if plan.new_lang:
        lines.append("🌐 " + t(lang, "lang_set"))
    if plan.mute_changed:
        lines.append(t(lang, "import_muted", until=local_time(plan.muted_until, tz, lang))
                     if plan.muted_until else t(lang, "import_unmuted"))
    if plan.topic_mutes_changed:
        muted = [f"{titles[tid]} ({local_time(end, tz, lang)})"
                 for tid, end in plan.topic_mutes.items()]
        lines.append(t(lang, "import_topic_mutes", topics=_names(muted))
                     if muted else t(lang, "import_topic_mutes_lifted"))
    if plan.unknown_topics:
        lines.append(t(lang, "import_unknown_topics", topics=_names(plan.unknown_topics)))
    if plan.delivery or plan.watch_modes:
        lines.append(t(lang, "import_delivery"))
    if plan.ignored:
        lines.append(t(lang, "import_ignored", fields=_names(plan.ignored)))
    return fit_lines(lines)
