"""The schema as `create_all` made it before migrations: feed ledger and reminder tables.

Each table and index is created only if missing, so a database made by an
earlier release (tables from `create_all`, no alembic_version) is brought
under Alembic as it is, with its rows, and a partial one (the reminder CLI
created only its own tables) is completed.

Revision ID: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.schema import SchemaItem

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _tables() -> list[tuple[str, list[SchemaItem]]]:
    when = sa.DateTime(timezone=True)
    return [
        ("feed_revision", [
            sa.Column("calendar_id", sa.String(200), nullable=False),
            sa.Column("uid", sa.String(500), nullable=False),
            sa.Column("fingerprint", sa.String(100), nullable=False),
            sa.Column("sequence", sa.Integer(), nullable=False),
            sa.Column("dtstamp", when, nullable=False),
            sa.Column("start", sa.Date(), nullable=False),
            sa.Column("event_json", sa.Text(), nullable=False),
            sa.Column("deleted_at", when, nullable=True),
            sa.PrimaryKeyConstraint("calendar_id", "uid"),
        ]),
        ("reminder", [
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("occurrence_uid", sa.String(), nullable=False),
            sa.Column("calendar_id", sa.String(), nullable=False),
            sa.Column("kind", sa.String(), nullable=False),
            sa.Column("offset_days", sa.Integer(), nullable=False),
            sa.Column("recipient_key", sa.String(), nullable=False),
            sa.Column("party_key", sa.String(), nullable=False),
            sa.Column("party_name", sa.String(), nullable=False),
            sa.Column("email", sa.String(), nullable=False),
            sa.Column("send_at", when, nullable=False),
            sa.Column("due_at", when, nullable=False),
            sa.Column("status", sa.String(), nullable=False),
            sa.Column("claimed_by", sa.String(), nullable=True),
            sa.Column("lease_until", when, nullable=True),
            sa.Column("not_before", when, nullable=True),
            sa.Column("attempts", sa.Integer(), nullable=False),
            sa.Column("sent_at", when, nullable=True),
            sa.Column("message_id", sa.String(), nullable=True),
            sa.Column("last_error", sa.String(), nullable=True),
            sa.Column("updated_at", when, nullable=False),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("occurrence_uid", "recipient_key", "offset_days", name="uq_reminder_once"),
        ]),
        ("reminder_optout", [
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("email", sa.String(), nullable=False),
            sa.Column("scope", sa.String(), nullable=False),
            sa.Column("created_at", when, nullable=False),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("email", "scope", name="uq_optout_once"),
        ]),
        ("reminder_subscription", [
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("email", sa.String(), nullable=False),
            sa.Column("calendar_id", sa.String(), nullable=False),
            sa.Column("status", sa.String(), nullable=False),
            sa.Column("nonce", sa.String(), nullable=False),
            sa.Column("created_at", when, nullable=False),
            sa.Column("confirmed_at", when, nullable=True),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("email", "calendar_id", name="uq_subscription_once"),
        ]),
        ("submission", [
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("occurrence_uid", sa.String(), nullable=False),
            sa.Column("party_key", sa.String(), nullable=False),
            sa.Column("submitted_at", when, nullable=False),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("occurrence_uid", "party_key", name="uq_submission_once"),
        ]),
    ]


INDEXES = [
    ("ix_reminder_occurrence_party", "reminder", ["occurrence_uid", "party_key"]),
    ("ix_reminder_calendar_id", "reminder", ["calendar_id"]),
    ("ix_reminder_status_send_at", "reminder", ["status", "send_at"]),
]


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    existing = set(inspector.get_table_names())
    for name, items in _tables():
        if name not in existing:
            op.create_table(name, *items)
    for index, table, columns in INDEXES:
        if index not in {i["name"] for i in sa.inspect(op.get_bind()).get_indexes(table)}:
            op.create_index(index, table, columns)


def downgrade() -> None:
    for index, table, _ in INDEXES:
        op.drop_index(index, table_name=table)
    for name, _ in reversed(_tables()):
        op.drop_table(name)
