"""The reminder ledger in the database: what is planned, claimed, sent, failed, missed.

One row per (deadline occurrence, recipient, offset), enforced by a unique
constraint, so a reminder exists once whatever happens: re-planning upserts
(moved deadlines move their pending rows, removed ones cancel them, rows
already sent stay on record).

Sending is claim → send → mark. A claim is one conditional UPDATE that only
takes rows still ``pending`` (or ``claimed`` with an expired lease), tagged
with a token unique to this claim; the rows carrying the token afterwards are
exactly the ones this instance won. Under SQLite the statement is atomic;
under PostgreSQL (READ COMMITTED) a competing UPDATE re-checks the WHERE
clause on the committed row and skips it, and the candidate sub-select uses
FOR UPDATE SKIP LOCKED so instances do not queue behind each other. So
several instances can share one database without sending anything twice,
and a process that dies mid-wave leaves only its claimed rows (the messages
in flight) to be retried: after the lease, or at once by a restart on the
same host (``release_dead_local``).

Datetimes go in aware and come back aware, in UTC (sqlmodel's UTCDateTime).
"""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Any

from sqlalchemy import (Index, Integer, String, Table, UniqueConstraint, and_, bindparam, case, func, or_, select,
                        text, update)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Field, SQLModel

from scheduler.reminders.planning import LOOKBACK, Kind, PlannedReminder, Subscriber


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


@dataclass(frozen=True, slots=True)
class PlanStamp:
    fingerprint: str
    planned_by: str
    planned_at: datetime


@dataclass(frozen=True, slots=True)
class StoredReminder:
    id: int
    occurrence_uid: str
    calendar_id: str
    kind: str
    offset_days: int
    recipient_key: str
    party_key: str
    party_name: str
    email: str
    send_at: datetime
    due_at: datetime
    status: str
    attempts: int
    sent_at: datetime | None
    last_error: str | None
    message_id: str | None
    claimed_by: str | None
    channel: str = "email"  # through which channel it goes: "email" or "webhook"
    # From a claim: the smallest offset of this (occurrence, recipient)'s reminders already due or sent
    # (see claim_due); None when read otherwise.
    nearest: int | None = None

    @property
    def message_key(self) -> str:
        """Stable per (reminder, recipient): the Message-ID is derived from it."""
        return f"{self.kind}:{self.occurrence_uid}:{self.offset_days}:{self.recipient_key}"


