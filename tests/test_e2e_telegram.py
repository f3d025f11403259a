"""End to end in Telegram mode: `python -m bot run` as a subprocess against the fake Bot API
and the loopback feed server, driven the way a user would.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fakebotapi import DEFAULT_TOKEN, FakeBotApi, SentMessage
from feedserver import FeedServer

ROOT = Path(__file__).resolve().parent.parent
USER = 4242


def write_config(path: Path, feed_url: str, extra: str = "") -> None:
    path.write_text(
        extra + "interval: 2s\n"
        f"feeds:\n  - {{url: '{feed_url}', name: Wire}}\n"
        "topics:\n"
        "  - id: treaty\n"
        "    title: Security guarantees treaty\n"
        "    query: '\"security guarantee\" belarus*'\n",
        encoding="utf-8",
    )


def start_bot(config: Path, db: Path, api_url: str, token: str = DEFAULT_TOKEN) -> subprocess.Popen[str]:
    env = {**os.environ, "BOT_DATABASE_URL": f"sqlite:///{db}", "TELEGRAM_BOT_TOKEN": token,
           "TELEGRAM_API_URL": api_url}
    return subprocess.Popen([sys.executable, "-m", "bot", "run", "--config", str(config)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi() as server:
        yield server


def wait_until(condition: Callable[[], bool], timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.1)


def says(fragment: str, chat_id: int = USER) -> object:
    def check(m: SentMessage) -> bool:
        return m.chat_id == chat_id and fragment in m.text

    return check


def test_user_journey(api: FakeBotApi, feed_server: FeedServer, tmp_path: Path) -> None:
    feed_server.set_feed("/wire.xml", [{"title": "Belarus security guarantees backlog", "link": "https://n.test/0"}])
    config = tmp_path / "feeds.yaml"
    write_config(config, feed_server.url("/wire.xml"))
    bot = start_bot(config, tmp_path / "bot.db", api.url)
    try:
        wait_until(lambda: bool(api.calls_to("setMyCommands")) and feed_server.count("/wire.xml") > 0)
        assert api.calls_to("setMyCommands"), "the command list is registered at start"
        time.sleep(0.5)  # the first poll (the feed's silent backlog) commits

        api.send_text(USER, "/start", user_id=USER)
        api.wait_for(says("/watch"), timeout=10)  # the welcome explains usage
        api.send_text(USER, "/watch pipeline", user_id=USER)
        api.wait_for(says("pipeline"), timeout=10)

        feed_server.add_item("/wire.xml", {"title": "Gas pipeline & tariff < 5% agreed", "link": "https://n.test/1"})
        alert = api.wait_for(says("Gas pipeline &amp; tariff &lt; 5% agreed"), timeout=15)
        assert alert.parse_mode == "HTML" and 'href="https://n.test/1"' in alert.text
        assert (alert.link_preview_options or {}).get("is_disabled") or alert.disable_web_page_preview

        api.send_text(USER, "/unwatch pipeline", user_id=USER)
        api.send_text(USER, "/stop", user_id=USER)
        api.wait_for(says("Alerts stopped"), timeout=10)  # replies, too, go one a second
        before = len(api.sent_messages(USER))
        feed_server.add_item("/wire.xml", {"title": "Belarus security guarantees treaty signed",
                                           "link": "https://n.test/2"})
        feed_server.add_item("/wire.xml", {"title": "Another pipeline story", "link": "https://n.test/3"})
        time.sleep(5)
        assert len(api.sent_messages(USER)) == before, "no alerts after /unwatch and /stop"
        assert not any("backlog" in m.text for m in api.sent_messages(USER))
    finally:
        bot.send_signal(signal.SIGTERM)
        _, err = bot.communicate(timeout=20)
    assert bot.returncode == 0, err
    assert DEFAULT_TOKEN not in err
    # Stopping cancels what was in flight; that is not an error worth a traceback.
    assert "Traceback" not in err and "CancelledError" not in err, err


def test_command_flood_limit_comes_from_config(api: FakeBotApi, feed_server: FeedServer,
                                               tmp_path: Path) -> None:
    feed_server.set_feed("/wire.xml", [])
    config = tmp_path / "feeds.yaml"
    write_config(config, feed_server.url("/wire.xml"), "limits: {commands_per_minute: 3}\n")
    bot = start_bot(config, tmp_path / "bot.db", api.url)
    try:
        for _ in range(6):
            api.send_text(USER, "/help", user_id=USER)
        api.wait_for(says("slow down"), timeout=15)
        time.sleep(1.5)  # the sixth would have been answered by now
        texts = [m.text for m in api.sent_messages(USER)]
        assert sum("slow down" in text for text in texts) == 1
        assert len(texts) == 4, "three answers, one warning, then silence"
    finally:
        bot.send_signal(signal.SIGTERM)
        _, err = bot.communicate(timeout=20)
    assert bot.returncode == 0, err


def test_blocked_user_is_deactivated(api: FakeBotApi, feed_server: FeedServer, tmp_path: Path) -> None:
    feed_server.set_feed("/wire.xml", [])
    config = tmp_path / "feeds.yaml"
    write_config(config, feed_server.url("/wire.xml"))
    bot = start_bot(config, tmp_path / "bot.db", api.url)
    try:
        api.send_text(USER, "/start", user_id=USER)
        api.wait_for(says("/watch"), timeout=15)
        wait_until(lambda: feed_server.count("/wire.xml") > 0)
        time.sleep(0.5)  # the first poll (the feed's silent backlog) commits
        api.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user", chat_id=USER)
        feed_server.add_item("/wire.xml", {"title": "Belarus security guarantees one", "link": "https://n.test/a"})
        deadline = time.monotonic() + 10
        while not any(c.params.get("chat_id") in (USER, str(USER)) for c in api.calls_to("sendMessage")[2:]) \
                and time.monotonic() < deadline:
            time.sleep(0.2)
        count = len(api.calls_to("sendMessage"))
        feed_server.add_item("/wire.xml", {"title": "Belarus security guarantees two", "link": "https://n.test/b"})
        time.sleep(5)
        assert len(api.calls_to("sendMessage")) == count, "no sends to a chat that blocked the bot"
    finally:
        bot.send_signal(signal.SIGTERM)
        _, err = bot.communicate(timeout=20)
    assert bot.returncode == 0, err


@pytest.mark.parametrize("case", ["wrong-token", "unreachable"])
def test_bad_connection_at_start_exits_non_zero(api: FakeBotApi, tmp_path: Path, case: str) -> None:
    config = tmp_path / "feeds.yaml"
    write_config(config, "http://127.0.0.1:9/feed.xml")
    url = api.url if case == "wrong-token" else "http://127.0.0.1:9"
    token = "999:wrong" if case == "wrong-token" else DEFAULT_TOKEN
    bot = start_bot(config, tmp_path / "bot.db", url, token)
    _, err = bot.communicate(timeout=60)
    assert bot.returncode == 1
    expected = "rejected the token" if case == "wrong-token" else "cannot reach the Telegram Bot API"
    assert expected in err and "Traceback" not in err and token not in err
