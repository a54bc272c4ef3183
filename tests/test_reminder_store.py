"""The reminder ledger on a real SQLite file and a real PostgreSQL database."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from db_support import fresh_database
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from scheduler.core.events import DeadlineInfo, Due, Event, EventKind
from scheduler.reminders.ledger import Outcome, ReminderRow, ReminderStore, Status
from scheduler.reminders.planning import Campaign, Policy, Subscriber, plan
from scheduler.reminders.recipients import Group, Unit
from scheduler.store.database import create_engine_for

VN = ZoneInfo("Asia/Ho_Chi_Minh")
T0 = datetime(2024, 1, 1, tzinfo=UTC)
WALL = datetime(2024, 1, 1, tzinfo=UTC)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    backend = "sqlite" if request.param == "sqlite" else "postgresql"
    with fresh_database(backend, tmp_path) as url:
        eng = create_engine_for(url)
        try:
            yield eng
        finally:
            eng.dispose()


@pytest.fixture
def store(engine: Engine) -> ReminderStore:
    s = ReminderStore(engine)
    s.create_tables()
    return s


def deadline(uid: str, written: date) -> Event:
    return Event(uid=uid, kind=EventKind.DEADLINE, title=uid, start=written, end=written, source="x:1",
                 calendar_id="cal", item_id=uid, defined_in="cal",
                 deadline=DeadlineInfo(Due.NO_LATER_THAN, datetime.combine(written, time(23, 59, 59), VN),
                                       str(written), groups=("g",)))


def groups(n: int) -> dict[str, Group]:
    units = tuple(Unit(f"u{i}", f"Đơn vị {i}", (f"u{i}@example.org",), "f:1") for i in range(n))
    return {"g": Group("g", "Nhóm", units, "f:1")}


def make_plan(events: tuple[Event, ...], n: int = 3, now: datetime = T0, **kw: object) -> list:
    return plan([Campaign("cal", "Lịch", events)], groups(n), [], Policy(days=(7, 1), **kw), now)  # type: ignore[arg-type]


def test_reconcile_inserts_moves_cancels_and_keeps_sent(store: ReminderStore) -> None:
    first = make_plan((deadline("a", date(2024, 6, 14)), deadline("b", date(2024, 6, 20))))
    stats = store.reconcile(first, T0)
    assert stats.inserted == len(first) and stats.moved == 0
    assert store.reconcile(first, T0).unchanged == len(first)  # idempotent

    # The 7-day reminders of "a" are due and sent.
    now = datetime(2024, 6, 7, 9, tzinfo=VN)
    claimed = store.claim_due(now, "test:1", limit=100, lease=timedelta(minutes=5), wall=WALL)
    assert {(r.occurrence_uid, r.offset_days) for r in claimed} == {("a", 7)}
    store.mark([Outcome(r.id, r.claimed_by or "", Status.SENT, "<m@x>") for r in claimed], now=now)

    # "a" moves a week later, "b" is removed.
    second = make_plan((deadline("a", date(2024, 6, 21)),))
    stats = store.reconcile(second, now)
    assert stats.cancelled == len([p for p in first if p.occurrence_uid == "b"])
    by = {(r.occurrence_uid, r.offset_days, r.kind, r.email): r for r in store.rows()}
    sent = by[("a", 7, "reminder", "u0@example.org")]
    assert sent.status == Status.SENT and sent.send_at.astimezone(VN).date() == date(2024, 6, 7)  # history kept
    moved = by[("a", 1, "reminder", "u0@example.org")]
    assert moved.status == Status.PENDING and moved.send_at.astimezone(VN).date() == date(2024, 6, 20)
    assert {r.status for k, r in by.items() if k[0] == "b"} == {Status.CANCELLED}
    # Removed then restored: the cancelled rows come back.
    store.reconcile(first, now)
    assert {r.status for r in store.rows() if r.occurrence_uid == "b"} == {Status.PENDING}


def test_a_claim_reads_the_nearest_due_offset_of_each_recipient(store: ReminderStore) -> None:
    """After downtime the 7- and 1-day reminders of "a" are both due; each claimed row knows the nearest (1),
    even when its sibling is in another batch, so a catch-up sends only the 1-day one (reminders.triage)."""
    store.reconcile(make_plan((deadline("a", date(2024, 6, 14)), deadline("b", date(2024, 6, 20))), n=2), T0)
    now = datetime(2024, 6, 13, 9, tzinfo=VN)  # a: 7 days (7/6) and 1 day (13/6) before are due; b: 7 days (13/6)
    seen: dict[tuple[str, int, str], int | None] = {}
    while batch := store.claim_due(now, "t:1", limit=1, lease=timedelta(minutes=5), wall=WALL):
        seen |= {(r.occurrence_uid, r.offset_days, r.email): r.nearest for r in batch}
    assert seen == {("a", 7, "u0@example.org"): 1, ("a", 1, "u0@example.org"): 1,
                    ("a", 7, "u1@example.org"): 1, ("a", 1, "u1@example.org"): 1,
                    ("b", 7, "u0@example.org"): 7, ("b", 7, "u1@example.org"): 7}
    assert {r.nearest for r in store.rows()} == {None}  # rows read otherwise carry none

    # A nearer reminder already sent counts too: the 1-day ones went, the 7-day ones failed for a while.
    rows = store.rows()
    store.mark([Outcome(r.id, r.claimed_by or "", Status.SENT if r.offset_days == 1 else Status.PENDING)
                for r in rows], now=now)
    again = store.claim_due(now, "t:2", limit=10, lease=timedelta(minutes=5), wall=WALL)
    assert {(r.occurrence_uid, r.offset_days, r.nearest) for r in again} == {("a", 7, 1), ("b", 7, 7)}


def test_a_claim_costs_the_same_however_much_of_the_wave_is_left(tmp_path: Path) -> None:
    """SQLite's plan of a claim: candidates off ix_reminder_claim, then the UPDATE takes them by id. Testing
    the claimed rows' status through that index instead walked every due row (20,000 at a wave's start),
    and recording results walked every row in flight."""
    from sqlalchemy.dialects import sqlite

    from scheduler.reminders.ledger import _claim, _mark_sent

    engine = create_engine_for(f"sqlite:///{tmp_path / 'plan.sqlite3'}")
    ReminderStore(engine).create_tables()

    def plan(stmt: object) -> list[str]:
        compiled = stmt.compile(dialect=sqlite.dialect())  # type: ignore[attr-defined]
        params = [compiled.params.get(name, 1) for name in compiled.positiontup]
        with engine.connect() as conn:
            return [row[3] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", tuple(params))]

    by_id = "SEARCH reminder USING INTEGER PRIMARY KEY (rowid=?)"
    for which in ("pending", "expired"):
        steps = plan(_claim(which))
        assert steps[0] == by_id and any("ix_reminder_claim" in step for step in steps[1:]), steps
    # Recording a batch of results takes its rows by id too, not every row in flight.
    assert plan(_mark_sent(32)) == [by_id]
    engine.dispose()


def test_unique_row_per_occurrence_recipient_offset(store: ReminderStore) -> None:
    p = make_plan((deadline("a", date(2024, 6, 14)),), n=1)[0]
    store.reconcile([p], T0)
    with pytest.raises(IntegrityError):
        with store.engine.begin() as conn:
            conn.execute(ReminderRow.__table__.insert().values(  # type: ignore[attr-defined]
                occurrence_uid=p.occurrence_uid, calendar_id="cal", kind="reminder", offset_days=p.offset_days,
                recipient_key=p.recipient_key, party_key=p.party_key, party_name="x", email=p.email,
                send_at=T0, due_at=T0, status="pending", attempts=0,
                updated_at=T0))


def test_submission_suppresses_and_survives_replanning(store: ReminderStore) -> None:
    events = (deadline("a", date(2024, 6, 14)),)
    store.reconcile(make_plan(events), T0)
    assert store.record_submission("a", "unit:u1", T0) is True
    assert store.record_submission("a", "unit:u1", T0) is False
    u1 = [r for r in store.rows() if r.party_key == "unit:u1"]
    assert u1 and {r.status for r in u1} == {Status.SUPPRESSED}
    replanned = plan([Campaign("cal", "Lịch", events)], groups(3), [], Policy(days=(7, 1)), T0,
                     submitted=store.submitted_pairs())
    store.reconcile(replanned, T0)
    assert {r.status for r in store.rows() if r.party_key == "unit:u1"} == {Status.SUPPRESSED}
    due = store.claim_due(datetime(2024, 7, 1, tzinfo=UTC), "t:1", limit=100, lease=timedelta(minutes=1), wall=WALL)
    assert "unit:u1" not in {r.party_key for r in due}


def test_temporary_failure_returns_to_pending_permanent_is_recorded(store: ReminderStore) -> None:
    store.reconcile(make_plan((deadline("a", date(2024, 6, 14)),), n=2), T0)
    now = datetime(2024, 6, 7, 9, tzinfo=VN)
    a, b = store.claim_due(now, "t:1", limit=100, lease=timedelta(minutes=5), wall=WALL)
    assert store.claim_due(now, "t:2", limit=100, lease=timedelta(minutes=5), wall=WALL) == []
    store.mark([Outcome(a.id, a.claimed_by or "", Status.PENDING, error="421 thử lại"),
                Outcome(b.id, b.claimed_by or "", Status.FAILED, error="550 không có hộp thư")], now=now)
    (again,) = store.claim_due(now, "t:2", limit=100, lease=timedelta(minutes=5), wall=WALL)
    assert again.id == a.id and again.attempts == 2
    assert store.counts()["failed"] == 1


def test_expired_lease_is_reclaimed_and_stale_owner_cannot_mark(store: ReminderStore) -> None:
    store.reconcile(make_plan((deadline("a", date(2024, 6, 14)),), n=1), T0)
    now = datetime(2024, 6, 7, 9, tzinfo=VN)
    (mine,) = store.claim_due(now, "dead:1", limit=10, lease=timedelta(minutes=5), wall=WALL)
    assert store.claim_due(now, "other:2", limit=10, lease=timedelta(minutes=5), wall=WALL + timedelta(minutes=4)) == []
    (theirs,) = store.claim_due(now, "other:2", limit=10, lease=timedelta(minutes=5), wall=WALL + timedelta(minutes=6))
    assert theirs.id == mine.id
    assert store.mark([Outcome(mine.id, mine.claimed_by or "", Status.SENT)], now=now) == 0
    assert store.mark([Outcome(theirs.id, theirs.claimed_by or "", Status.SENT)], now=now) == 1


def test_concurrent_claims_never_overlap(store: ReminderStore) -> None:
    events = tuple(deadline(f"d{i}", date(2024, 6, 14)) for i in range(10))
    planned = make_plan(events, n=30)
    store.reconcile(planned, T0)
    now = datetime(2024, 7, 1, tzinfo=UTC)
    won: dict[str, list[int]] = {"A": [], "B": [], "C": []}
    start = threading.Barrier(3)

    def worker(name: str) -> None:
        start.wait()
        while rows := store.claim_due(now, f"{name}:1", limit=7, lease=timedelta(minutes=5), wall=WALL):
            won[name] += [r.id for r in rows]

    threads = [threading.Thread(target=worker, args=(n,)) for n in won]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    ids = [i for v in won.values() for i in v]
    assert len(ids) == len(set(ids)) == len(planned)
    print(f"claims per worker: { {k: len(v) for k, v in won.items()} }")


def test_subscriptions_double_opt_in_and_unsubscribe(store: ReminderStore) -> None:
    sub_id, nonce, confirmed = store.request_subscription("Ban@Example.org", "cal", T0)
    assert not confirmed and store.subscribers() == []
    assert store.confirm_subscription(sub_id, "wrong", T0) is None
    _, nonce2, _ = store.request_subscription("ban@example.org", "cal", T0)  # asked again: the mailed link stays valid
    assert nonce2 == nonce
    assert store.confirm_subscription(sub_id, nonce, T0) is not None
    assert store.subscribers() == [Subscriber("ban@example.org", "cal")]
    store.reconcile(plan([Campaign("cal", "Lịch", (deadline("a", date(2024, 6, 14)),))], {}, store.subscribers(),
                         Policy(days=(7,)), T0), T0)
    store.unsubscribe("ban@example.org", "cal", T0)
    assert store.subscribers() == [] and store.opted_out() == {("ban@example.org", "cal")}
    assert {r.status for r in store.rows()} == {Status.CANCELLED}
