"""`remind preview` at scale: one day planned alone, summarised by deadline and unit count."""

from __future__ import annotations

from datetime import UTC, date, datetime

from test_reminders_plan import GROUPS, START, deadline

from scheduler.core.events import Due
from scheduler.reminders.day_summary import summarize
from scheduler.reminders.planning import Campaign, Kind, Policy, plan


def test_planning_one_day_gives_that_days_rows_of_the_full_plan() -> None:
    campaign = Campaign("cal", "Lịch", (deadline("a", date(2024, 6, 25), Due.BEFORE),
                                        deadline("b", date(2024, 6, 28), Due.NO_LATER_THAN)))
    policy = Policy(admin_emails=("admin@example.org",))
    full = plan([campaign], GROUPS, [], policy, START)
    for day in sorted({r.send_day for r in full}) + [date(2024, 6, 1)]:
        assert plan([campaign], GROUPS, [], policy, START, only_day=day) == [r for r in full if r.send_day == day]


def test_summary_counts_units_and_emails_per_deadline_and_kind() -> None:
    campaign = Campaign("cal", "Lịch", (deadline("a", date(2024, 6, 25), Due.BEFORE),))
    rows = plan([campaign], GROUPS, [], Policy(days=(1,)), START, only_day=date(2024, 6, 21))
    # Last day Monday 24/6; "1 day before" is Sunday 23/6, moved back to Friday 21/6. u1, and u2 twice.
    assert len(rows) == 3
    (line,) = summarize(rows)
    assert (line.occurrence_uid, line.kind, line.parties, line.emails) == ("a", Kind.REMINDER, 2, 3)
    assert line.send_at == datetime(2024, 6, 21, 1, 0, tzinfo=UTC)
