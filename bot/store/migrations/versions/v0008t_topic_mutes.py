"""Per-topic mutes: a chat silences one topic's alerts until a time (the "mute for a day"
button under an alert); that topic's alerts to the chat are dropped meanwhile, not held.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.db import UTCDateTime

revision = "0008t"
down_revision = "0008h"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "topic_mutes",
        sa.Column("subscriber_id", sa.Integer(),
                  sa.ForeignKey("subscribers.id", ondelete="CASCADE"), nullable=False),
        sa.Column("topic_id", sa.Text(), nullable=False),
        sa.Column("until", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("subscriber_id", "topic_id", name="pk_topic_mutes"),
    )


def downgrade() -> None:
    op.drop_table("topic_mutes")
