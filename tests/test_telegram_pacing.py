"""Chat replies share the alert sender's limiter (PTB's rate-limiter hook) against the fake
Bot API with Telegram's limits enforced: no 429 in a burst of replies, a 429 waited out and
retried, and the sender's own (already paced) sends not counted twice."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest
from fakebotapi import DEFAULT_TOKEN, FakeBotApi, FloodEnforcer

from bot.config import settings_from_env
from bot.delivery.ratelimit import Limits, RateLimiter
from bot.delivery.sender import OutcomeKind, Sender
from bot.runtime import build_application


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi(enforcer=FloodEnforcer()) as server:
        yield server


def run_with_app(api: FakeBotApi, limiter: RateLimiter, body):  # type: ignore[no-untyped-def]
    settings = settings_from_env({"TELEGRAM_BOT_TOKEN": DEFAULT_TOKEN,
                                  "TELEGRAM_API_URL": api.url})

    async def go():  # type: ignore[no-untyped-def]
        app = build_application(settings, limiter)
        await app.initialize()
        try:
            return await body(app)
        finally:
            await app.shutdown()

    return asyncio.run(go())


def test_a_burst_of_replies_stays_within_the_limits(api: FakeBotApi) -> None:
    async def burst(app):  # type: ignore[no-untyped-def]
        started = time.monotonic()
        await asyncio.gather(*(app.bot.send_message(1000 + n, f"hello {n}") for n in range(45)))
        await asyncio.gather(*(app.bot.send_message(7, f"again {n}") for n in range(3)))
        return time.monotonic() - started

    took = run_with_app(api, RateLimiter(Limits()), burst)
    assert len(api.sent_messages()) == 48 and api.count_429 == 0
    assert took >= 1.0, "45 messages at 30 per second take more than a second"


def test_a_flood_wait_is_waited_out_and_the_reply_sent(api: FakeBotApi) -> None:
    api.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)

    async def reply(app):  # type: ignore[no-untyped-def]
        started = time.monotonic()
        await app.bot.send_message(42, "your watch is saved")
        return time.monotonic() - started

    took = run_with_app(api, RateLimiter(Limits()), reply)
    assert [m.text for m in api.sent_messages(42)] == ["your watch is saved"]
    assert took >= 1.0


def test_a_flood_wait_too_long_fails_rather_than_hold_the_handler(api: FakeBotApi) -> None:
    from telegram.error import RetryAfter

    api.fail_next("sendMessage", 429, "Too Many Requests: retry after 3600", retry_after=3600)

    async def reply(app):  # type: ignore[no-untyped-def]
        with pytest.raises(RetryAfter):
            await app.bot.send_message(42, "hello")

    run_with_app(api, RateLimiter(Limits()), reply)
    assert api.sent_messages(42) == []


def test_the_senders_sends_are_paced_once_not_twice(api: FakeBotApi) -> None:
    """The sender's send is counted by the sender; the hook lets it through at once, so a
    second send to the same chat comes back 'paced' instead of waiting in the hook."""
    limiter = RateLimiter(Limits())

    async def two(app):  # type: ignore[no-untyped-def]
        sender = Sender(app.bot, limiter)
        started = time.monotonic()
        first = await sender.send(5, "one")
        second = await sender.send(5, "two")
        return first.kind, second.kind, second.error, time.monotonic() - started

    first, second, error, took = run_with_app(api, limiter, two)
    assert (first, second, error) == (OutcomeKind.OK, OutcomeKind.RETRY, "paced")
    assert took < 0.5 and len(api.sent_messages(5)) == 1
