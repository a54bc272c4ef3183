"""What each calendar's feed ledger was last reconciled with, so a restart expands only what changed.

Revision ID: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feed_digest",
        sa.Column("calendar_id", sa.String(200), nullable=False),
        sa.Column("digest", sa.String(100), nullable=False),
        sa.PrimaryKeyConstraint("calendar_id"),
    )


def downgrade() -> None:
    op.drop_table("feed_digest")
