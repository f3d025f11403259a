"""Entries record their publisher (the outlet credited and counted once for confirmations);
existing rows get their feed's name, which is what they were credited to until now.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("entries") as batch:
        batch.add_column(sa.Column("publisher", sa.Text(), nullable=False, server_default=""))
    op.execute("UPDATE entries SET publisher = feed")


def downgrade() -> None:
    with op.batch_alter_table("entries") as batch:
        batch.drop_column("publisher")