@dataclass(frozen=True, slots=True)
class ReconcileStats:
    inserted: int = 0
    moved: int = 0
    cancelled: int = 0
    suppressed: int = 0
    revived: int = 0
    unchanged: int = 0


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one claimed row."""

    id: int
    token: str  # the claim token (StoredReminder.claimed_by): a row re-claimed by another instance is not touched
    status: Status  # SENT, FAILED or PENDING (temporary failure: try again next tick)
    message_id: str | None = None
    error: str | None = None


NEVER = datetime(1970, 1, 1, tzinfo=UTC)
ANALYZE_AFTER = 1000  # rows written by one reconcile after which PostgreSQL's statistics are refreshed


def utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("datetime must be timezone-aware")
    return value.astimezone(UTC)


def aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


_STORED_FIELDS = ("id", "occurrence_uid", "calendar_id", "kind", "offset_days", "recipient_key", "party_key",
                  "party_name", "email", "send_at", "due_at", "status", "attempts", "sent_at", "last_error",
                  "message_id", "claimed_by", "channel")
_STORED_COLUMNS = tuple(ReminderRow.__table__.c[f] for f in _STORED_FIELDS)  # type: ignore[attr-defined]


def _from_row(r: Any, nearest: int | None = None) -> StoredReminder:
    """Plain columns to the value (no ORM validation: a wave reads thousands of rows)."""
    return StoredReminder(*(*r, nearest))


def _unindexed(column: Any) -> Any:
    """``column || ''``: the same value, which no index can serve. Without statistics SQLite prefers
    ix_reminder_claim for any test of ``status``, even for rows it could take by id (see the callers)."""
    return column.concat("")


def _claimable(which: str, *, indexed: bool = True) -> Any:
    """Rows a claim may take: ``expired`` leases (on the wall clock), or ``pending`` rows due at ``now``
    whose back-off is over; the values are bound as ``now`` and ``wall``.

    ``indexed=False`` for a test of rows already found by id: SQLite would otherwise answer it by walking
    ix_reminder_claim over every due row (a claim then costs in proportion to what is left of the wave)."""
    t = ReminderRow.__table__  # type: ignore[attr-defined]
    wall = bindparam("wall", type_=t.c.updated_at.type)
    status = t.c.status if indexed else _unindexed(t.c.status)
    if which == "expired":
        return and_(status == Status.CLAIMED.value, t.c.lease_until < wall)
    return and_(status == Status.PENDING.value, t.c.send_at <= bindparam("now", type_=t.c.send_at.type),
                or_(t.c.not_before.is_(None), t.c.not_before <= wall))


@lru_cache(maxsize=2)
def _claim(which: str) -> Any:
    """The claim of ``expired`` leases or of ``pending`` rows due at ``now`` (built once; see claim_due)."""
    t = ReminderRow.__table__  # type: ignore[attr-defined]
    wall = bindparam("wall", type_=t.c.updated_at.type)
    candidates = (select(t.c.id).where(_claimable(which)).order_by(t.c.status, t.c.send_at, t.c.id)
                  .limit(bindparam("limit", type_=Integer)).with_for_update(skip_locked=True))
    # The candidates come off ix_reminder_claim in order; the UPDATE takes them by id and tests them again.
    return (update(t).where(t.c.id.in_(candidates.scalar_subquery()), _claimable(which, indexed=False))
            .values(status=Status.CLAIMED, claimed_by=bindparam("token", type_=String),
                    lease_until=bindparam("until", type_=t.c.lease_until.type), attempts=t.c.attempts + 1,
                    updated_at=wall)
            .returning(*_STORED_COLUMNS)
            .execution_options(synchronize_session=False))


@lru_cache(maxsize=1)
def _nearest() -> Any:
    """Per (occurrence, recipient) of the reminders a claim took (its token): the smallest offset of that
    recipient's reminders of the same deadline already due or sent. The claimed rows come off
    ix_reminder_claim (only rows in flight are "claimed"), the others off the unique key's index;
    the status test of the others is unindexed, else SQLite would scan ix_reminder_claim for them."""
    t = ReminderRow.__table__  # type: ignore[attr-defined]
    c, o = t.alias("c"), t.alias("o")
    return (select(c.c.occurrence_uid, c.c.recipient_key, func.min(o.c.offset_days))
            .join(o, and_(o.c.occurrence_uid == c.c.occurrence_uid, o.c.recipient_key == c.c.recipient_key))
            .where(c.c.status == Status.CLAIMED, c.c.claimed_by == bindparam("token", type_=String),
                   c.c.kind == Kind.REMINDER, o.c.kind == Kind.REMINDER,
                   o.c.send_at <= bindparam("now", type_=t.c.send_at.type),
                   _unindexed(o.c.status).in_([Status.PENDING.value, Status.CLAIMED.value, Status.SENT.value]))
            .group_by(c.c.occurrence_uid, c.c.recipient_key))


@lru_cache(maxsize=128)
def _mark_sent(n: int) -> Any:
    """UPDATE of ``n`` sent rows of one claim: ids i0.., Message-IDs m0.., notes e0.. (built once per size)."""
    t = ReminderRow.__table__  # type: ignore[attr-defined]
    ids = [bindparam(f"i{j}", type_=Integer) for j in range(n)]
    # By id, not by walking ix_reminder_claim over every claimed row.
    return (update(t).where(t.c.id.in_(ids), t.c.claimed_by == bindparam("token"),
                            _unindexed(t.c.status) == Status.CLAIMED.value)
            .values(status=Status.SENT,
                    message_id=case(*((t.c.id == ids[j], bindparam(f"m{j}", type_=String)) for j in range(n))),
                    last_error=case(*((t.c.id == ids[j], bindparam(f"e{j}", type_=String)) for j in range(n))),
                    sent_at=bindparam("stamp"), updated_at=bindparam("stamp"), lease_until=None, not_before=None))


def instance_id() -> str:
    """host:pid — claims name their owner so a restart can take back a dead process's claims."""
    return f"{socket.gethostname()}:{os.getpid()}"


