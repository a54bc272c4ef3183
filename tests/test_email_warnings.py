"""A reminder for a deadline on a weekend says the weekend once (the deadline's and the event's warnings overlap)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from notifiers.content import ReminderContent, deadline_view
from notifiers.rendering import Templates
from scheduler.core.expand import Window, expand
from scheduler.live.catalog import load_catalog

PLAN = """id: tinh-thu-2026
title: Phong trào thi đua lao động giỏi năm 2026
year: 2026
deadlines:
  - id: bao-cao-nam
    title: Báo cáo tổng kết phong trào năm 2026
    date: 13/12/2026
    due: no_later_than
    remind_days: [7]
"""
WEEKEND = "Ngày cuối để nộp (Chủ nhật 13/12/2026) là ngày nghỉ cuối tuần: nên nộp chậm nhất Thứ Sáu 11/12/2026"


def test_a_sunday_deadline_is_warned_once_in_the_email(tmp_path: Path) -> None:
    (tmp_path / "tinh-thu-2026.yaml").write_text(PLAN, encoding="utf-8")
    calendar = load_catalog(tmp_path).calendars["tinh-thu-2026"]
    (event,) = [e for e in expand(calendar, Window(date(2026, 12, 1), date(2026, 12, 31))) if e.deadline]
    view = deadline_view(event, calendar.title, date(2026, 12, 6))  # today's kind of date: 7 days before
    assert view.warnings == (WEEKEND,)
    for _ in range(2):  # the first email of a wave is rendered in full, the next from the stamped render
        email = Templates().render(ReminderContent(deadline=view, recipient_name="Công đoàn cơ sở số 1",
                                                   submitted_url="https://lich.example/da-nop?t=1",
                                                   unsubscribe_url="https://lich.example/huy?t=1"))
        assert email.text.count(WEEKEND) == 1
        assert email.html.count("Chủ nhật 13/12/2026") == 1
