"""Reconciling the reminder ledger with a plan: the rows that differ are moved, cancelled, revived, inserted.

One row per (deadline occurrence, recipient, offset) (see :mod:`scheduler.reminders.ledger`): a re-plan
upserts; rows already sent or claimed never change. A whole plan reads every open row and every row
of its occurrences; a plan of a :class:`Scope` (what one edit or submission touches) reads only
the rows of that scope, by index, so its cost follows the change, not the ledger.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import bindparam, or_, select, text, update
from sqlalchemy.engine import Engine

from scheduler.reminders.planning import LOOKBACK, Kind, PlannedReminder
from scheduler.reminders.scope import Scope
from scheduler.reminders.tables import ReminderRow, Status, bulk_insert_ignoring, utc

_NEW_COLUMNS = ("occurrence_uid", "calendar_id", "kind", "offset_days", "recipient_key", "party_key", "party_name",
                "email", "channel", "send_at", "due_at", "status", "attempts", "updated_at")
ANALYZE_AFTER = 1000  # rows written by one reconcile after which PostgreSQL's statistics are refreshed


_OPEN = (Status.PENDING, Status.SUPPRESSED, Status.CANCELLED)  # the statuses a re-plan may change


class _Stored(NamedTuple):
    """What a re-plan compares of a row already in the ledger."""

    id: int
    occurrence_uid: str
    status: str
    send_at: datetime
    due_at: datetime
    party_name: str
    kind: str


@dataclass(frozen=True, slots=True)
class ReconcileStats:
    inserted: int = 0
    moved: int = 0
    cancelled: int = 0
    suppressed: int = 0
    revived: int = 0
    unchanged: int = 0


def reconcile(engine: Engine, planned: Iterable[PlannedReminder], now: datetime, scope: Scope | None = None,
              occurrences: Collection[str] | None = None) -> ReconcileStats:
    """Make the table match the plan (see ReminderStore.reconcile); ``scope``: the part of the plan given.

    ``planned``: the plan's rows; with ``occurrences`` (the deadline occurrences it plans, see
    planning.plan_rows) they are read once, as they come, and only a chunk of new rows is held at a time."""
    t = ReminderRow.__table__  # type: ignore[attr-defined]
    # No map of the plan by key: its 400,000 keys (a tuple and a new recipient key each) would take 90 MB at
    # the moment planning takes the most; the rows already in the ledger are mapped by key instead.
    wanted: Iterable[PlannedReminder] = (
        planned if scope is None else (p for p in planned if scope.covers(p.occurrence_uid, p.party_key)))
    if occurrences is None:
        wanted = list(wanted)
        occurrences = {p.occurrence_uid for p in wanted}
    planned_uids = set(occurrences)
    horizon = utc(now - LOOKBACK)
    counts = dict(inserted=0, moved=0, cancelled=0, suppressed=0, revived=0, unchanged=0)
    stamp = utc(now)
    with engine.begin() as conn:
        columns = (t.c.id, t.c.occurrence_uid, t.c.recipient_key, t.c.offset_days, t.c.status, t.c.send_at,
                   t.c.due_at, t.c.party_name, t.c.kind)
        # The ledger's rows by key, each a small tuple whose values are shared with the rows that repeat them
        # (a deadline's uid, a status, an instant, a unit's key and name): a whole re-plan reads 400,000 rows.
        by_key: dict[tuple[str, str, int], _Stored] = {}
        shared: dict[Any, Any] = {}

        def take(rows: Iterable[Any]) -> None:
            one = shared.setdefault
            for rid, uid, key, offset, status, send_at, due_at, name, kind in rows:
                if (uid, key, offset) in by_key:
                    continue  # read by both queries below
                uid, key = one(uid, uid), one(key, key)
                by_key[(uid, key, offset)] = _Stored(rid, uid, one(status, status), one(send_at, send_at),
                                                     one(due_at, due_at), one(name, name), one(kind, kind))

        if scope is None:
            # Every row of a planned occurrence (sent ones too: the unique key must not be inserted twice),
            # and every open row that may have left the plan.
            take(conn.execute(select(*columns).where(
                t.c.status.in_([Status.PENDING, Status.SUPPRESSED]), t.c.due_at > horizon).execution_options(yield_per=5000)))
            uids = sorted(planned_uids)
        else:
            # Every row of the occurrences in scope, and the rows of the parties in scope (their index).
            uids = sorted(scope.occurrences)
            for uid, parties in sorted(scope.parties.items()):
                keys = sorted(parties)
                for i in range(0, len(keys), 500):
                    take(conn.execute(select(*columns).where(
                        t.c.occurrence_uid == uid, t.c.party_key.in_(keys[i:i + 500]))))
        for i in range(0, len(uids), 500):
            take(conn.execute(select(*columns).where(t.c.occurrence_uid.in_(uids[i:i + 500]))
                              .execution_options(yield_per=5000)))  # PostgreSQL: not the whole result at once
        shared.clear()
        pending, suppressed = Status.PENDING.value, Status.SUPPRESSED.value
        instants: dict[datetime, datetime] = {}  # a wave's rows share a few instants: each converted once

        def at(value: datetime, instants: dict[datetime, datetime] = instants) -> datetime:
            found = instants.get(value)
            if found is None:  # equal instants in other zones are the same instant in UTC
                found = instants[value] = utc(value)
            return found

        seen: set[int] = set()  # the ledger's rows the plan names
        # Of those, the ones to change, with what their planned row (the last one of their key) wants.
        changes: dict[int, tuple[Status, datetime, datetime, str]] = {}
        fresh = [0]  # rows not in the ledger: inserted as they come (a key planned twice is inserted once)

        def new_rows() -> Iterator[PlannedReminder]:
            for planned_row in wanted:
                found = by_key.get(planned_row.key) if by_key else None
                if found is None:
                    fresh[0] += 1
                    yield planned_row
                    continue
                seen.add(found.id)
                target = Status.SUPPRESSED if planned_row.suppressed else Status.PENDING
                want = (target, at(planned_row.send_at), at(planned_row.due_at), planned_row.party_name)
                if found.status in _OPEN and (found.status != target
                                              or (found.send_at, found.due_at, found.party_name) != want[1:]):
                    changes[found.id] = want
                else:
                    changes.pop(found.id, None)

        # Another instance may have planned the same rows since the read above: they are skipped.
        inserted = bulk_insert_ignoring(
            conn, t, ("occurrence_uid", "recipient_key", "offset_days"), _NEW_COLUMNS,
            ((m.occurrence_uid, m.calendar_id, m.kind.value, m.offset_days, p.recipient_key, p.party_key,
              p.party_name, p.email, p.channel, at(m.send_at), at(m.due_at),
              suppressed if p.suppressed else pending, 0, stamp) for p in new_rows() for m in (p.moment,)))
        counts["inserted"] = inserted if inserted >= 0 else fresh[0]
        updates: list[dict] = []
        for row in by_key.values():
            if row.id not in seen:
                if scope is not None and row.due_at <= horizon and row.occurrence_uid not in planned_uids:
                    continue  # a whole plan does not read it either
                # A reminder of a deadline now past is out of the plan because of time, not an edit:
                # left as it is (a pending one is then recorded as missed when claimed).
                if row.status in (Status.PENDING, Status.SUPPRESSED) and not (
                    row.kind == Kind.REMINDER and row.due_at <= stamp
                ):
                    updates.append(dict(_id=row.id, _status=Status.CANCELLED, _send=row.send_at,
                                        _due=row.due_at, _name=row.party_name, _upd=stamp))
                    counts["cancelled"] += 1
                continue
            change = changes.get(row.id)
            if change is None:
                counts["unchanged"] += 1
                continue
            target, send_at, due_at, name = change
            counts["revived" if row.status == Status.CANCELLED and target == Status.PENDING
                   else "suppressed" if target == Status.SUPPRESSED and row.status != target
                   else "moved"] += 1
            updates.append(dict(_id=row.id, _status=target, _send=send_at, _due=due_at, _name=name, _upd=stamp))
        if updates:
            conn.execute(
                update(t).where(t.c.id == bindparam("_id")).where(or_(  # no IN: executemany
                    t.c.status == Status.PENDING, t.c.status == Status.SUPPRESSED, t.c.status == Status.CANCELLED))
                .values(status=bindparam("_status"), send_at=bindparam("_send"), due_at=bindparam("_due"),
                        party_name=bindparam("_name"), updated_at=bindparam("_upd")),
                updates,
            )
    if engine.dialect.name == "postgresql" and fresh[0] + len(updates) >= ANALYZE_AFTER:
        # A wave of thousands of new rows: the planner's statistics would still describe the table before
        # it (autovacuum comes later), and the sender's lookups would scan the wave instead of its index.
        with engine.begin() as conn:
            conn.execute(text("ANALYZE reminder"))
    return ReconcileStats(**counts)
