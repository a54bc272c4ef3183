"""Days off as data with their source: the government's decisions (2019–2026) cite their
number, date and issuer; a year without a decision (2027 as of December 2026) is computed
from the Labour Code and says "dự kiến" on every surface; an admin adds a decision as a file;
deadline warnings, feeds and reminders follow the decided calendar.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from notifiers.ics import FeedMeta, render_calendar
from notifiers.revisions import reconcile
from scheduler.core.days_off import (
    configure_days_off,
    data_digest,
    day_off_reason,
    days_off_data,
    deadline_warnings,
    holiday_blocks,
    make_up_workdays,
)
from scheduler.core.days_off_data import DaysOffDataError, parse_days_off
from scheduler.core.events import Due, EventKind
from scheduler.core.expand import Window, expand
from scheduler.live.catalog import load_catalog
from tests.conftest import one, year_events

TODAY = date(2026, 12, 7)  # today's kind of date: December 2026
NEW_YEAR = date(2027, 1, 1)


@pytest.fixture(autouse=True)
def shipped_data_only() -> Iterator[None]:
    configure_days_off([])
    yield
    configure_days_off([])


def _deadlines(folder: Path, *lines: str) -> Path:
    (folder / "han.yaml").write_text(
        "id: han\ntitle: Hạn nộp\nspan: từ 01/12/2025 đến 31/12/2027\nextends: [viet-nam]\ndeadlines:\n"
        + "".join(f"  - {line}\n" for line in lines), encoding="utf-8")
    return folder


def test_every_year_2019_to_2026_is_decided_and_cites_its_decisions() -> None:
    data = days_off_data()
    assert set(range(2019, 2027)) <= data.years
    assert 2027 not in data.years  # no decision published yet: projected
    for entry in data.days.values():
        text = data.basis_text(entry)
        assert text, entry
        decision = data.decision_of(entry)
        if decision is not None:
            assert decision.issuer and decision.sources, decision.id
    notice = data.decisions["vpcp-12729-2025"]
    assert (notice.number, notice.signed) == ("12729/VPCP-KGVX", date(2025, 12, 25))
    assert notice.citation.startswith("Công văn 12729/VPCP-KGVX ngày 25/12/2025 của Văn phòng Chính phủ")


def test_2026_new_year_swap_friday_off_saturday_worked() -> None:
    """Friday 2/1/2026 off, Saturday 10/1/2026 worked (Công văn 12729/VPCP-KGVX, 25/12/2025)."""
    (warning,) = deadline_warnings(date(2026, 1, 3), Due.BEFORE)
    assert warning.startswith("Ngày cuối để nộp (Thứ Sáu 2/1/2026) là ngày nghỉ lễ (nghỉ hoán đổi")
    assert warning.endswith("nên nộp chậm nhất Thứ Tư 31/12/2025")
    assert deadline_warnings(date(2026, 1, 10), Due.NO_LATER_THAN) == ()  # the make-up Saturday
    assert day_off_reason(date(2026, 1, 10)) is None
    assert [(w.day, w.swapped_with) for w in make_up_workdays(2026)][0] == (date(2026, 1, 10), date(2026, 1, 2))
    swap = next(b for b in holiday_blocks(2026) if b.start == date(2026, 1, 2))
    assert "12729/VPCP-KGVX" in swap.basis and "hoán đổi ngày làm việc năm 2026" in swap.basis


def test_2026_national_day_swap_monday_off_saturday_worked() -> None:
    """Quốc khánh 2026: Saturday 29/8 to Wednesday 2/9 off; Monday 31/8 swapped with Saturday 22/8
    (Thông báo 9441/TB-BNV, the Prime Minister's decision as read in the press on 13/10/2025)."""
    data = days_off_data()
    assert data.decisions["tb-bnv-9441-2025"].verified == "true"
    for day in (date(2026, 8, 31), date(2026, 9, 1), date(2026, 9, 2)):
        assert day_off_reason(day) is not None, day
    assert "(chưa đối chiếu" not in data.basis_text(data.days[date(2026, 8, 31)])
    assert day_off_reason(date(2026, 8, 22)) is None  # the make-up Saturday is a working day
    assert (date(2026, 8, 22), date(2026, 8, 31)) in [(w.day, w.swapped_with) for w in make_up_workdays(2026)]
    (warning,) = deadline_warnings(date(2026, 9, 1), Due.NO_LATER_THAN)
    assert warning.endswith("nên nộp chậm nhất Thứ Sáu 28/8/2026")


def test_2027_is_projected_and_says_so() -> None:
    blocks = {b.start: b for b in holiday_blocks(2027)}
    tet = blocks[date(2027, 2, 4)]
    assert (tet.end, tet.title, tet.projected) == (date(2027, 2, 10), "Nghỉ Tết Nguyên đán (dự kiến)", True)
    assert tet.basis.startswith("Dự kiến: Chính phủ chưa công bố lịch nghỉ Tết Âm lịch năm 2027")
    assert "Dự kiến" in tet.description
    assert blocks[date(2027, 9, 3)].title == "Nghỉ lễ Quốc khánh (dự kiến)"
    # What the law itself fixes is not a projection.
    assert (blocks[date(2027, 9, 2)].title, blocks[date(2027, 9, 2)].basis) == (
        "Nghỉ lễ Quốc khánh", "Bộ luật Lao động 2019, Điều 112")
    assert blocks[date(2027, 1, 1)].projected is False
    (warning,) = deadline_warnings(date(2027, 2, 8), Due.NO_LATER_THAN)
    assert "ngày nghỉ lễ dự kiến" in warning and "chưa công bố lịch nghỉ năm 2027" in warning


def test_expand_page_feed_and_cli_show_dự_kiến(empty_calendars_dir: Path, cli) -> None:  # type: ignore[no-untyped-def]
    catalog = load_catalog(_deadlines(empty_calendars_dir,
                                      "{id: tet, title: Báo cáo sau Tết, date: 08/02/2027, due: chậm nhất}",
                                      "{id: dau-nam, title: Đăng ký, date: 03/01/2026, due: trước}",
                                      "{id: lam-bu, title: Nộp danh sách, date: 10/01/2026, due: chậm nhất}"))
    cal = catalog.get("han")
    events = expand(cal, Window(date(2025, 12, 1), date(2027, 12, 31)))
    assert "dự kiến" in one(events, EventKind.DEADLINE, "tet").warnings[0]
    assert one(events, EventKind.DEADLINE, "dau-nam").warnings  # its last day, Friday 2/1, is off
    assert one(events, EventKind.DEADLINE, "lam-bu").warnings == ()  # Saturday 10/1 is worked
    tet = next(e for e in events if e.kind is EventKind.HOLIDAY and e.start == date(2027, 2, 4))
    assert tet.title == "Nghỉ Tết Nguyên đán (dự kiến)" and "Dự kiến" in (tet.provenance or "")
    rendered = render_calendar(events, FeedMeta.for_calendar("han", "Hạn nộp", year=2026),
                               now=datetime(2026, 12, 7, tzinfo=timezone.utc))
    body = rendered.body.decode()
    assert "SUMMARY:Nghỉ Tết Nguyên đán (dự kiến)" in body
    run = cli("expand", "han", "--from", "2027-02-01", "--to", "2027-02-28", "--calendars", empty_calendars_dir)
    assert run.exit_code == 0 and "dự kiến" in run.stdout


def test_an_admin_adds_the_2027_decision_and_feeds_revise(empty_calendars_dir: Path) -> None:
    """A decision published later is a file in calendars/ngay-nghi/: the projection gives way,
    the days cite it, and the feed's events get a higher SEQUENCE (revisions are content-based)."""
    cal = load_catalog(empty_calendars_dir).get("viet-nam")
    window = Window(date(2027, 1, 1), date(2027, 12, 31))
    before = expand(cal, window)
    now = datetime(2026, 12, 7, 3, 0, tzinfo=timezone.utc)
    ledger = reconcile({}, before, now=now, baseline=now, tracked=(window.start, window.end))
    digest = data_digest()

    folder = empty_calendars_dir / "ngay-nghi"
    folder.mkdir()
    (folder / "2027.yaml").write_text(
        "decisions:\n  tb-2027:\n    number: '1234/TB-BNV'\n    date: 2026-11-20\n    issuer: Bộ Nội vụ\n"
        "    sources: ['https://example.invalid/thong-bao']\n"
        "years:\n  2027:\n    days_off:\n"
        + "".join(f"      - {{date: 2027-02-{d:02d}, name: 'Tết Nguyên đán', basis: tb-2027}}\n" for d in (5, 8, 9, 10, 11))
        + "      - {date: 2027-09-03, name: 'Quốc khánh (ngày nghỉ liền kề)', basis: tb-2027}\n",
        encoding="utf-8")
    catalog = load_catalog(empty_calendars_dir)
    assert catalog.ok, [d.format() for d in catalog.all_diagnostics()]
    assert data_digest() != digest
    after = expand(catalog.get("viet-nam"), window)
    tet = next(e for e in after if e.kind is EventKind.HOLIDAY and e.start == date(2027, 2, 5))
    assert tet.title == "Nghỉ Tết Nguyên đán" and "Thông báo 1234/TB-BNV ngày 20/11/2026 của Bộ Nội vụ" in tet.provenance
    assert not any("dự kiến" in e.title for e in after)
    later = datetime(2026, 12, 8, 3, 0, tzinfo=timezone.utc)
    changed = reconcile(ledger, after, now=later, baseline=now, tracked=(window.start, window.end))
    national = next(uid for uid in changed if "20270902" in uid)
    assert changed[national].revision.sequence == 1 and changed[national].revision.dtstamp == later


def test_a_bad_days_off_file_is_reported_with_file_and_fix(empty_calendars_dir: Path) -> None:
    folder = empty_calendars_dir / "ngay-nghi"
    folder.mkdir()
    (folder / "sai.yaml").write_text("years:\n  2027:\n    days_off:\n      - {date: 2027-02-05, name: Tết, basis: khong-co}\n",
                                     encoding="utf-8")
    catalog = load_catalog(empty_calendars_dir)
    (diag,) = [d for d in catalog.all_diagnostics() if d.code == "days_off.file"]
    assert "sai.yaml" in diag.message["vi"] and "khong-co" in diag.message["vi"] and "'decisions'" in diag.message["vi"]
    with pytest.raises(DaysOffDataError, match="ngày '5/2' không hợp lệ"):
        parse_days_off([("x.yaml", "years:\n  2027:\n    days_off:\n      - {date: 5/2, name: Tết, basis: labour_code}\n")])


@pytest.mark.parametrize("today", [TODAY, NEW_YEAR])
def test_today_and_new_year_national_feed(seed_catalog, today: date) -> None:  # type: ignore[no-untyped-def]
    """On 7/12/2026 and on 1/1/2027 the national calendar shows 2027's Tết as projected,
    2026's as decided with its notice."""
    events = year_events(seed_catalog.get("viet-nam"), today.year)
    holidays = [e for e in events if e.kind is EventKind.HOLIDAY]
    tet = next(e for e in holidays if e.title.startswith("Nghỉ Tết"))
    if today.year == 2026:
        assert (tet.start, tet.end, tet.title) == (date(2026, 2, 16), date(2026, 2, 20), "Nghỉ Tết Nguyên đán")
        assert "9441/TB-BNV" in (tet.provenance or "")
    else:
        assert (tet.start, tet.title) == (date(2027, 2, 4), "Nghỉ Tết Nguyên đán (dự kiến)")


def test_the_reminder_email_says_dự_kiến(empty_calendars_dir: Path) -> None:
    """A deadline whose last day is a projected day off: the email's warning says "dự kiến"."""
    from notifiers.content import ReminderContent, deadline_view
    from notifiers.rendering import Templates

    catalog = load_catalog(_deadlines(empty_calendars_dir,
                                      "{id: tet, title: Báo cáo sau Tết, date: 08/02/2027, due: chậm nhất}"))
    event = one(expand(catalog.get("han"), Window(date(2027, 1, 1), date(2027, 12, 31))), EventKind.DEADLINE, "tet")
    content = ReminderContent(deadline=deadline_view(event, "Hạn nộp", TODAY), recipient_name="Công đoàn cơ sở A",
                              submitted_url="https://lich.example.vn/da-nop", unsubscribe_url="https://lich.example.vn/huy")
    rendered = Templates().render(content)
    for text in (rendered.text, rendered.html or ""):
        assert "ngày nghỉ lễ dự kiến" in text and "chưa công bố lịch nghỉ năm 2027" in text


def test_reminders_plan_again_when_a_decision_is_added(tmp_path: Path) -> None:
    """The reminder plan's stamp includes the days-off data: adding a decision re-plans (a reminder
    moved off a day that is now a working day, or onto one)."""
    from scheduler.reminders.service import plan_code_version

    before = plan_code_version()
    extra = tmp_path / "2027.yaml"
    extra.write_text("years:\n  2027:\n    days_off:\n      - {date: 2027-02-05, name: 'Tết Nguyên đán', "
                     "basis: labour_code}\n", encoding="utf-8")
    configure_days_off([extra])
    assert plan_code_version() != before
    configure_days_off([])
    assert plan_code_version() == before


def test_the_page_shows_2027_as_projected_and_2026_with_its_notice(tmp_path: Path) -> None:
    from web_support import Clock, copy_calendars, running, settings_for

    calendars = copy_calendars(tmp_path)
    with running(settings_for(tmp_path, calendars), Clock(datetime(2026, 12, 7, 3, tzinfo=timezone.utc))) as client:
        page_2027 = client.get("/c/viet-nam?year=2027").text
        page_2026 = client.get("/c/viet-nam?year=2026").text
    assert "Nghỉ Tết Nguyên đán (dự kiến)" in page_2027 and "Nghỉ lễ Quốc khánh (dự kiến)" in page_2027
    assert "Nghỉ Tết Nguyên đán (dự kiến)" not in page_2026
    assert "Nghỉ hoán đổi (làm bù Thứ Bảy 10/1/2026)" in page_2026


def test_check_reports_a_bad_days_off_file(empty_calendars_dir: Path, cli) -> None:  # type: ignore[no-untyped-def]
    folder = empty_calendars_dir / "ngay-nghi"
    folder.mkdir()
    (folder / "2027.yaml").write_text("years:\n  2027:\n    days_off:\n      - {date: 2027-02-30, name: Tết, "
                                      "basis: labour_code}\n", encoding="utf-8")
    run = cli("check", "--calendars", empty_calendars_dir)
    assert run.exit_code != 0 and "ngày '2027-02-30' không hợp lệ" in run.output
    run = cli("check", folder)
    assert run.exit_code != 0 and "ngay-nghi" in run.output


@pytest.mark.parametrize(("text", "line", "words"), [
    ("years:\n  2027:\n    days_off:\n      - {date: 2027-02-05, name: Tết, basis: khong-co}\n", 4,
     ["năm 2027, ngày 2027-02-05", "căn cứ 'khong-co'"]),
    ("years:\n  2027:\n    days_off:\n      - 2027-02-05\n", 4, ["mỗi mục của 'days_off' là một bảng"]),
    ("years:\n  2027:\n    days_off:\n      - {date: 2027-02-30, name: Tết, basis: labour_code}\n", 4,
     ["ngày '2027-02-30' không hợp lệ", "năm-tháng-ngày"]),
    ("decisions:\n  tb:\n    number: '1/TB'\n    date: 2026-13-01\n    issuer: Bộ Nội vụ\n", 4,
     ["văn bản tb", "ngày '2026-13-01' không hợp lệ"]),
], ids=["unknown basis", "not a mapping", "impossible date", "bad decision date"])
def test_a_days_off_error_names_its_line(text: str, line: int, words: list[str]) -> None:
    with pytest.raises(DaysOffDataError) as raised:
        parse_days_off([("ngay-nghi/2027.yaml", text)])
    assert str(raised.value).startswith(f"ngay-nghi/2027.yaml, dòng {line}"), str(raised.value)
    assert (raised.value.file, raised.value.line) == ("ngay-nghi/2027.yaml", line)
    for word in words:
        assert word in str(raised.value), str(raised.value)
