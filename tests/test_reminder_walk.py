"""A whole campaign year through the real service and database, one tick a morning, time injected.

Kon Tum 2024 and Long Biên 2024 with the shipped recipient groups; every
morning at 08:30 the service ticks (re-plans, claims, sends to the outbox).
Checked: the days emails go out (none on a weekend or public holiday), a
"Đã nộp" click stopping one unit's remaining reminders and its overdue
notice, the admin summary, and each (deadline, recipient, offset) sent once.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import shutil
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from notifiers.outbox import OutboxTransport
from scheduler.core.days_off import day_off_reason
from scheduler.reminders.ledger import Status
from scheduler.reminders.service import open_service
from scheduler.settings import Settings

VN = ZoneInfo("Asia/Ho_Chi_Minh")
CALENDARS = Path(__file__).resolve().parent / "calendars" / "seed"
SIX_MONTHS = "kon-tum-2024.deadline.bao-cao-6-thang.2024@lichthidua"
GIAO_DUC = "unit:vd-kon-tum-cd-giao-duc"


@dataclass
class Wall:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


def test_walk_2024_day_by_day(tmp_path: Path) -> None:
    calendars = tmp_path / "calendars"
    calendars.mkdir()
    for name in ("viet-nam.yaml", "ha-noi-2024.yaml", "long-bien-2024.yaml", "kon-tum-2024.yaml"):
        shutil.copy(CALENDARS / name, calendars)
    shutil.copytree(CALENDARS / "recipients", calendars / "recipients")
    settings = Settings(calendars_dir=calendars, data_dir=tmp_path / "var", base_url="https://lich.example.vn",
                        admin_emails=("quantri@example.org",))
    outbox = OutboxTransport(tmp_path / "outbox")
    wall = Wall(datetime(2024, 1, 1, tzinfo=UTC))
    service = open_service(settings, transport=outbox, wall=wall)

    sent_days: dict[date, int] = {}
    day = date(2024, 1, 1)
    while day <= date(2025, 1, 31):
        now = datetime.combine(day, time(8, 30), VN)
        wall.now = now
        report = asyncio.run(service.tick(now))
        assert report.failed == report.retry == report.missed == 0
        if report.sent:
            sent_days[day] = report.sent
            assert day_off_reason(day) is None, f"emails on a day off: {day}"
        if day == date(2024, 6, 17):  # after the 7-day reminder, Giáo dục clicks "Đã nộp" in its email
            token = service.links.submitted(SIX_MONTHS, GIAO_DUC).split("token=", 1)[1]
            from urllib.parse import unquote

            _, who, new = service.submit(unquote(token), now)
            assert new and who == "Công đoàn ngành Giáo dục (ví dụ)"
        day += timedelta(days=1)

    rows = service.store.rows()
    six = [r for r in rows if r.occurrence_uid == SIX_MONTHS]
    days = lambda rs: sorted({r.sent_at.astimezone(VN).date() for r in rs if r.status == Status.SENT})  # noqa: E731
    assert days([r for r in six if r.party_key == "unit:vd-kon-tum-cd-vien-chuc"]) == [
        date(2024, 6, 10), date(2024, 6, 17), date(2024, 6, 21), date(2024, 6, 24), date(2024, 6, 25)]
    giao_duc = [r for r in six if r.party_key == GIAO_DUC]
    assert days(giao_duc) == [date(2024, 6, 10), date(2024, 6, 17)]
    assert {r.status for r in giao_duc if r.send_at.astimezone(VN).date() > date(2024, 6, 17)} == {Status.SUPPRESSED}
    summary = [r for r in six if r.kind == "summary"]
    assert [r.status for r in summary] == [Status.SENT]
    # Each planned row went out at most once; sent rows are exactly the emails written.
    assert sum(sent_days.values()) == sum(r.status == Status.SENT for r in rows) == len(list(outbox.directory.glob("*.eml")))
    summary_mail = next(
        m for m in (email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
                    for p in outbox.directory.glob("*.eml"))
        if m["To"] == "quantri@example.org" and "6 tháng" in m.get_body(("plain",)).get_content())
    body = summary_mail.get_body(("plain",)).get_content()
    assert "Công đoàn ngành Giáo dục (ví dụ)" in body and "Công đoàn Viên chức tỉnh (ví dụ)" in body
    service.close()
    print(f"walk: {sum(sent_days.values())} emails over {len(sent_days)} days: {sorted(sent_days.items())[:6]} ...")
