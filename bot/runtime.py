"""Wiring for `python -m bot run`: builds the store, fetcher, poller, drainer, sink and the
PTB Application, schedules the JobQueue jobs (the only scheduler), runs until a signal.
Longer than 300 lines: both modes' start and shutdown order read top-down in one place.
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

from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, JobQueue

from bot.config import Config, Settings
from bot.delivery.console import ConsoleSink
from bot.delivery.drainer import Drainer, Sink
from bot.delivery.ratelimit import Limits, RateLimiter
from bot.delivery.sender import Sender
from bot.delivery.telegram_sink import TelegramSink
from bot.feedlist import with_chat_feeds
from bot.health import FeedHealthJob
from bot.ingest.fetch import Fetcher, quiet_http_loggers
from bot.ingest.outcome import FetchLimits
from bot.ingest.poller import Poller
from bot.metrics import Metrics, MetricsServer
from bot.services import Services
from bot.store import DatabaseBusy, Store, open_store
from bot.store.db import redact_url
from bot.summit.jobs import SummitJobs, effective_config
from bot.telegram.guard import FloodGuard
from bot.telegram.handlers import register_handlers, set_commands
from bot.telegram.pacing import SharedPacing
from bot.telegram.replica import Job, Replica
from bot.telegram.webhook import start_webhook

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


async def _stop_jobs(rt: Runtime, stop: Awaitable[object]) -> None:
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


async def _close(rt: Runtime) -> None:
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


def run(config: Config, settings: Settings, *, json_lines: bool = False) -> int:
    """`python -m bot run`: console mode without a token, the Telegram bot with one; with
    BOT_METRICS_ADDR, /metrics and /healthz are served from a thread meanwhile."""
    quiet_http_loggers()
    metrics, server = Metrics(), None
    if (addr := settings.metrics_addr) is not None:
        try:
            server = MetricsServer(metrics, addr.host, addr.port)
        except OSError as err:
            log.error("cannot serve metrics on BOT_METRICS_ADDR %s: %s", addr, err.strerror or err)
            return 1
        log.info("metrics at http://%s/metrics, liveness at /healthz", addr)
    try:
        return _run(config, settings, metrics, json_lines)
    finally:
        if server is not None:
            server.close()


def _run(config: Config, settings: Settings, metrics: Metrics, json_lines: bool) -> int:
    try:
        store = open_store(settings.database_url)
    except Exception as err:  # noqa: BLE001 - any driver error becomes one clear line
        log.error("cannot open the database %s: %s", redact_url(settings.database_url), err)
        return 1
    try:
        join_as_worker(store)
    except DatabaseBusy as err:
        log.error("%s", err)
        store.close()
        return 1
    # Events moved or added in chat (/event) and feeds added in chat (an OPML file) survive
    # restarts: apply them before anything reads them.
    config = with_chat_feeds(effective_config(config, store.event_overrides()), store.chat_feeds())
    services = Services(config, settings, store, metrics=metrics)
    settle_heap()
    if settings.telegram_bot_token:
        return asyncio.run(run_telegram(services))
    return asyncio.run(run_console(services, json_lines))


async def run_console(services: Services, json_lines: bool) -> int:
    config, store = services.config, services.store
    rt = open_runtime(services, build_application(services.settings),
                      ConsoleSink(config.tz, json_lines))
    console = await rt.services.db(store.ensure_console_subscriber)
    await rt.services.db(store.set_active, console.id, True)
    schedule_jobs(rt)
    jq = rt.application.job_queue
    assert jq is not None
    await jq.start()
    log.info("console mode: polling %d feeds for %d topics; alerts go to stdout (Ctrl-C stops)",
             len(config.feeds), len(config.topics))
    await wait_for_stop_signal()
    log.info("stopping: finishing the current step")
    await _stop_jobs(rt, jq.stop(wait=True))
    await _close(rt)
    log.info("stopped")
    return 0


async def _connect(application: App, api: str) -> str | None:
    """initialize() calls getMe: a wrong token or an unreachable API stops us here.
    The messages never include the token (PTB's own InvalidToken message does)."""
    try:
        await application.initialize()
    except InvalidToken:
        return f"the Telegram Bot API at {api} rejected the token (check TELEGRAM_BOT_TOKEN)"
    except NetworkError as err:
        return f"cannot reach the Telegram Bot API at {api}: {type(err).__name__}"
    except TelegramError as err:
        return f"the Telegram Bot API at {api} refused to start the bot: {type(err).__name__}"
    return None


async def run_telegram(services: Services) -> int:
    config, store = services.config, services.store
    limiter = RateLimiter(Limits.from_config(config.delivery))  # one for every message sent
    app = build_application(services.settings, limiter, services.metrics)
    sender = Sender(app.bot, limiter, metrics=services.metrics)
    sink = TelegramSink(sender, services.db, config.tz, {t.id: t.title for t in config.topics},
                        clock=services.now)
    rt = open_runtime(services, app, sink)
    register_handlers(app, flood_guard=FloodGuard(config.limits.commands_per_minute))
    console = await rt.services.db(store.find_subscriber, 0)
    if console is not None:
        await rt.services.db(store.set_active, console.id, False)
    problem = await _connect(app, services.settings.telegram_api_url)
    if problem:
        log.error("%s", problem)
        await _close(rt)
        return 1
    try:
        await set_commands(app.bot)
    except TelegramError as err:
        log.warning("could not register the command list: %s", err)
    assert app.updater is not None
    hook = services.settings.webhook  # webhook mode: any replica takes updates
    if hook is not None and (problem := await start_webhook(app.updater, hook, app.bot.token)):
        log.error("%s", problem)
        await _close(rt)
        await app.shutdown()
        return 1
    replica = Replica(services, app, limiter, polling=hook is None)  # one of several on PG
    schedule_jobs(rt, replica.jobs())
    await replica.join()
    await app.start()
    await replica.lead()  # long polling: only the holder of the updates lock polls
    log.info("telegram mode: @%s polling %d feeds; updates by %s", app.bot.username,
             len(config.feeds), f"webhook at {hook.url}" if hook else "long polling")
    await wait_for_stop_signal()
    log.info("stopping: finishing the current step")
    await replica.stop()
    await _stop_jobs(rt, app.stop())  # stops handlers and the JobQueue
    await _close(rt)
    await app.shutdown()
    log.info("stopped")
    return 0
