"""Baseline: the schema the hand-written migrations reached (their version 2), created
from a frozen dump per dialect (`baseline/0001.<dialect>.sql`).
"""

from __future__ import annotations

from pathlib import Path

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_DUMPS = Path(__file__).resolve().parent.parent / "baseline"


def statements(dialect: str) -> list[str]:
    """The dump's statements for `dialect`, without comments."""
    text = (_DUMPS / f"0001.{dialect}.sql").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";\n") if s.strip().rstrip(";")]


def upgrade() -> None:
    for statement in statements(op.get_bind().dialect.name):
        op.execute(statement.rstrip(";"))


def downgrade() -> None:
    raise NotImplementedError("the baseline is not undone: drop the database instead")
