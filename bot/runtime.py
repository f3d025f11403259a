"""Wiring: builds the store, fetcher, poller, sink and the PTB Application, schedules the
JobQueue jobs (the only scheduler), and runs until SIGINT/SIGTERM.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram.ext import Application, ApplicationBuilder, ContextTypes, JobQueue

from bot.config import Config, Fetch, Settings
from bot.delivery.drainer import ConsoleSink, Drainer
from bot.ingest.fetch import Fetcher, FetchLimits, quiet_http_loggers
from bot.ingest.poller import Poller
from bot.ingest.schedule import tick_interval
from bot.services import Services
from bot.store import Store, open_store
from bot.store.db import redact_url
from bot.summit.jobs import SummitJobs, effective_config

log = logging.getLogger(__name__)

# APScheduler's default misfire grace is 1 s: a busy loop would silently skip runs.
# None means "run late rather than never"; coalescing keeps one run per backlog.
JOB_KWARGS = {"misfire_grace_time": None, "coalesce": True, "max_instances": 1}
DELIVERY_EVERY = timedelta(seconds=1)
PRUNE_EVERY = timedelta(hours=1)
SUMMIT_EVERY = timedelta(seconds=30)  # reminders are due to the minute; 30 s is close enough
STOP_GRACE = 8.0  # seconds a running job gets to finish its step on shutdown


def fetch_limits(fetch: Fetch) -> FetchLimits:
    return FetchLimits(
        connect_timeout=fetch.connect_timeout.total_seconds(),
        total_timeout=fetch.timeout.total_seconds(),
        max_bytes=fetch.max_bytes,
        user_agent=fetch.user_agent,
        max_concurrency=fetch.max_concurrency,
        per_host=fetch.per_host,
    )


@dataclass
class Runtime:
    """Everything one `run` owns, so shutdown can close it in order."""

    services: Services
    application: Application  # type: ignore[type-arg]
    poller: Poller
    drainer: Drainer
    fetcher: Fetcher
    summit: SummitJobs


JobCallback = Callable[[ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]


def _job(fn: Callable[[], Awaitable[object]], what: str) -> JobCallback:
    """A JobQueue callback that logs failures instead of letting one tick end the loop."""

    async def callback(_context: ContextTypes.DEFAULT_TYPE) -> None:
        try:
            await fn()
        except Exception:
            log.exception("%s failed; it runs again on schedule", what)

    return callback


def schedule_jobs(rt: Runtime) -> None:
    jq: JobQueue = rt.application.job_queue  # type: ignore[type-arg,assignment]
    config, store = rt.services.config, rt.services.store
    jq.run_repeating(_job(rt.poller.tick, "poll tick"), interval=tick_interval(config), first=0,
                     name="poll", job_kwargs=JOB_KWARGS)
    jq.run_repeating(_job(rt.drainer.drain, "outbox delivery"), interval=DELIVERY_EVERY, first=0,
                     name="deliver", job_kwargs=JOB_KWARGS)
    jq.run_repeating(_job(rt.summit.run, "summit calendar"), interval=SUMMIT_EVERY, first=0,
                     name="summit", job_kwargs=JOB_KWARGS)

    async def prune() -> None:
        cutoff = rt.services.now() - config.retention
        removed = await asyncio.to_thread(store.prune_entries, cutoff)
        if removed:
            log.info("pruned %d entries seen before %s", removed, cutoff.isoformat())

    jq.run_repeating(_job(prune, "pruning"), interval=PRUNE_EVERY, first=60, name="prune",
                     job_kwargs=JOB_KWARGS)


def build_application(settings: Settings) -> Application:  # type: ignore[type-arg]
    builder = ApplicationBuilder().token(settings.telegram_bot_token or "console-mode")
    api = settings.telegram_api_url.rstrip("/")
    builder = builder.base_url(f"{api}/bot").base_file_url(f"{api}/file/bot")
    builder = builder.connection_pool_size(32).pool_timeout(30.0)
    if not settings.telegram_bot_token:
        builder = builder.updater(None)  # console mode never talks to Telegram
    return builder.build()


def open_runtime(config: Config, settings: Settings, store: Store) -> Runtime:
    application = build_application(settings)
    # Events moved or added in chat (/event) survive restarts: apply them before anything reads them.
    services = Services(effective_config(config, store.event_overrides()), settings, store)
    fetcher = Fetcher(fetch_limits(config.fetch))
    poller = Poller(services, fetcher)
    drainer = Drainer(store, ConsoleSink(config.tz), services.now)
    services.watches_changed = poller.invalidate_matcher
    application.bot_data["services"] = services
    return Runtime(services, application, poller, drainer, fetcher, SummitJobs(services))


def nudge_delivery(rt: Runtime) -> None:
    """Deliver soon after a poll found alerts or a chat subscribed, instead of waiting for
    the next tick; the calendar runs first, so `/start` on summit day gets that day's alert."""
    jq = rt.application.job_queue
    if jq is None or not jq.scheduler.running:
        return

    async def calendar_then_deliver() -> None:
        await rt.summit.run()
        await rt.drainer.drain()

    jq.run_once(_job(calendar_then_deliver, "delivery"), when=0, job_kwargs=JOB_KWARGS)


