"""For benchmarks that run the real bot (`python -m bot run`, Telegram mode) as a subprocess
against the fake Bot API and the loopback feed server, both in this process.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from fakebotapi import DEFAULT_TOKEN, Chaos, FakeBotApi, FloodEnforcer
from feedserver import FeedServer

LINK = re.compile(r'href="(https://bench\.test/[^"]+)"')
SYLLABLES = ["ka", "lo", "mir", "tan", "vel", "dro", "pes", "gul", "ny", "shor", "bem", "zit"]


def nonsense(rng: random.Random, words: int) -> str:
    """Made-up words: stories that share nothing, so none is filed under another."""
    return " ".join("".join(rng.choices(SYLLABLES, k=3)) for _ in range(words))


def story(n: int, marker: str, rng: random.Random) -> dict[str, object]:
    """Story `n` of a batch: its link names the batch; every title has the word "drill"."""
    return {"title": f"Drill {n} {marker}: {nonsense(rng, 6)}",
            "link": f"https://bench.test/{marker}/{n}", "guid": f"{marker}-{n}"}


def write_config(folder: Path, feed_url: str) -> Path:
    """Shipped defaults (delivery, fetch) but a 1 s poll interval, one feed, one topic."""
    path = folder / "feeds.yaml"
    path.write_text(f"interval: 1s\nfeeds:\n  - {{url: '{feed_url}', name: Bench}}\n"
                    "topics:\n  - {id: t, title: Treaty, query: treaty}\n", encoding="utf-8")
    return path


class BotProcess:
    """The bot as a child process; its log goes to a file (a pipe could fill and block it)."""

    def __init__(self, folder: Path, config: Path, api_url: str) -> None:
        self.folder, self.config, self.api_url = folder, config, api_url
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self) -> None:
        env = {**os.environ, "BOT_DATABASE_URL": f"sqlite:///{self.folder / 'bot.db'}",
               "TELEGRAM_BOT_TOKEN": DEFAULT_TOKEN, "TELEGRAM_API_URL": self.api_url}
        self.starts += 1
        log = (self.folder / f"bot-{self.starts}.log").open("wb")
        self.proc = subprocess.Popen([sys.executable, "-m", "bot", "run", "--config",
                                      str(self.config)], cwd=ROOT, env=env, stdout=log,
                                     stderr=subprocess.STDOUT)

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.kill()  # SIGKILL: no cleanup at all
        self.proc.wait()

    def term(self, timeout: float = 30) -> int:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout)

    def log_text(self) -> str:
        return "".join(p.read_text(errors="replace") for p in sorted(self.folder.glob("bot-*.log")))


def wait_until(condition: Callable[[], bool], timeout: float, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(step)
    return True


def subscribe(api: FakeBotApi, chats: Iterable[int], watch: str) -> None:
    """/start and /watch in each chat, as its users would; waits for the confirmations."""
    chats = list(chats)
    for chat in chats:
        api.send_text(chat, "/start", user_id=chat)
        api.send_text(chat, f"/watch {watch}", user_id=chat)
    confirmed = lambda: all(
        any(watch in m.text for m in api.sent_messages(chat)) for chat in chats)
    if not wait_until(confirmed, 60):
        raise SystemExit("the bot did not confirm every /watch within 60 s")


def alert_counts(api: FakeBotApi, marker: str) -> Counter[tuple[int, str]]:
    """How many times each (chat, story link) with `marker` in its link was sent."""
    found: Counter[tuple[int, str]] = Counter()
    for message in api.sent_messages():
        for link in set(LINK.findall(message.text)):
            if f"/{marker}/" in link:
                found[(message.chat_id, link)] += 1
    return found


def first_poll_done(feeds: FeedServer, path: str) -> Callable[[], bool]:
    return lambda: feeds.count(path) >= 2  # the second poll starts after the first committed


__all__ = ["BotProcess", "Chaos", "FakeBotApi", "FeedServer", "FloodEnforcer", "alert_counts",
           "first_poll_done", "story", "subscribe", "wait_until", "write_config"]
