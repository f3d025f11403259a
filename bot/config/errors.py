"""Configuration errors that point at a file, a line and a key path, and the key-path
notation they use (`topics[2].queries[0]`).
"""

from __future__ import annotations

from collections.abc import Sequence

Loc = tuple[str | int, ...]


class ConfigError(Exception):
    """A configuration problem: `file:line: key.path: problem` (line and path when known)."""

    def __init__(
        self,
        problem: str,
        *,
        file: str | None = None,
        key_path: str = "",
        line: int | None = None,
        more: Sequence[ConfigError] = (),
    ) -> None:
        self.problem = problem
        self.file = file
        self.key_path = key_path
        self.line = line
        self.more = tuple(more)  # further problems found in the same pass
        super().__init__(str(self))

    def _one_line(self) -> str:
        where = ":".join(p for p in (self.file, str(self.line) if self.line else None) if p)
        parts = [p for p in (where, self.key_path) if p]
        return ": ".join([*parts, self.problem])

    def __str__(self) -> str:
        return "\n".join([self._one_line(), *(e._one_line() for e in self.more)])


def format_key_path(loc: Loc) -> str:
    """('topics', 2, 'queries', 0) -> 'topics[2].queries[0]'."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out
