"""The parts both run modes wire: the PTB Application, the JobQueue jobs (the only
scheduler), the poller, drainer and sink in one Runtime, and its orderly shutdown.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from telegram.ext import Application, ApplicationBuilder, ContextTypes, JobQueue

from bot.config import Settings
from bot.delivery.drainer import Drainer, Sink
from bot.delivery.ratelimit import RateLimiter
from bot.health import FeedHealthJob
from bot.ingest.fetch import Fetcher
from bot.ingest.outcome import FetchLimits
from bot.ingest.poller import Poller
from bot.metrics import Metrics
from bot.services import Services
from bot.store import Store
from bot.summit.jobs import SummitJobs
from bot.telegram.pacing import SharedPacing
from bot.telegram.replica import Job

log = logging.getLogger(__name__)

# APScheduler's default misfire grace is 1 s: a busy loop would silently skip runs.
# None means "run late rather than never"; coalescing keeps one run per backlog.
JOB_KWARGS = {"misfire_grace_time": None, "coalesce": True, "max_instances": 1}
DELIVERY_EVERY = timedelta(seconds=1)
# Due feeds are started this often; each runs on its own, so a slow one delays no other.
DISPATCH_EVERY = timedelta(seconds=1)
PRUNE_EVERY = timedelta(hours=1)
SUMMIT_EVERY = timedelta(seconds=30)  # reminders are due to the minute; 30 s is close enough
HEARTBEAT_EVERY = timedelta(seconds=5)  # well inside the store's STALE_AFTER
HEALTH_EVERY = timedelta(minutes=1)  # feed outages are counted in hours
STOP_GRACE = 8.0  # seconds a running job gets to finish its step on shutdown
# The default first-generation threshold (700) makes a matcher build over 10k watches run
# dozens of full collections on the loop (p99 lag 134 ms in bench_loop_lag; ~10 ms with this).
GC_THRESHOLDS = (10_000, 50, 100)

# PTB's default context types: what ApplicationBuilder().build() returns.
App = Application[Any, Any, Any, Any, Any, Any]
JobCallback = Callable[[ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]


@dataclass
class Runtime:
    """Everything one `run` owns, so shutdown can close it in order."""

    services: Services
    application: App
    poller: Poller
    drainer: Drainer
    fetcher: Fetcher
    summit: SummitJobs


def _job(fn: Callable[[], Awaitable[object]], what: str) -> JobCallback:
    """A JobQueue callback that logs failures instead of letting one tick end the loop."""

    async def callback(_context: ContextTypes.DEFAULT_TYPE) -> None:
        try:
            await fn()
        except Exception:
            log.exception("%s failed; it runs again on schedule", what)

    return callback


def schedule_jobs(rt: Runtime, extra: Iterable[Job] = ()) -> None:
    jq: JobQueue = rt.application.job_queue  # type: ignore[type-arg,assignment]
    config, store = rt.services.config, rt.services.store
    every: tuple[Job, ...] = (
        (rt.poller.dispatch, "poll dispatch", DISPATCH_EVERY, 0),
        (rt.drainer.drain, "outbox delivery", DELIVERY_EVERY, 0),
        (rt.summit.run, "summit calendar", SUMMIT_EVERY, 0),
        (FeedHealthJob(rt.services).run, "feed health", HEALTH_EVERY, 0),
        *extra,  # the replica's: their first run one interval in
    )
    for fn, what, interval, first in every:
        jq.run_repeating(_job(fn, what), interval=interval, first=first, name=what,
                         job_kwargs=JOB_KWARGS)

    async def heartbeat() -> None:
        now = rt.services.now()
        await rt.services.db(store.heartbeat, now)
        released = await rt.services.db(store.release_orphans, now, alone=store.exclusive)
        if released:
            log.info("%d deliveries claimed by a silent worker are due again", released)

    jq.run_repeating(_job(heartbeat, "heartbeat"), interval=HEARTBEAT_EVERY, first=HEARTBEAT_EVERY,
                     name="heartbeat", job_kwargs=JOB_KWARGS)

    async def prune() -> None:
        cutoff = rt.services.now() - config.retention
        removed = await rt.services.db(store.prune_entries, cutoff)
        if removed:
            log.info("pruned %d entries seen before %s", removed, cutoff.isoformat())

    jq.run_repeating(_job(prune, "pruning"), interval=PRUNE_EVERY, first=60, name="prune",
                     job_kwargs=JOB_KWARGS)


def build_application(settings: Settings, limiter: RateLimiter | None = None,
                      metrics: Metrics | None = None) -> App:
    """The PTB Application; with a `limiter`, chat replies share it with the alert sender."""
    builder = ApplicationBuilder().token(settings.telegram_bot_token or "console-mode")
    api = settings.telegram_api_url.rstrip("/")
    builder = builder.base_url(f"{api}/bot").base_file_url(f"{api}/file/bot")
    builder = builder.connection_pool_size(32).pool_timeout(30.0)
    if limiter is not None:
        # The builder's type says "no rate-limit args"; ours takes a dict (the sender's mark).
        builder = builder.rate_limiter(SharedPacing(limiter, metrics=metrics))  # type: ignore[arg-type]
    if not settings.telegram_bot_token:
        builder = builder.updater(None)  # console mode never talks to Telegram
    return builder.build()


def open_runtime(services: Services, application: App, sink: Sink) -> Runtime:
    """The jobs' objects around one Services; the sink decides console or Telegram."""
    fetcher = Fetcher(FetchLimits.from_config(services.config.fetch))
    drainer = Drainer(services.db, sink, services.now,
                      topic_titles={t.id: t.title for t in services.config.topics},
                      tz=services.config.tz, metrics=services.metrics)
    rt = Runtime(services, application, Poller(services, fetcher), drainer, fetcher,
                 SummitJobs(services))
    services.outbox_changed = lambda: nudge_delivery(rt)
    application.bot_data["services"] = services
    return rt


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


async def stop_jobs(rt: Runtime, stop: Awaitable[object]) -> None:
    """Stop taking new work and let the current steps finish (bounded)."""
    rt.poller.stop()
    rt.drainer.stop()
    try:
        await asyncio.wait_for(stop, STOP_GRACE)
        await asyncio.wait_for(rt.poller.close(), STOP_GRACE)
    except TimeoutError:
        log.warning("a job was still running after %.0fs; its work is retried next start",
                    STOP_GRACE)


def join_as_worker(store: Store) -> None:
    """Hold SQLite alone (or fail), join the workers, and make due again what a process
    that died (kill -9, a crash) had claimed and not sent."""
    store.hold_database()
    now = datetime.now(UTC)
    store.register_worker(now)
    released = store.release_orphans(now, alone=store.exclusive)
    if released:
        log.info("%d deliveries claimed by a stopped process are due again", released)


async def close_runtime(rt: Runtime) -> None:
    await rt.fetcher.aclose()
    services = rt.services
    await services.db(services.store.retire_worker, services.now())
    services.close()


def settle_heap() -> None:
    """Move what startup built (config, code, caches) out of the collector's sight and make
    collections rarer, so the long-lived heap is not rescanned on the event loop."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
