"""/quiet, /tz and /mode through the fake Bot API: shown, set, cleared; every invalid input
answered with an example and nothing changed."""
# ruff: noqa: F811 - the harness fixtures are imported, and tests take them as arguments

from __future__ import annotations

import pytest
from test_telegram_handlers import Harness, app, h  # noqa: F401 - the harness fixtures

from bot.delivery.prefs import prefs_of


def settings(h: Harness, chat: int) -> tuple[object, ...]:
    sub = h.sub(chat)
    return (sub.tz, sub.quiet, sub.quiet_strict, sub.mode)


def test_commands_before_start_ask_for_start(h: Harness) -> None:
    for cmd in ("/quiet 23:00-07:00", "/tz Europe/Berlin", "/mode hourly", "/quiet"):
        assert "/start" in h.say(301, cmd).text, cmd


def test_quiet_shown_set_strict_and_off(h: Harness) -> None:
    h.say(302, "/start")
    assert "No quiet hours" in h.say(302, "/quiet").text
    reply = h.say(302, "/quiet 23:00-07:00")
    assert "23:00-07:00" in reply.text and "Europe/Minsk" in reply.text  # the config's zone
    assert settings(h, 302) == (None, "23:00-07:00", False, None)
    assert "23:00-07:00" in h.say(302, "/quiet").text
    assert "strict" in h.say(302, "/quiet 22:30-6:00 strict").text
    assert settings(h, 302) == (None, "22:30-06:00", True, None)
    assert "off" in h.say(302, "/quiet off").text
    assert settings(h, 302) == (None, None, False, None)


BAD = {
    "bad-time": ("/quiet 25:00-07:00", "/quiet 23:00-07:00"),
    "equal": ("/quiet 07:00-07:00", "same time"),
    "extra-words": ("/quiet 23:00-07:00 every day", "/quiet 23:00-07:00"),
    "unknown-zone": ("/tz Mars/Olympus", "/tz Europe/Minsk"),
    "zone-extra-words": ("/tz Europe/Minsk please", "/tz Europe/Minsk"),
    "unknown-mode": ("/mode weekly", "/mode daily 08:00"),
    "daily-without-time": ("/mode daily", "/mode daily 08:00"),
    "no-such-watch": ("/mode hourly 9", "/mode hourly 1"),
}


@pytest.mark.parametrize(("command", "example"), list(BAD.values()), ids=list(BAD))
def test_invalid_input_is_explained_and_changes_nothing(h: Harness, command: str,
                                                        example: str) -> None:
    h.say(303, "/start")
    h.say(303, "/quiet 23:00-07:00")
    before = settings(h, 303)
    reply = h.say(303, command)
    assert example in reply.text.replace("&lt;", "<")
    assert settings(h, 303) == before


def test_tz_shown_and_set(h: Harness) -> None:
    h.say(304, "/start")
    assert "Europe/Minsk" in h.say(304, "/tz").text and "15:00" in h.say(304, "/tz").text
    reply = h.say(304, "/tz europe/berlin")
    assert "Europe/Berlin" in reply.text and "13:00" in reply.text  # NOW is 12:00 UTC
    assert prefs_of(h.sub(304), h.services.config.tz).tz.key == "Europe/Berlin"


def test_mode_for_the_chat_and_for_one_watch(h: Harness) -> None:
    h.say(305, "/start")
    h.say(305, "/watch treaty")
    assert "each alert at once" in h.say(305, "/mode").text
    assert "daily digest at 08:00" in h.say(305, "/mode daily 08:00").text
    assert h.sub(305).mode == "daily 08:00"
    reply = h.say(305, "/mode instant 1")
    assert "treaty" in reply.text and "at once" in reply.text
    (watch,) = h.store.list_watches(h.sub(305).id)
    assert watch.mode == "instant"
    shown = h.say(305, "/mode").text
    assert "daily digest" in shown and "treaty" in shown
    assert "follows the chat" in h.say(305, "/mode chat treaty").text
    assert h.store.list_watches(h.sub(305).id)[0].mode is None
    assert "hourly" in h.say(305, "/mode hourly").text and h.sub(305).mode == "hourly"
    h.say(305, "/mode instant")
    assert h.sub(305).mode is None
