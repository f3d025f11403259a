"""A generation number for the audience (who matches what): bumped in the transaction of
every change to subscribers, watches or topic follows, so each process's poller notices
the change at its next tick and rebuilds its matcher.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "generations",
        sa.Column("name", sa.Text(), primary_key=True),
        sa.Column("value", sa.BigInteger(), nullable=False, server_default="0"),
    )
    op.bulk_insert(table, [{"name": "audience", "value": 0}])


def downgrade() -> None:
    op.drop_table("generations")
