"""Latency benchmark: healthy feeds are polled on time next to hanging ones.

`python -m bot run --json` (console mode, SQLite, the shipped `fetch:` settings: 20 s
timeout, 20 at once, 2 per host) polls 200 loopback feeds at a 5 s interval plus 20 that
hang until the timeout, all on one host (one independent feed server, as a checker would
run it). New entries appear on random healthy feeds; each entry's delay runs from the
moment it appears on the server to its alert line on the bot's stdout.

Prints p50, p99 and max against the target p99 <= interval + 1 s, and entries never
alerted. Run: python bench/bench_latency.py [--feeds 200] [--hanging 20] [--seconds 60]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from feedserver import FeedServer

INTERVAL = 5.0
SYLLABLES = ["ka", "lo", "mir", "tan", "vel", "dro", "pes", "gul", "ny", "shor", "bem", "zit"]


def write_config(folder: Path, server: FeedServer, healthy: int, hanging: int) -> Path:
    feeds = [f"  - {{url: '{server.url(f'/ok{n}.xml')}', name: ok{n}}}" for n in range(healthy)]
    feeds += [f"  - {{url: '{server.url(f'/hang{n}.xml')}', name: hang{n}}}" for n in range(hanging)]
    path = folder / "feeds.yaml"
    path.write_text(f"interval: {INTERVAL:.0f}s\nfeeds:\n" + "\n".join(feeds)
                    + "\ntopics:\n  - {id: t, title: Treaty, query: treaty}\n", encoding="utf-8")
    return path


class Alerts:
    """The bot's stdout, read on a thread: when each alerted link was seen."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.seen: dict[str, float] = {}
        self._proc = proc
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self._proc.stdout is not None
        for line in self._proc.stdout:
            stamp = time.monotonic()
            try:
                item = json.loads(line)
            except ValueError:
                continue
            if item.get("type") == "item" and item.get("link"):
                self.seen.setdefault(str(item["link"]), stamp)


def publish(server: FeedServer, healthy: int, seconds: float, rng: random.Random) -> dict[str, float]:
    """A new matching entry on a random healthy feed every 0.25 s; link -> publication time."""
    published: dict[str, float] = {}
    items: dict[int, list[dict[str, object]]] = {}
    deadline = time.monotonic() + seconds
    n = 0
    while time.monotonic() < deadline:
        feed = rng.randrange(healthy)
        link = f"https://latency.test/{feed}/{n}"
        # Made-up words: every entry is a story of its own, not a repeat of another.
        title = "Treaty " + " ".join("".join(rng.choices(SYLLABLES, k=3)) for _ in range(6))
        items.setdefault(feed, []).insert(0, {"title": title,
                                              "link": link, "guid": link})
        server.set_items(f"/ok{feed}.xml", items[feed][:20])
        published[link] = time.monotonic()
        n += 1
        time.sleep(0.25)
    return published


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--hanging", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--warmup", type=float, default=30, help="seconds before measuring")
    args = parser.parse_args()
    rng = random.Random(5)
    with tempfile.TemporaryDirectory() as tmp, FeedServer() as server:
        for n in range(args.feeds):
            server.set_feed(f"/ok{n}.xml", [])
        for n in range(args.hanging):
            server.set_slow(f"/hang{n}.xml", b"<rss>" + b" " * 100, interval=60)
        config = write_config(Path(tmp), server, args.feeds, args.hanging)
        env = {**os.environ, "BOT_DATABASE_URL": f"sqlite:///{tmp}/bot.db"}
        env.pop("TELEGRAM_BOT_TOKEN", None)
        with (Path(tmp) / "bot.log").open("w") as log:
            proc = subprocess.Popen([sys.executable, "-m", "bot", "run", "--json", "--config",
                                     str(config)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                    stderr=log, text=True)
            alerts = Alerts(proc)
            time.sleep(args.warmup)  # first polls (silent backlogs) and the first hangs
            published = publish(server, args.feeds, args.seconds, rng)
            time.sleep(INTERVAL * 3)
            proc.send_signal(signal.SIGTERM)
            proc.wait(60)
    delays = sorted(alerts.seen[link] - at for link, at in published.items() if link in alerts.seen)
    missing = len(published) - len(delays)
    print(f"{args.feeds} healthy feeds and {args.hanging} hanging ones at a {INTERVAL:.0f} s "
          f"interval, one host, shipped fetch settings; {len(published)} entries published")
    if not delays:
        print(f"publication to alert: none of them alerted within {INTERVAL * 3:.0f} s of the "
              "last publication")
        return 1
    p99 = delays[min(len(delays) - 1, int(0.99 * len(delays)))]
    print(f"publication to alert: p50 {statistics.median(delays):.2f} s, p99 {p99:.2f} s, "
          f"max {delays[-1]:.2f} s (target p99 <= {INTERVAL + 1:.0f} s); never alerted: {missing}")
    return 0 if p99 <= INTERVAL + 1 and missing == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
