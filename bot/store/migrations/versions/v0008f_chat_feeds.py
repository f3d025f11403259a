"""Feeds added in chat by an admin (an OPML file), polled alongside feeds.yaml's, and the
"feeds" generation bumped with every change to them so each running poller notices.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.db import UTCDateTime

revision = "0008f"
down_revision = "0008s"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chat_feeds",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False, server_default=""),
        sa.Column("lang", sa.Text()),
        sa.Column("category", sa.Text(), nullable=False, server_default=""),
        sa.Column("added_at", UTCDateTime(), nullable=False),
        sa.Column("added_by", sa.BigInteger()),
        sa.UniqueConstraint("url", name="uq_chat_feeds_url"),
    )
    generations = sa.table("generations", sa.column("name", sa.Text()),
                           sa.column("value", sa.BigInteger()))
    op.bulk_insert(generations, [{"name": "feeds", "value": 0}])


def downgrade() -> None:
    op.execute("DELETE FROM generations WHERE name = 'feeds'")
    op.drop_table("chat_feeds")
