"""When each feed's current failure streak began (feed health alerts name that moment) and
an index to read those alerts back by kind; a SEQUENCE per event override, bumped when an
event moves, for the calendar files."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.db import UTCDateTime

revision = "0008h"
down_revision = "0008f"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("feeds") as batch:
        batch.add_column(sa.Column("failing_since", UTCDateTime()))
    with op.batch_alter_table("event_overrides") as batch:
        batch.add_column(sa.Column("sequence", sa.Integer(), nullable=False,
                                   server_default=sa.text("0")))
    op.create_index("ix_notices_kind", "notices", ["kind"])
    # Every poll since the last success failed: the streak began just after it.
    op.execute("UPDATE feeds SET failing_since = COALESCE(last_ok_at, last_polled_at) "
               "WHERE failures > 0")


def downgrade() -> None:
    op.drop_index("ix_notices_kind", table_name="notices")
    with op.batch_alter_table("event_overrides") as batch:
        batch.drop_column("sequence")
    with op.batch_alter_table("feeds") as batch:
        batch.drop_column("failing_since")
