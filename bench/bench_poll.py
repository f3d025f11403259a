"""Poll-cycle benchmark: the real Poller over N loopback feeds (most unchanged -> 304) against
a naive sequential `feedparser.parse(url)` loop over the same feeds, in the same run.

The feed server runs in a SUBPROCESS, so the CPU figure (time.process_time) is the poller's
own: event loop, httpx, parsing threads and SQLite. Every loopback feed is on 127.0.0.1,
so `fetch.per_host` is raised to the global concurrency (default 2 would serialise all
feeds behind one host); in production feeds are spread over many hosts.

Target: a cycle at least 10x faster than the naive loop; unchanged feeds cost no parsing.
Run: python bench/bench_poll.py [--feeds 1000] [--items 50] [--changed 0.05] [--concurrency 50]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

import feedparser

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import bot.ingest.feedparse
from bot.config import Config, settings_from_env
from bot.ingest.fetch import Fetcher
from bot.ingest.outcome import FetchLimits
from bot.ingest.poller import FeedReport, Poller
from bot.services import Services
from bot.store import open_store

T0 = datetime(2025, 5, 12, 9, 0, tzinfo=UTC)
HEADLINES = [
    "Minsk and Moscow agree new steps on the Union State programme",
    "Belarusian premier holds talks with Russian counterpart on energy",
    "Supreme State Council to meet before the end of the year",
    "Customs officials of both countries sign a protocol on transit",
    "Lukashenko receives the governor of a Russian region",
    "Joint exercises planned for the autumn, ministry says",
    "Trade turnover between Belarus and Russia grew in the first quarter",
    "Parliamentary assembly discusses harmonised tax rules",
]


# ---------------------------------------------------------------- feed server subprocess


def feed_path(i: int) -> str:
    return f"/feeds/{i}.xml"


def item(feed: int, n: int) -> dict[str, Any]:
    return {
        "title": f"{HEADLINES[(feed + n) % len(HEADLINES)]} ({feed}-{n})",
        "link": f"https://outlet{feed}.news.test/story/{n}",
        "guid": f"outlet{feed}-{n}",
        # About the size of a real agency item: two or three sentences of HTML.
        "summary": f"<p>Story {n} of outlet {feed}. Officials from both sides said the "
                   "talks were constructive and that further meetings are planned. The "
                   "delegations discussed trade, energy prices and border crossings, and "
                   "agreed to prepare documents for the next session of the council. "
                   "<a href='https://outlet.news.test/more'>Read more</a> about the "
                   "background of the negotiations and the positions of both sides.</p>",
        "published": T0 - timedelta(hours=n),
    }


def serve(feeds: int, items: int) -> None:
    """Child process: serve the feeds; commands on stdin, one answer line each on stdout."""
    import feedserver

    # Count TCP connections the server accepts: a client that reuses keep-alive
    # connections opens about `concurrency` per cycle, one that does not opens one per feed.
    accepted = Counter[str]()
    lock = threading.Lock()
    setup = feedserver._Handler.setup

    def counting_setup(handler: Any) -> None:
        with lock:
            accepted["n"] += 1
        setup(handler)

    feedserver._Handler.setup = counting_setup
    with feedserver.FeedServer() as server:
        for i in range(feeds):
            server.set_feed(feed_path(i), [item(i, n) for n in range(items)], title=f"Outlet {i}")
        print(f"port {server.port}", flush=True)
        for line in sys.stdin:
            cmd, *args = line.split()
            if cmd == "change":  # prepend one fresh item to each listed feed
                for i in map(int, args):
                    server.add_item(feed_path(i), {**item(i, -1), "published": T0 + timedelta(minutes=1)})
                print("ok", flush=True)
            elif cmd == "requests":
                print(server.total_requests(), flush=True)
            elif cmd == "connections":  # accepted since the last ask
                with lock:
                    print(accepted.pop("n", 0), flush=True)
            elif cmd == "quit":
                break


class ServerProcess:
    def __init__(self, feeds: int, items: int, script: Path | None = None) -> None:
        """`script` re-runs with --serve in a child (a benchmark importing this one passes
        itself)."""
        self.proc = subprocess.Popen(
            [sys.executable, str(script or __file__), "--serve", "--feeds", str(feeds),
             "--items", str(items)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        self.port = int(self.ask(None).split()[1])

    def ask(self, command: str | None) -> str:
        stdin: IO[str] | None = self.proc.stdin
        stdout: IO[str] | None = self.proc.stdout
        assert stdin is not None and stdout is not None
        if command is not None:
            stdin.write(command + "\n")
            stdin.flush()
        answer = stdout.readline().strip()
        if not answer:
            raise RuntimeError("feed server process died")
        return answer

    def url(self, i: int) -> str:
        return f"http://127.0.0.1:{self.port}{feed_path(i)}"

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                assert self.proc.stdin is not None
                self.proc.stdin.write("quit\n")
                self.proc.stdin.close()
            except BrokenPipeError:
                pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()  # our own child only
            self.proc.wait()


# ---------------------------------------------------------------- the measured runs


class Meter:
    """Counts calls and worker-thread CPU of a few pipeline steps, to show where a cycle goes.

    `thread_time` is per thread, so each figure is that step's own CPU even when it runs in
    asyncio's worker threads next to the event loop.
    """

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.cpu: dict[str, float] = defaultdict(float)
        self._lock = threading.Lock()

    def wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def metered(*args: Any, **kwargs: Any) -> Any:
            started = time.thread_time()
            try:
                return fn(*args, **kwargs)
            finally:
                with self._lock:
                    self.calls[name] += 1
                    self.cpu[name] += time.thread_time() - started
        return metered

    def reset(self) -> None:
        self.calls.clear()
        self.cpu.clear()


@dataclass
class Cycle:
    wall: float
    cpu: float
    outcomes: Counter[str]
    calls: Counter[str]
    step_cpu: dict[str, float]
    new_entries: int
    connections: int  # TCP connections the feed server accepted during the cycle

    @property
    def parsed(self) -> int:
        return self.calls["parse"]


def build_config(urls: list[str], concurrency: int) -> Config:
    return Config.model_validate({
        "interval": "1m",
        "fetch": {"max_concurrency": concurrency, "per_host": concurrency},
        "feeds": [{"url": u, "name": f"Outlet {i}", "lang": "en"} for i, u in enumerate(urls)],
        "topics": [{"id": "union-state", "title": "Union State",
                    "query": '"Union State" OR (Minsk AND Moscow)'}],
    })


async def run_cycles(server: ServerProcess, urls: list[str], changed: list[int],
                     concurrency: int, db: Path) -> tuple[Cycle, Cycle]:
    config = build_config(urls, concurrency)
    store = open_store(f"sqlite:///{db}")
    meter = Meter()
    # parse_feed_async looks parse_feed up in its module at each call: patching it there
    # counts every parse the pipeline does. The store is patched on this instance only.
    real_parse = bot.ingest.feedparse.parse_feed
    vars(bot.ingest.feedparse)["parse_feed"] = meter.wrap("parse", real_parse)
    for step in ("save_feed_state", "commit_poll"):
        setattr(store, step, meter.wrap(step, getattr(store, step)))
    try:
        async with Fetcher(FetchLimits.from_config(config.fetch)) as fetcher:
            poller = Poller(Services(config, settings_from_env({}), store), fetcher)
            first = await measure(poller, T0, meter, server)
            server.ask("change " + " ".join(map(str, changed)))
            second = await measure(poller, T0 + timedelta(minutes=2), meter, server)
    finally:
        vars(bot.ingest.feedparse)["parse_feed"] = real_parse
        store.close()
    return first, second


async def measure(poller: Poller, now: datetime, meter: Meter, server: ServerProcess) -> Cycle:
    meter.reset()
    server.ask("connections")
    wall, cpu = time.perf_counter(), time.process_time()
    reports: list[FeedReport] = await poller.tick(now)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return Cycle(wall, cpu, Counter(r.outcome for r in reports), Counter(meter.calls),
                 dict(meter.cpu), sum(r.new for r in reports), int(server.ask("connections")))


def naive_loop(urls: list[str]) -> tuple[float, float, int]:
    """What a naive reader does: fetch and parse every feed in turn, no validators kept."""
    wall, cpu = time.perf_counter(), time.process_time()
    entries = sum(len(feedparser.parse(u).entries) for u in urls)
    return time.perf_counter() - wall, time.process_time() - cpu, entries


# ---------------------------------------------------------------- report


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--feeds", type=int, default=1000)
    # Agency and search feeds carry 30-100 items; 50 with agency-sized summaries is typical.
    ap.add_argument("--items", type=int, default=50, help="items per feed")
    ap.add_argument("--changed", type=float, default=0.05, help="share of feeds with new items")
    ap.add_argument("--concurrency", type=int, default=10, help="fetch.max_concurrency = per_host")
    ap.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve:
        serve(args.feeds, args.items)
        return
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("bot.ingest.poller").setLevel(logging.ERROR)  # no per-feed "new entries" lines

    every = max(1, round(1 / args.changed)) if args.changed > 0 else args.feeds + 1
    changed = [i for i in range(args.feeds) if i % every == every // 2]
    server = ServerProcess(args.feeds, args.items)
    try:
        urls = [server.url(i) for i in range(args.feeds)]
        with tempfile.TemporaryDirectory() as tmp:
            first, second = asyncio.run(
                run_cycles(server, urls, changed, args.concurrency, Path(tmp) / "bench.db"))
        base_wall, base_cpu, base_entries = naive_loop(urls)
        requests = int(server.ask("requests"))
    finally:
        server.close()
    report(args, changed, first, second, base_wall, base_cpu, base_entries, requests)


def report(args: argparse.Namespace, changed: list[int], first: Cycle, second: Cycle,
           base_wall: float, base_cpu: float, base_entries: int, requests: int) -> None:
    n = args.feeds
    unchanged_parsed = second.parsed - second.outcomes["ok"]
    print(f"feeds                  {n} x {args.items} items, concurrency {args.concurrency}")
    print(f"changed feeds          {len(changed)}")
    print(f"warm-up cycle 1        {first.wall:7.2f} s wall {first.cpu:7.2f} s CPU  "
          f"{dict(first.outcomes)} parsed {first.parsed}, {first.new_entries} entries recorded")
    print(f"cycle 2 wall           {second.wall:7.3f} s  ({second.wall / n * 1e3:.2f} ms/feed)")
    print(f"cycle 2 CPU            {second.cpu:7.3f} s  ({second.cpu / n * 1e3:.2f} ms/feed)")
    print(f"cycle 2 304s           {second.outcomes['not_modified']}")
    print(f"cycle 2 parsed         {second.parsed} (ok {second.outcomes['ok']}, "
          f"failed {second.outcomes['failed']}, new entries {second.new_entries})")
    print(f"cycle 2 connections    {second.connections} new TCP connections "
          f"(cycle 1: {first.connections})")
    steps = ", ".join(f"{k} {second.calls[k]}x {v:.2f} s" for k, v in second.step_cpu.items())
    print(f"cycle 2 step CPU       {steps}; the rest is the event loop (httpx, tasks)")
    print(f"baseline wall          {base_wall:7.3f} s  ({base_wall / n * 1e3:.2f} ms/feed), "
          f"CPU {base_cpu:.3f} s, {base_entries} entries parsed")
    print(f"ratio (baseline/cycle) {base_wall / second.wall:7.1f}x wall, "
          f"{base_cpu / second.cpu:.1f}x CPU   (target >= 10x)")
    print(f"server requests        {requests}")
    ok = (base_wall / second.wall >= 10 and unchanged_parsed == 0
          and second.outcomes["not_modified"] == n - len(changed))
    print("RESULT                 " + ("PASS" if ok else "FAIL"))


if __name__ == "__main__":
    main()