async def wait_for_stop_signal() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)


async def shutdown(rt: Runtime) -> None:
    """Stop taking new work, let the current step finish (bounded), then close in order."""
    rt.poller.stop()
    rt.drainer.stop()
    jq = rt.application.job_queue
    if jq is not None:
        try:
            await asyncio.wait_for(jq.stop(wait=True), STOP_GRACE)
        except TimeoutError:
            log.warning("a job was still running after %.0fs; its work is retried next start", STOP_GRACE)
    await rt.fetcher.aclose()
    rt.services.store.close()


def run(config: Config, settings: Settings, *, json_lines: bool = False) -> int:
    """`python -m bot run`: console mode without a token, the Telegram bot with one."""
    quiet_http_loggers()
    try:
        store = open_store(settings.database_url)
    except Exception as err:  # noqa: BLE001 - any driver error becomes one clear line
        log.error("cannot open the database %s: %s", redact_url(settings.database_url), err)
        return 1
    if settings.telegram_bot_token:
        from bot.telegram_app import run_telegram

        return asyncio.run(run_telegram(config, settings, store))
    return asyncio.run(run_console(config, settings, store, json_lines))


async def run_console(config: Config, settings: Settings, store: Store, json_lines: bool) -> int:
    rt = open_runtime(config, settings, store)
    console = await asyncio.to_thread(store.ensure_console_subscriber)
    await asyncio.to_thread(store.set_active, console.id, True)
    rt.drainer.sink = ConsoleSink(config.tz, json_lines)
    rt.services.outbox_changed = lambda: nudge_delivery(rt)
    schedule_jobs(rt)
    assert rt.application.job_queue is not None
    await rt.application.job_queue.start()
    log.info("console mode: polling %d feeds for %d topics; alerts go to stdout (Ctrl-C stops)",
             len(config.feeds), len(config.topics))
    await wait_for_stop_signal()
    log.info("stopping: finishing the current step")
    await shutdown(rt)
    log.info("stopped")
    return 0


def check_feeds(config: Config) -> int:
    """`check --fetch`: print the health table; exit 1 if any feed failed."""
    from bot.ingest.probe import format_table, probe_all

    async def go() -> int:
        async with Fetcher(fetch_limits(config.fetch)) as fetcher:
            rows = await probe_all(config, fetcher)
        print(format_table(rows))
        return 0 if all(r.ok for r in rows) else 1

    quiet_http_loggers()
    return asyncio.run(go())


def health(config: Config, settings: Settings) -> int:
    """`health`: is the poll loop of the bot using this database alive?"""
    from datetime import UTC, datetime

    try:
        store = open_store(settings.database_url)
        try:
            beat = store.get_meta("heartbeat_at")
        finally:
            store.close()
    except Exception as err:  # noqa: BLE001 - report any database problem, never a traceback
        print(f"unhealthy: cannot read the database {redact_url(settings.database_url)}: {err}")
        return 1
    if beat is None:
        print("unhealthy: the poll loop has never run against this database")
        return 1
    age = datetime.now(UTC) - datetime.fromisoformat(beat)
    limit = max(timedelta(minutes=1), 4 * tick_interval(config))
    if age > limit:
        print(f"unhealthy: last poll-loop heartbeat {age.total_seconds():.0f}s ago (limit {limit.total_seconds():.0f}s)")
        return 1
    print(f"ok: poll loop alive, heartbeat {age.total_seconds():.0f}s ago")
    return 0
