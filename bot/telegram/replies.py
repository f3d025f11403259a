"""Pure Telegram-HTML bodies of command replies: watch previews, query errors, /list, /topics
(statuses, timelines), /status (and feeds down), the operators' /stats, /feeds and /event.
No I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.config import Config, EventSpec
from bot.delivery.html import (
    MAX_MESSAGE,
    countdown,
    cut,
    esc,
    feed_problem,
    fit_lines,
    link,
    local_time,
    span,
    status_badge,
    utf16_len,
)
from bot.health.feeds import down_feeds
from bot.i18n import t, tn
from bot.matching.query import QueryError
from bot.model import (
    FeedState,
    StoredEntry,
    StoreStats,
    Subscriber,
    TimelineRow,
    TopicStatusRow,
    Watch,
)
from bot.summit.calendar import next_event

PREVIEW_SAMPLES = 3
_LIST_QUERY_SHOWN = 200
_SAMPLE_TITLE = 200
TIMELINE_SHOWN = 5  # steps per topic in /topics, fewer when the message would be too long
_STEP_TITLE = 120
_SOURCE_NAME = 40
_UTC = ZoneInfo("UTC")
DOWN_SHOWN = 10  # feeds named in /status; the rest are counted


@dataclass(frozen=True, slots=True)
class TopicRow:
    """One tracked topic as a chat sees it."""

    id: str
    title: str
    following: bool
    status: TopicStatusRow | None = None
    steps: tuple[TimelineRow, ...] = ()  # newest first


def query_error(lang: str, query: str, err: QueryError) -> str:
    """The parser's message and a caret under the offending character, monospaced."""
    pos = max(0, min(err.position, len(query)))
    shown = cut(query, 120) if pos < 119 else query[pos - 60: pos + 60]
    caret_at = pos if pos < 119 else 60
    return t(lang, "query_error", error=esc(str(err)), query=esc(shown), caret=" " * caret_at + "^")


def watch_added(lang: str, query: str, matched: int, scanned: int, since: datetime | None,
                samples: Sequence[StoredEntry], *, inactive: bool, tz: ZoneInfo = _UTC) -> str:
    """The confirmation, saying exactly what the preview looked at."""
    lines = [t(lang, "watch_added", query=esc(query))]
    if since is None:
        lines.append(t(lang, "watch_preview_none"))
    else:
        lines.append(t(lang, "watch_preview", matched=matched,
                       scanned=tn(lang, "entries", scanned), since=local_time(since, tz, lang)))
    lines += [f"• {link(cut(s.entry.title, _SAMPLE_TITLE) or '…', s.entry.link)}"
              for s in samples[:PREVIEW_SAMPLES]]
    if inactive:
        lines.append(t(lang, "watch_inactive_note"))
    return "\n".join(lines)


def subscriber_state(lang: str, sub: Subscriber | None, now: datetime, tz: ZoneInfo) -> str | None:
    if sub is None:
        return t(lang, "need_start")
    if not sub.active:
        return t(lang, "list_state_stopped")
    if sub.muted(now) and sub.muted_until is not None:
        return t(lang, "list_state_muted", until=local_time(sub.muted_until, tz, lang))
    return None


def list_text(lang: str, watches: Sequence[Watch], topics: Sequence[TopicRow],
              state: str | None) -> str:
    """Numbered watches (numbers are what /unwatch takes) and followed topics."""
    lines = [t(lang, "list_header")]
    if watches:
        lines += [f"{i}. <code>{esc(cut(w.query, _LIST_QUERY_SHOWN))}</code>"
                  for i, w in enumerate(watches, 1)]
    else:
        lines.append(t(lang, "list_empty"))
    lines += ["", t(lang, "list_topics")]
    followed = [tp for tp in topics if tp.following]
    lines += [f"• {esc(tp.title)}" for tp in followed] or [t(lang, "list_no_topics")]
    if state:
        lines = [state, "", *lines]  # first, so a very long list cannot push it out
    return fit_lines(lines)


