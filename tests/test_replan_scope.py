"""A re-plan after a change plans only what the change touches, and leaves the ledger as a whole re-plan would.

Two services run the same story, each on its own fresh database (SQLite, PostgreSQL): one re-plans
as `serve` does (only the deadlines or units a change touches, from the inputs it planned last), the
other plans everything each time. After every step the two ledgers are equal, row for row: a unit's
"Đã nộp", a calendar edited, a recipients file edited, a subscriber, a deadline removed, a new day,
some rows already sent, a later last day given to one unit. Real calendar and recipient files, real databases.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from db_support import BACKENDS, fresh_database
from sqlalchemy import select, update

from scheduler.live.catalog import load_catalog
from scheduler.reminders.actions import BoardStore
from scheduler.reminders.ledger import ReminderRow, Status
from scheduler.reminders.service import ReminderService, open_service
from scheduler.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
VN = ZoneInfo("Asia/Ho_Chi_Minh")
T0 = datetime(2024, 6, 3, 9, 0, tzinfo=VN)
COLUMNS = ("occurrence_uid", "recipient_key", "offset_days", "calendar_id", "kind", "party_key", "party_name",
           "email", "channel", "send_at", "due_at", "status", "updated_at")


@contextmanager
def _service(tmp: Path, calendars: Path, backend: str) -> Iterator[ReminderService]:
    (tmp / "var").mkdir(parents=True, exist_ok=True)
    with fresh_database(backend, tmp) as url:
        settings = Settings(calendars_dir=calendars, data_dir=tmp / "var", database_url=url,
                            admin_emails=["quantri@vi-du.example.org"])
        service = open_service(settings, load_calendars=False)
        try:
            yield service
        finally:
            service.close()


def _ledger(service: ReminderService) -> list[tuple[object, ...]]:
    t = ReminderRow.__table__  # type: ignore[attr-defined]
    with service.engine.connect() as conn:
        return sorted(tuple(r) for r in conn.execute(select(*(t.c[c] for c in COLUMNS))).all())


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_replan_of_what_changed_equals_a_whole_replan(backend: str, tmp_path: Path) -> None:
    calendars = tmp_path / "calendars"
    shutil.copytree(ROOT / "calendars", calendars)
    with ExitStack() as stack:
        part = stack.enter_context(_service(tmp_path / "part", calendars, backend))
        whole = stack.enter_context(_service(tmp_path / "whole", calendars, backend))
        both = (part, whole)

        def replan(now: datetime, *, scoped: bool = True) -> None:
            for service in both:
                service.load(load_catalog(calendars).calendars)  # as serve after a reload: every calendar read again
            whole._memory = None  # noqa: SLF001 — this one plans everything each time
            whole.replan(now)
            stats = part.replan(now)
            assert (part.last_plan_scope is not None) == scoped, stats
            assert _ledger(part) == _ledger(whole)

        replan(T0, scoped=False)
        rows = part.store.rows()
        assert rows, "the shipped calendars plan reminders"
        units = sorted({(r.occurrence_uid, r.party_key) for r in rows if r.party_key.startswith("unit:")})
        uid, unit = units[0]

        # Nothing changed: the stamp says so, nothing is planned.
        for service in both:
            service.replan(T0)
            assert service.last_plan_skipped

        # Some rows go out (sent ones never change afterwards).
        for service in both:
            t = ReminderRow.__table__  # type: ignore[attr-defined]
            with service.engine.begin() as conn:
                conn.execute(update(t).where(t.c.occurrence_uid == uid, t.c.offset_days == 14)
                             .values(status=Status.SENT))

        # A unit says "Đã nộp": only its rows of that deadline are planned.
        for service in both:
            service.store.record_submission(uid, unit, T0)
        replan(T0 + timedelta(hours=1))
        assert part.last_plan_scope is not None and not part.last_plan_scope.occurrences
        assert dict(part.last_plan_scope.parties) == {uid: frozenset({unit})}
        assert Status.SUPPRESSED in {r.status for r in part.store.rows(occurrence_uids=[uid]) if r.party_key == unit}

        # Staff give another unit of the same deadline a later last day: only its rows are planned.
        later_uid, later_unit = next((u, p) for u, p in units if u == uid and p != unit)
        last = max(r.due_at for r in rows if r.occurrence_uid == later_uid).astimezone(VN).date()
        for service in both:
            BoardStore(service.engine).extended(later_uid, later_uid.split(".deadline.")[0], later_unit[len("unit:"):],
                                                last + timedelta(days=10), "", actor="quantri", now=T0)
        replan(T0 + timedelta(minutes=90))
        assert part.last_plan_scope is not None and dict(part.last_plan_scope.parties) == {uid: frozenset({later_unit})}
        assert any(r.party_key == later_unit and r.status == Status.PENDING
                   and r.due_at.astimezone(VN).date() == last + timedelta(days=10)
                   for r in part.store.rows(occurrence_uids=[uid]))

        # A calendar edited: its deadline moves; only that calendar's deadlines are planned.
        path = calendars / "kon-tum-2024.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("date: 25/6\n", "date: 28/6\n"), encoding="utf-8")
        replan(T0 + timedelta(hours=2))
        assert part.last_plan_scope is not None
        assert {u.split(".deadline.")[0] for u in part.last_plan_scope.occurrences} == {"kon-tum-2024"}

        # A recipients file edited: a unit added, one's address changed.
        people = calendars / "recipients" / "kon-tum.yaml"
        text = people.read_text(encoding="utf-8").replace("vienchuc@kontum.example.org", "vienchuc2@kontum.example.org")
        people.write_text(text.replace("    units:\n", "    units:\n      - id: vd-moi\n        name: Đơn vị mới (ví dụ)\n"
                                       "        emails: [moi@kontum.example.org]\n", 1), encoding="utf-8")
        replan(T0 + timedelta(hours=3))

        # A subscriber confirmed for one calendar.
        for service in both:
            sub_id, nonce, _ = service.store.request_subscription("ban@vi-du.example.org", "ninh-thuan-2023", T0)
            service.store.confirm_subscription(sub_id, nonce, T0)
        replan(T0 + timedelta(hours=4))

        # A deadline renamed: the old one is removed (its open rows cancelled), the new one planned.
        path.write_text(path.read_text(encoding="utf-8").replace("  - id: bao-cao-nam\n", "  - id: bao-cao-ca-nam\n"),
                        encoding="utf-8")
        replan(T0 + timedelta(hours=5))

        # A calendar deleted; then the next day (every calendar's local day changes).
        (calendars / "long-bien-2024.yaml").unlink()
        replan(T0 + timedelta(hours=6))
        replan(T0 + timedelta(days=1))
        replan(T0 + timedelta(days=40))
        statuses = {r[COLUMNS.index("status")] for r in _ledger(part)}
        assert {"pending", "suppressed", "cancelled", "sent"} <= statuses, statuses
