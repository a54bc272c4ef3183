"""The tables of the reminders in the database, and the helpers every store module shares.

The reminder ledger itself (:class:`ReminderRow`, one row per deadline
occurrence, recipient and offset) and the records beside it: "Đã nộp"
submissions, email subscriptions, opt-outs, the rate log of abuse limits and
the plan stamp. The queries live in :mod:`scheduler.reminders.ledger` (the
ledger: plan, claim, mark) and :mod:`scheduler.reminders.records` (the others).

Datetimes go in aware and come back aware, in UTC (sqlmodel's UTCDateTime).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Index, Table, UniqueConstraint
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlmodel import Field, SQLModel


class Status(StrEnum):
    PENDING = "pending"
    CLAIMED = "claimed"
    SENT = "sent"
    FAILED = "failed"  # permanent: the admin must fix an address or a server setting
    MISSED = "missed"  # its moment passed (service down past the deadline); recorded, not sent
    CANCELLED = "cancelled"  # the deadline, recipient or offset left the plan
    SUPPRESSED = "suppressed"  # the unit clicked "Đã nộp"


STATUS_VN = {
    Status.PENDING: "chờ gửi",
    Status.CLAIMED: "đang gửi",
    Status.SENT: "đã gửi",
    Status.FAILED: "lỗi",
    Status.MISSED: "bỏ lỡ",
    Status.CANCELLED: "đã hủy",
    Status.SUPPRESSED: "đã nộp, ngừng nhắc",
}


class ReminderRow(SQLModel, table=True):
    __tablename__ = "reminder"
    __table_args__ = (
        UniqueConstraint("occurrence_uid", "recipient_key", "offset_days", name="uq_reminder_once"),
        Index("ix_reminder_claim", "status", "send_at", "id"),  # claim_due's candidates, in order
        Index("ix_reminder_occurrence_party", "occurrence_uid", "party_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    occurrence_uid: str
    calendar_id: str = Field(index=True)
    kind: str
    offset_days: int
    recipient_key: str
    party_key: str
    party_name: str
    email: str  # the address: an email, or "webhook:<unit id>"
    channel: str = Field(default="email", sa_column_kwargs={"server_default": "email"})  # "email" or "webhook"
    send_at: datetime
    due_at: datetime
    status: str = Field(default=Status.PENDING)
    claimed_by: str | None = None
    lease_until: datetime | None = None
    not_before: datetime | None = None  # after a temporary failure: wait before trying again
    attempts: int = 0
    sent_at: datetime | None = None
    message_id: str | None = None
    last_error: str | None = None
    updated_at: datetime


class SubmissionRow(SQLModel, table=True):
    __tablename__ = "submission"
    __table_args__ = (UniqueConstraint("occurrence_uid", "party_key", name="uq_submission_once"),)

    id: int | None = Field(default=None, primary_key=True)
    occurrence_uid: str
    party_key: str
    submitted_at: datetime


class SubscriptionRow(SQLModel, table=True):
    __tablename__ = "reminder_subscription"
    __table_args__ = (UniqueConstraint("email", "calendar_id", name="uq_subscription_once"),)

    id: int | None = Field(default=None, primary_key=True)
    email: str
    calendar_id: str
    status: str = "pending"  # pending (not confirmed yet) / confirmed / unsubscribed
    nonce: str  # changes on every new request, so an old confirmation link stops working
    created_at: datetime
    confirmed_at: datetime | None = None


class OptOutRow(SQLModel, table=True):
    __tablename__ = "reminder_optout"
    __table_args__ = (UniqueConstraint("email", "scope", name="uq_optout_once"),)

    id: int | None = Field(default=None, primary_key=True)
    email: str
    scope: str  # a calendar id, or "*" for everything
    created_at: datetime


class RateEventRow(SQLModel, table=True):
    """One counted request (kind "subscribe-address" or "subscribe-client"); see ReminderStore.hit."""

    __tablename__ = "rate_event"
    __table_args__ = (Index("ix_rate_event_kind_key_at", "kind", "key", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str
    key: str
    at: datetime


class PlanStampRow(SQLModel, table=True):
    """What the reminder ledger was last planned from: a fingerprint of every input and the day.

    Written under the ``plan`` lock after a reconcile; an instance about to plan from the same
    inputs (the same calendars, recipients files, subscriptions, opt-outs, submissions, policy,
    local day) finds it and skips re-reading the recipients and re-planning.
    """

    __tablename__ = "plan_stamp"

    name: str = Field(primary_key=True, max_length=50)  # what was planned: "reminders"
    fingerprint: str = Field(max_length=100)
    planned_by: str = Field(max_length=200)  # the instance (host:pid) that planned
    planned_at: datetime


NEVER = datetime(1970, 1, 1, tzinfo=UTC)


def utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("datetime must be timezone-aware")
    return value.astimezone(UTC)


def aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def insert_ignoring(conn: Connection, table: Table, key: Sequence[str]) -> Any:
    """INSERT that skips rows whose unique `key` is already there (ON CONFLICT DO NOTHING)."""
    if conn.dialect.name == "postgresql":
        return pg_insert(table).on_conflict_do_nothing(index_elements=list(key))
    if conn.dialect.name == "sqlite":
        return sqlite_insert(table).on_conflict_do_nothing(index_elements=list(key))
    return table.insert()


def bulk_insert_ignoring(conn: Connection, table: Table, key: Sequence[str], columns: Sequence[str],
                         rows: Iterable[Sequence[Any]], *, chunk: int = 5_000) -> int:
    """:func:`insert_ignoring` of many rows (values in ``columns``' order), straight to the driver in chunks;
    returns how many were inserted (-1 when the driver cannot say).

    A wave of 200,000 units plans 400,000 rows: through the ORM's parameter processing each costs
    tens of µs and the whole list is built first. Here each column's bind processor (the UTC
    datetimes) runs once per distinct value, and only ``chunk`` rows are in memory at a time;
    the stored values are the ones the ORM would store.
    """
    dialect = conn.dialect
    compiled = insert_ignoring(conn, table, key).compile(dialect=dialect, column_keys=list(columns))
    processors = [table.c[c].type.dialect_impl(dialect).bind_processor(dialect) for c in columns]
    memos: list[dict[Any, Any]] = [{} for _ in columns]
    positions = compiled.positiontup if compiled.positional else None
    order = [list(columns).index(name) for name in positions] if positions is not None else None

    def processed(row: Sequence[Any]) -> list[Any]:
        out = list(row)
        for i, proc in enumerate(processors):
            if proc is not None and out[i] is not None:
                if not isinstance(out[i], datetime):  # few distinct datetimes; anything else is processed as it is
                    out[i] = proc(out[i])
                    continue
                memo = memos[i]
                value = memo.get(out[i], memo)
                if value is memo:
                    value = memo[out[i]] = proc(out[i])
                out[i] = value
        return out

    sql, total, batch = str(compiled), 0, []
    for row in itertools.chain(rows, [None]):
        if row is not None:
            values = processed(row)
            batch.append(tuple(values[i] for i in order) if order is not None else dict(zip(columns, values, strict=True)))
        if batch and (row is None or len(batch) >= chunk):
            result = conn.exec_driver_sql(sql, batch)
            total = total + result.rowcount if total >= 0 and result.rowcount is not None and result.rowcount >= 0 else -1
            batch = []
    return total
