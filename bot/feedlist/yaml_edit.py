"""feeds.yaml edited as text: the `feeds:` list located with ruamel.yaml's composer, new
items (emitted by ruamel) spliced in after its last item, every other byte kept; the
section comments (`# --- Name ---`) read as the feeds' groups. Owns ruamel.yaml.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from bot.feedlist.plan import NewFeed, clean_text

# A section comment inside the feeds list: "# --- Official sources ------".
_SECTION = re.compile(r"^\s*#\s*-{3,}\s*(?P<title>[^-\s].*?)\s*-*\s*$")


class YamlEditError(ValueError):
    """The file cannot be edited in place; the message says what to change."""


@dataclass(frozen=True, slots=True)
class FeedsList:
    """Where the feeds are in the text (0-based lines)."""

    key_line: int
    dash_col: int  # column of the items' "-"
    key_col: int  # column of the items' keys
    items: tuple[tuple[int, str], ...]  # (first line, url) of each item
    end_line: int  # the last line that belongs to the last item


def _compose(text: str) -> Node | None:
    try:
        node: Node | None = YAML().compose(text)
    except YAMLError as err:
        raise YamlEditError(f"cannot read the YAML: {err}") from None
    return node


def locate_feeds(text: str) -> FeedsList:
    """The `feeds:` block list of the top-level mapping; YamlEditError if there is none."""
    root = _compose(text)
    found = next((pair for pair in root.value if getattr(pair[0], "value", None) == "feeds"),
                 None) if isinstance(root, MappingNode) else None
    if found is None or not isinstance(found[1], SequenceNode) or not found[1].value:
        raise YamlEditError("the file has no `feeds:` list to add to")
    key, seq = found
    if seq.flow_style:
        raise YamlEditError("`feeds:` is written as a [flow] list; write it as a block list "
                            "(one `- url: ...` item per feed) to import into it")
    lines = text.splitlines()
    first = seq.value[0].start_mark
    dash_col = lines[first.line][:first.column].rstrip().rfind("-")
    items = tuple((item.start_mark.line, _url_of(item)) for item in seq.value)
    return FeedsList(key.start_mark.line, max(dash_col, 0), first.column, items,
                     _last_item_line(lines, items[-1][0], seq.end_mark.line, max(dash_col, 0)))


def _url_of(item: Node) -> str:
    if isinstance(item, MappingNode):
        for k, v in item.value:
            if getattr(k, "value", None) == "url" and isinstance(v, ScalarNode):
                return str(v.value)
    return ""


def _last_item_line(lines: Sequence[str], start: int, bound: int, dash_col: int) -> int:
    """The last line of the last item: content, or a comment indented under the item.
    Blank lines and comments at the list's own level after it belong to what follows."""
    last = start
    for n in range(start + 1, min(bound + 1, len(lines))):
        line = lines[n]
        indent = len(line) - len(line.lstrip())
        if not line.strip() or indent <= dash_col:
            if line.strip() and not line.lstrip().startswith("#"):
                break  # the next key: the list is over
            continue
        last = n
    return last


def yaml_sections(text: str) -> dict[str, str]:
    """Feed URL -> the title of the section comment above it in the `feeds:` list ("" for
    feeds before the first one). An unreadable file has no sections."""
    try:
        where = locate_feeds(text)
    except YamlEditError:
        return {}
    lines = text.splitlines()
    out: dict[str, str] = {}
    section, scanned = "", where.key_line
    for start, url in where.items:
        for line in lines[scanned:start]:
            if m := _SECTION.match(line):
                section = clean_text(m.group("title"), 80)
        scanned = start
        if url:
            out.setdefault(url, section)
    return out


def splice_feeds(text: str, feeds: Sequence[NewFeed], fallback_section: str) -> str:
    """`text` with `feeds` appended to its `feeds:` list, each group under a section
    comment (its category, else `fallback_section`); nothing else changes."""
    if not feeds:
        return text
    where = locate_feeds(text)
    current = yaml_sections(text).get(where.items[-1][1], "")
    block: list[str] = []
    for feed in feeds:
        section = feed.category or fallback_section
        if section != current:
            block.append(" " * where.dash_col + f"# --- {section} ---")
            current = section
        block += _item_lines(feed, where.dash_col, where.key_col)
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if "\r\n" in text else "\n"
    at = where.end_line + 1
    if at > 0 and not lines[at - 1].endswith(("\n", "\r")):
        lines[at - 1] += newline
    return "".join(lines[:at]) + "".join(line + newline for line in block) + "".join(lines[at:])


def _item_lines(feed: NewFeed, dash_col: int, key_col: int) -> list[str]:
    fields: dict[str, Any] = {"url": feed.url}
    if feed.name:
        fields["name"] = feed.name
    if feed.lang:
        fields["lang"] = feed.lang
    dumped = _dump({k: _safe_scalar(v) for k, v in fields.items()}).splitlines()
    first = " " * dash_col + "-" + " " * max(1, key_col - dash_col - 1) + dumped[0]
    return [first, *(" " * key_col + line for line in dumped[1:])]


def _dump(value: object) -> str:
    out = io.StringIO()
    emitter = YAML()
    emitter.width = 4096  # never fold a long name or URL
    emitter.dump(value, out)
    return out.getvalue()


def _safe_scalar(value: str) -> str:
    """`value` plain when the bot's reader (PyYAML, YAML 1.1) reads it back unchanged;
    otherwise double-quoted (`yes`, `1e3`, `12:30` are not strings in YAML 1.1)."""
    plain = _dump({"v": value})
    if yaml.safe_load(plain) == {"v": value}:
        return value
    quoted: str = DoubleQuotedScalarString(value)
    return quoted
