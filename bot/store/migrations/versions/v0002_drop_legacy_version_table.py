"""Alembic keeps the schema version now: drop the hand-written migrations' record
(present only in databases adopted from them).
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import inspect

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if inspect(op.get_bind()).has_table("schema_version"):
        op.drop_table("schema_version")


def downgrade() -> None:
    pass  # nothing reads it any more
