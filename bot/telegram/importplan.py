"""What importing a settings file into a chat would change (`make_plan`: each watch through
the /watch parser, limits and firehose check; topic choices; language), and the reply
saying what it did (`report`). Nothing here writes: the store applies a plan at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.config import Config
from bot.delivery.html import cut, esc, fit_lines
from bot.i18n import as_lang, t, tn
from bot.matching.query import Query, QueryError
from bot.model import Subscriber, UiLang
from bot.services import Services
from bot.telegram.settingsfile import Settings
from bot.telegram.watchcmds import broad, parse_for_chat

_SHOWN = 60  # characters of one query, file name or key in the reply
_LIST_SHOWN = 600
_CODES_SHOWN = 20
_BLANKS = str.maketrans({c: " " for c in "\r\n\t\v\f"})


@dataclass
class Plan:
    """The changes an import makes, and what it leaves out and why."""

    lang: str  # the chat's language after the import: the reply's language
    new_lang: UiLang | None = None  # set when the file changes it
    add: list[str] = field(default_factory=list)
    kept: int = 0  # watches the chat already had
    invalid: list[tuple[str, str]] = field(default_factory=list)  # (query, parser message)
    too_broad: list[str] = field(default_factory=list)
    over_limit: list[str] = field(default_factory=list)
    limit: int = 0
    follows: dict[str, bool] = field(default_factory=dict)  # only the changed choices
    unknown_topics: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)


def make_plan(services: Services, sub: Subscriber, settings: Settings) -> Plan:
    """Blocking (store reads, a pass over recent entries): run it in a thread."""
    new_lang = as_lang(settings.language) if settings.language else None
    plan = Plan(lang=new_lang or sub.lang, ignored=list(settings.ignored),
                limit=services.config.limits.max_watches_per_chat)
    if settings.language and new_lang is None:
        plan.ignored.append(f"language: {settings.language}")
    if new_lang is not None and new_lang != sub.lang:
        plan.new_lang = new_lang
    _plan_watches(services, sub, settings.watches, plan)
    _plan_topics(services, sub, settings, plan)
    return plan


def _plan_watches(services: Services, sub: Subscriber, texts: Sequence[str], plan: Plan) -> None:
    current = {w.query for w in services.store.list_watches(sub.id)}
    candidates: list[Query] = []
    for text in dict.fromkeys(q.translate(_BLANKS).strip() for q in texts):
        if not text:
            continue
        if text in current:
            plan.kept += 1
            continue
        try:
            query = parse_for_chat(services, text)
        except QueryError as err:
            plan.invalid.append((text, str(err)))
            continue
        if query.text not in current and query.text not in {q.text for q in candidates}:
            candidates.append(query)
    flags = broad(services, candidates, services.now()) if candidates else []
    plan.too_broad = [q.text for q, wide in zip(candidates, flags, strict=True) if wide]
    fine = [q.text for q, wide in zip(candidates, flags, strict=True) if not wide]
    room = max(0, plan.limit - len(current))
    plan.add, plan.over_limit = fine[:room], fine[room:]


def _plan_topics(services: Services, sub: Subscriber, settings: Settings, plan: Plan) -> None:
    """A topic in both lists counts as followed; unknown ones are reported, not fatal."""
    ids = [tp.id for tp in services.config.topics]
    following = set(services.store.followed_topics(sub.id, ids))
    wanted = {tid: False for tid in settings.unfollowed}
    wanted.update({tid: True for tid in settings.followed})
    plan.unknown_topics = [tid for tid in wanted if tid not in ids]
    plan.follows = {tid: want for tid, want in wanted.items()
                    if tid in ids and (tid in following) != want}


def _codes(queries: Sequence[str]) -> str:
    """Up to _CODES_SHOWN queries, each cut before escaping, and how many more."""
    shown = ", ".join(f"<code>{esc(cut(q, _SHOWN))}</code>" for q in queries[:_CODES_SHOWN])
    rest = len(queries) - _CODES_SHOWN
    return shown + (f" +{rest}" if rest > 0 else "")


def _names(names: Sequence[str]) -> str:
    return esc(cut(", ".join(cut(n, _SHOWN) for n in names), _LIST_SHOWN))


def report(plan: Plan, added: Sequence[str], file: str, config: Config) -> str:
    """The reply in the chat's (new) language: what changed, then what was left out."""
    lang, shown_file = plan.lang, esc(cut(file, _SHOWN))
    titles = {tp.id: tp.title for tp in config.topics}
    changed = bool(added or plan.follows or plan.new_lang)
    lines = [t(lang, "import_header" if changed else "import_nothing", file=shown_file)]
    if added:
        lines.append(t(lang, "import_watches_added", watches=tn(lang, "watches", len(added)),
                       queries=_codes(added)))
    if plan.kept:
        lines.append(t(lang, "import_watches_kept", watches=tn(lang, "watches", plan.kept)))
    on = [titles[tid] for tid, want in plan.follows.items() if want]
    off = [titles[tid] for tid, want in plan.follows.items() if not want]
    if on:
        lines.append(t(lang, "import_followed", topics=_names(on)))
    if off:
        lines.append(t(lang, "import_unfollowed", topics=_names(off)))
    if plan.new_lang:
        lines.append("🌐 " + t(lang, "lang_set"))
    lines += [t(lang, "import_watch_invalid", query=esc(cut(q, _SHOWN)), error=esc(err))
              for q, err in plan.invalid]
    lines += [t(lang, "import_watch_too_broad", query=esc(cut(q, _SHOWN)))
              for q in plan.too_broad]
    if plan.over_limit:
        lines.append(t(lang, "import_watch_over_limit", watches=tn(lang, "watches", plan.limit),
                       queries=_codes(plan.over_limit)))
    if plan.unknown_topics:
        lines.append(t(lang, "import_unknown_topics", topics=_names(plan.unknown_topics)))
    if plan.ignored:
        lines.append(t(lang, "import_ignored", fields=_names(plan.ignored)))
    return fit_lines(lines)
