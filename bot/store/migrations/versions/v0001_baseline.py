"""Baseline: the schema the hand-written migrations reached (their version 2), created
from the frozen statements the shipped bot's databases hold (`baseline/0001.json`).
"""

from __future__ import annotations

import json
from pathlib import Path

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_DUMP = Path(__file__).resolve().parent.parent / "baseline" / "0001.json"


def statements(dialect: str) -> list[str]:
    """The frozen DDL statements for `dialect` ("sqlite" or "postgresql"), in order."""
    found: list[str] = json.loads(_DUMP.read_text(encoding="utf-8"))[dialect]
    return found


def upgrade() -> None:
    for statement in statements(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade() -> None:
    raise NotImplementedError("the baseline is not undone: drop the database instead")
