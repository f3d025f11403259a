"""The Sender against the fake Bot API server: wire format, outcome classes, pacing."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import TypeVar

import pytest
from fakebotapi import DEFAULT_TOKEN, FakeBotApi
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.delivery.ratelimit import Limits
from bot.delivery.sender import Backoff, OutcomeKind, Sender, SendOutcome

T = TypeVar("T")
FAST = Limits(global_per_second=1000, chat_interval=0.05, group_max=3, group_window=0.5)


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi() as server:
        yield server


def _run(api: FakeBotApi, body: Callable[[Sender], Awaitable[T]], limits: Limits = FAST) -> T:
    async def main() -> T:
        sender = Sender.build(DEFAULT_TOKEN, base_url=api.base_url, limits=limits,
                              backoff=Backoff(first=0.5))
        async with sender:
            return await body(sender)

    return asyncio.run(main())


async def deliver(call: Callable[[], Awaitable[SendOutcome]]) -> SendOutcome:
    """What the drainer does with a chat that is not ready yet: come back after the wait
    the sender named, holding nothing meanwhile."""
    while (outcome := await call()).kind is OutcomeKind.RETRY and outcome.error == "paced":
        assert outcome.retry_after is not None and 0 < outcome.retry_after <= 60
        await asyncio.sleep(outcome.retry_after)
    return outcome


def test_send_uses_html_and_disables_previews(api: FakeBotApi) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Mute", callback_data="mute:1")]])
    outcome = _run(api, lambda s: s.send(42, "<b>Treaty</b> signed", thread_id=7,
                                         reply_markup=markup))
    assert outcome.kind is OutcomeKind.OK
    [sent] = api.sent_messages(42)
    assert outcome.message_id == sent.message_id
    assert (sent.text, sent.parse_mode, sent.message_thread_id) == (
        "<b>Treaty</b> signed", "HTML", 7)
    assert sent.link_preview_options == {"is_disabled": True}
    assert sent.reply_markup == {"inline_keyboard": [[{"text": "Mute",
                                                       "callback_data": "mute:1"}]]}


@pytest.mark.parametrize(
    ("code", "description", "extra", "expected"),
    [
        (429, "Too Many Requests: retry after 3", {"retry_after": 3},
         SendOutcome(OutcomeKind.RETRY, retry_after=3.0)),
        (403, "Forbidden: bot was blocked by the user", {}, SendOutcome(OutcomeKind.BLOCKED)),
        (403, "Forbidden: user is deactivated", {}, SendOutcome(OutcomeKind.BLOCKED)),
        (400, "Bad Request: can't parse entities: unclosed tag", {},
         SendOutcome(OutcomeKind.FAILED)),
        (400, "Bad Request: group chat was upgraded to a supergroup chat",
         {"migrate_to_chat_id": -1001234567890},
         SendOutcome(OutcomeKind.MIGRATED, new_chat_id=-1001234567890)),
        (500, "Internal Server Error", {}, SendOutcome(OutcomeKind.RETRY, retry_after=0.5)),
        (502, "Bad Gateway", {}, SendOutcome(OutcomeKind.RETRY, retry_after=0.5)),
    ],
    ids=["429-retry-after", "403-blocked", "403-deactivated", "400-bad-html", "400-migrated",
         "500-backoff", "502-backoff"],
)
def test_errors_are_classified(api: FakeBotApi, code: int, description: str,
                               extra: dict[str, int], expected: SendOutcome) -> None:
    api.fail_next("sendMessage", code, description, **extra)
    outcome = _run(api, lambda s: s.send(-77, "hello"))
    assert (outcome.kind, outcome.retry_after, outcome.new_chat_id) == (
        expected.kind, expected.retry_after, expected.new_chat_id)
    assert outcome.error
    assert api.sent_messages() == []


def test_blocked_chat_gets_no_further_requests(api: FakeBotApi) -> None:
    api.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user", chat_id=5)

    async def body(s: Sender) -> list[SendOutcome]:
        return [await s.send(5, "one"), await s.send(5, "two"), await s.send(6, "three")]

    outcomes = _run(api, body)
    assert [o.kind for o in outcomes] == [
        OutcomeKind.BLOCKED, OutcomeKind.BLOCKED, OutcomeKind.OK]
    assert len(api.calls_to("sendMessage")) == 2


def test_network_backoff_grows_then_resets(api: FakeBotApi) -> None:
    api.fail_next("sendMessage", 500, "Internal Server Error", count=3)

    async def body(s: Sender) -> list[SendOutcome]:
        return [await deliver(lambda n=n: s.send(9, f"try {n}")) for n in range(5)]

    outcomes = _run(api, body)
    waits = [o.retry_after for o in outcomes]
    assert waits == [0.5, 1.0, 2.0, None, None]


def test_retry_after_pauses_following_sends(api: FakeBotApi) -> None:
    api.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)

    async def body(s: Sender) -> tuple[SendOutcome, float]:
        first = await s.send(11, "a")
        started = time.monotonic()
        await s.send(12, "b")  # a 429 on an idle chat is bot-wide: everyone waits
        return first, time.monotonic() - started

    first, waited = _run(api, body)
    assert first.kind is OutcomeKind.RETRY
    assert waited >= 0.9


@pytest.mark.parametrize(
    ("new_text", "expected_kind", "expected_text"),
    [("<i>ratified</i>", OutcomeKind.OK, "<i>ratified</i>"),
     ("signed", OutcomeKind.OK, "signed")],
    ids=["changed", "not-modified-counts-as-ok"],
)
def test_edit(api: FakeBotApi, new_text: str, expected_kind: OutcomeKind,
              expected_text: str) -> None:
    async def body(s: Sender) -> SendOutcome:
        sent = await s.send(21, "signed")
        assert sent.message_id is not None
        return await deliver(lambda: s.edit(21, sent.message_id or 0, new_text))

    outcome = _run(api, body)
    assert outcome.kind is expected_kind
    [sent] = api.sent_messages(21)
    assert sent.text == expected_text
    assert api.edits(21)[0].params["parse_mode"] == "HTML"


def test_edit_of_a_missing_message_says_it_is_gone(api: FakeBotApi) -> None:
    """Not a failure of the update: the sink sends it as a new message instead."""
    outcome = _run(api, lambda s: s.edit(21, 999, "text"))
    assert outcome.kind is OutcomeKind.GONE


@pytest.mark.parametrize(
    ("chats", "min_seconds", "max_seconds"),
    [([31] * 5, 0.18, 1.5), ([31, 32, 33, 34, 35], 0.0, 0.15), ([-40] * 4, 0.45, 2.0)],
    ids=["one-chat-spaced", "five-chats-not-spaced", "group-window"],
)
def test_pacing(api: FakeBotApi, chats: list[int], min_seconds: float,
                max_seconds: float) -> None:
    """A chat's own limits come back as "paced" at once; retried after the wait, the
    messages are spaced as Telegram asks."""
    async def body(s: Sender) -> list[SendOutcome]:
        return list(await asyncio.gather(
            *(deliver(lambda c=c, i=i: s.send(c, f"m{i}")) for i, c in enumerate(chats))))

    started = time.monotonic()
    outcomes = _run(api, body)
    elapsed = time.monotonic() - started
    assert all(o.ok for o in outcomes)
    times = [m.time for m in api.sent_messages()]
    span = max(times) - min(times)
    assert min_seconds <= span < max_seconds, span
    assert elapsed < max_seconds + 1.0


def test_a_busy_chat_never_holds_up_another() -> None:
    """The sender answers "paced" for a chat that must wait, without sleeping: one chat's
    backlog costs the others nothing."""
    async def main() -> tuple[list[SendOutcome], float]:
        with FakeBotApi() as api:
            sender = Sender.build(DEFAULT_TOKEN, base_url=api.base_url,
                                  limits=Limits(global_per_second=1000, chat_interval=5.0))
            async with sender:
                started = time.monotonic()
                busy = [await sender.send(1, f"b{n}") for n in range(3)]
                other = await sender.send(2, "o")
                return [*busy, other], time.monotonic() - started

    outcomes, elapsed = asyncio.run(main())
    assert [o.kind for o in outcomes] == [OutcomeKind.OK, OutcomeKind.RETRY, OutcomeKind.RETRY,
                                          OutcomeKind.OK]
    assert all(4.0 < (o.retry_after or 0) <= 5.0 for o in outcomes[1:3])
    assert elapsed < 1.0
