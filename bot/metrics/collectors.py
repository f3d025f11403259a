"""The bot's Prometheus collectors in a registry of its own (tests stay isolated), with
bounded labels: outcomes and reasons from fixed sets, never URLs or chat ids.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

POLL_OUTCOMES = ("ok", "not_modified", "failed")
# Why a poll failed: the fetch outcomes (bot.ingest.outcome.Outcome) and "not_a_feed" for
# a body that did not parse; anything else would be counted as "other".
FAIL_REASONS = ("rate_limited", "unavailable", "http_error", "too_large", "timeout",
                "network_error", "too_many_redirects", "not_a_feed", "other")
QUEUES = ("outbox", "notice")
VERDICTS = ("sent", "retry", "failed")
RETRY_REASONS = ("retry_after", "network", "paced")
SEND_METHODS = ("send", "document", "edit", "reply")  # reply: a chat handler's message
LIVENESS_JOBS = ("poll dispatch", "outbox delivery")
# Publication to alert spans a poll interval or more: seconds to a day.
LATENCY_BUCKETS = (5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 21600, 86400)
SEND_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
GAUGE_EVERY = 5.0  # seconds between refreshes of the gauges that need a query


class Metrics:
    """Every collector, the last tick of each job for /healthz, and whether a server is
    serving them (only then are the gauges that cost a query refreshed)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.started = clock()
        self.serving = False
        self.registry = CollectorRegistry()
        self._ticks: dict[str, float | None] = dict.fromkeys(LIVENESS_JOBS)
        self._refreshed: dict[str, float] = {}
        self._lock = threading.Lock()  # ticks are written on the loop, read by the server
        self._build(self.registry)

    def _build(self, r: CollectorRegistry) -> None:
        self.polls = Counter("summit_polls", "Feed polls by outcome (ok, not_modified, failed) "
                             "and, for failures, reason", ["outcome", "reason"], registry=r)
        for outcome in POLL_OUTCOMES[:2]:
            self.polls.labels(outcome, "none")
        for reason in FAIL_REASONS:
            self.polls.labels("failed", reason)
        self.parse_errors = Counter("summit_feed_parse_errors", "Fetched bodies that were not "
                                    "a usable feed", registry=r)
        self.entries = Counter("summit_entries_recorded", "Entries recorded for the first "
                               "time", registry=r)
        self.alerts_queued = Counter("summit_alerts_queued", "Outbox rows written or edited "
                                     "by polls", registry=r)
        self.deliveries = Counter("summit_deliveries", "Delivery attempts by queue (outbox: "
                                  "alerts, notice) and verdict", ["queue", "verdict"],
                                  registry=r)
        for queue in QUEUES:
            for verdict in VERDICTS:
                self.deliveries.labels(queue, verdict)
        self.telegram_429 = Counter("summit_telegram_429", "429 Too Many Requests answers "
                                    "from the Bot API", registry=r)
        self.telegram_retries = Counter("summit_telegram_retries", "Sends put back to retry, "
                                        "by reason", ["reason"], registry=r)
        for reason in RETRY_REASONS:
            self.telegram_retries.labels(reason)
        self.queue_depth = Gauge("summit_queue_depth", "Items pending delivery (due or "
                                 "waiting: retries, muted chats)", ["queue"], registry=r)
        for queue in QUEUES:
            self.queue_depth.labels(queue)
        self.feed_lag = Gauge("summit_feed_lag_seconds", "How overdue the most overdue due "
                              "feed not being polled is", registry=r)
        self.alert_latency = Histogram("summit_publication_to_alert_seconds", "From an "
                                       "entry's publication to its alert sent",
                                       buckets=LATENCY_BUCKETS, registry=r)
        self.send_latency = Histogram("summit_telegram_send_seconds", "Bot API call time of "
                                      "one send or edit", ["method"], buckets=SEND_BUCKETS,
                                      registry=r)
        for method in SEND_METHODS:
            self.send_latency.labels(method)
        tick_age = Gauge("summit_job_tick_age_seconds", "Seconds since the job last made "
                         "progress (what /healthz judges)", ["job"], registry=r)
        for job in LIVENESS_JOBS:
            tick_age.labels(job).set_function(functools.partial(self._tick_age, job))

    # ------------------------------------------------------------------ reporting

    def poll(self, outcome: str, reason: str | None = None) -> None:
        if outcome == "failed":
            self.polls.labels("failed", reason if reason in FAIL_REASONS else "other").inc()
        elif outcome in POLL_OUTCOMES:
            self.polls.labels(outcome, "none").inc()

    def recorded(self, entries: int, alerts: int) -> None:
        self.entries.inc(entries)
        self.alerts_queued.inc(alerts)

    def delivered(self, queue: str, verdict: str) -> None:
        if queue in QUEUES and verdict in VERDICTS:
            self.deliveries.labels(queue, verdict).inc()

    def alert_sent(self, published: datetime | None, now: datetime) -> None:
        """A first delivery of an entry's alert; undated entries have no latency."""
        if published is not None:
            self.alert_latency.observe(max((now - published) / timedelta(seconds=1), 0.0))

    def retry(self, reason: str) -> None:
        if reason == "retry_after":
            self.telegram_429.inc()
        if reason in RETRY_REASONS:
            self.telegram_retries.labels(reason).inc()

    def sent(self, method: str, seconds: float) -> None:
        if method in SEND_METHODS:
            self.send_latency.labels(method).observe(seconds)

    def set_queue_depths(self, depths: Mapping[str, int]) -> None:
        for queue in QUEUES:
            self.queue_depth.labels(queue).set(depths.get(queue, 0))

    def set_feed_lag(self, lag: timedelta) -> None:
        self.feed_lag.set(max(lag / timedelta(seconds=1), 0.0))

    # ------------------------------------------------------------------ liveness

    def tick(self, job: str) -> None:
        """The job made progress now."""
        with self._lock:
            self._ticks[job] = self.clock()

    def ticks(self) -> dict[str, float | None]:
        with self._lock:
            return dict(self._ticks)

    def _tick_age(self, job: str) -> float:
        with self._lock:
            last = self._ticks.get(job)
        return self.clock() - (self.started if last is None else last)

    def refresh_due(self, gauge: str) -> bool:
        """True (and the refresh counted as done) when a server is serving and `gauge`
        was last refreshed more than GAUGE_EVERY ago: a query per gauge every few seconds,
        none at all without BOT_METRICS_ADDR."""
        if not self.serving:
            return False
        now = self.clock()
        if now - self._refreshed.get(gauge, float("-inf")) < GAUGE_EVERY:
            return False
        self._refreshed[gauge] = now
        return True
