"""Turns configured topics and stored watches into a ready Matcher.

The one place that knows how `topics:` in feeds.yaml maps onto matcher rules.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.config import TOPIC_QUERY_MAX_LENGTH, TOPIC_QUERY_MAX_TERMS, Config
from bot.matching.matcher import Matcher, TopicRule
from bot.matching.query import Query, QueryError, parse_query
from bot.matching.status import detect_status


def topic_rules(config: Config) -> list[TopicRule]:
    """Every topic query as a rule; `during:` queries carry their date window."""
    tz = ZoneInfo(config.timezone)
    rules: list[TopicRule] = []
    for topic in config.topics:
        for text in topic.all_queries:
            rules.append(TopicRule(topic.id, _topic_query(text)))
        if topic.during is not None:
            start = datetime.combine(topic.during.from_, time(0), tz)
            end = datetime.combine(topic.during.until + timedelta(days=1), time(0), tz)
            for text in topic.during.queries:
                rules.append(TopicRule(topic.id, _topic_query(text), (start, end)))
    return rules


def _topic_query(text: str) -> Query:
    return parse_query(text, max_length=TOPIC_QUERY_MAX_LENGTH, max_terms=TOPIC_QUERY_MAX_TERMS)


def build_matcher(config: Config, watches: Iterable[tuple[Hashable, str]] = ()) -> Matcher:
    """A matcher over all topics plus the given (key, query text) watches.

    A stored watch that no longer parses (limits changed since it was saved) is skipped
    rather than taking the whole index down.
    """
    compiled: list[tuple[Hashable, Query]] = []
    for key, text in watches:
        try:
            compiled.append((key, parse_query(text, max_length=10_000, max_terms=1_000)))
        except QueryError:
            continue
    return Matcher(topic_rules(config), compiled, status_fn=detect_status)
