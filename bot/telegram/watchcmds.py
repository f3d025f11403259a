"""/watch and /unwatch: validate a query against the configured limits, store or remove it,
tell the poller, and preview what a new watch would have matched in the last week.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from telegram import Update
from telegram.ext import ContextTypes

from bot.delivery.html import esc
from bot.i18n import t, tn
from bot.matching.matcher import Matcher
from bot.matching.query import Query, QueryError, parse_watch
from bot.matching.topics import config_termsets
from bot.model import StoredEntry, Watch
from bot.services import Services
from bot.store import DuplicateWatchError
from bot.telegram.chats import Where, command, command_arg, reply
from bot.telegram.replies import PREVIEW_SAMPLES, query_error, watch_added

PREVIEW_WINDOW = timedelta(days=7)
PREVIEW_SCAN = 500
# A watch matching this share of recent news (over at least BROAD_MIN entries) is not a
# watch but a firehose: it is refused, and it would cost every poll its matching time.
BROAD_SHARE = 0.25
BROAD_MIN = 40


@dataclass(frozen=True, slots=True)
class Preview:
    """What a new watch would have matched among the newest entries seen lately."""

    matched: int
    scanned: int  # entries looked at: the newest PREVIEW_SCAN of the last PREVIEW_WINDOW
    since: datetime | None  # when the oldest of them was seen
    samples: list[StoredEntry]

    @property
    def too_broad(self) -> bool:
        return self.scanned >= BROAD_MIN and self.matched >= BROAD_SHARE * self.scanned


async def preview(services: Services, query: Query, now: datetime) -> Preview:
    """The recent entries a query would have matched: read through the store runner,
    matched in a worker thread (a few thousand entries: too long for the loop)."""
    recent = await services.db(services.store.recent_entries, since=now - PREVIEW_WINDOW,
                               limit=PREVIEW_SCAN)
    return await asyncio.to_thread(_preview, query, recent)


def _preview(query: Query, recent: list[StoredEntry]) -> Preview:
    matcher = Matcher((), [("preview", query)])
    hits = [s for s in recent if matcher.match_entry(s.entry, s.entry.published).watches]
    since = recent[-1].seen_at if recent else None
    return Preview(len(hits), len(recent), since, hits[:PREVIEW_SAMPLES])


async def too_broad(services: Services, queries: Sequence[Query], now: datetime) -> list[bool]:
    """For each query, whether /watch would refuse it as a firehose (`Preview.too_broad`):
    the recent entries read through the store runner, matched once in a worker thread."""
    recent = await services.db(services.store.recent_entries, since=now - PREVIEW_WINDOW,
                               limit=PREVIEW_SCAN)
    return await asyncio.to_thread(_broad, queries, recent)


def _broad(queries: Sequence[Query], recent: list[StoredEntry]) -> list[bool]:
    matcher = Matcher((), list(enumerate(queries)))
    counts = Counter(hit.key for s in recent
                     for hit in matcher.match_entry(s.entry, s.entry.published).watches)
    return [Preview(counts[i], len(recent), None, []).too_broad for i in range(len(queries))]


def parse_for_chat(services: Services, text: str) -> Query:
    """A query as /watch takes it, within the chat limits; QueryError says why not."""
    limits = services.config.limits
    return parse_watch(text, max_length=limits.max_query_length,
                       max_terms=limits.max_query_terms,
                       termsets=config_termsets(services.config))


def _validate(services: Services, lang: str, text: str) -> Query | str:
    """The parsed query, or the reply explaining why it cannot be used."""
    limits = services.config.limits
    if len(text) > limits.max_query_length:
        return t(lang, "query_too_long", length=tn(lang, "characters", len(text)),
                 limit=tn(lang, "characters", limits.max_query_length))
    try:
        return parse_for_chat(services, text)
    except QueryError as err:
        return query_error(lang, text, err)


@command(manage=True)
async def watch(update: Update, context: ContextTypes.DEFAULT_TYPE, services: Services,
                place: Where) -> None:
    lang, sub = place.lang, place.subscriber
    text = command_arg(update.effective_message)
    if not text:
        await reply(update, t(lang, "usage_watch"))
        return
    if sub is None:
        await reply(update, t(lang, "need_start"))
        return
    query = _validate(services, lang, text)
    if isinstance(query, str):
        await reply(update, query)
        return
    limit = services.config.limits.max_watches_per_chat
    if (await services.db(services.store.count_watches, sub.id)) >= limit:
        await reply(update, t(lang, "watch_limit", watches=tn(lang, "watches", limit)))
        return
    now = services.now()
    seen = await preview(services, query, now)
    if seen.too_broad:
        await reply(update, t(lang, "watch_too_broad", query=esc(query.text),
                              matched=seen.matched, scanned=tn(lang, "entries", seen.scanned)))
        return
    try:
        await services.db(services.store.add_watch, sub.id, query.text, now=now)
    except DuplicateWatchError:
        await reply(update, t(lang, "watch_duplicate", query=esc(query.text)))
        return
    await reply(update, watch_added(lang, query.text, seen.matched, seen.scanned, seen.since,
                                    seen.samples, inactive=not sub.active,
                                    tz=services.config.tz))


def find_watch(watches: list[Watch], ref: str) -> Watch | None:
    """A watch by its exact query, else by its number in /list."""
    found = next((w for w in watches if w.query == ref), None)
    if found is None and ref.isdecimal() and 1 <= int(ref) <= len(watches):
        found = watches[int(ref) - 1]
    return found



@command(manage=True)
async def unwatch(update: Update, context: ContextTypes.DEFAULT_TYPE, services: Services,
                  place: Where) -> None:
    """Remove by position in /list, else by exact query text."""
    lang, sub = place.lang, place.subscriber
    text = command_arg(update.effective_message)
    if not text:
        await reply(update, t(lang, "usage_unwatch"))
        return
    if sub is None:
        await reply(update, t(lang, "need_start"))
        return
    watches = await services.db(services.store.list_watches, sub.id)
    target = find_watch(watches, text)
    if target is None or not (await services.db(services.store.remove_watch, sub.id, target.id)):
        await reply(update, t(lang, "unwatch_missing"))
        return
    await reply(update, t(lang, "unwatched", query=esc(target.query)))
