"""Turns configured term sets, topics and stored watches into a ready Matcher, and checks
at load time that every term set member and topic query parses (`topic_problems`).

The one place that knows how `termsets:` and `topics:` in feeds.yaml map onto matcher rules.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.config import Config, Loc
from bot.matching.matcher import Matcher, TopicRule
from bot.matching.query import Query, QueryError, TermSets, parse_query
from bot.matching.status import detect_status
from bot.matching.termsets import compile_lenient, compile_termsets, termset_problems

# Operators write topic queries by hand and may list many synonyms in several languages;
# the subscriber limits (`limits:`) are for untrusted chat input, not for feeds.yaml.
TOPIC_QUERY_MAX_LENGTH = 4000
TOPIC_QUERY_MAX_TERMS = 400


def topic_problems(config: Config) -> list[tuple[Loc, str]]:
    """Every term set member and topic query that does not parse, as (key path, the
    parser's message): the same wording a subscriber sees for a bad /watch."""
    problems: list[tuple[Loc, str]] = [
        (("termsets", *where), message) for where, message in termset_problems(config.termsets)
    ]
    # A set with a bad member still compiles from its good ones, so the queries that name
    # it are checked too instead of all failing as "unknown term set".
    termsets = compile_lenient(config.termsets)
    for i, topic in enumerate(config.topics):
        located: list[tuple[Loc, str]] = [(("topics", i, "query"), topic.query or "")]
        located += [(("topics", i, "queries", j), q) for j, q in enumerate(topic.queries)]
        if topic.during is not None:
            located += [(("topics", i, "during", "queries", j), q)
                        for j, q in enumerate(topic.during.queries)]
        for loc, text in located:
            if loc[2] == "query" and not text:
                continue
            try:
                _topic_query(text, termsets)
            except QueryError as err:
                problems.append((loc, str(err)))
    return problems


def config_termsets(config: Config) -> TermSets:
    """The config's term sets, compiled for parse_query (a loaded config has no bad ones)."""
    return compile_termsets(config.termsets)


def topic_rules(config: Config, termsets: TermSets | None = None) -> list[TopicRule]:
    """Every topic query as a rule; `during:` queries carry their date window."""
    tz = ZoneInfo(config.timezone)
    sets = config_termsets(config) if termsets is None else termsets
    rules: list[TopicRule] = []
    for topic in config.topics:
        for text in topic.all_queries:
            rules.append(TopicRule(topic.id, _topic_query(text, sets)))
        if topic.during is not None:
            start = datetime.combine(topic.during.from_, time(0), tz)
            end = datetime.combine(topic.during.until + timedelta(days=1), time(0), tz)
            for text in topic.during.queries:
                rules.append(TopicRule(topic.id, _topic_query(text, sets), (start, end)))
    return rules


def _topic_query(text: str, termsets: TermSets) -> Query:
    return parse_query(text, max_length=TOPIC_QUERY_MAX_LENGTH, max_terms=TOPIC_QUERY_MAX_TERMS,
                       termsets=termsets)


def build_matcher(config: Config, watches: Iterable[tuple[Hashable, str]] = ()) -> Matcher:
    """A matcher over all topics plus the given (key, query text) watches.

    A stored watch that no longer parses (limits changed since it was saved, or a term set
    it names was removed) is skipped rather than taking the whole index down.
    """
    termsets = config_termsets(config)
    return Matcher(topic_rules(config, termsets), _parsed(watches, termsets),
                   status_fn=detect_status)


def update_matcher(matcher: Matcher, config: Config, added: Iterable[tuple[Hashable, str]],
                   removed: Iterable[Hashable]) -> Matcher:
    """`matcher` with these (key, query text) watches added and these keys dropped."""
    return matcher.changed(_parsed(added, config_termsets(config)), removed)


def _parsed(watches: Iterable[tuple[Hashable, str]], termsets: TermSets) -> list[tuple[Hashable, Query]]:
    compiled: list[tuple[Hashable, Query]] = []
    for key, text in watches:
        try:
            compiled.append((key, parse_query(text, max_length=10_000, max_terms=1_000,
                                              termsets=termsets)))
        except QueryError:
            continue
    return compiled
