"""Last-Modified of each feed URL, strictly later whenever its body changes (see scheduler/feeds/feed_versions.py).

Revision ID: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feed_version",
        sa.Column("calendar_id", sa.String(200), nullable=False),
        sa.Column("feed", sa.String(500), nullable=False),
        sa.Column("digest", sa.String(100), nullable=False),
        sa.Column("last_modified", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("calendar_id", "feed"),
    )


def downgrade() -> None:
    op.drop_table("feed_version")
