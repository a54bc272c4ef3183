"""What the reminder ledger was last planned from, so an instance planning from the same inputs skips it;
claims take their candidates in order off one index (status, send_at, id).

Revision ID: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plan_stamp",
        sa.Column("name", sa.String(50), nullable=False),
        sa.Column("fingerprint", sa.String(100), nullable=False),
        sa.Column("planned_by", sa.String(200), nullable=False),
        sa.Column("planned_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_index("ix_reminder_claim", "reminder", ["status", "send_at", "id"])
    op.drop_index("ix_reminder_status_send_at", table_name="reminder")


def downgrade() -> None:
    op.create_index("ix_reminder_status_send_at", "reminder", ["status", "send_at"])
    op.drop_index("ix_reminder_claim", table_name="reminder")
    op.drop_table("plan_stamp")
