"""Metrics and liveness: /healthz judged with a fixed clock (200, then 503 when the jobs
stall), and the bot in console mode with the shipped `fetch:` settings, scraped over HTTP
and parsed by prometheus_client's own parser while feeds answer 200, 304, 429, 500 and junk.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from feedserver import FeedServer
from scrape import Samples, free_port, scrape, value

from bot.ingest.outcome import Outcome
from bot.metrics import FAIL_REASONS, LIVENESS_JOBS, Metrics, MetricsServer, liveness

ROOT = Path(__file__).resolve().parent.parent


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _get(url: str) -> tuple[int, dict[str, Any]]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return int(answer.status), json.loads(answer.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


@pytest.fixture
def served() -> Iterator[tuple[Metrics, Clock, str]]:
    clock = Clock()
    metrics = Metrics(clock)
    server = MetricsServer(metrics, "127.0.0.1", 0)
    try:
        yield metrics, clock, f"http://127.0.0.1:{server.port}"
    finally:
        server.close()


def test_liveness_is_200_while_jobs_tick_and_503_when_they_stall(
        served: tuple[Metrics, Clock, str]) -> None:
    metrics, clock, base = served
    clock.now += 60  # starting: nothing has ticked yet, within the limit
    assert _get(f"{base}/healthz")[0] == 200
    for job in LIVENESS_JOBS:
        metrics.tick(job)
    clock.now += 100
    status, body = _get(f"{base}/healthz")
    assert (status, body["status"]) == (200, "ok")
    assert body["age_seconds"] == {"outbox delivery": 100.0, "poll dispatch": 100.0}
    metrics.tick("outbox delivery")
    clock.now += 30  # dispatch last ran 130 s ago; delivery 30 s ago
    status, body = _get(f"{base}/healthz")
    assert (status, body["status"]) == (503, "stalled")
    assert body["problems"] == ["poll dispatch last ran 130s ago (limit 120s)"]
    assert value(scrape(base), "summit_job_tick_age_seconds", job="poll dispatch") == 130
    metrics.tick("poll dispatch")
    assert _get(f"{base}/healthz")[0] == 200


def test_liveness_counts_a_job_that_never_ran_from_the_start() -> None:
    alive, body = liveness({"poll dispatch": None}, started=0.0, now=121.0)
    assert not alive
    assert body["problems"] == [("poll dispatch has not run in the 121s since the start "
                                "(limit 120s)")]


def test_other_paths_are_404(served: tuple[Metrics, Clock, str]) -> None:
    assert _get(f"{served[2]}/metrics/../secret")[0] == 404


def test_every_fetch_outcome_is_a_reason_of_its_own() -> None:
    failures = {o.value for o in Outcome} - {"ok", "not_modified"}
    assert failures <= set(FAIL_REASONS)
    metrics = Metrics()
    metrics.poll("failed", "https://feed.example/rss")  # never a URL as a label
    metrics.poll("failed", "timeout")
    samples = {(s.labels.get("reason"), s.value) for m in metrics.registry.collect()
               for s in m.samples if s.name == "summit_polls_total" and s.value}
    assert samples == {("other", 1.0), ("timeout", 1.0)}


def test_metrics_are_off_the_registry_of_every_other_bot() -> None:
    one, two = Metrics(), Metrics()
    one.recorded(3, 1)
    assert two.registry.get_sample_value("summit_entries_recorded_total") == 0
    assert one.registry.get_sample_value("summit_entries_recorded_total") == 3


def shipped_fetch() -> str:
    """The `fetch:` section of the shipped feeds.yaml, as YAML."""
    shipped = yaml.safe_load((ROOT / "feeds.yaml").read_text(encoding="utf-8"))
    return yaml.safe_dump({"fetch": shipped["fetch"]})


def test_console_bot_counts_polls_entries_and_alerts(feed_server: FeedServer,
                                                     tmp_path: Path) -> None:
    feed_server.set_feed("/wire.xml", [{"title": "Belarus security guarantees backlog",
                                        "link": "https://n.test/0"}])
    feed_server.set_status("/broken.xml", 500)
    feed_server.set_status("/busy.xml", 429, retry_after="3600")
    feed_server.set_raw("/page.xml", "<html><body>not a feed</body></html>", "text/html")
    config = tmp_path / "feeds.yaml"
    feeds = "".join(f"  - {{url: '{feed_server.url(p)}', name: {n}}}\n" for p, n in
                    [("/wire.xml", "Wire"), ("/broken.xml", "Broken"), ("/busy.xml", "Busy"),
                     ("/page.xml", "Page")])
    config.write_text(shipped_fetch() + "interval: 2s\nfeeds:\n" + feeds +
                      "topics:\n  - id: treaty\n    title: Treaty\n"
                      "    query: '\"security guarantee\" belarus*'\n", encoding="utf-8")
    port = free_port()
    env = {**os.environ, "BOT_DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
           "BOT_METRICS_ADDR": f"127.0.0.1:{port}", "PYTHONUNBUFFERED": "1"}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    bot = subprocess.Popen([sys.executable, "-m", "bot", "run", "--config", str(config),
                            "--json"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        samples = _until(base, lambda s: value(s, "summit_polls_total",
                                               outcome="not_modified") >= 2)
        published = datetime.now(UTC) - timedelta(minutes=2)
        feed_server.add_item("/wire.xml", {"title": "Belarus security guarantees treaty signed",
                                           "link": "https://n.test/1", "published": published})
        samples = _until(base, lambda s: value(s, "summit_deliveries_total", queue="outbox",
                                               verdict="sent") >= 1)
        samples = _until(base, lambda s: s.get(("summit_queue_depth", (("queue", "outbox"),)))
                         == 0)
        health = _health(base)
        with urllib.request.urlopen(f"{base}/metrics", timeout=10) as answer:
            raw = answer.read().decode()
    finally:
        bot.send_signal(signal.SIGTERM)
        out, err = bot.communicate(timeout=20)
    assert bot.returncode == 0, err
    assert '"type": "item"' in out and "metrics at http://127.0.0.1:" in err
    _check_counts(samples)
    assert health == (200, "ok")
    assert "n.test" not in raw and "127.0.0.1" not in raw, "no URL ever becomes a label"


def _check_counts(samples: Samples) -> None:
    polls = value(samples, "summit_polls_total")
    assert value(samples, "summit_polls_total", outcome="ok") >= 2  # backlog, then the news
    share = value(samples, "summit_polls_total", outcome="not_modified") / polls
    assert 0 < share < 1  # the 304 share the docs' PromQL computes
    for reason in ("http_error", "rate_limited", "not_a_feed"):
        assert value(samples, "summit_polls_total", outcome="failed", reason=reason) >= 1, reason
    # Busy asked for an hour's pause: polled once, its Retry-After honoured since.
    assert value(samples, "summit_polls_total", outcome="failed", reason="rate_limited") == 1
    assert value(samples, "summit_feed_parse_errors_total") >= 1
    assert value(samples, "summit_entries_recorded_total") == 2
    assert value(samples, "summit_alerts_queued_total") >= 1
    assert value(samples, "summit_publication_to_alert_seconds_count") == 1
    assert 120 <= value(samples, "summit_publication_to_alert_seconds_sum") < 200
    assert ("summit_feed_lag_seconds", ()) in samples
    assert value(samples, "summit_job_tick_age_seconds", job="poll dispatch") < 30


def _until(base: str, ready: Any, timeout: float = 30) -> Samples:
    deadline = time.monotonic() + timeout
    samples: Samples = {}
    while True:
        try:
            samples = scrape(base)
        except urllib.error.URLError:
            pass  # the bot is still starting
        if samples and ready(samples):
            return samples
        assert time.monotonic() < deadline, {k: v for k, v in samples.items() if v}
        time.sleep(0.3)


def _health(base: str) -> tuple[int, str]:
    status, body = _get(f"{base}/healthz")
    return status, str(body["status"])


def test_grafana_dashboard_has_a_panel_for_every_metric() -> None:
    dashboard = json.loads((ROOT / "docs" / "grafana-dashboard.json").read_text("utf-8"))
    variables = {v["name"]: v for v in dashboard["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource"
    assert variables["datasource"]["query"] == "prometheus"
    exprs = [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
    assert all(p["datasource"]["uid"] == "${datasource}" for p in dashboard["panels"])
    names = {s.name for m in Metrics().registry.collect() for s in m.samples
             if not s.name.endswith("_created")}
    used = {n for e in exprs for n in re.findall(r"summit_[a-z0-9_]+", e)}
    assert used <= names, used - names  # no panel asks for a metric that does not exist
    families = {m.name for m in Metrics().registry.collect()}
    assert {f for f in families if not any(n.startswith(f) for n in used)} == set()
    for histogram in ("summit_publication_to_alert_seconds", "summit_telegram_send_seconds"):
        assert any("histogram_quantile" in e and f"{histogram}_bucket" in e for e in exprs)
    assert any("rate(summit_polls_total" in e and "not_modified" in e and "/" in e
               for e in exprs), "the 304 share"
