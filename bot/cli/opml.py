"""`python -m bot feeds export` (the configured feeds as OPML 2.0) and `feeds import FILE`
(an OPML file merged into feeds.yaml, or into a new file, with a report of what was added).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from bot.config import Check, Config, ConfigError, load_config
from bot.feedlist import (
    MAX_BYTES,
    ImportPlan,
    OpmlError,
    Skip,
    YamlEditError,
    export_opml,
    plan_import,
    read_opml,
    replace_file,
    splice_feeds,
    write_config,
    yaml_sections,
)

EXIT_OK, EXIT_FAILED, EXIT_INPUT = 0, 1, 2


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _error(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)


def export_feeds(config: Config, config_path: Path, output: str | None) -> int:
    """Write the OPML to `output` (atomically) or to stdout; folders are feeds.yaml's
    section comments."""
    try:
        sections = yaml_sections(config_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeError):
        sections = {}
    data = export_opml(config.feeds, sections, now=datetime.now(UTC))
    if output in (None, "-"):
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return EXIT_OK
    assert output is not None
    try:
        replace_file(Path(output), data)
    except OSError as err:
        _error(f"cannot write {output}: {err.strerror or err}")
        return EXIT_FAILED
    print(f"{output}: {_count(len(config.feeds), 'feed')} exported", file=sys.stderr)
    return EXIT_OK


def describe(skip: Skip) -> str:
    """Why an outline was left out, for the operator's terminal."""
    return {
        "not_a_feed": "a link to another subscription list, not a feed" if skip.detail == "list"
        else "no xmlUrl: a web page, not a feed",
        "invalid_url": f"not a valid URL: {skip.detail}",
        "scheme": f"not an http(s) URL ({skip.detail}:)",
        "duplicate": f"already configured as {skip.detail!r}",
        "repeated": "listed twice in the file",
        "over_cap": f"over the limit of {skip.detail} new feeds per import",
    }[skip.reason]


def report(source: str, plan: ImportPlan) -> str:
    total = len(plan.added) + len(plan.skipped)
    head = f"{source}: {_count(total, 'outline')}: {len(plan.added)} to add, "
    lines = [head + f"{len(plan.skipped)} skipped"]
    for feed in plan.added:
        extra = ", ".join(x for x in (feed.lang or "", feed.category) if x)
        lines.append(f"  added    {feed.name or '(host name)'}  {feed.url}"
                     + (f"  ({extra})" if extra else ""))
    for skip in plan.skipped:
        lines.append(f"  skipped  {skip.url[:200] or skip.title or '(no URL)'}  {describe(skip)}")
    return "\n".join(lines)


def _read_opml_file(path: str) -> bytes:
    with open(path, "rb") as source:
        return source.read(MAX_BYTES + 1)  # one byte more tells read_opml it is too large


def import_feeds(path: str, base: Path, dest: Path, *, dry_run: bool,
                 checks: Sequence[Check] = ()) -> int:
    """Merge the OPML file at `path` into the config `base`, writing `dest` (the same file
    or a new one) whole or not at all. Exit 2 for a bad file or config, 1 if unwritable."""
    try:
        listing = read_opml(_read_opml_file(path))
        config = load_config(base, checks=checks)
        plan = plan_import(listing.outlines, config.feeds)
        merged = splice_feeds(base.read_text(encoding="utf-8"), plan.added,
                              f"Imported from {Path(path).name}")
    except OSError as err:
        _error(f"{path}: {err.strerror or err}")
        return EXIT_INPUT
    except (OpmlError, YamlEditError) as err:
        _error(f"{path}: {err}")
        return EXIT_INPUT
    except ConfigError as err:
        _error(str(err))
        return EXIT_INPUT
    print(report(Path(path).name, plan))
    if dry_run:
        print(f"dry run: {dest} was not changed")
        return EXIT_OK
    if not plan.added and dest.resolve() == base.resolve():
        print(f"{dest}: nothing to add, not changed")
        return EXIT_OK
    return _write(dest, merged, plan, checks)


def _write(dest: Path, merged: str, plan: ImportPlan, checks: Sequence[Check]) -> int:
    try:
        write_config(dest, merged, added=plan.added, checks=checks)
    except ConfigError as err:
        _error(f"the merged config would not be valid, so nothing was written:\n{err}")
        return EXIT_INPUT
    except OSError as err:
        _error(f"cannot write {dest}: {err.strerror or err}")
        return EXIT_FAILED
    print(f"{dest}: {_count(len(plan.added), 'feed')} added; restart the bot to poll them")
    return EXIT_OK
