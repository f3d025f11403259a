"""The offline verbs: `replay` (the matcher over saved feed files) and `evaluate` (scores
on labelled items). Neither touches the network or the database.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.config import Config
from bot.delivery.console import alert_json, console_line
from bot.ingest.publishers import Publishers
from bot.ingest.replay import replay
from bot.matching.evaluation import evaluate_file, format_report
from bot.matching.query import QueryError, parse_watch
from bot.matching.topics import build_matcher, config_termsets

EXIT_OK, EXIT_FAILED, EXIT_CONFIG = 0, 1, 2


def _warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


def replay_files(config: Config, files: Sequence[str], watches: Sequence[str],
                 json_lines: bool) -> int:
    """Print every matching entry of the files; exit 2 on a bad --watch query."""
    limits, termsets = config.limits, config_termsets(config)
    for text in watches:
        try:
            parse_watch(text, max_length=limits.max_query_length, max_terms=limits.max_query_terms,
                        termsets=termsets)
        except QueryError as err:
            print(f"error: --watch {text!r}: {err}", file=sys.stderr)
            return EXIT_CONFIG
    matcher = build_matcher(config, list(enumerate(watches)))
    publishers = Publishers.of(config.feeds)
    for entry, result in replay([Path(f) for f in files], matcher, _warn, publishers):
        if json_lines:
            print(json.dumps(alert_json(entry, result), ensure_ascii=False))
        else:
            print(console_line(entry, result, config.tz))
    return EXIT_OK


def evaluate(config: Config, file: str, misses: bool) -> int:
    """Print recall, precision and status accuracy of the config on a labelled file."""
    try:
        report = evaluate_file(Path(file), config)
    except (OSError, ValueError) as err:
        print(f"error: {file}: {err}", file=sys.stderr)
        return EXIT_FAILED
    print(format_report(report, misses=misses))
    return EXIT_OK
