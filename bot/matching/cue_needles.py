"""Needles for status cues: words a cue's text must contain before its regex is run. A
regex that starts with \\b cannot use re's literal-prefix search, so a substring test first
skips most of the 192 cues on a headline.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

_QUANTIFIERS = "?*{"  # make the letter before them optional
_MIN_NEEDLE = 2


def _leading_word(text: str) -> str | None:
    """The literal letters `text` (a regex fragment) must start with, or None."""
    run = ""
    for char in text:
        if char.isalpha():
            run += char
            continue
        if char in _QUANTIFIERS:
            run = run[:-1]  # the last letter is optional
        break
    return run if len(run) >= _MIN_NEEDLE else None


def _split_top(pattern: str) -> list[str] | None:
    """`pattern` split at its top-level `|` (outside groups and classes); None if unbalanced."""
    depth, in_class, start, parts, i = 0, False, 0, [], 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    return parts + [pattern[start:]] if depth == 0 and not in_class else None


def _group_body(text: str) -> str | None:
    """The inside of the `(?:...)` that `text` starts with; None if unbalanced or if the
    group itself is optional (a quantifier after it)."""
    depth, i = 0, 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        if depth == 0:
            optional = text[i + 1:i + 2] in tuple(_QUANTIFIERS)
            return None if optional else text[3:i]
        i += 1
    return None


def _branch_needles(branch: str) -> tuple[str, ...] | None:
    if not branch.startswith("\\b"):
        return None
    rest = branch[2:]
    if rest.startswith("(?:"):
        body = _group_body(rest)
        alternatives = _split_top(body) if body is not None else None
        if not alternatives:
            return None
        words = [_leading_word(a) for a in alternatives]
        return None if any(w is None for w in words) else tuple(w for w in words if w)
    word = _leading_word(rest)
    return (word,) if word else None


def needles(pattern: str) -> tuple[str, ...] | None:
    """Substrings one of which every match of `pattern` contains; None when unknown (the
    cue is then always run). Each top-level branch must start `\\bword` or
    `\\b(?:word...|word...)`."""
    branches = _split_top(pattern)
    if not branches:
        return None
    found: list[str] = []
    for branch in branches:
        words = _branch_needles(branch)
        if words is None:
            return None
        found += words
    return tuple(dict.fromkeys(found))


# ---------------------------------------------------------------- required literals
# For the cues without needles (they start with a lookbehind, a class or an open group): the
# literal strings one of which every match contains, read from the regex's parse tree. A
# text with none of them is not searched. The parser is re's own (private, but the only
# parser of re's syntax); anything it does not recognise means "unknown": the cue is run.

_PARSER: Any = importlib.import_module("re._parser")
Literals = frozenset[str]


def required_literals(pattern: str) -> Literals | None:
    """Strings one of which every match of `pattern` contains; None when unknown."""
    try:
        tree = _PARSER.parse(pattern)
    except Exception:  # noqa: BLE001 - a pattern re itself rejects is not ours to judge
        return None
    if tree.state.flags & re.IGNORECASE:
        return None
    return _sequence(list(tree))


def _sequence(items: list[tuple[Any, Any]]) -> Literals | None:
    """A sequence matches all its parts, so any part's requirement is the whole's: the most
    selective one (its shortest string longest) is kept. Adjacent literals join into one."""
    options: list[Literals] = []
    run = ""
    for op, arg in items + [(None, None)]:
        if str(op) == "LITERAL":
            run += chr(arg)
            continue
        if run:
            options.append(frozenset({run}))
            run = ""
        if op is not None and (found := _item(str(op), arg)) is not None:
            options.append(found)
    return max(options, key=lambda o: (min(map(len, o)), -len(o)), default=None)


def _item(op: str, arg: Any) -> Literals | None:
    if op == "SUBPATTERN":  # (group, flags added, flags removed, body)
        return None if arg[1] & re.IGNORECASE else _sequence(list(arg[-1]))
    if op in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        low, _high, body = arg
        return _sequence(list(body)) if low >= 1 else None
    if op == "BRANCH":
        alternatives = [_sequence(list(branch)) for branch in arg[1]]
        if any(a is None for a in alternatives):
            return None
        return frozenset().union(*alternatives)  # type: ignore[arg-type]
    return None  # classes, anchors, lookarounds, backreferences: no literal is certain
