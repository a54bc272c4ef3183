"""The records beside the reminder ledger: plan stamps, "Đã nộp", the rate log, subscriptions, opt-outs.

:class:`Records` is a part of :class:`~scheduler.reminders.ledger.ReminderStore`
(one store, one engine): the ledger module holds the reminders' own queries
(plan, claim, mark), this one the rest.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, select, update
from sqlalchemy.engine import Engine

from scheduler.reminders.planning import Kind, Subscriber
from scheduler.reminders.tables import (
    NEVER,
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


@dataclass(frozen=True, slots=True)
class PlanStamp:
    fingerprint: str
    planned_by: str
    planned_at: datetime


class Records:
    """Queries of the records; the store that mixes this in provides ``engine``."""

    engine: Engine

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
