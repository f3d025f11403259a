"""End to end: `python -m bot run` as a subprocess in console mode against a loopback feed
server: alerts within one interval, a silent backlog, no repeats across a restart, SIGTERM.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from feedserver import FeedServer

ROOT = Path(__file__).resolve().parent.parent
INTERVAL = 2.0


class BotProcess:
    """`python -m bot run --json` with stdout lines collected on a thread."""

    def __init__(self, config: Path, db: Path) -> None:
        env = {**os.environ, "BOT_DATABASE_URL": f"sqlite:///{db}", "PYTHONUNBUFFERED": "1"}
        env.pop("TELEGRAM_BOT_TOKEN", None)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "run", "--config", str(config), "--json"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.notices: list[dict[str, object]] = []
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line)

    def next_alert(self, timeout: float) -> dict[str, object] | None:
        """The next entry alert ("type": "item"); notices are collected on the side."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = json.loads(self.lines.get(timeout=max(0.0, deadline - time.monotonic())))
            except queue.Empty:
                return None
            if line.get("type") == "item":
                return line  # type: ignore[no-any-return]
            self.notices.append(line)

    def stop(self) -> tuple[int, float, str]:
        started = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        _, err = self.proc.communicate(timeout=15)
        return self.proc.returncode, time.monotonic() - started, err


@pytest.fixture
def setup(feed_server: FeedServer, tmp_path: Path) -> Iterator[tuple[FeedServer, Path, Path]]:
    feed_server.set_feed("/wire.xml", [
        {"title": "Belarus security guarantees treaty: backlog story", "link": "https://n.test/old"},
    ])
    feed_server.set_status("/broken.xml", 500)
    feed_server.set_raw("/bomb.xml", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><rss/>')
    config = tmp_path / "feeds.yaml"
    config.write_text(
        f"interval: {int(INTERVAL)}s\n"
        "feeds:\n"
        f"  - {{url: '{feed_server.url('/broken.xml')}', name: Broken}}\n"
        f"  - {{url: '{feed_server.url('/bomb.xml')}', name: Bomb}}\n"
        f"  - {{url: '{feed_server.url('/wire.xml')}', name: Wire}}\n"
        "topics:\n"
        "  - id: treaty\n"
        "    title: Treaty\n"
        "    query: '\"security guarantee\" belarus*'\n",
        encoding="utf-8",
    )
    yield feed_server, config, tmp_path / "data" / "bot.db"


def test_alerts_once_across_restart_and_stops_cleanly(setup: tuple[FeedServer, Path, Path]) -> None:
    server, config, db = setup
    bot = BotProcess(config, db)
    try:
        deadline = time.monotonic() + 10
        while server.count("/wire.xml") < 1 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert bot.next_alert(timeout=INTERVAL) is None  # the backlog stays silent
        server.add_item("/wire.xml", {"title": "Belarus security guarantees treaty ratified",
                                      "link": "https://n.test/new"})
        alert = bot.next_alert(timeout=INTERVAL * 2 + 3)
        assert alert is not None
        assert alert["type"] == "item" and alert["link"] == "https://n.test/new"
        assert alert["topics"] == ["treaty"] and alert["status"] == "ratified"
        assert bot.next_alert(timeout=INTERVAL * 1.5) is None  # and only once
        # The first "ratified" report is also a breaking status notice, unconfirmed (1 of 2).
        [status] = [n for n in bot.notices if n["kind"] == "status"]
        assert status["key"] == "status:treaty:ratified" and "unconfirmed" in str(status["text"])
    finally:
        code, seconds, err = bot.stop()
    assert code == 0 and seconds < 10, err
    assert "Broken: HTTP 500" in err and "Bomb: not a usable feed" in err
    assert any("if-none-match" in h for h in server.headers("/wire.xml")[1:])  # 304 path used

    assert health(config, db).returncode == 0  # the heartbeat is recent

    restarted = BotProcess(config, db)
    try:
        polls = server.count("/wire.xml")
        deadline = time.monotonic() + 10
        while server.count("/wire.xml") <= polls and time.monotonic() < deadline:
            time.sleep(0.1)
        assert restarted.next_alert(timeout=INTERVAL) is None  # nothing repeats after restart
        # One process per SQLite file: a second one is refused, and the first runs on.
        second = BotProcess(config, db)
        _, err = second.proc.communicate(timeout=30)
        assert second.proc.returncode == 1
        assert "another bot process (pid" in err and "PostgreSQL" in err, err
        assert restarted.proc.poll() is None
    finally:
        code, _, err = restarted.stop()
    assert code == 0, err


def health(config: Path, db: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BOT_DATABASE_URL": f"sqlite:///{db}"}
    return subprocess.run([sys.executable, "-m", "bot", "health", "--config", str(config)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=30, check=False)


def test_health_fails_without_a_running_loop(setup: tuple[FeedServer, Path, Path]) -> None:
    _, config, db = setup
    result = health(config, db)
    assert result.returncode == 1 and "never run" in result.stdout


def test_broken_config_exits_2_with_a_clear_message(tmp_path: Path) -> None:
    config = tmp_path / "feeds.yaml"
    config.write_text("interval: 2s\nfeeds:\n  - {url: 'http://127.0.0.1:9/x', nmae: X}\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "bot", "run", "--config", str(config)], check=False,
                            cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert "feeds.yaml:3" in result.stderr and "nmae" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
