"""End to end on summit day: `python -m bot run` against the fake Bot API and loopback feeds,
with a config whose event is today. The summit-day alert arrives once, polling speeds up,
and "signed" from two sources is one breaking alert edited to confirmed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from fakebotapi import DEFAULT_TOKEN, FakeBotApi, SentMessage
from feedserver import FeedServer

ROOT = Path(__file__).resolve().parent.parent
USER = 777


def wait_until(condition: Callable[[], bool], timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def write_config(path: Path, server: FeedServer) -> None:
    today = datetime.now(ZoneInfo("Europe/Minsk")).date().isoformat()
    path.write_text(
        "interval: 30s\n"
        "feeds:\n"
        f"  - {{url: '{server.url('/belta.xml')}', name: BelTA}}\n"
        f"  - {{url: '{server.url('/tass.xml')}', name: TASS}}\n"
        "topics:\n"
        "  - id: treaty\n"
        "    title: Security guarantees treaty\n"
        "    query: '\"security guarantee\" (belarus* OR minsk)'\n"
        "events:\n"
        "  - id: summit\n"
        "    title: Union State summit\n"
        f"    date: {today}\n"
        "    timezone: Europe/Minsk\n"
        "    location: Minsk\n"
        "    topics: [treaty]\n"
        "    surge_interval: 2s\n",
        encoding="utf-8",
    )


def texts(api: FakeBotApi, fragment: str) -> list[SentMessage]:
    return [m for m in api.sent_messages(USER) if fragment in m.text]


def test_summit_day(feed_server: FeedServer, tmp_path: Path) -> None:
    feed_server.set_feed("/belta.xml", [])
    feed_server.set_feed("/tass.xml", [])
    config = tmp_path / "feeds.yaml"
    write_config(config, feed_server)
    env = {**os.environ, "BOT_DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
           "TELEGRAM_BOT_TOKEN": DEFAULT_TOKEN}
    with FakeBotApi() as api:
        env["TELEGRAM_API_URL"] = api.url
        bot = subprocess.Popen([sys.executable, "-m", "bot", "run", "--config", str(config)],
                               cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            assert wait_until(lambda: feed_server.count("/tass.xml") > 0 and bool(api.calls_to("setMyCommands")))
            time.sleep(0.5)  # the first polls (silent backlogs) commit
            api.send_text(USER, "/start", user_id=USER)
            assert wait_until(lambda: bool(texts(api, "Today: Union State summit")))
            [day] = texts(api, "Today: Union State summit")
            assert "Minsk" in day.text and "Security guarantees treaty" in day.text

            # Surge: a 30 s feed is polled every 2 s inside the event's window.
            before = feed_server.count("/belta.xml")
            time.sleep(6)
            assert feed_server.count("/belta.xml") - before >= 2

            feed_server.add_item("/belta.xml", {"title": "Putin and Lukashenko signed the security guarantees "
                                                          "treaty in Minsk", "link": "https://belta.test/1"})
            assert wait_until(lambda: bool(texts(api, "unconfirmed")))
            [breaking] = texts(api, "unconfirmed")
            assert "BelTA" in breaking.text
            feed_server.add_item("/tass.xml", {"title": "Russia and Belarus sign treaty on security guarantees "
                                                        "in Minsk", "link": "https://tass.test/7"})
            # The fake keeps the current text in .text and earlier versions in .edits.
            assert wait_until(lambda: "confirmed by 2" in breaking.text)
            assert "BelTA, TASS" in breaking.text and "unconfirmed" in breaking.edits[0]
            time.sleep(2)
            assert len(texts(api, "Today: Union State summit")) == 1  # the summit-day alert, once
            signed = [m for m in api.sent_messages(USER) if "SIGNED" in m.text]
            assert signed == [breaking], "one breaking alert for the signing, edited in place"
        finally:
            bot.send_signal(signal.SIGTERM)
            _, err = bot.communicate(timeout=20)
    assert bot.returncode == 0, err
