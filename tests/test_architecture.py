"""The shape of the tree: import-linter's contracts (pyproject.toml) hold, every module
says what it owns in its first lines, packages name what they offer, and modules stay
small unless their docstring says why not.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BOT = ROOT / "bot"
MODULES = sorted(p for p in BOT.rglob("*.py") if "__pycache__" not in p.parts)
PACKAGES = sorted(p for p in MODULES if p.name == "__init__.py" and p.parent != BOT)
MAX_LINES = 300
# Only the wiring and the command line sit directly in bot/; everything else is a stage.
TOP_LEVEL = {"__init__.py", "__main__.py", "services.py"}


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def docstring(path: Path) -> str:
    return ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""


def test_import_linter_contracts_hold() -> None:
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or "lint-imports"
    done = subprocess.run([exe, "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False,
                          timeout=120)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout


@pytest.mark.parametrize("path", MODULES, ids=[rel(p) for p in MODULES])
def test_module_says_what_it_owns(path: Path) -> None:
    text = docstring(path)
    assert text, "missing module docstring"
    first_paragraph = text.split("\n\n")[0]
    assert len(first_paragraph.splitlines()) <= 3, "say what it owns in one to three lines"


@pytest.mark.parametrize("path", PACKAGES, ids=[rel(p) for p in PACKAGES])
def test_package_names_what_it_offers(path: Path) -> None:
    assert "Offers" in docstring(path), "the package docstring lists the names it offers"


@pytest.mark.parametrize("path", MODULES, ids=[rel(p) for p in MODULES])
def test_module_is_small_or_says_why(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    if lines > MAX_LINES:
        assert "Longer than" in docstring(path), f"{lines} lines and no reason given"


def test_only_wiring_and_cli_sit_at_the_top() -> None:
    top = {p.name for p in BOT.glob("*.py")}
    assert top <= TOP_LEVEL, sorted(top - TOP_LEVEL)
