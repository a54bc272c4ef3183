"""A plan read as it is stored: the same rows as the plan held whole, made block by block, each unit once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from db_support import fresh_database
from sqlalchemy import select
from sqlalchemy.engine import Engine

from scheduler.core.events import DeadlineInfo, Due, Event, EventKind
from scheduler.reminders import plan_blocks
from scheduler.reminders.ledger import ReminderRow, ReminderStore
from scheduler.reminders.plan_blocks import UnitSource, unit_parties
from scheduler.reminders.planning import Campaign, Policy, Subscriber, plan, plan_rows
from scheduler.reminders.recipients import Group, Unit
from scheduler.store.database import create_engine_for

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2024, 6, 1, tzinfo=UTC)


def deadline(uid: str, written: date, groups: tuple[str, ...]) -> Event:
    return Event(uid=uid, kind=EventKind.DEADLINE, title=uid, start=written, end=written, source="x:1",
                 calendar_id="cal", item_id=uid, defined_in="cal",
                 deadline=DeadlineInfo(Due.NO_LATER_THAN, datetime.combine(written, time(23, 59, 59), VN),
                                       str(written), groups=groups))


def country(order: list[int], per_group: int = 7) -> dict[str, Group]:
    """Units u000.. in groups of ``per_group``, listed in ``order``; unit 5 has a webhook and two addresses, not in
    key order (its rows are sorted as one sort of the block would)."""
    units = []
    for i in order:
        emails = (f"U{i:03d}@example.org", f"b{i:03d}@example.org") if i == 5 else (f"u{i:03d}@example.org",)
        units.append(Unit(f"u{i:03d}", f"Đơn vị {i}", emails, "f:1", (("webhook", object()),) if i == 5 else ()))
    return {f"g{g}": Group(f"g{g}", f"Nhóm {g}", units[g * per_group:(g + 1) * per_group], "f:1")
            for g in range(-(-len(units) // per_group))}


def inputs(groups: dict[str, Group]) -> dict:
    ids = tuple(sorted(groups))
    events = (deadline("a", date(2024, 6, 20), ids), deadline("b", date(2024, 6, 20), ids[:2]),
              deadline("c", date(2024, 7, 5), ids))
    return dict(campaigns=[Campaign("cal", "Lịch", events)], groups=groups, subscriptions=[], now=NOW,
                policy=Policy(days=(7, 1), admin_emails=("admin@example.org",)),
                submitted=frozenset({("a", "unit:u003"), ("c", "unit:u010")}),
                opted_out=frozenset({("u004@example.org", "*")}),
                extended={("a", "unit:u011"): date(2024, 6, 28)})


def rows(planned: object) -> list[tuple]:
    return [(r.key, r.kind, r.send_at, r.due_at, r.party_name, r.email, r.suppressed) for r in planned]  # type: ignore[attr-defined]


@pytest.mark.parametrize("order", [list(range(30)), list(range(29, -1, -1)), [*range(20), *range(15, 30)]],
                         ids=["by-id", "reversed", "repeated"])
def test_units_read_lazily_plan_the_rows_of_the_units_held(order: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    groups = country(order)
    held = rows(plan(**inputs(groups)))
    monkeypatch.setattr(plan_blocks, "LAZY_FROM", 1)
    source = unit_parties(tuple(sorted(groups)), groups)
    assert isinstance(source, UnitSource) == (order == list(range(30)))  # only units in key order, each once
    assert rows(plan(**inputs(groups))) == held
    lazy = plan_rows(**inputs(groups))
    assert lazy.occurrences == {"a", "b", "c"}
    assert rows(lazy) == held
    assert any(r[-1] for r in held) and any(r[5].startswith("webhook:") for r in held)


def test_subscribers_beside_units_read_lazily(monkeypatch: pytest.MonkeyPatch) -> None:
    groups = country(list(range(30)))
    args = inputs(groups) | dict(subscriptions=[Subscriber("u007@example.org", "cal"), Subscriber("x@example.org", "cal")])
    held = rows(plan(**args))
    monkeypatch.setattr(plan_blocks, "LAZY_FROM", 1)
    assert rows(plan(**args)) == held
    assert any(r[0][1].startswith("sub:x@example.org") for r in held)
    assert not any(r[0][1].startswith("sub:u007") for r in held)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    with fresh_database("sqlite" if request.param == "sqlite" else "postgresql", tmp_path) as url:
        eng = create_engine_for(url)
        try:
            yield eng
        finally:
            eng.dispose()


def ledger(store: ReminderStore) -> list[tuple]:
    t = ReminderRow.__table__  # type: ignore[attr-defined]
    with store.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(t.c.id, t.c.occurrence_uid, t.c.recipient_key, t.c.offset_days,
                                                     t.c.status, t.c.send_at, t.c.due_at, t.c.party_name)
                                              .order_by(t.c.id)).all()]


def test_a_plan_read_as_it_is_stored_makes_the_ledger_of_the_plan_held(engine: Engine, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Stored a chunk at a time (then re-planned after changes), the ledger is the one the plan held whole makes,
    row for row, whatever the database; the held plan's ledger is kept in SQLite beside it."""
    lazy, held = ReminderStore(engine), ReminderStore(create_engine_for(f"sqlite:///{tmp_path / 'held.sqlite3'}"))
    for store in (lazy, held):
        store.create_tables()
    changed = inputs(country(list(range(29))))  # a unit gone from the lists
    changed["campaigns"] = [Campaign("cal", "Lịch", changed["campaigns"][0].events[1:])]  # a deadline gone
    changed["submitted"] |= {("c", "unit:u012")}  # one more unit submitted
    try:
        for args in (inputs(country(list(range(30)))), changed):
            expected = held.reconcile(plan(**args), NOW)
            monkeypatch.setattr(plan_blocks, "LAZY_FROM", 1)
            got = lazy.reconcile(plan_rows(**args), NOW)
            monkeypatch.setattr(plan_blocks, "LAZY_FROM", 10**9)
            assert got == expected
            assert [r[1:] for r in ledger(lazy)] == [r[1:] for r in ledger(held)]
        assert expected.cancelled and expected.suppressed and not expected.inserted
    finally:
        held.engine.dispose()
