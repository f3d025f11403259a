"""Prometheus metrics and the liveness endpoint, in one registry per running bot.

Offers `Metrics` (the collectors the poller, recorder, drainer and sender report to, and the
job ticks liveness reads), `liveness` (the pure judgement) and `MetricsServer` (serves
`/metrics` and `/healthz` on a thread of its own, never on the event loop).
"""

from bot.metrics.collectors import FAIL_REASONS, LIVENESS_JOBS, Metrics
from bot.metrics.liveness import STALE_AFTER, liveness
from bot.metrics.server import MetricsServer

__all__ = ["FAIL_REASONS", "LIVENESS_JOBS", "STALE_AFTER", "Metrics", "MetricsServer", "liveness"]
