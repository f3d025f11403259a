"""Event-loop lag benchmark: how late a 10 ms timer fires on the bot's event loop while

1. the matcher is built over 10,000 watches, then changed by one /watch (incrementally);
2. a poll cycle over 1,000 loopback feeds runs (server in a subprocess, 5% changed);
3. a chat handler writes while another connection holds SQLite's write lock for 2 s, once
   through the store runner (as the bot does) and once calling the store on the loop (as
   version 1 did), for comparison.

Prints p50/p99/max lag per phase (target p99 <= 50 ms) and how long each took.
Run: python bench/bench_loop_lag.py [--watches 10000] [--feeds 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_poll import ServerProcess, build_config, serve

from bot.config import settings_from_env
from bot.ingest.fetch import Fetcher
from bot.ingest.outcome import FetchLimits
from bot.ingest.poller import Poller
from bot.runtime import settle_heap
from bot.services import Services
from bot.store import open_store

TIMER = 0.010
WORDS = ["treaty", "minsk", "moscow", "oil", "gas", "border", "pact", "union", "state", "kremlin",
         "sanctions", "summit", "visit", "grain", "potash", "nuclear", "drills", "election"]


async def measure(phase: Callable[[], Awaitable[object]]) -> tuple[list[float], float]:
    """Lag samples (seconds late) of a 10 ms timer while `phase` runs; and its duration."""
    lags: list[float] = []
    done = asyncio.Event()

    async def probe() -> None:
        loop = asyncio.get_running_loop()
        while not done.is_set():
            started = loop.time()
            await asyncio.sleep(TIMER)
            lags.append(loop.time() - started - TIMER)

    prober = asyncio.create_task(probe())
    await asyncio.sleep(0)  # the probe's first timer is running before the phase starts
    started = time.monotonic()
    await phase()
    took = time.monotonic() - started
    done.set()
    await prober
    return lags, took


def report(name: str, lags: list[float], took: float) -> None:
    ordered = sorted(lags) or [0.0]
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
    print(f"{name:<58} {took:6.2f} s  lag p50 {statistics.median(ordered) * 1e3:5.1f} ms  "
          f"p99 {p99 * 1e3:6.1f} ms  max {ordered[-1] * 1e3:7.1f} ms")


def random_watch(rng: random.Random) -> str:
    return " ".join(rng.sample(WORDS, 2)) if rng.random() < 0.7 else f"{rng.choice(WORDS)[:4]}*"


def hold_write_lock(path: Path, seconds: float, held: threading.Event) -> None:
    conn = sqlite3.connect(path, timeout=30, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    held.set()
    time.sleep(seconds)
    conn.execute("COMMIT")
    conn.close()


async def run(args: argparse.Namespace, server: ServerProcess, folder: Path) -> None:
    urls = [server.url(i) for i in range(args.feeds)]
    config = build_config(urls, 20)
    db_path = folder / "bot.db"
    services = Services(config, settings_from_env({}), open_store(f"sqlite:///{db_path}"))
    store, rng = services.store, random.Random(1)
    subs = [store.get_or_create_subscriber(1000 + n, None, "private", "en", None) for n in range(500)]
    for n in range(args.watches):  # "w<n>" keeps every query distinct
        store.add_watch(subs[n % len(subs)].id, f"{random_watch(rng)} w{n}")
    if not args.default_gc:
        settle_heap()  # as `python -m bot run` does after loading
    async with Fetcher(FetchLimits.from_config(config.fetch)) as fetcher:
        poller = Poller(services, fetcher)
        report(f"matcher built over {args.watches:,} watches", *await measure(poller.matcher))
        await services.db(store.add_watch, subs[0].id, "treaty minsk extra")
        report("matcher after one /watch (incremental)", *await measure(poller.matcher))
        await poller.tick(datetime.now(UTC))  # first cycle: backlogs
        server.ask("change " + " ".join(str(i) for i in range(0, args.feeds, 20)))
        later = datetime.now(UTC) + timedelta(minutes=2)  # every feed due again
        report(f"poll cycle, {args.feeds:,} feeds, 5% changed",
               *await measure(lambda: poller.tick(later)))
    for via, call in (("store runner", lambda f: services.db(f)), ("on the loop (v1)", None)):
        held = threading.Event()
        locker = threading.Thread(target=hold_write_lock, args=(db_path, 2.0, held))
        locker.start()
        held.wait()
        write = (lambda: store.set_meta("x", "y")) if call is None else None

        async def handler(call=call, write=write) -> None:  # type: ignore[no-untyped-def]
            if call is not None:
                await call(lambda: store.set_meta("x", "y"))
            else:
                write()

        report(f"handler write, SQLite locked 2 s, {via}", *await measure(handler))
        locker.join()
    services.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--watches", type=int, default=10_000)
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--default-gc", action="store_true",
                        help="skip the bot's heap settling (Python's default GC thresholds)")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.feeds, args.items)
        return 0
    server = ServerProcess(args.feeds, args.items, script=Path(__file__))
    try:
        with tempfile.TemporaryDirectory() as tmp:
            asyncio.run(run(args, server, Path(tmp)))
    finally:
        server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
