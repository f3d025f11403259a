"""`feeds.last_status` holds an HTTP status (or fetch outcome): name it so, apart from
the signing statuses elsewhere.
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("feeds") as batch:
        batch.alter_column("last_status", new_column_name="last_http_status")


def downgrade() -> None:
    with op.batch_alter_table("feeds") as batch:
        batch.alter_column("last_http_status", new_column_name="last_status")
