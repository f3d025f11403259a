"""Reading `feeds.yaml`: YAML with strict rules (no duplicate keys, clock times stay
text), validation into `Config`, and every problem reported with its line and key path.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bot.config.errors import ConfigError, Loc, format_key_path
from bot.config.schema import Config

# libyaml's parser when PyYAML has it: a config of 10,000 feeds loads in a fraction of the
# pure-Python parser's 4 s. Resolving (the tags below) stays in Python either way.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_SafeLoader):  # type: ignore[valid-type,misc]
    """SafeLoader minus YAML 1.1 base-60 integers, so `digest_time: 21:00` stays a string."""


_INT_TAG = "tag:yaml.org,2002:int"
# Dates stay strings too: the `date` validator then reports 2024-13-01 with its line.
_DROPPED_TAGS = (_INT_TAG, "tag:yaml.org,2002:timestamp")
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _DROPPED_TAGS]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _INT_TAG,
    re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$"),
    list("-+0123456789"),
)


def _line_for(root: yaml.Node | None, loc: Loc) -> int | None:
    """1-based line of the deepest YAML node that `loc` reaches."""
    if root is None:
        return None
    node, line = root, root.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            hit = next((kv for kv in node.value if getattr(kv[0], "value", None) == part), None)
            if hit is None:
                break
            line, node = hit[0].start_mark.line + 1, hit[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if not 0 <= part < len(node.value):
                break
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _clean_loc(loc: Sequence[Any]) -> Loc:
    # pydantic appends validator/type names (e.g. 'function-after[...]') to some locs.
    return tuple(p for p in loc if isinstance(p, int) or (isinstance(p, str) and "[" not in p))


def _clean_message(msg: str) -> str:
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            return msg[len(prefix):]
    return msg


def _error(file: str, root: yaml.Node | None, loc: Loc, msg: str, kind: str = "") -> ConfigError:
    if kind == "extra_forbidden" and loc:
        msg = f"unknown key {loc[-1]!r}"
    elif kind == "missing" and loc:
        msg = f"required key {loc[-1]!r} is missing"
    return ConfigError(msg, file=file, key_path=format_key_path(loc), line=_line_for(root, loc))


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError("config file not found", file=str(path)) from None
    except UnicodeDecodeError as err:
        raise ConfigError(f"not UTF-8 text: {err.reason}", file=str(path)) from None
    except OSError as err:
        raise ConfigError(f"cannot read: {err.strerror or err}", file=str(path)) from None


def _duplicate_key(node: yaml.Node | None, file: str) -> ConfigError | None:
    """YAML silently keeps the last of two equal keys; an operator almost never means that."""
    if isinstance(node, yaml.SequenceNode):
        children = list(node.value)
    elif isinstance(node, yaml.MappingNode):
        first_seen: dict[object, int] = {}
        for key, _ in node.value:
            value = getattr(key, "value", None)
            line = key.start_mark.line + 1
            if isinstance(value, str) and value in first_seen:
                return ConfigError(
                    f"duplicate key {value!r} (first at line {first_seen[value]})",
                    file=file, line=line,
                )
            first_seen.setdefault(value, line)
        children = [v for _, v in node.value]
    else:
        return None
    return next((e for e in (_duplicate_key(c, file) for c in children) if e), None)


def _parse_yaml(text: str, file: str) -> tuple[object, yaml.Node | None]:
    try:
        loader = _Loader(text)
        try:  # parsed once: the node tree is checked for duplicate keys, then constructed
            root = loader.get_single_node()
            if (dup := _duplicate_key(root, file)) is not None:
                raise dup
            return (loader.construct_document(root) if root is not None else None), root
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        problem = " ".join(p for p in (err.context, err.problem) if p) or "invalid YAML"
        line = mark.line + 1 if mark else None
        raise ConfigError(f"YAML syntax error: {problem}", file=file, line=line) from None
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as err:
        # PyYAML's constructors can raise plain Python errors on odd input.
        raise ConfigError(f"YAML error: {err}", file=file) from None


# A check a higher layer adds to loading (e.g. that every topic query parses): it returns
# (key path, problem) pairs, which are reported with their lines like schema errors.
Check = Callable[[Config], Sequence[tuple[Loc, str]]]


def _raise_all(file: str, errors: Sequence[ConfigError]) -> None:
    first = errors[0]
    raise ConfigError(
        first.problem, file=file, key_path=first.key_path, line=first.line, more=errors[1:]
    )


def load_config(path: str | Path, *, checks: Sequence[Check] = ()) -> Config:
    """Read, parse and validate a config file, then run `checks`; every failure is a
    `ConfigError` naming the file, the line and the key path."""
    file = str(path)
    data, root = _parse_yaml(_read(Path(path)), file)
    if data is None:
        raise ConfigError("the file is empty: it needs at least a `feeds:` list", file=file)
    if not isinstance(data, dict):
        raise ConfigError("the top level must be a mapping of keys", file=file, line=1)
    problems: list[tuple[Loc, str]] = []
    try:
        cfg = Config.model_validate(data, context={"problems": problems})
    except ValidationError as err:
        _raise_all(file, [
            _error(file, root, _clean_loc(e["loc"]), _clean_message(e["msg"]), e["type"])
            for e in err.errors()
        ])
    for check in checks if not problems else ():
        problems += check(cfg)
    if problems:
        _raise_all(file, [_error(file, root, loc, msg) for loc, msg in problems])
    return cfg
