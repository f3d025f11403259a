"""Running bot processes (workers) with a heartbeat, and which worker holds each claimed
outbox row and notice: a dead worker's claims are released at once instead of waiting out
their lease.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.db import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "workers",
        sa.Column("id", sa.Text(), primary_key=True),
        sa.Column("host", sa.Text(), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("heartbeat_at", UTCDateTime(), nullable=False),
    )
    for table in ("outbox", "notices"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("claimed_by", sa.Text()))


def downgrade() -> None:
    for table in ("notices", "outbox"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("claimed_by")
    op.drop_table("workers")
