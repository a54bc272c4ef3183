"""The deadline board's actions on a real database (SQLite and PostgreSQL) with a real SMTP server (aiosmtpd):
each action is recorded and shows at once in the unit's reminders; returns, nudges and digests arrive by mail."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from board_support import CAMPAIGN, NOW, REPORT, VN, cdcs, district, email_of, section, write_province
from db_support import BACKENDS, fresh_database
from reminder_support import Wall, no_wait
from smtp_server import SMTPServer, smtp_server_fixture, tls_files  # noqa: F401

from notifiers.smtp import SMTPConfig, SMTPTransport
from scheduler.cli.output import run_async
from scheduler.errors import BadRequest, Forbidden
from scheduler.passwords import hash_password
from scheduler.reminders import board as B
from scheduler.reminders.actions import ActionRefused
from scheduler.reminders.board_service import ADMIN, BoardService, Staff
from scheduler.reminders.ledger import Status
from scheduler.reminders.service import open_service
from scheduler.settings import Settings

BEFORE = datetime(2026, 11, 20, 9, 0, tzinfo=VN)  # ten days before the report's last day (30/11/2026)
DISTRICT_STAFF = Staff("huyen0", "Cán bộ LĐLĐ huyện số 0", district(0), "canbo0@tinh.example.org")


@pytest.fixture(params=BACKENDS)
def board(request: pytest.FixtureRequest, tmp_path: Path, smtp_server: SMTPServer) -> Iterator[BoardService]:  # noqa: F811
    calendars = write_province(tmp_path, districts=2, per_district=3, sections=1)
    with fresh_database(request.param, tmp_path) as url:
        settings = Settings(calendars_dir=calendars, data_dir=tmp_path / "var", base_url="https://lich.example.vn",
                            database_url=url, mail_from="Lịch thi đua <nhac-han@lich.example.vn>",
                            remind_days=(7, 1), **smtp_server.settings())  # type: ignore[arg-type]
        transport = SMTPTransport(SMTPConfig.from_settings(settings), sleep=no_wait,
                                  tls_context=smtp_server.client_tls_context())
        service = open_service(settings, transport=transport, wall=Wall(BEFORE))
        try:
            yield BoardService(service)
        finally:
            service.close()


def _mail(server: SMTPServer) -> list[EmailMessage]:
    return [email.message_from_bytes(m.data, policy=email.policy.default)  # type: ignore[misc]
            for m in server.handler.messages]


def _rows(board: BoardService, unit: str) -> dict[tuple[str, int], tuple[str, datetime]]:
    uid = board.deadline(CAMPAIGN, REPORT, BEFORE)[0].uid
    return {(r.kind, r.offset_days): (r.status, r.send_at) for r in board.reminders.store.rows(occurrence_uids=[uid])
            if r.party_key == f"unit:{unit}"}


def _entry(board: BoardService, unit: str, now: datetime, staff: Staff = ADMIN) -> B.Entry:
    view = board.view(CAMPAIGN, staff, now, deadline=REPORT)
    return next(e for e in view.entries if e.unit.id == unit)


def test_an_extension_re_plans_that_unit_only_and_undo_puts_it_back(board: BoardService) -> None:
    board.reminders.replan(BEFORE)
    unit, other = cdcs(0, 1), cdcs(0, 2)
    before, untouched = _rows(board, unit), _rows(board, other)
    assert before[("reminder", 1)][0] == Status.PENDING
    action = board.extend(CAMPAIGN, REPORT, unit, date(2026, 12, 10), "Chủ tịch ốm", ADMIN, BEFORE)
    after = _rows(board, unit)
    # "1 day before" now counts back from 10/12/2026 (a Thursday): 9/12 at 08:00 local.
    assert after[("reminder", 1)] == (Status.PENDING, datetime(2026, 12, 9, 8, 0, tzinfo=VN))
    assert after[("overdue", -1)][1] == datetime(2026, 12, 11, 8, 0, tzinfo=VN)
    assert _rows(board, other) == untouched
    e = _entry(board, unit, NOW)
    assert e.status is B.BoardStatus.EXTENDED and e.status_text == "được gia hạn đến 10/12/2026"
    board.undo(action, ADMIN, BEFORE)
    assert _rows(board, unit) == before
    assert _entry(board, unit, NOW).status is B.BoardStatus.OWING
    # The next full re-plan plans the same rows (its fingerprint includes the extensions).
    board.reminders.replan(BEFORE + timedelta(hours=1))
    assert _rows(board, unit) == before


def test_received_on_paper_stops_reminders_and_return_emails_the_reason_and_resumes_them(
        board: BoardService, smtp_server: SMTPServer) -> None:  # noqa: F811
    board.reminders.replan(BEFORE)
    unit = district(1)
    received = board.receive(CAMPAIGN, REPORT, unit, B.How.PAPER, "Công văn số 12", ADMIN, BEFORE)
    assert {s for s, _ in _rows(board, unit).values()} == {Status.SUPPRESSED}
    e = _entry(board, unit, NOW)
    assert e.status is B.BoardStatus.SUBMITTED and e.submitted is not None and e.submitted.note == "Công văn số 12"
    assert "(bản giấy)" in e.status_text
    with pytest.raises(ActionRefused, match="đã nộp hạn này rồi"):
        board.receive(CAMPAIGN, REPORT, unit, B.How.EMAIL, "", ADMIN, BEFORE)
    later = BEFORE + timedelta(days=1)
    returned = run_async(board.return_(CAMPAIGN, REPORT, unit, "Thiếu biểu số liệu tháng 10", ADMIN, later))
    assert {s for s, _ in _rows(board, unit).values()} == {Status.PENDING}
    assert _entry(board, unit, NOW).status_text == "trả lại để bổ sung (Thiếu biểu số liệu tháng 10)"
    (mail,) = _mail(smtp_server)
    assert mail["To"].addresses[0].addr_spec == email_of(unit)
    assert mail["Subject"].startswith("[Trả lại để bổ sung]")
    text = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Lý do: Thiếu biểu số liệu tháng 10" in text and "/reminders/submitted?token=" in text
    with pytest.raises(ActionRefused, match="thao tác mới hơn"):
        board.undo(received, ADMIN, later)
    board.undo(returned, ADMIN, later)
    assert {s for s, _ in _rows(board, unit).values()} == {Status.SUPPRESSED}
    assert _entry(board, unit, NOW).status is B.BoardStatus.SUBMITTED
    actions = board.store.actions([board.deadline(CAMPAIGN, REPORT, NOW)[0].uid])
    assert [(a.kind.value, a.actor, a.undone_by) for a in actions] == [
        ("received", "admin", None), ("returned", "admin", "admin")]


def test_a_nudge_reaches_exactly_the_units_still_owing_once_per_key(board: BoardService,
                                                                    smtp_server: SMTPServer) -> None:  # noqa: F811
    board.receive(CAMPAIGN, REPORT, cdcs(0, 0), B.How.EMAIL, "", ADMIN, NOW)
    board.extend(CAMPAIGN, REPORT, cdcs(0, 1), date(2026, 12, 12), "", ADMIN, NOW)
    new, units = run_async(board.nudge(CAMPAIGN, REPORT, "k-1", DISTRICT_STAFF, NOW))
    owing = {cdcs(0, 1), cdcs(0, 2), section(0, 0, 0), section(0, 2, 0)}  # district 0's units, less the one done
    assert new and units == len(owing)
    got = {m["To"].addresses[0].addr_spec for m in _mail(smtp_server)}
    assert got == {email_of(u) for u in owing}
    extended = next(m for m in _mail(smtp_server) if m["To"].addresses[0].addr_spec == email_of(cdcs(0, 1)))
    assert "12/12/2026" in extended.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    again = run_async(board.nudge(CAMPAIGN, REPORT, "k-1", DISTRICT_STAFF, NOW))
    assert again == (False, 0) and len(_mail(smtp_server)) == len(owing)
    (nudge,) = [a for a in board.store.actions() if a.kind.value == "nudge"]
    assert (nudge.actor, nudge.sent) == ("huyen0", len(owing))


def test_the_scope_is_checked_on_every_action(board: BoardService) -> None:
    for act in (lambda: board.receive(CAMPAIGN, REPORT, cdcs(1, 0), B.How.PAPER, "", DISTRICT_STAFF, NOW),
                lambda: board.extend(CAMPAIGN, REPORT, cdcs(1, 0), date(2026, 12, 20), "", DISTRICT_STAFF, NOW),
                lambda: board.receive(CAMPAIGN, REPORT, district(0), B.How.PAPER, "", DISTRICT_STAFF, NOW),
                lambda: board.receive(CAMPAIGN, REPORT, "khong-co", B.How.PAPER, "", DISTRICT_STAFF, NOW)):
        with pytest.raises(Forbidden, match="trong phạm vi của tài khoản huyen0"):
            act()
    other = board.receive(CAMPAIGN, REPORT, cdcs(1, 0), B.How.PAPER, "", ADMIN, NOW)
    with pytest.raises(Forbidden):
        board.undo(other, DISTRICT_STAFF, NOW)
    view = board.view(CAMPAIGN, DISTRICT_STAFF, NOW)
    assert {e.unit.id for e in view.entries} == {cdcs(0, c) for c in range(3)} | {section(0, 0, 0), section(0, 2, 0)}
    with pytest.raises(BadRequest, match="sau ngày cuối"):
        board.extend(CAMPAIGN, REPORT, cdcs(0, 0), date(2026, 11, 30), "", ADMIN, NOW)


def test_without_staff_accounts_no_calendar_is_looked_at_for_digests(board: BoardService) -> None:
    """The hourly digest costs nothing where nobody has an account with an e-mail (no deadline is expanded)."""
    assert run_async(board.send_digests(datetime(2026, 12, 1, 9, 0, tzinfo=VN), "https://lich.example.vn")) == 0
    assert board._deadlines == {}


def test_the_digest_goes_the_day_after_then_weekly_until_everyone_in_scope_has_submitted(
        board: BoardService, smtp_server: SMTPServer) -> None:  # noqa: F811
    board.store.save_account("huyen0", "Cán bộ huyện 0", district(0), hash_password("mot-mat-khau-dai"),
                             "canbo0@tinh.example.org", NOW)
    day_after = datetime(2026, 12, 1, 9, 0, tzinfo=VN)
    url = "https://lich.example.vn"
    assert run_async(board.send_digests(day_after, url)) == 1
    assert run_async(board.send_digests(day_after + timedelta(hours=2), url)) == 0  # once that day
    assert run_async(board.send_digests(day_after + timedelta(days=3), url)) == 0  # not a digest day
    (mail,) = _mail(smtp_server)
    assert mail["To"].addresses[0].addr_spec == "canbo0@tinh.example.org"
    assert mail["Subject"] == "[Theo dõi nộp báo cáo] Báo cáo tổng kết phong trào thi đua năm 2026: 5 đơn vị chưa nộp"
    text = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "các đơn vị thuộc LĐLĐ huyện số 0" in text and "- chưa nộp: 5" in text
    assert f"{url}/admin/board/{CAMPAIGN}?deadline=" in text and "CĐCS số 0 huyện 0 (LĐLĐ huyện số 0)" in text
    assert "huyện 1" not in text  # nothing outside the account's scope
    week = day_after + timedelta(days=7)
    assert run_async(board.send_digests(week, url)) == 1
    for u in (cdcs(0, 0), cdcs(0, 1), cdcs(0, 2), section(0, 0, 0), section(0, 2, 0)):
        board.receive(CAMPAIGN, REPORT, u, B.How.PAPER, "", ADMIN, week)
    assert run_async(board.send_digests(day_after + timedelta(days=14), url)) == 0  # closed: nobody owes
