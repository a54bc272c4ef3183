"""Requests counted for abuse limits (subscribe per address, per client), shared by every instance.

Revision ID: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_rate_event_kind_key_at", "rate_event", ["kind", "key", "at"])


def downgrade() -> None:
    op.drop_index("ix_rate_event_kind_key_at", table_name="rate_event")
    op.drop_table("rate_event")
