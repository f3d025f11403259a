"""Which replica serves each chat for now (`chat_holds`): on PostgreSQL one chat's alerts
and notices go out through one replica at a time, so its per-chat limits hold bot-wide."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.db import UTCDateTime

revision = "0008r"
down_revision = "0008q"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chat_holds",
        sa.Column("chat_id", sa.BigInteger(), primary_key=True),
        sa.Column("held_by", sa.Text(), nullable=False),
        sa.Column("held_until", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("chat_holds")
