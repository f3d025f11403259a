"""Scale benchmark: 10,000 feeds of 20 items through `python -m bot run` (console mode,
SQLite), with memory and CPU read from outside, in /proc.

The feed server runs in its own process (bench_poll's). All feeds are on one loopback
host, so `fetch.per_host` is raised to the global concurrency for this run (the shipped 2
would serialise them behind one host). Prints:

1. the first cycle (every feed new: fetched, parsed, 200,000 entries recorded silently):
   CPU per entry against `feedparser.parse` alone on the same bytes in this process
   (target <= 1.3x);
2. an all-304 cycle: CPU per feed (target <= 0.3 ms);
3. peak RSS (VmHWM) and RSS at the end (target peak <= 150 MB).

Run: python bench/bench_scale.py [--feeds 10000] [--items 20] [--interval 90]
"""

from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import feedparser

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_poll import ServerProcess, serve

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and all its threads so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def memory_mb(pid: int) -> tuple[float, float]:
    """(peak RSS, current RSS) in MB."""
    status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
    return int(status["VmHWM"].split()[0]) / 1024, int(status["VmRSS"].split()[0]) / 1024


def write_config(folder: Path, server: ServerProcess, feeds: int, interval: int) -> Path:
    lines = [f"interval: {interval}s", "fetch: {max_concurrency: 20, per_host: 20}", "feeds:"]
    lines += [f"  - {{url: '{server.url(i)}', name: f{i}}}" for i in range(feeds)]
    lines += ["topics:", "  - {id: t, title: Treaty, query: 'security guarantees treaty'}"]
    path = folder / "feeds.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def wait_for_feeds(db: Path, column: str, since: str, feeds: int, timeout: float) -> float:
    """Seconds until every feed's `column` is at or after `since` in the bot's database (a
    feed's state is saved after its entries are recorded: the cycle is then complete)."""
    started = time.monotonic()
    while True:
        try:
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
                done = conn.execute(f"SELECT count(*) FROM feeds WHERE {column} >= ?",
                                    (since,)).fetchone()[0]
        except sqlite3.OperationalError:  # not created yet
            done = 0
        if done >= feeds:
            return time.monotonic() - started
        if time.monotonic() - started > timeout:
            raise SystemExit(f"only {done} of {feeds} feeds done in {timeout:.0f} s")
        time.sleep(0.5)


def feedparser_alone(server: ServerProcess, feeds: int) -> float:
    """CPU seconds feedparser needs for every feed's bytes (fetched beforehand)."""
    bodies = [urllib.request.urlopen(server.url(i)).read() for i in range(feeds)]
    started = time.process_time()
    for body in bodies:
        feedparser.parse(body)
    return time.process_time() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--feeds", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--interval", type=int, default=90, help="seconds; > the first cycle")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.feeds, args.items)
        return 0
    server = ServerProcess(args.feeds, args.items, script=Path(__file__))
    try:
        with tempfile.TemporaryDirectory() as tmp:
            config = write_config(Path(tmp), server, args.feeds, args.interval)
            env = {**os.environ, "BOT_DATABASE_URL": f"sqlite:///{tmp}/bot.db"}
            env.pop("TELEGRAM_BOT_TOKEN", None)
            with (Path(tmp) / "bot.log").open("w") as log:
                bot = subprocess.Popen([sys.executable, "-m", "bot", "run", "--config", str(config)],
                                       cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log)
                started_cpu = cpu_seconds(bot.pid)
                db = Path(tmp) / "bot.db"
                first = wait_for_feeds(db, "last_ok_at", "1970", args.feeds, 900)
                first_cpu = cpu_seconds(bot.pid) - started_cpu
                peak_first, _ = memory_mb(bot.pid)
                mark = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
                before_304 = cpu_seconds(bot.pid)
                second = wait_for_feeds(db, "last_polled_at", mark, args.feeds, args.interval + 900)
                cycle_304 = cpu_seconds(bot.pid) - before_304
                peak, rss = memory_mb(bot.pid)
                bot.send_signal(signal.SIGTERM)
                bot.wait(60)
        alone = feedparser_alone(server, args.feeds)
    finally:
        server.close()
    entries = args.feeds * args.items
    print(f"{args.feeds} feeds x {args.items} items, one loopback host, SQLite")
    print(f"first cycle: {first:.0f} s wall, {first_cpu:.1f} s CPU incl. start-up = "
          f"{first_cpu / entries * 1e3:.3f} ms per entry; feedparser alone on the same bytes "
          f"{alone / entries * 1e3:.3f} ms per entry: ratio {first_cpu / alone:.2f}x (target <= 1.3x)")
    print(f"all-304 cycle: {second:.0f} s wall (incl. waiting for the interval), "
          f"{cycle_304:.2f} s CPU = {cycle_304 / args.feeds * 1e3:.3f} ms per feed (target <= 0.3 ms)")
    print(f"memory: peak RSS {peak:.0f} MB (after the first cycle {peak_first:.0f} MB), "
          f"RSS at the end {rss:.0f} MB (target peak <= 150 MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
