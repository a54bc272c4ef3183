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

The ledger's tables are in :mod:`scheduler.reminders.tables`; the records
beside it (submissions, subscriptions, opt-outs, rate log, plan stamps) are
queried by :mod:`scheduler.reminders.records`, a part of the same store.
Datetimes go in aware and come back aware, in UTC (sqlmodel's UTCDateTime).
"""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import Integer, String, and_, bindparam, case, func, or_, select, update
from sqlalchemy.engine import Engine

from scheduler.reminders.planning import Kind, PlannedReminder
from scheduler.reminders.reconcile import ReconcileStats, reconcile
from scheduler.reminders.records import PlanStamp, Records
from scheduler.reminders.scope import Scope
from scheduler.reminders.tables import (
    NEVER,
    STATUS_VN,
    OptOutRow,
    PlanStampRow,
    RateEventRow,
    ReminderRow,
    Status,
    SubmissionRow,
    SubscriptionRow,
    aware,
    insert_ignoring,
    utc,
)

__all__ = ["NEVER", "STATUS_VN", "OptOutRow", "Outcome", "PlanStamp", "PlanStampRow", "RateEventRow",
           "ReconcileStats", "ReminderRow", "ReminderStore", "Status", "StoredReminder", "SubmissionRow",
           "SubscriptionRow", "aware", "insert_ignoring", "instance_id", "utc"]


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
class Outcome:
    """What happened to one claimed row."""

    id: int
    token: str  # the claim token (StoredReminder.claimed_by): a row re-claimed by another instance is not touched
    status: Status  # SENT, FAILED or PENDING (temporary failure: try again next tick)
    message_id: str | None = None
    error: str | None = None



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


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class ReminderStore(Records):
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create_tables(self) -> None:
        """The latest schema (Alembic migrations, under the schema lock)."""
        from scheduler.store.database import create_tables

        create_tables(self.engine)

    # --- planning ------------------------------------------------------------

    def reconcile(self, planned: Iterable[PlannedReminder], now: datetime, *,
                  scope: Scope | None = None) -> ReconcileStats:
        """Make the table match the plan; only rows not yet sent or claimed ever change.

        With ``scope`` the plan covers only its deadlines (and its units of some deadlines): only their rows
        are read (by index) and compared; the rest of the ledger is taken to match the plan already.
        A plan read as it is made (planning.PlannedRows) is stored a chunk of rows at a time, never held whole."""
        return reconcile(self.engine, planned, now, scope, getattr(planned, "occurrences", None))

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
