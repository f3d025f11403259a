"""The replies to an OPML file sent in chat: what was added and what was skipped and why,
or why the whole file was refused; within one Telegram message.
"""

from __future__ import annotations

from collections.abc import Collection

from bot.delivery.html import MAX_MESSAGE, cut, esc, fit_lines, utf16_len
from bot.feedlist import MAX_NEW_FEEDS, ImportPlan, OpmlError, Skip
from bot.i18n import t, tn

LISTED_MAX = 40  # lines of added and skipped feeds; fit_lines cuts further if needed
_URL_SHOWN, _NAME_SHOWN = 120, 60


def refusal_text(lang: str, file: str, err: OpmlError) -> str:
    values = {k: esc(cut(str(v), 120)) for k, v in err.values.items()}
    reason = t(lang, f"opml_err_{err.code}", **values)
    return t(lang, "opml_refused", file=esc(cut(file, _NAME_SHOWN)), reason=reason)


def skip_reason(lang: str, skip: Skip) -> str:
    if skip.reason == "not_a_feed":
        return t(lang, "opml_skip_list" if skip.detail == "list" else "opml_skip_page")
    if skip.reason == "duplicate":
        return t(lang, "opml_skip_duplicate", name=esc(cut(skip.detail, _NAME_SHOWN)))
    if skip.reason == "over_cap":
        return t(lang, "opml_skip_over_cap", n=esc(cut(skip.detail, 10)) or MAX_NEW_FEEDS)
    return t(lang, f"opml_skip_{skip.reason}")


def import_text(lang: str, file: str, plan: ImportPlan, stored: Collection[str]) -> str:
    """The result: feeds added (those the store took: `stored` URLs), then the skipped
    ones with their reasons; a feed another admin added meanwhile counts as a duplicate."""
    added = [f for f in plan.added if f.url in stored]
    raced = [Skip(f.url, f.name, "duplicate", f.name or f.url)
             for f in plan.added if f.url not in stored]
    skipped = [*raced, *plan.skipped]
    head = t(lang, "opml_result", file=esc(cut(file, _NAME_SHOWN)),
             added=tn(lang, "feeds", len(added)), skipped=tn(lang, "feeds", len(skipped)))
    lines = [t(lang, "opml_added_line", name=esc(cut(f.name or f.url, _NAME_SHOWN)),
               url=esc(cut(f.url, _URL_SHOWN))) for f in added]
    lines += [t(lang, "opml_skipped_line", url=esc(cut(s.url or s.title or "—", _URL_SHOWN)),
                why=skip_reason(lang, s)) for s in skipped]
    shown = lines[:LISTED_MAX] + (["…"] if len(lines) > LISTED_MAX else [])
    tail = "\n" + t(lang, "opml_polled_next") if added else ""
    return fit_lines([head, *shown], MAX_MESSAGE - utf16_len(tail)) + tail
