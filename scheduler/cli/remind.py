"""`lichthidua remind ...`: preview, send what is due, status of the reminder ledger.

Each command calls one function of :mod:`scheduler.reminder_service` and prints.
The service (database, mail) is imported when a command runs, not when the
CLI starts: `lichthidua lunar` must not pay for SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import typer

from scheduler.cli.app import app
from scheduler.cli.language import WordedCommand, WordedGroup
from scheduler.cli.output import console, err_console, run_command
from scheduler import dates
from scheduler.errors import BadRequest

if TYPE_CHECKING:
    from scheduler.reminder_service import ReminderService, SendReport
    from scheduler.reminder_store import StoredReminder
    from scheduler.reminders import PlannedReminder

remind = typer.Typer(cls=WordedGroup, help="Email nhắc hạn chót: xem trước, gửi các lời nhắc đến hạn, xem tình trạng.",
                     no_args_is_help=True)
app.add_typer(remind, name="remind")

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
KIND_VN = {"reminder": "nhắc hạn", "overdue": "quá hạn", "summary": "báo cáo quản trị"}  # by reminders.Kind


def parse_day(raw: str) -> date:
    return dates.parse_day(raw, "--on")


def parse_now(raw: str | None) -> datetime:
    """ISO 8601; without an offset it is Vietnamese time (UTC+7)."""
    if not raw:
        return datetime.now(UTC)
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise BadRequest(f"Thời điểm không hợp lệ: {raw!r} (ví dụ 2024-06-17T08:00+07:00)") from None
    return value if value.tzinfo else value.replace(tzinfo=ZONE)


@contextmanager
def _service(*, sends: bool = False) -> Iterator[ReminderService]:
    """The service, its database (and outbox if it `sends`) checked first; faults become messages (75/78)."""
    from scheduler.faults import guarded, preflight
    from scheduler.reminder_service import open_service
    from scheduler.settings import load_settings

    settings = load_settings()
    preflight(settings, outbox=sends)
    with guarded(settings):
        service = open_service(settings)
        try:
            yield service
        finally:
            service.close()


def _row_label(r: PlannedReminder) -> str:
    offset = {"overdue": "sau hạn", "summary": "sau hạn"}.get(r.kind) or (
        "ngày cuối" if r.offset_days == 0 else f"trước {r.offset_days} ngày")
    return f"{KIND_VN[r.kind]} ({offset})" + (f", dời từ {r.nominal_day:%d/%m}" if r.moved else "")


@remind.command("preview", cls=WordedCommand)
def preview(
    on: str = typer.Option("", "--on", help="Ngày cần xem (17/6/2024 hoặc 2024-06-17); mặc định hôm nay."),
    now: str = typer.Option(
        "", "--now", help="Lập kế hoạch như tại thời điểm này (mặc định: đầu ngày --on, hoặc bây giờ)."
    ),
) -> None:
    """Xem những email nhắc sẽ được gửi trong một ngày, không gửi gì."""
    def work() -> tuple[date, list[PlannedReminder]]:
        if on and not now:
            # "What goes out that day": planned as of the day's first moment, past days included.
            day = parse_day(on)
            at = datetime.combine(day, time(0, 0), ZONE)
        else:
            at = parse_now(now or None)
            day = parse_day(on) if on else at.astimezone(ZONE).date()
        with _service() as service:
            return day, service.preview(day, at)

    from rich.table import Table

    day, rows = run_command(work)
    if not rows:
        console.print(f"Không có email nhắc nào vào ngày {day:%d/%m/%Y}.")
        return
    table = Table(title=f"Email nhắc ngày {day:%d/%m/%Y} ({len(rows)})", show_lines=False)
    for col in ("Giờ", "Người nhận", "Đơn vị", "Loại", "Hạn chót"):
        table.add_column(col)
    for r in rows:
        table.add_row(r.send_at.astimezone(ZONE).strftime("%H:%M"), r.email, r.party_name, _row_label(r),
                      r.occurrence_uid)
    console.print(table)


@remind.command("send-due", cls=WordedCommand)
def send_due(
    now: str = typer.Option("", "--now", help="Gửi như tại thời điểm này (ISO 8601), để gửi bù; mặc định: bây giờ."),
) -> None:
    """Gửi mọi email nhắc đã đến hạn (cho cron, hoặc để gửi bù)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    def work() -> SendReport:
        import asyncio

        at = parse_now(now or None)
        with _service(sends=True) as service, Progress(TextColumn("Đang gửi"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=err_console, transient=True) as bar:
            task = bar.add_task("gửi", total=None)
            return asyncio.run(service.start(at, progress=lambda done, total: bar.update(task, completed=done,
                                                                                        total=total)))

    report = run_command(work)
    console.print(f"Đã gửi {report.sent} lời nhắc ({report.messages} email); lỗi vĩnh viễn: {report.failed}; "
                  f"thử lại sau: {report.retry}; bỏ lỡ: {report.missed}.")
    for line in report.errors[:20]:
        err_console.print(f"  {line}", markup=False)
    if report.retry:
        raise typer.Exit(75)


@remind.command("status", cls=WordedCommand)
def status() -> None:
    """Số lời nhắc theo tình trạng, và những lời nhắc cần chú ý."""
    def work() -> tuple[dict[str, int], list[tuple[StoredReminder, str]]]:
        with _service() as service:
            counts, rows = service.status()
            return counts, [(r, service.deadline_title(r)) for r in rows]

    from rich.table import Table

    from scheduler.reminder_store import STATUS_VN, Status

    counts, rows = run_command(work)
    console.print(" · ".join(f"{STATUS_VN[Status(k)]}: {v}" for k, v in counts.items()), soft_wrap=False)
    if not rows:
        return
    # Three columns that wrap: readable at 80 columns, nothing cut.
    table = Table(show_lines=True)
    table.add_column("Tình trạng", no_wrap=True)
    table.add_column("Hạn chót", ratio=3, overflow="fold")
    table.add_column("Người nhận", ratio=2, overflow="fold")
    for r, title in rows:
        when = r.send_at.astimezone(ZONE).strftime("%d/%m/%Y\n%H:%M")
        who = f"{r.party_name}\n{r.email}" + (f"\n{r.last_error}" if r.last_error else "")
        table.add_row(f"{STATUS_VN[Status(r.status)]}\n{when}", title, who)
    console.print(table)