def insert_ignoring(conn: Connection, table: Table, key: Sequence[str]) -> Any:
    """INSERT that skips rows whose unique `key` is already there (ON CONFLICT DO NOTHING)."""
    if conn.dialect.name == "postgresql":
        return pg_insert(table).on_conflict_do_nothing(index_elements=list(key))
    if conn.dialect.name == "sqlite":
        return sqlite_insert(table).on_conflict_do_nothing(index_elements=list(key))
    return table.insert()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class ReminderStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create_tables(self) -> None:
        """The latest schema (Alembic migrations, under the schema lock)."""
        from scheduler.store.database import create_tables

        create_tables(self.engine)

    # --- planning ------------------------------------------------------------

    def reconcile(self, planned: Sequence[PlannedReminder], now: datetime) -> ReconcileStats:
        """Make the table match the plan; only rows not yet sent or claimed ever change."""
        t = ReminderRow.__table__  # type: ignore[attr-defined]
        wanted = {p.key: p for p in planned}
        horizon = utc(now - LOOKBACK)
        counts = dict(inserted=0, moved=0, cancelled=0, suppressed=0, revived=0, unchanged=0)
        stamp = utc(now)
        with self.engine.begin() as conn:
            columns = (t.c.id, t.c.occurrence_uid, t.c.recipient_key, t.c.offset_days, t.c.status, t.c.send_at,
                       t.c.due_at, t.c.party_name, t.c.kind)
            # Every row of a planned occurrence (sent ones too: the unique key must not be inserted twice),
            # and every open row that may have left the plan.
            existing = {r.id: r for r in conn.execute(select(*columns).where(
                t.c.status.in_([Status.PENDING, Status.SUPPRESSED]), t.c.due_at > horizon)).all()}
            uids = sorted({k[0] for k in wanted})
            for i in range(0, len(uids), 500):
                existing.update((r.id, r) for r in conn.execute(
                    select(*columns).where(t.c.occurrence_uid.in_(uids[i:i + 500]))).all())
            seen: set[tuple[str, str, int]] = set()
            updates: list[dict] = []
            for row in existing.values():
                key = (row.occurrence_uid, row.recipient_key, row.offset_days)
                seen.add(key)
                p = wanted.get(key)
                if p is None:
                    # A reminder of a deadline now past is out of the plan because of time, not an edit:
                    # left as it is (a pending one is then recorded as missed when claimed).
                    if row.status in (Status.PENDING, Status.SUPPRESSED) and not (
                        row.kind == Kind.REMINDER and row.due_at <= stamp
                    ):
                        updates.append(dict(_id=row.id, _status=Status.CANCELLED, _send=row.send_at,
                                            _due=row.due_at, _name=row.party_name, _upd=stamp))
                        counts["cancelled"] += 1
                    continue
                target = Status.SUPPRESSED if p.suppressed else Status.PENDING
                send_at, due_at = utc(p.send_at), utc(p.due_at)
                if row.status in (Status.PENDING, Status.SUPPRESSED, Status.CANCELLED):
                    changed = (row.send_at, row.due_at, row.party_name) != (send_at, due_at, p.party_name)
                    if row.status != target or changed:
                        counts["revived" if row.status == Status.CANCELLED and target == Status.PENDING
                               else "suppressed" if target == Status.SUPPRESSED and row.status != target
                               else "moved"] += 1
                        updates.append(dict(_id=row.id, _status=target, _send=send_at, _due=due_at,
                                            _name=p.party_name, _upd=stamp))
                        continue
                counts["unchanged"] += 1
            if updates:
                conn.execute(
                    update(t).where(t.c.id == bindparam("_id")).where(or_(  # no IN: executemany
                        t.c.status == Status.PENDING, t.c.status == Status.SUPPRESSED, t.c.status == Status.CANCELLED))
                    .values(status=bindparam("_status"), send_at=bindparam("_send"), due_at=bindparam("_due"),
                            party_name=bindparam("_name"), updated_at=bindparam("_upd")),
                    updates,
                )
            new = [
                dict(occurrence_uid=p.occurrence_uid, calendar_id=p.calendar_id, kind=p.kind.value,
                     offset_days=p.offset_days, recipient_key=p.recipient_key, party_key=p.party_key,
                     party_name=p.party_name, email=p.email, channel=p.channel, send_at=utc(p.send_at),
                     due_at=utc(p.due_at),
                     status=Status.SUPPRESSED if p.suppressed else Status.PENDING, attempts=0, updated_at=stamp)
                for key, p in wanted.items() if key not in seen
            ]
            if new:
                # Another instance may have planned the same rows since the read above: skip those.
                result = conn.execute(insert_ignoring(conn, t, ("occurrence_uid", "recipient_key", "offset_days")), new)
                counts["inserted"] = result.rowcount if result.rowcount is not None and result.rowcount >= 0 else len(new)
        if self.engine.dialect.name == "postgresql" and len(new) + len(updates) >= ANALYZE_AFTER:
            # A wave of thousands of new rows: the planner's statistics would still describe the table before
            # it (autovacuum comes later), and the sender's lookups would scan the wave instead of its index.
            with self.engine.begin() as conn:
                conn.execute(text("ANALYZE reminder"))
        return ReconcileStats(**counts)

    def plan_stamp(self, name: str = "reminders") -> PlanStamp | None:
        """What the ledger was last planned from (see :class:`PlanStampRow`), or None."""
        p = PlanStampRow.__table__  # type: ignore[attr-defined]
        with self.engine.connect() as conn:
            row = conn.execute(select(p.c.fingerprint, p.c.planned_by, p.c.planned_at).where(p.c.name == name)).first()
        return None if row is None else PlanStamp(row.fingerprint, row.planned_by, aware(row.planned_at) or utc(NEVER))

    def save_plan_stamp(self, fingerprint: str, planned_by: str, now: datetime, name: str = "reminders") -> None:
        """Record what the ledger was just planned from; the caller holds the ``plan`` lock."""
        p = PlanStampRow.__table__  # type: ignore[attr-defined]
        with self.engine.begin() as conn:
            conn.execute(p.delete().where(p.c.name == name))
            conn.execute(p.insert().values(name=name, fingerprint=fingerprint, planned_by=planned_by,
                                           planned_at=utc(now)))

    # --- sending -------------------------------------------------------------

    def claim_due(self, now: datetime, owner: str, *, limit: int, lease: timedelta,
                  wall: datetime | None = None) -> list[StoredReminder]:
        """Atomically take up to ``limit`` rows due at ``now``; leases run on the wall clock.

        Claims whose lease expired (their instance died) come first, then pending rows in send order.
        Each is one UPDATE whose candidates come off an index (``ix_reminder_claim``: status, send_at,
        id), so a claim costs the same at the end of a 20,000-row wave as at its start, and the
        claimed rows come back from the UPDATE itself (RETURNING), each with its ``nearest``: the
        smallest offset of the same recipient's reminders of the same deadline already due or sent,
        read in the same transaction (a catch-up after downtime sends only the nearest reminder).
        """
        wall_u = utc(wall or datetime.now(UTC))
        values = dict(token=f"{owner}#{secrets.token_hex(6)}", now=utc(now), wall=wall_u, until=wall_u + lease)
        rows: list[Any] = []
        with self.engine.begin() as conn:
            for which in ("expired", "pending"):
                if len(rows) >= limit:
                    break
                rows += conn.execute(_claim(which), {**values, "limit": limit - len(rows)}).all()
            nearest = {(u, k): m for u, k, m in conn.execute(_nearest(), values).all()} if rows else {}
        claimed = (_from_row(r, nearest.get((r.occurrence_uid, r.recipient_key))) for r in rows)
        return sorted(claimed, key=lambda r: (r.send_at, r.id))

    def count_due(self, now: datetime, *, wall: datetime) -> int:
        """How many rows a claim at ``now`` could take (the same rows as :meth:`claim_due`)."""
        stmt = select(func.count()).where(or_(_claimable("pending"), _claimable("expired")))
        with self.engine.connect() as conn:
            return int(conn.execute(stmt, dict(now=utc(now), wall=utc(wall))).scalar_one())

    def mark(self, outcomes: Iterable[Outcome], *, now: datetime) -> int:
        """Record what happened to claimed rows; returns how many rows changed.

        Sent rows (nearly all of a wave) are one UPDATE per claim token, their Message-IDs chosen
        by row id; the others one statement each (executemany). Only rows still claimed under the
        outcome's token change: a row another instance re-claimed after a lease is not touched.
        """
        outcomes = list(outcomes)
        if not outcomes:
            return 0
        t = ReminderRow.__table__  # type: ignore[attr-defined]
        stamp = utc(now)
        sent: dict[str, list[Outcome]] = {}
        for o in outcomes:
            if o.status is Status.SENT:
                sent.setdefault(o.token, []).append(o)
        params = [
            dict(_id=o.id, _token=o.token, _status=o.status.value, _mid=o.message_id, _err=o.error,
                 _sent=None, _upd=stamp, _by=None)
            for o in outcomes if o.status is not Status.SENT
        ]
        changed = 0
        with self.engine.begin() as conn:
            # A sent row keeps its claim token: which instance sent it (host:pid#claim), for the admin and the tests.
            for token, group in sent.items():
                values: dict[str, object] = dict(token=token, stamp=stamp)
                for j, o in enumerate(group):
                    values.update({f"i{j}": o.id, f"m{j}": o.message_id, f"e{j}": o.error})
                changed += conn.execute(_mark_sent(len(group)), values).rowcount or 0
            if params:
                stmt = (update(t).where(t.c.id == bindparam("_id"), t.c.claimed_by == bindparam("_token"),
                                        t.c.status == Status.CLAIMED)
                        .values(status=bindparam("_status"), message_id=bindparam("_mid"), last_error=bindparam("_err"),
                                sent_at=bindparam("_sent"), updated_at=bindparam("_upd"), claimed_by=bindparam("_by"),
                                lease_until=None, not_before=None))
                changed += conn.execute(stmt, params).rowcount or 0
        return changed

    def mark_missed(self, rows: Iterable[tuple[int, str, str]], *, now: datetime) -> int:
        """(id, claim token, Vietnamese reason) of claimed rows whose moment has passed."""
        t = ReminderRow.__table__  # type: ignore[attr-defined]
        params = [dict(_id=i, _token=token, _err=why, _upd=utc(now)) for i, token, why in rows]
        if not params:
            return 0
        with self.engine.begin() as conn:
            result = conn.execute(
                update(t).where(t.c.id == bindparam("_id"), t.c.claimed_by == bindparam("_token"), t.c.status == Status.CLAIMED)
                .values(status=Status.MISSED, last_error=bindparam("_err"), updated_at=bindparam("_upd"),
                        claimed_by=None, lease_until=None),
                params,
            )
        return result.rowcount or 0

    def release_dead_local(self) -> int:
        """Claims of processes on this host that no longer run go back to pending at once."""
        t = ReminderRow.__table__  # type: ignore[attr-defined]
        host = socket.gethostname()
        with self.engine.connect() as conn:
            owners = conn.execute(select(t.c.claimed_by).where(t.c.status == Status.CLAIMED).distinct()).scalars().all()
        dead = []
        for owner in owners:
            h, _, rest = (owner or "").partition(":")
            pid = rest.partition("#")[0]
            if h == host and pid.isdigit() and int(pid) != os.getpid() and not _pid_alive(int(pid)):
                dead.append(owner)
        if not dead:
            return 0
        with self.engine.begin() as conn:
            result = conn.execute(update(t).where(t.c.status == Status.CLAIMED, t.c.claimed_by.in_(dead))
                                  .values(status=Status.PENDING, claimed_by=None, lease_until=None))
        return result.rowcount or 0

    def release_own(self, owner: str) -> int:
        """Claims `owner` still holds go back to pending: called between waves (one at a time per instance),
        so they are left from a wave that a fault (database gone mid-wave) interrupted."""
        t = ReminderRow.__table__  # type: ignore[attr-defined]
        with self.engine.begin() as conn:
            result = conn.execute(update(t).where(t.c.status == Status.CLAIMED, t.c.claimed_by.like(f"{owner}#%"))
                                  .values(status=Status.PENDING, claimed_by=None, lease_until=None))
        return result.rowcount or 0

    # --- reading -------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        t = ReminderRow.__table__  # type: ignore[attr-defined]
        with self.engine.connect() as conn:
            rows = conn.execute(select(t.c.status, func.count()).group_by(t.c.status)).all()
        return {s.value: 0 for s in Status} | {status: n for status, n in rows}

    def rows(self, *, statuses: Sequence[str] = (), occurrence_uids: Sequence[str] = (),
             limit: int | None = None) -> list[StoredReminder]:
        stmt = select(ReminderRow)
        if statuses:
            stmt = stmt.where(ReminderRow.status.in_(statuses))  # type: ignore[attr-defined]
        if occurrence_uids:
            stmt = stmt.where(ReminderRow.occurrence_uid.in_(occurrence_uids))  # type: ignore[attr-defined]
        stmt = stmt.order_by(ReminderRow.send_at, ReminderRow.id).limit(limit)  # type: ignore[arg-type]
        with self.engine.connect() as conn:
            return [_from_row(r) for r in conn.execute(stmt.with_only_columns(*_STORED_COLUMNS)).all()]

    def status_by_occurrence(self) -> dict[tuple[str, str], dict[str, int]]:
        """(calendar id, occurrence uid) -> status -> count: the admin's view of each deadline."""
        t = ReminderRow.__table__  # type: ignore[attr-defined]
        stmt = (select(t.c.calendar_id, t.c.occurrence_uid, t.c.status, func.count())
                .group_by(t.c.calendar_id, t.c.occurrence_uid, t.c.status))
        out: dict[tuple[str, str], dict[str, int]] = {}
        with self.engine.connect() as conn:
            for cid, uid, status, n in conn.execute(stmt).all():
                out.setdefault((cid, uid), {})[status] = n
        return out

    # --- submissions ---------------------------------------------------------

    def record_submission(self, occurrence_uid: str, party_key: str, now: datetime) -> bool:
        """Record "Đã nộp" once; pending rows of that unit for that deadline stop. True if new."""
        s = SubmissionRow.__table__  # type: ignore[attr-defined]
        t = ReminderRow.__table__  # type: ignore[attr-defined]
        with self.engine.begin() as conn:
            exists = conn.execute(select(s.c.id).where(s.c.occurrence_uid == occurrence_uid,
                                                       s.c.party_key == party_key)).first()
            if exists is None:
                conn.execute(insert_ignoring(conn, s, ("occurrence_uid", "party_key")),
                             [dict(occurrence_uid=occurrence_uid, party_key=party_key, submitted_at=utc(now))])
            conn.execute(update(t).where(t.c.occurrence_uid == occurrence_uid, t.c.party_key == party_key,
                                         t.c.status == Status.PENDING, t.c.kind != Kind.SUMMARY)
                         .values(status=Status.SUPPRESSED, updated_at=utc(now)))
        return exists is None

    def submissions(self, occurrence_uids: Sequence[str] | None = None) -> dict[str, dict[str, datetime]]:
        s = SubmissionRow.__table__  # type: ignore[attr-defined]
        stmt = select(s.c.occurrence_uid, s.c.party_key, s.c.submitted_at)
        if occurrence_uids is not None:
            stmt = stmt.where(s.c.occurrence_uid.in_(list(occurrence_uids)))
        out: dict[str, dict[str, datetime]] = {}
        with self.engine.connect() as conn:
            for uid, party, at in conn.execute(stmt).all():
                out.setdefault(uid, {})[party] = aware(at)  # type: ignore[assignment]
        return out

    def submitted_pairs(self) -> frozenset[tuple[str, str]]:
        return frozenset((uid, party) for uid, parties in self.submissions().items() for party in parties)

    # --- abuse limits --------------------------------------------------------

    def hit(self, kind: str, key: str, now: datetime, *, window: timedelta, limit: int) -> datetime | None:
        """Count one request of `key`; None if within `limit` per `window`, else when the oldest one expires.

        Refused requests are not counted, so a flood does not extend its own ban. Rows older than the
        window are deleted as they are met. Several instances may each let one more through at once:
        the limit is a bound on abuse, not an exact quota.
        """
        r = RateEventRow.__table__  # type: ignore[attr-defined]
        since = utc(now - window)
        with self.engine.begin() as conn:
            conn.execute(r.delete().where(r.c.kind == kind, r.c.key == key, r.c.at <= since))
            times = conn.execute(select(r.c.at).where(r.c.kind == kind, r.c.key == key).order_by(r.c.at)
                                 .limit(limit)).scalars().all()
            if len(times) >= limit:
                first = aware(times[0])
                assert first is not None  # the column is NOT NULL
                return first + window
            conn.execute(r.insert().values(kind=kind, key=key, at=utc(now)))
        return None

    # --- subscriptions -------------------------------------------------------

    def request_subscription(self, email: str, calendar_id: str, now: datetime) -> tuple[int, str, bool]:
        """(id, nonce, already confirmed) for a subscribe request; a new nonce each time."""
        email = email.strip().lower()
        nonce = secrets.token_hex(8)
        s = SubscriptionRow.__table__  # type: ignore[attr-defined]
        with self.engine.begin() as conn:
            # Insert-or-ignore first: two requests at once (two instances) must not both insert.
            conn.execute(insert_ignoring(conn, s, ("email", "calendar_id")),
                         [dict(email=email, calendar_id=calendar_id, status="pending", nonce=nonce, created_at=utc(now))])
            row = conn.execute(select(s.c.id, s.c.status, s.c.nonce)
                               .where(s.c.email == email, s.c.calendar_id == calendar_id)).one()
            if row.status == "confirmed":
                return row.id, "", True
            if row.status == "pending":
                # Asked again before confirming: the link already mailed stays valid (same nonce).
                return row.id, row.nonce, False
            if row.nonce != nonce:
                conn.execute(update(s).where(s.c.id == row.id).values(status="pending", nonce=nonce, created_at=utc(now)))
            return row.id, nonce, False

    def confirm_subscription(self, sub_id: int, nonce: str, now: datetime) -> SubscriptionRow | None:
        s = SubscriptionRow.__table__  # type: ignore[attr-defined]
        o = OptOutRow.__table__  # type: ignore[attr-defined]
        with self.engine.begin() as conn:
            row = conn.execute(select(SubscriptionRow).where(s.c.id == sub_id)).first()
            if row is None:
                return None
            sub = SubscriptionRow.model_validate(row._mapping)
            if sub.status == "confirmed":
                return sub
            if not nonce or not secrets.compare_digest(sub.nonce, nonce) or sub.status != "pending":
                return None
            conn.execute(update(s).where(s.c.id == sub_id).values(status="confirmed", confirmed_at=utc(now)))
            conn.execute(o.delete().where(o.c.email == sub.email, o.c.scope.in_([sub.calendar_id, "*"])))
            sub.status = "confirmed"
            return sub

    def unsubscribe(self, email: str, scope: str, now: datetime) -> None:
        """Stop reminders to ``email`` for one calendar (or "*"): subscriptions end, group mail stops."""
        email = email.strip().lower()
        s = SubscriptionRow.__table__  # type: ignore[attr-defined]
        o = OptOutRow.__table__  # type: ignore[attr-defined]
        t = ReminderRow.__table__  # type: ignore[attr-defined]
        with self.engine.begin() as conn:
            where = s.c.email == email if scope == "*" else and_(s.c.email == email, s.c.calendar_id == scope)
            conn.execute(update(s).where(where).values(status="unsubscribed"))
            conn.execute(insert_ignoring(conn, o, ("email", "scope")),
                         [dict(email=email, scope=scope, created_at=utc(now))])
            rows = and_(func.lower(t.c.email) == email, t.c.status == Status.PENDING)
            if scope != "*":
                rows = and_(rows, t.c.calendar_id == scope)
            conn.execute(update(t).where(rows).values(status=Status.CANCELLED, last_error="Người nhận đã hủy đăng ký",
                                                      updated_at=utc(now)))

    def subscribers(self) -> list[Subscriber]:
        s = SubscriptionRow.__table__  # type: ignore[attr-defined]
        with self.engine.connect() as conn:
            rows = conn.execute(select(s.c.email, s.c.calendar_id).where(s.c.status == "confirmed")).all()
        return [Subscriber(e, c) for e, c in rows]

    def opted_out(self) -> frozenset[tuple[str, str]]:
        o = OptOutRow.__table__  # type: ignore[attr-defined]
        with self.engine.connect() as conn:
            return frozenset((e, sc) for e, sc in conn.execute(select(o.c.email, o.c.scope)).all())


