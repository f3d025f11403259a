"""Fairness benchmark: one chat's backlog never holds up another chat's alert.

The bot runs as a subprocess (Telegram mode, shipped delivery settings, SQLite) against the
fake Bot API enforcing Telegram's limits (30/s overall, 1/s per chat, 20/min per group). A
busy group has 300 alerts pending (it drains at 20 a minute); then one story reaches 50
other chats. Prints, for those 50, the delay from the story's publication on the feed
server to its arrival at the API (p50, p95, max; target: every one within 5 s, poll
interval 1 s included), the busy group's progress meanwhile, and the 429s received.

Run: python bench/bench_fairness.py [--busy 300] [--others 50]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from livebot import (
    BotProcess,
    FakeBotApi,
    FeedServer,
    FloodEnforcer,
    alert_counts,
    first_poll_done,
    story,
    subscribe,
    wait_until,
    write_config,
)

BUSY = -100_777  # a group: 20 messages a minute at most
ADMIN = 4242
FEED = "/wire.xml"
TARGET = 5.0


def arrivals(api: FakeBotApi, marker: str) -> dict[int, float]:
    """When each chat's first send with a `marker` link reached the API (monotonic)."""
    found: dict[int, float] = {}
    for call in api.calls_to("sendMessage"):
        if f"/{marker}/" in str(call.params.get("text", "")):
            found.setdefault(int(call.params["chat_id"]), call.time)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--busy", type=int, default=300, help="alerts pending for the busy group")
    parser.add_argument("--others", type=int, default=50, help="chats with one alert each")
    args = parser.parse_args()
    rng = random.Random(3)
    others = [9000 + n for n in range(args.others)]
    with tempfile.TemporaryDirectory() as tmp, FeedServer() as feeds, \
            FakeBotApi(enforcer=FloodEnforcer()) as api:
        backlog = [story(0, "old", rng)]
        feeds.set_feed(FEED, backlog)
        bot = BotProcess(Path(tmp), write_config(Path(tmp), feeds.url(FEED)), api.url)
        bot.start()
        api.set_admins(BUSY, [ADMIN])
        api.send_text(BUSY, "/start", user_id=ADMIN, chat_type="supergroup")
        api.send_text(BUSY, "/watch backlog", user_id=ADMIN, chat_type="supergroup")
        subscribe(api, others, "fairness")
        wait_until(first_poll_done(feeds, FEED), 30)

        backlog[:0] = [story(n, "backlog", rng) for n in range(args.busy)]
        feeds.set_items(FEED, list(backlog))
        if not wait_until(lambda: len(alert_counts(api, "backlog")) >= 3, 60):
            raise SystemExit("the busy group's backlog did not start within 60 s")
        time.sleep(3)  # the backlog is draining at the group's pace
        busy_before = len(alert_counts(api, "backlog"))
        published = time.monotonic()
        backlog.insert(0, story(1, "fairness", rng))
        feeds.set_items(FEED, list(backlog))
        wait_until(lambda: len(arrivals(api, "fairness")) >= len(others), 60)
        delays = sorted(t - published for t in arrivals(api, "fairness").values())
        busy_after = len(alert_counts(api, "backlog"))
        bot.term()
        stats = api.count_429

    late = sum(d > TARGET for d in delays) + len(others) - len(delays)
    print(f"busy group: {args.busy} alerts pending, {busy_before} sent before the story, "
          f"{busy_after} by the time the {len(others)} others had it")
    print(f"{len(delays)} of {len(others)} chats got the story; delay from publication: "
          f"p50 {statistics.median(delays):.2f} s, p95 {delays[int(0.95 * (len(delays) - 1))]:.2f} s, "
          f"max {delays[-1]:.2f} s (target: all within {TARGET:.0f} s; {late} late)")
    print(f"429s from the fake API's limit enforcer: {stats}")
    return 0 if late == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