def event_line(lang: str, event: EventSpec, now: datetime) -> str:
    today = now.astimezone(event.tz).date()
    where = f", {esc(event.location)}" if event.location else ""
    return (f"📅 <b>{esc(event.title)}</b>{where} — {event.date.isoformat()} "
            f"({countdown(lang, event.date, today)})")


def _status_line(lang: str, row: TopicStatusRow | None, tz: ZoneInfo, needed: int) -> str:
    badge = status_badge(lang, row.status) if row else None
    if row is None or badge is None:
        return f"    <i>{t(lang, 'topic_no_status')}</i>"
    names = esc(", ".join(cut(s, _SOURCE_NAME) for s in row.sources))
    if row.confirmed:
        proof = t(lang, "topic_confirmed", outlets=tn(lang, "outlets", len(row.sources)),
                  sources=names)
    else:
        proof = t(lang, "topic_unconfirmed", n=len(row.sources), needed=needed, sources=names)
    since = f" · {t(lang, 'topic_since', when=local_time(row.since, tz, lang))}" if row.since else ""
    return f"    <b>{badge}</b> · {proof}{since}"


def _step_line(lang: str, step: TimelineRow, tz: ZoneInfo) -> str:
    badge = status_badge(lang, step.status) or esc(str(step.status))
    title = cut(" ".join(step.title.split()), _STEP_TITLE) or t(lang, "alert_untitled")
    return (f"    ▫️ {local_time(step.at, tz, lang)} {badge} — "
            f"{esc(cut(step.source, _SOURCE_NAME))}: {link(title, step.link)}")


def _topics_lines(lang: str, topics: Sequence[TopicRow], events: Sequence[EventSpec],
                  now: datetime, tz: ZoneInfo, needed: int, steps: int) -> list[str]:
    lines = [t(lang, "topics_header")]
    for tp in topics:
        mark = "✅" if tp.following else "➖"
        state = t(lang, "following" if tp.following else "not_following")
        lines.append(f"{mark} {esc(tp.title)} — <i>{state}</i>")
        lines.append(_status_line(lang, tp.status, tz, needed))
        lines += [_step_line(lang, step, tz) for step in tp.steps[:steps]]
    if not topics:
        lines.append(t(lang, "topics_none"))
    if events:
        lines += ["", t(lang, "events_header")]
        lines += [event_line(lang, ev, now) for ev in events]
    return lines


def topics_text(lang: str, topics: Sequence[TopicRow], events: Sequence[EventSpec],
                now: datetime, *, tz: ZoneInfo = _UTC, confirmations: int = 2) -> str:
    """Each topic's follow state, current status and latest timeline steps, then the events
    with countdowns. Timelines shrink (to none) before anything else is left out, so the
    events stay visible however many reports there are."""
    for steps in range(TIMELINE_SHOWN, -1, -1):
        lines = _topics_lines(lang, topics, events, now, tz, confirmations, steps)
        if sum(utf16_len(line) + 1 for line in lines) <= MAX_MESSAGE - 2:
            return "\n".join(lines)
    return fit_lines(lines)


def events_text(lang: str, events: Sequence[EventSpec]) -> str:
    """The operators' /event reply: usage, then every event's id, date and location."""
    lines = [t(lang, "event_usage"), "", t(lang, "event_list_header")]
    lines += [f"• <code>{esc(ev.id)}</code> — {ev.date.isoformat()}"
              f"{', ' + esc(ev.location) if ev.location else ''} ({esc(ev.timezone)}): "
              f"{esc(cut(ev.title, 120))}" for ev in events]
    if not events:
        lines.append(t(lang, "event_list_none"))
    return fit_lines(lines)


