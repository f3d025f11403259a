"""Fan-out benchmark: one alert to N subscribers through the Sender, against the fake Bot API
server (in its own process) with Telegram's flood limits enforced.

Prints achieved messages/s against the 30/s limit, 429s received, and peak traced memory
for each N, to show throughput near the limit with zero 429s and memory flat in N.
Run: python bench/bench_fanout.py [--sizes 250 1000] [--workers 16]
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import time
import tracemalloc
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from fakebotapi import DEFAULT_TOKEN

from bot.delivery.ratelimit import Limits
from bot.delivery.sender import OutcomeKind, Sender

LIMIT = 30.0
ALERT = ("<b>Union State</b>: a new programme of integration is signed in Minsk\n"
         '<a href="https://example.org/news/1">example.org</a>')


@dataclass(frozen=True)
class Result:
    subscribers: int
    seconds: float
    outcomes: Counter[OutcomeKind]
    count_429: int
    peak_bytes: int

    @property
    def rate(self) -> float:
        return self.outcomes[OutcomeKind.OK] / self.seconds


def subscribers(n: int, first_id: int) -> Iterator[int]:
    """N distinct chat ids, streamed like rows from a cursor; every 25th is a group."""
    for i in range(n):
        yield -(first_id + i) if i % 25 == 7 else first_id + i


async def fan_out(base_url: str, chats: Iterator[int], workers: int,
                  limits: Limits) -> Counter[OutcomeKind]:
    outcomes: Counter[OutcomeKind] = Counter()
    sender = Sender.build(DEFAULT_TOKEN, base_url=base_url, connections=workers, limits=limits)
    async with sender:

        async def worker() -> None:
            for chat_id in chats:  # a shared iterator: each id is taken by one worker
                outcome = await sender.send(chat_id, ALERT)
                while outcome.kind is OutcomeKind.RETRY and outcome.retry_after is not None:
                    await asyncio.sleep(outcome.retry_after)
                    outcome = await sender.send(chat_id, ALERT)
                outcomes[outcome.kind] += 1

        await asyncio.gather(*(worker() for _ in range(workers)))
    return outcomes


def run(server_url: str, n: int, first_id: int, workers: int, limits: Limits) -> Result:
    before = httpx.get(f"{server_url}/_fake/stats").json()["count_429"]
    tracemalloc.start()
    started = time.monotonic()
    outcomes = asyncio.run(fan_out(f"{server_url}/bot", subscribers(n, first_id), workers,
                                   limits))
    seconds = time.monotonic() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    after = httpx.get(f"{server_url}/_fake/stats").json()["count_429"]
    return Result(n, seconds, outcomes, after - before, peak)


def start_server() -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "fakebotapi.py"), "--enforce-limits",
         "--no-record"], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert proc.stdout is not None
    return proc, proc.stdout.readline().strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[250, 1000])
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--pace", type=float, default=LIMIT,
                        help="our global messages/s (above 30 shows the enforcer biting)")
    args = parser.parse_args()
    limits = Limits(global_per_second=args.pace)
    proc, url = start_server()
    try:
        run(url, 30, 500_000, args.workers, limits)  # warm-up: first-use allocations are not per-N
        time.sleep(1.0)  # let the server's 1 s window empty before measuring
        results = [run(url, n, 1_000_000 * (k + 1), args.workers, limits)
                   for k, n in enumerate(args.sizes)]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    print(f"{'subscribers':>11} {'seconds':>8} {'msg/s':>7} {'vs 30/s':>8} {'429s':>5} "
          f"{'ok':>5} {'other':>6} {'peak KiB':>9}")
    for r in results:
        other = sum(v for k, v in r.outcomes.items() if k is not OutcomeKind.OK)
        print(f"{r.subscribers:>11} {r.seconds:>8.2f} {r.rate:>7.2f} {r.rate / LIMIT:>8.1%} "
              f"{r.count_429:>5} {r.outcomes[OutcomeKind.OK]:>5} {other:>6} "
              f"{r.peak_bytes / 1024:>9.0f}")
    if len(results) > 1:
        small, large = results[0], results[-1]
        print(f"peak memory {large.subscribers}/{small.subscribers} subscribers: "
              f"{large.peak_bytes / small.peak_bytes:.2f}x")
    ok = all(r.rate >= 0.9 * LIMIT and r.count_429 == 0 for r in results)
    print("targets (>= 27 msg/s, zero 429s):", "met" if ok else "NOT met")


if __name__ == "__main__":
    main()
