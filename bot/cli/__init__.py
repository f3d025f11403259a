"""The command line: `run`, `check`, `replay`, `health`, `db`, `evaluate`, `feeds` and
`calendar`. Parses arguments, loads the config, maps errors to exit codes (2 for config or
query errors).

Offers `main`. Each verb lives in its own module, imported only when it runs.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot import __version__
from bot.config import Config, ConfigError, Settings, load_config, settings_from_env
from bot.i18n import LANGS

EXIT_OK, EXIT_FAILED, EXIT_CONFIG = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Summit Watch: alerts on Belarus-Russia agreements and summits from news feeds.",
    )
    parser.add_argument("--version", action="version", version=f"summit-watch {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", metavar="PATH", help="config file (default: $BOT_CONFIG or ./feeds.yaml)")
    common.add_argument("-v", "--verbose", action="store_true", help="debug logging on stderr")

    run = sub.add_parser("run", parents=[common], help="poll feeds and deliver alerts (long-running)")
    run.add_argument("--json", action="store_true", help="console mode: one JSON object per alert")

    check = sub.add_parser("check", parents=[common], help="validate the config (exit 0 valid, 2 not)")
    check.add_argument("--fetch", action="store_true", help="also fetch every feed once and report")

    replay = sub.add_parser("replay", parents=[common], help="match saved RSS/Atom files")
    replay.add_argument("--watch", action="append", default=[], metavar="QUERY", help="extra watched query")
    replay.add_argument("--json", action="store_true", help="one JSON object per matching entry")
    replay.add_argument("files", nargs="+", metavar="FILE")

    sub.add_parser("health", parents=[common],
                   help="exit 0 if a running bot's poll loop is alive (for HEALTHCHECK)")

    db = sub.add_parser("db", parents=[common], help="database schema: upgrade, current")
    db.add_argument("action", choices=["upgrade", "current"],
                    help="upgrade: to the newest revision (run does this at start); "
                         "current: show the revision")

    evaluate = sub.add_parser("evaluate", parents=[common], help="score topics on labelled JSONL")
    evaluate.add_argument("file", metavar="FILE", help="labelled items (see shared eval README)")
    evaluate.add_argument("--misses", action="store_true", help="list misses and false alerts")
    _feeds_parser(sub, common)
    cal = sub.add_parser("calendar", parents=[common],
                         help="the events as an .ics file, or add events from one")
    what = cal.add_mutually_exclusive_group(required=True)
    what.add_argument("--ics", metavar="FILE",
                      help="write the tracked events with their reminders ('-': stdout)")
    what.add_argument("--import", dest="import_file", metavar="FILE",
                      help="add, move or update events from an .ics file, as /event does")
    cal.add_argument("--lang", choices=list(LANGS), default="en",
                     help="language of the calendar texts and of the import report")
    return parser


def _feeds_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    feeds = sub.add_parser("feeds", help="export the feeds as OPML, or import an OPML file")
    action = feeds.add_subparsers(dest="feeds_action", required=True, metavar="ACTION")
    export = action.add_parser("export", parents=[common], help="write the feeds as OPML 2.0")
    export.add_argument("--output", metavar="FILE", help="write to FILE (default: stdout)")
    imp = action.add_parser("import", parents=[common],
                            help="add an OPML file's feeds to feeds.yaml (comments kept)")
    imp.add_argument("file", metavar="FILE.opml")
    where = imp.add_mutually_exclusive_group()
    where.add_argument("--into", metavar="FEEDS.yaml",
                       help="the config file to merge into (default: the config file)")
    where.add_argument("--output", metavar="NEW.yaml",
                       help="write the merged config to a new file; the config is not changed")
    imp.add_argument("--dry-run", action="store_true", help="report what would be added, write nothing")


def _setup_logging(verbose: bool) -> None:
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # httpx logs full request URLs, and Telegram URLs carry the bot token.
    # Alembic narrates every step at INFO; the store logs one line per upgrade instead.
    for name in ("httpx", "httpcore", "telegram.request", "apscheduler", "alembic"):
        logging.getLogger(name).setLevel(logging.WARNING)
    # APScheduler logs a job cancelled by the stopping event loop as an error with a traceback.
    logging.getLogger("apscheduler.executors.default").addFilter(CancelledAtShutdown())


class CancelledAtShutdown(logging.Filter):
    """A job cancelled because the bot is stopping is not an error: one INFO line instead of
    an ERROR with a traceback (what it left undone is retried at the next start)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], asyncio.CancelledError):
            record.levelno, record.levelname = logging.INFO, "INFO"
            record.msg, record.args = "%s cancelled at shutdown", (_job_of(record),)
            record.exc_info = record.exc_text = None
        return True


def _job_of(record: logging.LogRecord) -> str:
    args = record.args if isinstance(record.args, tuple) else ()
    return f'job "{args[0]}"' if args else "a job"


def _load(args: argparse.Namespace) -> Config:
    from bot.matching.topics import topic_problems

    return load_config(_settings(args).config_path, checks=[topic_problems])


def _settings(args: argparse.Namespace) -> Settings:
    return settings_from_env(os.environ, config=args.config)


def _cmd_replay(args: argparse.Namespace, config: Config) -> int:
    from bot.cli.offline import replay_files

    return replay_files(config, args.files, args.watch, args.json)


def _cmd_evaluate(args: argparse.Namespace, config: Config) -> int:
    from bot.cli.offline import evaluate

    return evaluate(config, args.file, args.misses)


def _cmd_check(args: argparse.Namespace, config: Config) -> int:
    from bot.cli.checks import check_config, check_feeds

    if args.fetch:
        return check_feeds(config)
    return check_config(config, _settings(args).config_path)


def _cmd_run(args: argparse.Namespace, config: Config) -> int:
    from bot.runtime import run

    return run(config, _settings(args), json_lines=args.json)


def _cmd_health(args: argparse.Namespace, config: Config) -> int:
    from bot.cli.checks import health

    return health(config, _settings(args))


def _cmd_db(args: argparse.Namespace, config: Config) -> int:
    from bot.cli.database import database

    return database(_settings(args), args.action)


def _cmd_feeds(args: argparse.Namespace) -> int:
    """`feeds` loads the file it works on itself: `import --into X` needs no other config."""
    from bot.cli.opml import export_feeds, import_feeds
    from bot.matching.topics import topic_problems

    path = _settings(args).config_path
    if args.feeds_action == "export":
        try:
            config = load_config(path, checks=[topic_problems])
        except ConfigError as err:
            print(f"error: {err}", file=sys.stderr)
            return EXIT_CONFIG
        return export_feeds(config, path, args.output)
    base = Path(args.into) if args.into else path
    dest = Path(args.output) if args.output else base
    return import_feeds(args.file, base, dest, dry_run=args.dry_run, checks=[topic_problems])


def _cmd_calendar(args: argparse.Namespace, config: Config) -> int:
    from bot.cli.calendar import calendar

    return calendar(config, _settings(args), ics=args.ics, import_file=args.import_file,
                    lang=args.lang)


COMMANDS = {"db": _cmd_db, "health": _cmd_health, "run": _cmd_run, "check": _cmd_check,
            "replay": _cmd_replay, "evaluate": _cmd_evaluate, "calendar": _cmd_calendar}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    _setup_logging(args.verbose)
    if args.command == "feeds":
        try:
            return _cmd_feeds(args)
        except BrokenPipeError:
            return EXIT_OK
    try:
        config = _load(args)
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_CONFIG
    try:
        return COMMANDS[args.command](args, config)
    except KeyboardInterrupt:
        return EXIT_OK
    except BrokenPipeError:
        return EXIT_OK

