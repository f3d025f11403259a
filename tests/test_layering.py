"""Imports point one way: core -> nothing outside, adapters -> core, shell -> everything.

Every module in bot/ is parsed with `ast` (nothing is imported or run); imports inside
functions and under TYPE_CHECKING count too. Modules that do not exist yet are skipped.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parent.parent / "bot"

# ------------------------------------------------------------------- the rule table
ADAPTERS = ("bot.ingest.fetch", "bot.ingest.feedparse", "bot.store", "bot.telegram")
SHELL = ("bot.ingest.poller", "bot.delivery.drainer", "bot.runtime", "bot.services", "bot.__main__")
IO_LIBRARIES = ("httpx", "sqlalchemy", "telegram", "feedparser", "apscheduler")

CORE = ("model", "config", "textnorm", "query", "matcher", "status", "status_cues", "identity",
        "schedule", "render", "topics", "evaluation")
ADAPTER_MODULES = ("fetch", "feedparse", "store/*", "telegram/*")

# (which modules, what they must never import)
RULES: list[tuple[tuple[str, ...], tuple[str, ...]]] = [
    (CORE, ADAPTERS + SHELL + IO_LIBRARIES),
    (ADAPTER_MODULES, ("bot.ingest.poller", "bot.delivery.drainer", "bot.runtime", "bot.__main__")),
]
# -----------------------------------------------------------------------------------


def module_name(path: Path) -> str:
    parts = path.relative_to(BOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def files_for(pattern: str) -> list[Path]:
    """`store/*` means every module of the package; a plain name means bot/<name>.py."""
    if pattern.endswith("/*"):
        return sorted((BOT / pattern[:-2]).glob("**/*.py"))
    path = BOT / f"{pattern}.py"
    return [path] if path.exists() else []


def imported_modules(path: Path) -> set[str]:
    """Absolute names of every module `path` imports, relative imports resolved."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            # `from bot import fetch` imports the module bot.ingest.fetch.
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def violates(imported: str, forbidden: str) -> bool:
    return imported == forbidden or imported.startswith(forbidden + ".")


CHECKED = [
    (path, forbidden)
    for patterns, forbidden in RULES
    for pattern in patterns
    for path in files_for(pattern)
]


@pytest.mark.parametrize(("path", "forbidden"), CHECKED, ids=[module_name(p) for p, _ in CHECKED])
def test_imports_point_one_way(path: Path, forbidden: tuple[str, ...]) -> None:
    bad = sorted(
        f"{imported} (forbidden: {rule})"
        for imported in imported_modules(path)
        for rule in forbidden
        if violates(imported, rule)
    )
    assert not bad, f"{module_name(path)} imports {', '.join(bad)}"


def test_the_rules_see_the_core() -> None:
    # A renamed bot/ or a broken glob would make every check above vacuous.
    checked = {module_name(p) for p, _ in CHECKED}
    assert {"bot.model", "bot.matching.textnorm", "bot.matching.query", "bot.matching.matcher"} <= checked


@pytest.mark.parametrize(
    ("source", "where", "expected"),
    [
        ("import httpx", "bot/fetch.py", {"httpx"}),
        ("from bot.store import db", "bot/x.py", {"bot.store", "bot.store.db"}),
        ("from . import pipeline", "bot/render.py", {"bot", "bot.ingest.poller"}),
        ("from ..app import run", "bot/telegram/handlers.py", {"bot.runtime", "bot.runtime.run"}),
        ("from .db import x", "bot/store/__init__.py", {"bot.store.db", "bot.store.db.x"}),
        ("def f():\n    import sqlalchemy.orm", "bot/model.py", {"sqlalchemy.orm"}),
    ],
    ids=["plain", "from-package", "relative-sibling", "relative-parent", "package-init", "nested"],
)
def test_imported_modules_resolves_every_form(
    tmp_path: Path, source: str, where: str, expected: set[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_bot = tmp_path / "bot"
    path = fake_bot / where.removeprefix("bot/")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source, encoding="utf-8")
    monkeypatch.setitem(globals(), "BOT", fake_bot)
    assert imported_modules(path) == expected


@pytest.mark.parametrize(
    ("imported", "rule", "expected"),
    [("bot.store", "bot.store", True), ("bot.store.db", "bot.store", True),
     ("bot.storage", "bot.store", False), ("telegram.ext", "telegram", True),
     ("bot.telegram", "telegram", False)],
    ids=["same", "submodule", "name-prefix-only", "library-submodule", "own-package"],
)
def test_violates_matches_whole_dotted_names(imported: str, rule: str, expected: bool) -> None:
    assert violates(imported, rule) is expected
