"""Feeds scheduled from the database: which feeds the running config has (`active`), and a
lease on a feed being polled, so no feed is polled twice at once, by one process or several.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.db import UTCDateTime

revision = "0008s"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("feeds") as batch:
        batch.add_column(sa.Column("active", sa.Boolean(), nullable=False,
                                   server_default=sa.true()))
        batch.add_column(sa.Column("lease_until", UTCDateTime()))
        batch.add_column(sa.Column("leased_by", sa.Text()))


def downgrade() -> None:
    with op.batch_alter_table("feeds") as batch:
        batch.drop_column("leased_by")
        batch.drop_column("lease_until")
        batch.drop_column("active")
