"""Instances share the planned ledger: planning from the same inputs again reads no recipients and plans nothing.

The plan stamp (table ``plan_stamp``) records a fingerprint of every input of
the plan (calendars' deadlines, the recipient files' bytes, subscriptions,
opt-outs, submissions, policy, local day) when a ledger is planned; an
instance that finds the same fingerprint skips reading the 20,000 units and
planning. Real SQLite and PostgreSQL databases, real files; real
``lichthidua remind send-due`` processes for what is about processes.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from db_support import BACKENDS, fresh_database
from reminder_support import WAVE_DUE, WAVE_UID, Wall, address, write_wave
from sqlalchemy import func, select
from web_support import process_env

from notifiers.outbox import OutboxTransport
from scheduler.live.catalog import load_catalog
from scheduler.reminders.ledger import ReminderRow, Status
from scheduler.reminders.service import ReminderService, open_service
from scheduler.settings import Settings
from scheduler.store.database import create_engine_for

LICHTHIDUA = Path(sys.executable).parent / "lichthidua"
N = 40


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with fresh_database(request.param, tmp_path) as url:
        yield url


def _service(tmp: Path, url: str, name: str, **overrides: object) -> ReminderService:
    settings = Settings(calendars_dir=tmp / "calendars", data_dir=tmp / "var", database_url=url,
                        base_url="https://lich.example.vn", **overrides)  # type: ignore[arg-type]
    service = open_service(settings, engine=create_engine_for(url), transport=OutboxTransport(tmp / f"outbox-{name}"),
                           owner=f"{name}:1", wall=Wall(WAVE_DUE), load_calendars=False)
    service.load(load_catalog(tmp / "calendars").calendars)
    return service


def _pending(service: ReminderService) -> int:
    t = ReminderRow.__table__  # type: ignore[attr-defined]
    with service.engine.connect() as conn:
        return int(conn.execute(select(func.count()).where(t.c.status == Status.PENDING)).scalar_one())


def test_a_second_instance_sends_the_planned_rows_without_reading_the_recipients(database: str, tmp_path: Path) -> None:
    write_wave(tmp_path, N)
    first, second = _service(tmp_path, database, "a"), _service(tmp_path, database, "b")
    try:
        stats = first.replan(WAVE_DUE)
        assert stats.inserted == 2 * N  # a reminder and an overdue notice each
        assert not first.last_plan_skipped and first.recipients_read
        stamp = first.store.plan_stamp()
        assert stamp is not None and stamp.planned_by == "a:1"
        assert second.replan(WAVE_DUE).inserted == 0
        assert second.last_plan_skipped and not second.recipients_read
        report = asyncio.run(second.send_due(WAVE_DUE))
        assert report.sent == N and not second.recipients_read  # rows carry the address and the unit's name
        files = sorted((tmp_path / "outbox-b").glob("*.eml"))
        assert len(files) == N
        # Who has not submitted (the admin summary) needs the units: read then, on demand.
        event = second._events[WAVE_UID][0]
        done, missing = second.deadline_status(event)
        assert done == () and len(missing) == N and second.recipients_read
        assert second.store.plan_stamp() == stamp  # nobody planned again
    finally:
        first.close()
        second.close()


def test_every_changed_input_plans_again(database: str, tmp_path: Path) -> None:
    calendars = write_wave(tmp_path, N)
    service = _service(tmp_path, database, "a")

    def replans(again: ReminderService | None = None) -> bool:
        s = again or _service(tmp_path, database, "b")  # a fresh instance: nothing remembered in memory
        try:
            s.replan(WAVE_DUE)
            return not s.last_plan_skipped
        finally:
            if again is None:
                s.close()

    try:
        assert replans(service) and not replans() and not replans(service)
        # A recipients file edited: one unit more.
        recipients = calendars / "recipients" / "wave.yaml"
        recipients.write_text(recipients.read_text(encoding="utf-8") + f"      - id: don-vi-{N:05d}\n"
                              f'        name: "Công đoàn cơ sở số {N}"\n        emails: [{address(N)}]\n',
                              encoding="utf-8")
        assert replans() and _pending(service) == 2 * (N + 1) and not replans()
        # A calendar edited: the deadline moves (the service is given the new calendars).
        path = calendars / "wave-2024.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("date: 28/6/2024", "date: 27/6/2024"), encoding="utf-8")
        service.load(load_catalog(calendars).calendars)
        assert replans(service) and not replans()
        # A unit submitted ("Đã nộp").
        service.store.record_submission(WAVE_UID, "unit:don-vi-00001", WAVE_DUE)
        assert replans() and not replans()
        # A person subscribed to the calendar, then opted out of everything.
        sub_id, nonce, _ = service.store.request_subscription("nguoi-dang-ky@example.org", "wave-2024", WAVE_DUE)
        assert not replans()  # not confirmed yet: no input of the plan changed
        service.store.confirm_subscription(sub_id, nonce, WAVE_DUE)
        assert replans() and not replans()
        service.store.unsubscribe("nguoi-dang-ky@example.org", "*", WAVE_DUE)
        assert replans() and not replans()
        # The next day; a different policy.
        s = _service(tmp_path, database, "c")
        try:
            s.replan(WAVE_DUE + timedelta(days=1))
            assert not s.last_plan_skipped
        finally:
            s.close()
        s = _service(tmp_path, database, "d", remind_hour=9)
        try:
            s.replan(WAVE_DUE + timedelta(days=1))
            assert not s.last_plan_skipped
        finally:
            s.close()
    finally:
        service.close()


def _env(tmp: Path, url: str) -> dict[str, str]:
    return process_env(tmp, calendars_dir=str(tmp / "calendars"), data_dir=str(tmp / "var"), database_url=url,
                       base_url="https://lich.example.vn", outbox_dir=str(tmp / "outbox"))


REUSED = "Lịch nhắc đã được lập từ đúng dữ liệu này"


def test_two_send_due_processes_plan_once(database: str, tmp_path: Path) -> None:
    """Two real `remind send-due` started together on one database: one plans, the other reuses its rows."""
    n = 300
    calendars = write_wave(tmp_path, n)
    env = _env(tmp_path, database)
    cmd = [str(LICHTHIDUA), "remind", "send-due", "--now", WAVE_DUE.isoformat()]
    runs = [subprocess.Popen(cmd, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]
    outputs = [p.communicate(timeout=300) for p in runs]
    assert all(p.returncode == 0 for p in runs), outputs
    engine = create_engine_for(database)
    try:
        from scheduler.reminders.ledger import ReminderStore

        stamp = ReminderStore(engine).plan_stamp()
        assert stamp is not None
        planner = [p.pid for p in runs if stamp.planned_by.endswith(f":{p.pid}")]
        assert len(planner) == 1, (stamp, [p.pid for p in runs])
        for p, (out, err) in zip(runs, outputs, strict=True):
            assert (REUSED in out) == (p.pid != planner[0]), (out, err)
        files = list((tmp_path / "outbox").glob("*.eml"))
        assert len(files) == n  # every unit once, between the two
        sent = [int(out.split("Đã gửi ")[1].split(" ")[0]) for out, _ in outputs]
        assert sum(sent) == n
        # The next run the same day reuses the plan too; after a recipients edit, it plans again.
        again = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
        assert again.returncode == 0 and REUSED in again.stdout and "Đã gửi 0 lời nhắc" in again.stdout
        recipients = calendars / "recipients" / "wave.yaml"
        recipients.write_text(recipients.read_text(encoding="utf-8") + f"      - id: don-vi-{n:05d}\n"
                              f'        name: "Công đoàn cơ sở số {n}"\n        emails: [{address(n)}]\n',
                              encoding="utf-8")
        edited = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
        assert edited.returncode == 0 and REUSED not in edited.stdout, edited.stdout
        assert "Đã gửi 1 lời nhắc" in edited.stdout
        after = ReminderStore(engine).plan_stamp()
        assert after is not None and after.fingerprint != stamp.fingerprint
    finally:
        engine.dispose()
