"""Replica benchmark: feed-polling throughput of 1, 2 and 3 `python -m bot run` replicas
(console mode) on one PostgreSQL, over 3,000 loopback feeds that are always due.

The feed server runs in its own process (bench_poll's). Every feed has a 1 s interval, so
there is always more due than the replicas can poll: the figure is their capacity. After
every feed's first poll (3,000 x 5 items recorded), polls are counted at the feed server
over `--window` seconds (nearly all answered 304, as in steady operation). Prints polls/s
per replica count and the ratio to one replica, with the CPU the replicas, their database
sessions, the feed server and the whole machine used meanwhile: that says what limits the
scaling. Measured on the 2-core development machine shared with other work (1 replica
300.6 polls/s, 2 replicas 518.5 (1.72x), 3 replicas 442.3 (1.47x), the machine 100% busy
throughout, the database sessions under 0.1 core): the machine's 2 cores are the limit,
not PostgreSQL; a third replica only adds contention for them.

Run: python bench/bench_replicas.py [--database-url URL] [--feeds 3000] [--window 30]
"""

from __future__ import annotations

import argparse
import os
import signal
import socketserver
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_poll import ServerProcess, serve
from bench_scale import cpu_seconds
from sqlalchemy import Engine, make_url, text

from bot.store import create_engine_for

ROOT = Path(__file__).resolve().parent.parent
APP = "bench-replicas"  # application_name of the replicas' sessions, to find their backends


@dataclass
class Result:
    replicas: int
    polls_per_second: float
    replica_cpu: float  # cores used by the replicas
    database_cpu: float  # cores used by their PostgreSQL sessions
    server_cpu: float  # cores used by the feed server process
    machine_busy: float  # share of all cores busy (everything on the machine)


@contextmanager
def fresh_schema(base: str) -> Iterator[tuple[str, Engine]]:
    admin = create_engine_for(base).execution_options(isolation_level="AUTOCOMMIT")
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}",
                                            "application_name": APP})
    try:
        yield url.render_as_string(hide_password=False), admin
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def write_config(folder: Path, server: ServerProcess, feeds: int) -> Path:
    lines = ["interval: 1s", "fetch: {max_concurrency: 20, per_host: 20}", "feeds:"]
    lines += [f"  - {{url: '{server.url(i)}', name: f{i}}}" for i in range(feeds)]
    lines += ["topics:", "  - {id: t, title: Treaty, query: 'security guarantees treaty'}"]
    path = folder / "feeds.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def busy_jiffies() -> tuple[int, int]:
    """(busy, total) CPU time of the whole machine so far, from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def backend_cpu(admin: Engine) -> float:
    """CPU seconds so far of the replicas' PostgreSQL backends (same machine)."""
    with admin.connect() as conn:
        pids = list(conn.execute(text("SELECT pid FROM pg_stat_activity "
                                      "WHERE application_name = :app"), {"app": APP}).scalars())
    total = 0.0
    for pid in pids:
        try:
            total += cpu_seconds(pid)
        except (FileNotFoundError, ProcessLookupError):
            pass
    return total


def primed(admin: Engine, url: str, feeds: int) -> bool:
    engine = create_engine_for(url)
    try:
        with engine.connect() as conn:
            done = conn.execute(text("SELECT count(*) FROM feeds WHERE last_ok_at IS NOT NULL"))
            return int(done.scalar() or 0) >= feeds
    except Exception:  # noqa: BLE001 - the schema is not migrated yet
        return False
    finally:
        engine.dispose()


def measure(base: str, server: ServerProcess, folder: Path, feeds: int, replicas: int,
            window: float) -> Result:
    config = write_config(folder, server, feeds)
    with fresh_schema(base) as (url, admin):
        env = {**os.environ, "BOT_DATABASE_URL": url}
        env.pop("TELEGRAM_BOT_TOKEN", None)
        procs = [subprocess.Popen([sys.executable, "-m", "bot", "run", "--config", str(config)],
                                  cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                  stderr=(folder / f"replica-{replicas}-{n}.log").open("w"))
                 for n in range(replicas)]
        try:
            deadline = time.monotonic() + 600
            while not primed(admin, url, feeds):
                if time.monotonic() > deadline:
                    raise SystemExit(f"the first cycle did not finish; see {folder}")
                time.sleep(1)
            time.sleep(5)  # past the first cycle's tail
            requests, cpu, db, served, (busy, total) = (
                int(server.ask("requests")), sum(cpu_seconds(p.pid) for p in procs),
                backend_cpu(admin), cpu_seconds(server.proc.pid), busy_jiffies())
            started = time.monotonic()
            time.sleep(window)
            took = time.monotonic() - started
            polls = int(server.ask("requests")) - requests
            cpu = sum(cpu_seconds(p.pid) for p in procs) - cpu
            db = backend_cpu(admin) - db
            served = cpu_seconds(server.proc.pid) - served
            busy2, total2 = busy_jiffies()
        finally:
            for proc in procs:
                proc.send_signal(signal.SIGTERM)
            for proc in procs:
                try:
                    proc.wait(60)
                except subprocess.TimeoutExpired:
                    proc.kill()
    return Result(replicas, polls / took, cpu / took, db / took, served / took,
                  (busy2 - busy) / max(1, total2 - total))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BOT_TEST_DATABASE_URL"))
    parser.add_argument("--feeds", type=int, default=3000)
    parser.add_argument("--items", type=int, default=5)
    parser.add_argument("--window", type=float, default=30.0)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        # A replica stopped between runs resets its keep-alive connections: not news.
        socketserver.BaseServer.handle_error = lambda *_: None  # type: ignore[method-assign]
        serve(args.feeds, args.items)
        return 0
    if not args.database_url:
        print("bench_replicas: no PostgreSQL (--database-url or BOT_TEST_DATABASE_URL)")
        return 2
    cores = os.cpu_count() or 1
    server = ServerProcess(args.feeds, args.items, script=Path(__file__))
    results: list[Result] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for replicas in (1, 2, 3):
                results.append(measure(args.database_url, server, Path(tmp), args.feeds,
                                       replicas, args.window))
    finally:
        server.close()
    print(f"{args.feeds} loopback feeds, always due, {args.window:.0f} s windows, "
          f"{cores} cores shared by the feed server, the replicas and PostgreSQL")
    one = results[0].polls_per_second
    for r in results:
        print(f"{r.replicas} replica(s): {r.polls_per_second:6.1f} polls/s "
              f"({r.polls_per_second / one:.2f}x one replica); replicas used "
              f"{r.replica_cpu:.2f} cores, their database sessions {r.database_cpu:.2f}, "
              f"the feed server {r.server_cpu:.2f}; the machine was {r.machine_busy:.0%} busy")
    return 0


if __name__ == "__main__":
    sys.exit(main())
