"""Quiet hours and delivery modes: each chat's time zone, quiet hours (and whether status
changes break through them) and delivery mode; each watch's own mode; why an outbox row is
held (quiet hours or a digest) until its release time."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008q"
down_revision = "0008t"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("subscribers") as batch:
        batch.add_column(sa.Column("tz", sa.Text()))
        batch.add_column(sa.Column("quiet", sa.Text()))
        batch.add_column(sa.Column("quiet_strict", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column("mode", sa.Text()))
    with op.batch_alter_table("watches") as batch:
        batch.add_column(sa.Column("mode", sa.Text()))
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("hold", sa.Text()))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("hold")
    with op.batch_alter_table("watches") as batch:
        batch.drop_column("mode")
    with op.batch_alter_table("subscribers") as batch:
        for name in ("mode", "quiet_strict", "quiet", "tz"):
            batch.drop_column(name)
