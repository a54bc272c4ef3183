"""Pure reminder planning: timing rules, weekends, submissions, overdue, digests, a whole year day by day."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from scheduler.core.days_off import day_off_reason
from scheduler.core.events import DeadlineInfo, Due, Event, EventKind, last_day
from scheduler.core.expand import Window, expand
from scheduler.live.catalog import load_catalog
from scheduler.reminders.day_summary import on_day
from scheduler.reminders.planning import (
    MISSED_PASSED,
    MISSED_SUPERSEDED,
    Campaign,
    Kind,
    Policy,
    Subscriber,
    batches,
    plan,
    reminder_days,
    triage,
)
from scheduler.reminders.recipients import Group, Unit, check_recipients, load_directory

VN = ZoneInfo("Asia/Ho_Chi_Minh")
ROOT = Path(__file__).parent / "calendars" / "seed"


def deadline(uid: str, written: date, due: Due, groups: tuple[str, ...] = ("g",), remind_days: tuple[int, ...] | None = None,
             calendar: str = "cal") -> Event:
    at = datetime.combine(written, time(0) if due is Due.BEFORE else time(23, 59, 59), VN)
    return Event(uid=uid, kind=EventKind.DEADLINE, title=f"Hạn chót {uid}", start=written, end=written, source="x:1",
                 calendar_id=calendar, item_id=uid, defined_in=calendar,
                 deadline=DeadlineInfo(due=due, due_at=at, as_written=str(written), groups=groups, remind_days=remind_days))


GROUPS = {"g": Group("g", "Nhóm", (Unit("u1", "Đơn vị 1", ("u1@example.org",), "f:1"),
                                    Unit("u2", "Đơn vị 2", ("u2@example.org", "u2b@example.org"), "f:2")), "f:1")}
START = datetime(2024, 1, 1, tzinfo=UTC)


def test_before_deadline_counts_back_from_the_day_before() -> None:
    # "trước 25/6/2024" (a Tuesday): the last day is Monday 24/6; "1 day before" is Sunday 23/6 → Friday 21/6.
    assert last_day(Due.BEFORE, date(2024, 6, 25)) == date(2024, 6, 24)
    days = reminder_days(date(2024, 6, 24), (14, 7, 3, 1, 0))
    assert [(o, d) for o, d, _ in days] == [
        (14, date(2024, 6, 10)), (7, date(2024, 6, 17)), (1, date(2024, 6, 21)), (0, date(2024, 6, 24))]
    # 3 days before (Friday 21/6) and 1 day before (Sunday → Friday) collapse: the nearest is kept, once.
    assert all(day_off_reason(d) is None for _, d, _ in days)


def test_no_later_than_counts_the_written_day() -> None:
    assert last_day(Due.NO_LATER_THAN, date(2023, 3, 15)) == date(2023, 3, 15)


def test_holiday_moves_to_previous_working_day() -> None:
    # Last day Friday 3/5/2024... nominal 1 day before is Thursday 2/5; 2 days before is 1/5 (holiday) → 29/4? 29-30/4 are
    # holidays in 2024 (30/4, and 29/4 swapped), so 1/5 moves back to Friday 26/4.
    ((offset, day, nominal),) = reminder_days(date(2024, 5, 3), (2,))
    assert (offset, nominal) == (2, date(2024, 5, 1))
    assert day < nominal and day_off_reason(day) is None
    assert all(day_off_reason(day + timedelta(days=i)) for i in range(1, (nominal - day).days + 1))


def test_sent_at_local_hour_in_utc() -> None:
    rows = plan([Campaign("cal", "Lịch", (deadline("d", date(2024, 6, 25), Due.BEFORE),))], GROUPS, [],
                Policy(days=(7,), hour=8), START)
    first = next(r for r in rows if r.kind is Kind.REMINDER)
    assert first.send_at == datetime(2024, 6, 17, 1, 0, tzinfo=UTC)  # 08:00 at UTC+7
    assert first.send_at.astimezone(VN).hour == 8


def test_overrides_deadline_then_calendar_then_policy() -> None:
    events = (deadline("a", date(2024, 7, 10), Due.NO_LATER_THAN, remind_days=(2,)),
              deadline("b", date(2024, 7, 10), Due.NO_LATER_THAN))
    rows = [r for r in plan([Campaign("cal", "Lịch", events, remind_days=(5,))], GROUPS, [], Policy(days=(9,)), START)
            if r.kind is Kind.REMINDER]
    assert {(r.occurrence_uid, r.offset_days) for r in rows} == {("a", 2), ("b", 5)}
    rows = [r for r in plan([Campaign("cal", "Lịch", events[1:])], GROUPS, [], Policy(days=(9,)), START)
            if r.kind is Kind.REMINDER]
    assert {r.offset_days for r in rows} == {9}


def test_one_row_per_occurrence_recipient_offset_and_unique() -> None:
    rows = plan([Campaign("cal", "Lịch", (deadline("d", date(2024, 6, 25), Due.BEFORE),))], GROUPS,
                [Subscriber("u1@example.org", "cal"), Subscriber("x@example.org", "cal")],
                Policy(admin_emails=("admin@example.org",)), START)
    keys = [r.key for r in rows]
    assert len(keys) == len(set(keys))
    # u1 subscribed too but already gets it as its unit: no second copy.
    assert {r.party_key for r in rows if r.email == "u1@example.org"} == {"unit:u1"}
    assert {r.party_key for r in rows} == {"unit:u1", "unit:u2", "sub:x@example.org", "admin:admin@example.org"}
    summary = [r for r in rows if r.kind is Kind.SUMMARY]
    overdue = [r for r in rows if r.kind is Kind.OVERDUE]
    # Overdue notices go to the units that owe the report (u1, u2's two addresses), never to a person who
    # subscribed themselves (x@), who owes nothing and got the reminders.
    assert len(summary) == 1 and sorted(r.email for r in overdue) == ["u1@example.org", "u2@example.org",
                                                                       "u2b@example.org"]
    assert [r.kind for r in rows if r.party_key == "sub:x@example.org"] and not [
        r for r in overdue if r.party_key == "sub:x@example.org"]
    # Overdue on the first working day after the last day (Mon 24/6 → Tue 25/6).
    assert {r.send_day for r in overdue + summary} == {date(2024, 6, 25)}


def test_inherited_deadlines_do_not_remind_groups_twice() -> None:
    inherited = deadline("p", date(2024, 6, 25), Due.BEFORE, calendar="child")
    inherited = Event(**{**{f: getattr(inherited, f) for f in inherited.__slots__}, "defined_in": "parent",
                         "inherited": True})
    rows = plan([Campaign("child", "Con", (inherited,))], GROUPS, [Subscriber("s@example.org", "child")], Policy(), START)
    assert {r.party_key for r in rows} == {"sub:s@example.org"}


def test_submitted_units_are_suppressed_and_opt_out_removes() -> None:
    campaign = Campaign("cal", "Lịch", (deadline("d", date(2024, 6, 25), Due.BEFORE),))
    rows = plan([campaign], GROUPS, [], Policy(), START, submitted=frozenset({("d", "unit:u2")}),
                opted_out=frozenset({("u1@example.org", "*")}))
    assert {r.email for r in rows if not r.suppressed} == set()
    assert {r.email for r in rows if r.suppressed} == {"u2@example.org", "u2b@example.org"}
    assert not on_day(rows, date(2024, 6, 17))


def test_past_deadlines_plan_no_reminders_only_recent_overdue() -> None:
    campaign = Campaign("cal", "Lịch", (deadline("d", date(2024, 6, 25), Due.BEFORE),))
    rows = plan([campaign], GROUPS, [], Policy(), datetime(2024, 6, 26, tzinfo=UTC))
    assert {r.kind for r in rows} == {Kind.OVERDUE}
    assert plan([campaign], GROUPS, [], Policy(), datetime(2024, 9, 1, tzinfo=UTC)) == []


def test_triage_catch_up_sends_nearest_records_the_rest() -> None:
    campaign = Campaign("cal", "Lịch", (deadline("d", date(2024, 6, 25), Due.BEFORE),))
    rows = [r for r in plan([campaign], GROUPS, [], Policy(), START) if r.email == "u1@example.org"]
    # Down from 1/6 until Thursday 20/6 09:00: the 14- and 7-day reminders are due; only the 7-day one goes.
    now = datetime(2024, 6, 20, 9, tzinfo=VN)
    due = [r for r in rows if r.send_at <= now]
    result = triage(due, now)
    assert [r.offset_days for r in result.send] == [7]
    assert [(r.offset_days, why) for r, why in result.missed] == [(14, MISSED_SUPERSEDED)]
    # Down until after the deadline: every reminder is missed; the overdue notice still goes.
    later = datetime(2024, 6, 25, 9, tzinfo=VN)
    result = triage([r for r in rows if r.send_at <= later], later)
    assert {r.kind for r in result.send} == {Kind.OVERDUE}
    assert {why for _, why in result.missed} == {MISSED_PASSED}


def test_digest_groups_by_address_summaries_alone() -> None:
    events = (deadline("a", date(2024, 6, 25), Due.BEFORE), deadline("b", date(2024, 6, 25), Due.BEFORE))
    rows = on_day(plan([Campaign("cal", "Lịch", events)], GROUPS, [], Policy(admin_emails=("ad@example.org",)), START),
                  date(2024, 6, 25))
    grouped = batches(rows, digest=True)
    sizes = sorted(len(b) for b in grouped)
    assert sizes == [1, 1, 2, 2, 2]  # two summaries alone; each of 3 addresses gets both overdue notices in one email
    assert len(batches(rows, digest=False)) == len(rows)


def test_shipped_recipients_cover_every_group_named() -> None:
    assert check_recipients(ROOT, load_catalog(ROOT)) == []


def test_walk_a_campaign_year_day_by_day(tmp_path: Path) -> None:
    """Kon Tum 2024 and Long Biên 2024 with the shipped recipients, re-planned each morning."""
    catalog = load_catalog(ROOT)
    directory = load_directory(ROOT)
    campaigns = [Campaign(c.id, c.title, tuple(expand(c, Window(date(2024, 1, 1), date(2025, 1, 31)))), c.timezone)
                 for cid, c in catalog.calendars.items() if cid in ("kon-tum-2024", "long-bien-2024")]
    policy = Policy(admin_emails=("admin@example.org",))
    submitted: set[tuple[str, str]] = set()
    sent: dict[date, list[tuple[str, str, str]]] = {}
    keys: list[tuple[str, str, int]] = []
    six_months = "kon-tum-2024.deadline.bao-cao-6-thang.2024@lichthidua"
    day = date(2024, 1, 1)
    while day <= date(2025, 1, 31):
        now = datetime.combine(day, time(7, 59), VN)
        rows = plan(campaigns, directory.groups, [], policy, now, submitted=frozenset(submitted))
        today = on_day(rows, day)
        assert all(datetime.combine(day, time(7, 59), VN) < r.send_at for r in today)
        if today:
            sent[day] = [(r.occurrence_uid, r.party_key, r.kind.value) for r in today]
            keys += [r.key for r in today]
            assert day_off_reason(day) is None, f"email on a day off: {day}"
        if day == date(2024, 6, 17):  # Công đoàn ngành Giáo dục clicks "Đã nộp" after the 7-day reminder
            submitted.add((six_months, "unit:vd-kon-tum-cd-giao-duc"))
        day += timedelta(days=1)

    kon_tum = {d: v for d, v in sent.items() if any(uid == six_months for uid, _, _ in v)}
    assert sorted(kon_tum) == [date(2024, 6, 10), date(2024, 6, 17), date(2024, 6, 21), date(2024, 6, 24),
                               date(2024, 6, 25)]
    parties = lambda d: {p for uid, p, _ in kon_tum[d] if uid == six_months}  # noqa: E731
    assert "unit:vd-kon-tum-cd-giao-duc" in parties(date(2024, 6, 17))
    for later in (date(2024, 6, 21), date(2024, 6, 24), date(2024, 6, 25)):
        assert "unit:vd-kon-tum-cd-giao-duc" not in parties(later)
        assert "unit:vd-kon-tum-cd-vien-chuc" in parties(later)
    assert ("kon-tum-2024.deadline.bao-cao-6-thang.2024@lichthidua", "admin:admin@example.org", "summary") in sent[
        date(2024, 6, 25)]
    # Long Biên's registration "qua địa chỉ mail" and its reports "sau mỗi đợt" have no date in the
    # document: they are undated, so not one reminder all year (none goes out for a date nobody set).
    assert not any(uid.startswith("long-bien-2024.deadline.") for v in sent.values() for uid, _, _ in v)
    # Each reminder goes out exactly once across the whole year.
    assert len(keys) == len(set(keys)) > 30  # Kon Tum's two reports, to every unit and the admin


@pytest.mark.parametrize("bad", [datetime(2024, 1, 1)])
def test_now_must_be_aware(bad: datetime) -> None:
    with pytest.raises(ValueError):
        plan([], {}, [], Policy(), bad)


def test_calendar_wide_remind_days_from_yaml_and_inherited(tmp_path: Path) -> None:
    folder = tmp_path / "calendars"
    folder.mkdir()
    (folder / "cha.yaml").write_text("id: cha\ntitle: Lịch cha\nyear: 2024\nremind_days: [5, 2]\n", encoding="utf-8")
    (folder / "con.yaml").write_text(
        "id: con\ntitle: Lịch con\nextends: [cha]\ndeadlines:\n  - id: bao-cao\n    title: Báo cáo\n"
        "    date: 12/7/2024\n    due: no_later_than\n    groups: [g]\n", encoding="utf-8")
    catalog = load_catalog(folder)
    assert catalog.ok, [d.format() for d in catalog.all_diagnostics()]
    con = catalog.calendars["con"]
    assert con.remind_days == (5, 2)
    events = tuple(expand(con, Window.year(2024)))
    rows = plan([Campaign("con", con.title, events, con.timezone, con.remind_days)], GROUPS, [], Policy(), START)
    assert sorted({r.offset_days for r in rows if r.kind is Kind.REMINDER}) == [2, 5]


@pytest.mark.parametrize("module",
                         ["scheduler.reminders.planning", "scheduler.reminders.recipients", "scheduler.reminders.links"])
def test_reminder_core_imports_no_shell(module: str) -> None:
    """Planning, recipients and links stay pure: no database, SMTP, scheduler or web framework on any import path."""
    from tests.test_architecture import _forbidden, reachable

    bad = {name: " → ".join(chain) for name, chain in reachable(module).items() if _forbidden(name)}
    assert bad == {}


def test_policy_defaults_are_the_settings_defaults() -> None:
    """The planner takes no settings (it is in the pure core); its defaults must still be the schema's."""
    from scheduler.settings import Settings

    fields = Settings.model_fields
    assert Policy() == Policy(days=tuple(fields["remind_days"].default), hour=fields["remind_hour"].default,
                              digest=fields["remind_digest"].default)
