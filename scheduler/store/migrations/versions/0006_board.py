"""The deadline board: staff actions (received, returned, extended, nudges), staff accounts with a scope,
files attached to a submission, and the version of each unit's personal feed link.

Revision ID: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    when = sa.DateTime(timezone=True)
    op.create_table(
        "board_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurrence_uid", sa.String(500), nullable=False),
        sa.Column("calendar_id", sa.String(200), nullable=False),
        sa.Column("party_key", sa.String(300), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("how", sa.String(20), nullable=True),
        sa.Column("note", sa.String(2000), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("received_at", when, nullable=True),
        sa.Column("previous_at", when, nullable=True),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("at", when, nullable=False),
        sa.Column("undone_at", when, nullable=True),
        sa.Column("undone_by", sa.String(200), nullable=True),
        sa.Column("idem_key", sa.String(200), nullable=True),
        sa.Column("sent", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("idem_key", name="uq_board_action_idem"),
    )
    op.create_index("ix_board_action_pair", "board_action", ["occurrence_uid", "party_key"])
    op.create_table(
        "staff_account",
        sa.Column("username", sa.String(100), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(300), nullable=True),
        sa.Column("scope", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.String(300), nullable=False),
        sa.Column("created_at", when, nullable=False),
        sa.Column("disabled_at", when, nullable=True),
        sa.PrimaryKeyConstraint("username"),
    )
    op.create_table(
        "submission_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurrence_uid", sa.String(500), nullable=False),
        sa.Column("party_key", sa.String(300), nullable=False),
        sa.Column("filename", sa.String(300), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("stored_as", sa.String(300), nullable=False),
        sa.Column("uploaded_at", when, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_submission_file_pair", "submission_file", ["occurrence_uid", "party_key"])
    op.create_table(
        "unit_feed",
        sa.Column("party_key", sa.String(300), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("revoked_at", when, nullable=True),
        sa.PrimaryKeyConstraint("party_key"),
    )


def downgrade() -> None:
    op.drop_table("unit_feed")
    op.drop_index("ix_submission_file_pair", table_name="submission_file")
    op.drop_table("submission_file")
    op.drop_table("staff_account")
    op.drop_index("ix_board_action_pair", table_name="board_action")
    op.drop_table("board_action")
