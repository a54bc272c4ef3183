"""Each reminder records its delivery channel ("email" or "webhook"); rows of earlier releases are email.

Revision ID: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reminder") as batch:  # SQLite: batch mode copes with ALTER's limits
        batch.add_column(sa.Column("channel", sa.String(), nullable=False, server_default="email"))


def downgrade() -> None:
    with op.batch_alter_table("reminder") as batch:
        batch.drop_column("channel")
