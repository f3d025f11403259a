"""`python -m bot run` from start to stop: console mode without a token, the Telegram bot
with one (long polling by the updates leader, or a webhook); each reads top-down.
"""

from __future__ import annotations

import asyncio
import logging

from telegram.error import InvalidToken, NetworkError, TelegramError

from bot.config import Config, Settings
from bot.delivery.console import ConsoleSink
from bot.delivery.ratelimit import Limits, RateLimiter
from bot.delivery.sender import Sender
from bot.delivery.telegram_sink import TelegramSink
from bot.feedlist import with_chat_feeds
from bot.ingest.fetch import quiet_http_loggers
from bot.metrics import Metrics, MetricsServer
from bot.runtime.wiring import (
    App,
    build_application,
    close_runtime,
    join_as_worker,
    open_runtime,
    schedule_jobs,
    settle_heap,
    stop_jobs,
    wait_for_stop_signal,
)
from bot.services import Services
from bot.store import DatabaseBusy, open_store
from bot.store.db import redact_url
from bot.summit.jobs import effective_config
from bot.telegram.guard import FloodGuard
from bot.telegram.handlers import register_handlers, set_commands
from bot.telegram.replica import Replica
from bot.telegram.webhook import start_webhook

log = logging.getLogger(__name__)


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
    await stop_jobs(rt, jq.stop(wait=True))
    await close_runtime(rt)
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
        await close_runtime(rt)
        return 1
    try:
        await set_commands(app.bot)
    except TelegramError as err:
        log.warning("could not register the command list: %s", err)
    assert app.updater is not None
    hook = services.settings.webhook  # webhook mode: any replica takes updates
    if hook is not None and (problem := await start_webhook(app.updater, hook, app.bot.token)):
        log.error("%s", problem)
        await close_runtime(rt)
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
    await stop_jobs(rt, app.stop())  # stops handlers and the JobQueue
    await close_runtime(rt)
    await app.shutdown()
    log.info("stopped")
    return 0
