"""When an entry was last seen listed in its feed, and when each feed last changed: pruning
then forgets only entries their feed no longer lists, so an undated entry still in its feed
is never taken for new again after the retention period.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.db import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("entries") as batch:
        batch.add_column(sa.Column("last_listed_at", UTCDateTime()))
    with op.batch_alter_table("feeds") as batch:
        batch.add_column(sa.Column("last_changed_at", UTCDateTime()))
    op.execute("UPDATE entries SET last_listed_at = seen_at")
    op.execute("UPDATE feeds SET last_changed_at = last_ok_at")


def downgrade() -> None:
    with op.batch_alter_table("feeds") as batch:
        batch.drop_column("last_changed_at")
    with op.batch_alter_table("entries") as batch:
        batch.drop_column("last_listed_at")
