"""Chaos benchmark: nothing lost, nothing twice, through kill -9 and a bad Telegram.

The bot runs as a subprocess (Telegram mode, shipped delivery and fetch settings, SQLite)
against the fake Bot API, which answers 5% of sends with 429 (retry_after 1) and 5% with
502 and answers delivered sends after a latency. 20 chats watch one word; 30 new stories
make 600 alerts.

1. kill -9 every 2-4 s (random, 20 times) while the 600 alerts go out, restarting at once
   each time, then let it finish: prints lost (must be 0), duplicated, and the sends in flight at each kill (a send the fake
   API delivered but whose answer the killed process never read is the one window where a
   resend duplicates: Telegram offers no idempotency key).
2. a clean SIGTERM during a second flood of 600, then a restart: nothing may repeat.

Run: python bench/bench_chaos.py [--seed 1] [--latency 0.05] [--kills 20]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from livebot import (
    BotProcess,
    Chaos,
    FakeBotApi,
    FeedServer,
    alert_counts,
    first_poll_done,
    story,
    subscribe,
    wait_until,
    write_config,
)

CHATS = [7000 + n for n in range(20)]
STORIES = 30
FEED = "/wire.xml"


def flood(feeds: FeedServer, marker: str, rng: random.Random, backlog: list[dict[str, object]]) -> None:
    """STORIES new stories at once, all matching the chats' watch (`marker` in the title)."""
    backlog[:0] = [story(n, marker, rng) for n in range(STORIES)]
    feeds.set_items(FEED, list(backlog))


def kill_loop(bot: BotProcess, api: FakeBotApi, rng: random.Random, kills: int,
              expected: int) -> list[int]:
    """kill -9 at random 2-4 s intervals (restarting at once) until every alert was sent or
    `kills` kills were made; returns the sends in flight at each kill."""
    inflight: list[int] = []
    while len(inflight) < kills:
        if wait_until(lambda: len(alert_counts(api, "drill")) >= expected, rng.uniform(2, 4)):
            break
        inflight.append(api.inflight)
        bot.kill()
        bot.start()
    return inflight


def report(title: str, counts: dict[tuple[int, str], int], expected: int) -> tuple[int, int]:
    delivered = len(counts)
    duplicated = sum(n - 1 for n in counts.values())
    print(f"{title}: expected {expected}, delivered {delivered}, "
          f"lost {expected - delivered}, duplicated {duplicated}")
    return expected - delivered, duplicated


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per delivered send")
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--p429", type=float, default=0.05)
    parser.add_argument("--p502", type=float, default=0.05)
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    expected = len(CHATS) * STORIES
    with tempfile.TemporaryDirectory() as tmp, FeedServer() as feeds, FakeBotApi() as api:
        backlog = [story(0, "old", rng)]
        feeds.set_feed(FEED, backlog)
        bot = BotProcess(Path(tmp), write_config(Path(tmp), feeds.url(FEED)), api.url)
        bot.start()
        subscribe(api, CHATS, "drill")
        wait_until(first_poll_done(feeds, FEED), 30)

        api.chaos = Chaos(p429=args.p429, p502=args.p502, latency=args.latency, seed=args.seed)
        started = time.monotonic()
        flood(feeds, "drill", rng, backlog)
        inflight = kill_loop(bot, api, rng, args.kills, expected)
        during = len(alert_counts(api, "drill"))
        # Then it runs undisturbed: what never arrives now was lost.
        wait_until(lambda: len(alert_counts(api, "drill")) >= expected, args.timeout)
        took = time.monotonic() - started
        wait_until(lambda: False, 3)  # anything still to come (a duplicate) arrives now
        print(f"kill -9 x{len(inflight)} at 2-4 s intervals; {during} of {expected} alerts "
              f"delivered meanwhile, all {expected} sent {took:.0f} s after the flood began")
        lost, dup = report("  kill -9", alert_counts(api, "drill"), expected)
        print(f"  sends in flight at each kill: {inflight} (total {sum(inflight)}); duplicates "
              f"per kill {dup / max(1, len(inflight)):.2f} (in flight, or answered and not yet "
              "recorded as sent)")
        print(f"  faults injected: 429 x{api.chaos.rolled[429]}, 502 x{api.chaos.rolled[502]}")

        flood(feeds, "calm", rng, backlog)
        wait_until(lambda: len(alert_counts(api, "calm")) >= expected // 3, 60)
        mid = len(alert_counts(api, "calm"))
        code = bot.term()
        bot.start()
        wait_until(lambda: len(alert_counts(api, "calm")) >= expected, args.timeout)
        wait_until(lambda: False, 3)
        print(f"SIGTERM after {mid} of {expected} (exit {code}), then restarted:")
        lost2, dup2 = report("  clean stop", alert_counts(api, "calm"), expected)
        bot.term()
        errors = [line for line in bot.log_text().splitlines() if " ERROR " in line]
        print(f"ERROR lines in the bot's log: {len(errors)}")
        for line in errors[:5]:
            print("  " + line[:200])
    return 0 if lost == lost2 == dup2 == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
