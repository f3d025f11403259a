"""Webhook mode: the fake Bot API keeps webhooks as Telegram does (setWebhook with a secret,
getUpdates refused with 409, deleteWebhook), PTB's webhook server behind our helper checks
the secret header, and the bot as a subprocess answers /start delivered by webhook.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fakebotapi import DEFAULT_TOKEN, FakeBotApi, SentMessage
from feedserver import FeedServer
from scrape import free_port, scrape, value
from telegram import Bot
from telegram.error import BadRequest, Conflict
from telegram.ext import ApplicationBuilder

from bot.config import ListenAddr, Webhook
from bot.telegram.webhook import start_webhook

ROOT = Path(__file__).resolve().parent.parent
USER = 4242


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi() as server:
        yield server


def test_fake_api_keeps_webhooks_as_telegram_does(api: FakeBotApi) -> None:
    async def scenario() -> None:
        async with Bot(DEFAULT_TOKEN, base_url=api.base_url) as bot:
            assert await bot.set_webhook("https://hook.test/tg", secret_token="s3cret_-X",
                                         allowed_updates=["message"])
            info = await bot.get_webhook_info()
            assert (info.url, info.allowed_updates) == ("https://hook.test/tg", ("message",))
            with pytest.raises(Conflict, match="webhook is active"):
                await bot.get_updates(timeout=0)
            with pytest.raises(BadRequest, match="unallowed characters"):
                await bot.set_webhook("https://hook.test/tg", secret_token="no spaces")
            assert await bot.delete_webhook()
            assert (await bot.get_webhook_info()).url == ""
            assert await bot.get_updates(timeout=0) == ()

    asyncio.run(scenario())
    [call] = [c for c in api.calls_to("setWebhook") if c.params.get("secret_token") == "s3cret_-X"]
    assert call.params["url"] == "https://hook.test/tg"


@pytest.mark.parametrize(("secret", "status"), [
    ("registered", 200), ("wrong", 403), (None, 403),
], ids=["right-secret", "wrong-secret", "no-secret-header"])
def test_only_the_secret_gets_an_update_in(api: FakeBotApi, secret: str | None,
                                           status: int) -> None:
    port = free_port()
    hook = Webhook(url=f"http://127.0.0.1:{port}/tg/hook", url_path="/tg/hook", secret=None,
                   listen=ListenAddr(host="127.0.0.1", port=port))

    async def scenario() -> tuple[int, int]:
        app = ApplicationBuilder().token(DEFAULT_TOKEN).base_url(api.base_url).build()
        await app.initialize()
        assert app.updater is not None
        assert await start_webhook(app.updater, hook, DEFAULT_TOKEN) is None
        update = {"message": {"message_id": 1, "date": int(time.time()), "text": "hi",
                              "chat": {"id": USER, "type": "private", "first_name": "U"}}}
        kwargs = {} if secret == "registered" else {"secret": secret}
        got = await asyncio.to_thread(api.deliver_webhook, update, **kwargs)
        queued = app.update_queue.qsize()
        await app.updater.stop()
        await app.shutdown()
        return got, queued

    got, queued = asyncio.run(scenario())
    registered = api.calls_to("setWebhook")[-1].params
    assert registered["url"] == hook.url and len(registered["secret_token"]) >= 32
    assert "message" in registered["allowed_updates"]
    assert (got, queued) == (status, 1 if status == 200 else 0)


def _says(fragment: str) -> object:
    def check(m: SentMessage) -> bool:
        return m.chat_id == USER and fragment in m.text

    return check


def test_bot_in_webhook_mode_answers_start_and_refuses_strangers(
        api: FakeBotApi, feed_server: FeedServer, tmp_path: Path) -> None:
    feed_server.set_feed("/wire.xml", [])
    config = tmp_path / "feeds.yaml"
    config.write_text(f"interval: 2s\nfeeds:\n  - {{url: '{feed_server.url('/wire.xml')}', "
                      "name: Wire}\ntopics:\n  - id: treaty\n    title: Treaty\n"
                      "    query: '\"security guarantee\" belarus*'\n", encoding="utf-8")
    port, metrics_port = free_port(), free_port()
    env = {**os.environ, "BOT_DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
           "TELEGRAM_BOT_TOKEN": DEFAULT_TOKEN, "TELEGRAM_API_URL": api.url,
           "TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram",
           "TELEGRAM_WEBHOOK_LISTEN": f"127.0.0.1:{port}",
           "BOT_METRICS_ADDR": f"127.0.0.1:{metrics_port}"}
    env.pop("TELEGRAM_WEBHOOK_SECRET", None)
    bot = subprocess.Popen([sys.executable, "-m", "bot", "run", "--config", str(config)],
                           cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True)
    try:
        deadline = time.monotonic() + 30
        while (api.webhook is None or feed_server.count("/wire.xml") == 0) \
                and time.monotonic() < deadline:
            time.sleep(0.1)
        assert api.webhook is not None, "the bot registered its webhook"
        secret = api.webhook.secret_token
        assert secret is not None and len(secret) >= 32
        time.sleep(0.5)  # the first poll (the feed's silent backlog) commits
        intruder = {"message": {"message_id": 7, "date": int(time.time()), "text": "/start",
                                "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
                                "chat": {"id": USER, "type": "private", "first_name": "U"},
                                "from": {"id": USER, "is_bot": False, "first_name": "U"}}}
        assert api.deliver_webhook(intruder, secret="guessed") == 403
        assert api.deliver_webhook(intruder, secret=None) == 403
        time.sleep(1.5)
        assert api.sent_messages(USER) == [], "nothing answered a request without the secret"

        api.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1,
                      chat_id=USER, count=2)  # the reply waits it out; so does the alert
        api.send_text(USER, "/start", user_id=USER)  # posted to the webhook by the fake
        api.wait_for(_says("/watch"), timeout=15)
        api.send_text(USER, "/watch pipeline", user_id=USER)
        api.wait_for(_says("pipeline"), timeout=15)
        published = datetime.now(UTC) - timedelta(seconds=30)
        feed_server.add_item("/wire.xml", {"title": "Gas pipeline tariff agreed",
                                           "link": "https://n.test/1", "published": published})
        api.wait_for(_says("Gas pipeline tariff agreed"), timeout=20)
        base = f"http://127.0.0.1:{metrics_port}"
        deadline = time.monotonic() + 10
        while value(samples := scrape(base), "summit_deliveries_total", queue="outbox",
                    verdict="sent") < 1 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert value(samples, "summit_telegram_429_total") == 2
        assert value(samples, "summit_telegram_retries_total", reason="retry_after") == 2
        assert value(samples, "summit_telegram_send_seconds_count", method="send") >= 1
        assert value(samples, "summit_telegram_send_seconds_count", method="reply") >= 2
        assert value(samples, "summit_publication_to_alert_seconds_count") == 1
        assert 30 <= value(samples, "summit_publication_to_alert_seconds_sum") < 90
        assert api.calls_to("getUpdates") == [], "no long polling in webhook mode"
    finally:
        bot.send_signal(signal.SIGTERM)
        _, err = bot.communicate(timeout=20)
    assert bot.returncode == 0, err
    assert "updates by webhook at http://127.0.0.1" in err
    assert "TELEGRAM_WEBHOOK_SECRET is unset: this process made its own secret" in err
    assert DEFAULT_TOKEN not in err and secret not in err
    assert "Traceback" not in err, err
    assert [status for status, _ in api.webhook.deliveries] == [403, 403, 200, 200]


def test_a_taken_webhook_port_stops_the_start_with_exit_1(
        api: FakeBotApi, tmp_path: Path, taken_port: int) -> None:
    config = tmp_path / "feeds.yaml"
    config.write_text("interval: 2s\nfeeds:\n  - {url: 'http://127.0.0.1:9/x', name: X}\n",
                      encoding="utf-8")
    port = taken_port
    env = {**os.environ, "BOT_DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
           "TELEGRAM_BOT_TOKEN": DEFAULT_TOKEN, "TELEGRAM_API_URL": api.url,
           "TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram",
           "TELEGRAM_WEBHOOK_LISTEN": f"127.0.0.1:{port}",
           "TELEGRAM_WEBHOOK_SECRET": "shared-secret_1"}
    done = subprocess.run([sys.executable, "-m", "bot", "run", "--config", str(config)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode == 1
    assert f"cannot listen on TELEGRAM_WEBHOOK_LISTEN 127.0.0.1:{port}" in done.stderr
    assert "Traceback" not in done.stderr and DEFAULT_TOKEN not in done.stderr
    assert "shared-secret_1" not in done.stderr
    [call] = api.calls_to("setWebhook")
    assert call.params["secret_token"] == "shared-secret_1"
