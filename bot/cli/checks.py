"""The operator's checks: `check` (the config), `check --fetch` (every feed once, as a
health table) and `health` (is a running bot's poll loop alive?).
"""

from __future__ import annotations

import asyncio
import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.config import Config, Settings
from bot.ingest.fetch import Fetcher, quiet_http_loggers
from bot.ingest.outcome import FetchLimits
from bot.ingest.probe import format_table, probe_all
from bot.ingest.schedule import tick_interval
from bot.store import Store, open_store
from bot.store.db import redact_url
from bot.store.leader import current_leader
from bot.store.workers import STALE_AFTER
from bot.telegram.leader import ROLE

EXIT_OK, EXIT_FAILED = 0, 1


def check_config(config: Config, path: Path) -> int:
    """`check`: the config loaded, so it is valid; say what it holds."""
    print(f"{path} is valid: {len(config.feeds)} feeds, {len(config.topics)} topics, "
          f"{len(config.events)} events")
    return EXIT_OK


def check_feeds(config: Config) -> int:
    """`check --fetch`: print the health table; exit 1 if any feed failed."""

    async def go() -> int:
        async with Fetcher(FetchLimits.from_config(config.fetch)) as fetcher:
            rows = await probe_all(config, fetcher)
        print(format_table(rows))
        return EXIT_OK if all(r.ok for r in rows) else EXIT_FAILED

    quiet_http_loggers()
    return asyncio.run(go())


def health(config: Config, settings: Settings) -> int:
    """`health`: is the poll loop of the bot using this database alive? Also says how many
    replicas are alive and which one consumes Telegram updates."""
    try:
        store = open_store(settings.database_url)
        try:
            beat = store.get_meta("heartbeat_at")
            replicas = replicas_line(store, datetime.now(UTC))
            here = store.worker_beats(socket.gethostname())
        finally:
            store.close()
    except Exception as err:  # noqa: BLE001 - report any database problem, never a traceback
        print(f"unhealthy: cannot read the database {redact_url(settings.database_url)}: {err}")
        return EXIT_FAILED
    if beat is None:
        print("unhealthy: the poll loop has never run against this database")
        return EXIT_FAILED
    age = datetime.now(UTC) - datetime.fromisoformat(beat)
    limit = max(timedelta(minutes=1), 4 * tick_interval(config))
    if age > limit:
        print(f"unhealthy: last poll-loop heartbeat {age.total_seconds():.0f}s ago "
              f"(limit {limit.total_seconds():.0f}s)")
        return EXIT_FAILED
    # A replica on this host (its container) must be beating itself, not just another one.
    if here and datetime.now(UTC) - max(here) > STALE_AFTER:
        print(f"unhealthy: the replica on this host last beat "
              f"{(datetime.now(UTC) - max(here)).total_seconds():.0f}s ago")
        return EXIT_FAILED
    print(f"ok: poll loop alive, heartbeat {age.total_seconds():.0f}s ago")
    if replicas:
        print(replicas)
    return EXIT_OK


def replicas_line(store: Store, now: datetime) -> str:
    """Replicas alive and which one consumes Telegram updates (none in console mode)."""
    live = store.live_workers(now)
    leader = current_leader(store.engine, ROLE)
    if leader is None:
        return f"replicas alive: {len(live)}; no replica has consumed Telegram updates"
    here = " (this host)" if leader.host == socket.gethostname() else ""
    who = f"{leader.host}{here} pid {leader.pid}, since {leader.since}"
    if not leader.alive or (store.dialect != "postgresql"
                            and leader.worker not in {w for w, *_ in live}):
        return f"replicas alive: {len(live)}; updates leader: none right now (last: {who})"
    return f"replicas alive: {len(live)}; updates leader: {who}"
