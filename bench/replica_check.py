"""Replica check (run by .ci/run): several `python -m bot run` replicas on one PostgreSQL
against the fake Bot API with Telegram's limits enforced and a loopback feed server.

1,000 alerts (10 stories to 100 chats: 80 private, 20 groups) go out once through one
replica, then through three, the updates leader among them killed with SIGKILL when half
were delivered. Prints lost (must be 0), duplicated (at most the sends in flight at the
kill: accepted by the fake API but not yet recorded as sent in the database), 429s from the
limit enforcer (must be 0), each run's throughput and the leader's takeover time; exits 1
if any of the three conditions fails.

Run: python bench/replica_check.py [--database-url URL]   (default: $BOT_TEST_DATABASE_URL)
Each run uses a fresh schema, dropped afterwards.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from livebot import (
    ROOT,
    FakeBotApi,
    FeedServer,
    FloodEnforcer,
    alert_counts,
    story,
    wait_until,
    write_config,
)
from sqlalchemy import make_url, text

from bot.store import create_engine_for, open_store
from bot.store.leader import current_leader
from bot.store.schema import entries, outbox, subscribers
from bot.telegram.leader import ROLE

PRIVATE = [9000 + n for n in range(80)]
GROUPS = [-1009000 - n for n in range(20)]
STORIES = 10
EXPECTED = STORIES * (len(PRIVATE) + len(GROUPS))
FEED = "/wire.xml"
DEADLINE = 300.0  # seconds for one run's alerts, kill included


@dataclass
class Run:
    replicas: int
    lost: int
    duplicated: int
    in_flight: int
    enforced_429: int
    seconds: float
    refused: str = ""  # the 429s by limit
    before_kill: float | None = None  # alerts/s until the kill
    takeover: float | None = None  # seconds until another replica led


@contextmanager
def fresh_schema(base: str) -> Iterator[str]:
    """A URL to an empty schema of `base`'s database, dropped afterwards."""
    admin = create_engine_for(base).execution_options(isolation_level="AUTOCOMMIT")
    schema = f"replica_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield make_url(base).update_query_dict(
            {"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def subscribe_all(url: str) -> None:
    store = open_store(url)
    try:
        for chat in PRIVATE:
            store.get_or_create_subscriber(chat, None, "private", "en", None)
        for chat in GROUPS:
            store.get_or_create_subscriber(chat, None, "group", "en", f"group {chat}")
    finally:
        store.close()


def start_replica(folder: Path, n: int, config: Path, url: str, api: FakeBotApi
                  ) -> subprocess.Popen[bytes]:
    env = {**os.environ, "BOT_DATABASE_URL": url, "TELEGRAM_BOT_TOKEN": api.token,
           "TELEGRAM_API_URL": api.url}
    log = (folder / f"replica-{n}.log").open("wb")
    return subprocess.Popen([sys.executable, "-m", "bot", "run", "--config", str(config)],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def leader_pid(url: str) -> int | None:
    engine = create_engine_for(url)
    try:
        leader = current_leader(engine, ROLE)
    finally:
        engine.dispose()
    return leader.pid if leader is not None and leader.alive else None


def unrecorded_sends(url: str, pid: int, delivered: Counter[tuple[int, str]]) -> int:
    """Rows the killed process had claimed and not recorded as sent, whose message the fake
    API nevertheless accepted: each may be sent again (the one duplicate window)."""
    engine = create_engine_for(url)
    try:
        with engine.connect() as conn:
            worker = conn.execute(text("SELECT id FROM workers WHERE pid = :pid"),
                                  {"pid": pid}).scalar()
            rows = conn.execute(
                outbox.select().with_only_columns(subscribers.c.chat_id, entries.c.link)
                .join_from(outbox, subscribers, subscribers.c.id == outbox.c.subscriber_id)
                .join(entries, entries.c.id == outbox.c.entry_id)
                .where(outbox.c.claimed_by == worker, outbox.c.state == "pending")).all()
    finally:
        engine.dispose()
    return sum((chat, link) in delivered for chat, link in rows)


def one_run(base: str, folder: Path, replicas: int, kill: bool, marker: str) -> Run:
    rng = random.Random(replicas)
    with fresh_schema(base) as url, FeedServer() as feeds, \
            FakeBotApi(enforcer=FloodEnforcer()) as api:
        subscribe_all(url)
        backlog = [story(0, f"{marker}-old", rng)]
        feeds.set_feed(FEED, backlog)
        config = write_config(folder, feeds.url(FEED))
        config.write_text(config.read_text().replace("query: treaty", "query: drill"))
        procs = [start_replica(folder, n, config, url, api) for n in range(replicas)]
        try:
            if not wait_until(lambda: feeds.count(FEED) >= 2 and leader_pid(url), 90, step=0.5):
                raise SystemExit(f"replicas did not start; see {folder}")
            time.sleep(4)  # every replica has joined and taken its share
            feeds.set_items(FEED, [story(n, marker, rng) for n in range(STORIES)] + backlog)
            started = time.monotonic()
            # Progress by the fake API's counter, checked slowly: scanning every message
            # often would hold the GIL against the server threads that time the arrivals.
            sent = lambda n: lambda: api.messages_sent >= n
            run = Run(replicas, 0, 0, 0, 0, 0.0)
            if kill:
                wait_until(sent(EXPECTED // 2), DEADLINE, step=0.25)
                run.before_kill = api.messages_sent / (time.monotonic() - started)
                run.in_flight, run.takeover = kill_leader(url, procs, api, marker)
            wait_until(sent(EXPECTED), DEADLINE, step=0.25)
            wait_until(lambda: len(alert_counts(api, marker)) >= EXPECTED, 60, step=1.0)
            run.seconds = time.monotonic() - started
            time.sleep(3)  # a duplicate still on its way arrives now
            counts = alert_counts(api, marker)
            run.lost = EXPECTED - len(counts)
            run.duplicated = sum(n - 1 for n in counts.values())
            run.enforced_429 = api.count_enforced_429
            assert api.enforcer is not None
            run.refused = ", ".join(f"{k} {v}" for k, v in api.enforcer.refused.items())
            return run
        finally:
            for proc in procs:
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
            for proc in procs:
                try:
                    proc.wait(30)
                except subprocess.TimeoutExpired:
                    proc.kill()


def kill_leader(url: str, procs: list[subprocess.Popen[bytes]], api: FakeBotApi,
                marker: str) -> tuple[int, float | None]:
    """SIGKILL the updates leader; (sends in flight at the kill, seconds until another
    replica led)."""
    pid = leader_pid(url)
    victim = next(p for p in procs if p.pid == pid)
    victim.kill()
    victim.wait()
    killed = time.monotonic()
    time.sleep(0.5)  # requests the fake API was still answering are recorded by now
    in_flight = unrecorded_sends(url, victim.pid, alert_counts(api, marker))
    took = None
    if wait_until(lambda: (leader_pid(url) or victim.pid) != victim.pid, 60, step=0.2):
        took = time.monotonic() - killed
    print(f"  killed the leader (pid {victim.pid}) with SIGKILL after half the alerts; "
          f"{in_flight} sends in flight; another replica led after "
          f"{'-' if took is None else f'{took:.1f} s'}")
    return in_flight, took


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BOT_TEST_DATABASE_URL"))
    args = parser.parse_args()
    if not args.database_url:
        print("replica_check: no PostgreSQL (--database-url or BOT_TEST_DATABASE_URL)")
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        one_dir, three_dir = Path(tmp, "one"), Path(tmp, "three")
        one_dir.mkdir()
        three_dir.mkdir()
        print(f"{EXPECTED} alerts to {len(PRIVATE)} private chats and {len(GROUPS)} groups, "
              "fake Bot API enforcing Telegram's limits")
        one = one_run(args.database_url, one_dir, 1, False, "solo")
        print(f"1 replica: {one.seconds:.1f} s, {EXPECTED / one.seconds:.1f} alerts/s; "
              f"lost {one.lost}, duplicated {one.duplicated}, 429s {one.enforced_429} ({one.refused})")
        three = one_run(args.database_url, three_dir, 3, True, "trio")
        rate = EXPECTED / three.seconds
        print(f"3 replicas, one killed: {three.seconds:.1f} s, {rate:.1f} alerts/s "
              f"({rate / (EXPECTED / one.seconds):.2f}x one replica; "
              f"{three.before_kill or 0:.1f} alerts/s before the kill); lost {three.lost}, "
              f"duplicated {three.duplicated} (in flight at the kill: {three.in_flight}), "
              f"429s {three.enforced_429} ({three.refused})")
        failed = [name for name, bad in (
            ("lost > 0", one.lost or three.lost),
            ("duplicates beyond the sends in flight", one.duplicated
             or three.duplicated > three.in_flight),
            ("429s > 0", one.enforced_429 or three.enforced_429)) if bad]
        if failed:
            print("replica check FAILED: " + ", ".join(failed))
            for log in sorted(Path(tmp).glob("*/replica-*.log")):
                errors = [line for line in log.read_text(errors="replace").splitlines()
                          if " ERROR " in line or "Traceback" in line]
                print(f"  {log.parent.name}/{log.name}: {len(errors)} error lines")
                for line in errors[:5]:
                    print("    " + line[:200])
            return 1
        print("replica check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
