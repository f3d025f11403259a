"""Feed health: which configured feeds are down (failing longer than `health:
feed_down_after`), since when and why in plain words (`feeds`, pure), and the job that tells
the operators once per outage and once when it ends (`job`).

Offers `down_feeds`, `FeedDown`, `problem_of`, `health_notices` and `FeedHealthJob`.
"""

from bot.health.feeds import FeedDown, down_feeds, health_notices, problem_of
from bot.health.job import FeedHealthJob

__all__ = ["FeedDown", "FeedHealthJob", "down_feeds", "health_notices", "problem_of"]