def status_text(lang: str, config: Config, states: Sequence[FeedState],
                last_poll: datetime | None, now: datetime) -> str:
    by_url = {s.url: s for s in states}
    feeds = [by_url.get(f.url) for f in config.feeds]
    never = sum(1 for s in feeds if s is None or s.last_polled_at is None)
    failing = sum(1 for s in feeds if s is not None and s.failures > 0)
    ok = len(feeds) - never - failing
    lines = [t(lang, "status_feeds", total=len(feeds), ok=max(0, ok), failing=failing,
               never=never)]
    lines += _down_lines(lang, config, by_url, now)
    if last_poll is not None:
        lines.append(t(lang, "status_last_poll", when=local_time(last_poll, config.tz, lang)))
    else:
        lines.append(t(lang, "status_never_polled"))
    ev = next_event(config.events, now)
    if ev is None:
        lines.append(t(lang, "status_no_event"))
    else:
        today = now.astimezone(ev.tz).date()
        lines.append(t(lang, "status_next_event", title=esc(ev.title), date=ev.date.isoformat(),
                       countdown=countdown(lang, ev.date, today)))
    return fit_lines(lines)


def _down_lines(lang: str, config: Config, states: Mapping[str, FeedState],
                now: datetime) -> list[str]:
    """The feeds failing for `health.feed_down_after` or longer: since when and why."""
    after = config.health.feed_down_after
    down = down_feeds(config.feeds, states, now, after)
    if not down:
        return []
    lines = [t(lang, "status_down_header", after=span(lang, int(after.total_seconds() // 60)))]
    lines += [t(lang, "status_down", name=esc(cut(d.name, 60)),
                since=local_time(d.since, config.tz, lang), duration=span(lang, d.minutes(now)),
                problem=feed_problem(lang, d.problem, d.code))
              for d in down[:DOWN_SHOWN]]
    if len(down) > DOWN_SHOWN:
        lines.append(t(lang, "status_down_more", feeds=tn(lang, "feeds", len(down) - DOWN_SHOWN)))
    return lines


def stats_text(stats: StoreStats) -> str:
    rows = [
        ("schema", stats.schema_revision), ("feeds", stats.feeds), ("entries", stats.entries),
        ("entry keys", stats.entry_keys),
        ("subscribers", f"{stats.subscribers_active} active / {stats.subscribers_total}"),
        ("watches", stats.watches),
        ("outbox", (f"{stats.outbox_pending} pending, {stats.outbox_sent} sent, "
                    f"{stats.outbox_failed} failed")),
    ]
    return "<b>Stats</b>\n<pre>" + "\n".join(f"{k:<12} {esc(str(v))}" for k, v in rows) + "</pre>"


def feeds_text(config: Config, states: Sequence[FeedState], tz: ZoneInfo,
               max_chars: int = 3800) -> str:
    """One block per configured feed: name, last status, failures, last error, last OK."""
    by_url: Mapping[str, FeedState] = {s.url: s for s in states}
    blocks: list[str] = []
    for spec in config.feeds:
        s = by_url.get(spec.url)
        http_status = (s.last_http_status if s else None) or "-"
        fails = s.failures if s else 0
        last_ok = local_time(s.last_ok_at, tz, "en") if s and s.last_ok_at else "never"
        err = f"\n  error: {cut(s.last_error, 120)}" if s and s.last_error else ""
        mark = "✅" if s and s.last_ok_at and not fails else ("⚠️" if fails else "·")
        blocks.append(f"{mark} {cut(spec.name, 40)}  status {http_status}  failures {fails}"
                      f"  last ok {last_ok}{err}")
    # Measured escaped, like render_alert: over-counts what Telegram counts, so it is safe.
    body, shown = "", 0
    for block in blocks:
        piece = esc(block) + "\n"
        if utf16_len(body) + utf16_len(piece) > max_chars:
            break
        body += piece
        shown += 1
    more = f"\n… {len(blocks) - shown} more" if shown < len(blocks) else ""
    return f"<b>Feeds</b> ({len(blocks)})\n<pre>{body.rstrip()}</pre>{more}"
