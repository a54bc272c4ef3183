"""`lichthidua remind ...`: preview, send what is due, status of the reminder ledger.

Each command calls one function of :mod:`scheduler.reminders.service` and prints.
The service (database, mail) is imported when a command runs, not when the
CLI starts: `lichthidua lunar` must not pay for SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import typer

from scheduler.cli.language import WordedCommand, WordedGroup
from scheduler.cli.output import console, err_console, run_async, run_command
from scheduler.cli.root import app
from scheduler.core import dates
from scheduler.errors import BadRequest

if TYPE_CHECKING:
    from scheduler.reminders.ledger import StoredReminder
    from scheduler.reminders.planning import PlannedReminder
    from scheduler.reminders.service import ReminderService, SendReport

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
    from scheduler.reminders.service import open_service
    from scheduler.settings import load_settings
    from scheduler.store.faults import guarded, preflight

    settings = load_settings()
    preflight(settings, outbox=sends)
    with guarded(settings):
        service = open_service(settings)
        try:
            yield service
        finally:
            service.close()


def _kind_label(kind: str, offset_days: int, moved_from: date | None = None) -> str:
    offset = {"overdue": "sau hạn", "summary": "sau hạn"}.get(kind) or (
        "ngày cuối" if offset_days == 0 else f"trước {offset_days} ngày")
    return f"{KIND_VN[kind]} ({offset})" + (f", dời từ {moved_from:%d/%m}" if moved_from else "")


def _row_label(r: PlannedReminder) -> str:
    return _kind_label(r.kind, r.offset_days, r.nominal_day if r.moved else None)


@remind.command("preview", cls=WordedCommand)
def preview(
    on: str = typer.Option("", "--on", help="Ngày cần xem (17/6/2024 hoặc 2024-06-17); mặc định hôm nay."),
    now: str = typer.Option(
        "", "--now", help="Lập kế hoạch như tại thời điểm này (mặc định: đầu ngày --on, hoặc bây giờ)."
    ),
    rows: bool = typer.Option(
        False, "--rows", help="Liệt kê từng email (mặc định: tóm tắt theo hạn chót, số đơn vị và số email)."
    ),
) -> None:
    """Xem những email nhắc sẽ được gửi trong một ngày, không gửi gì."""
    from rich.table import Table

    from scheduler.reminders.day_summary import summarize

    def work() -> tuple[date, list[PlannedReminder], dict[str, str]]:
        if on and not now:
            # "What goes out that day": planned as of the day's first moment, past days included.
            day = parse_day(on)
            at = datetime.combine(day, time(0, 0), ZONE)
        else:
            at = parse_now(now or None)
            day = parse_day(on) if on else at.astimezone(ZONE).date()
        with _service() as service:
            planned = service.preview(day, at)
            # People read titles, not UIDs: one title per deadline (its last row's, as before), not per row.
            last = {r.occurrence_uid: r for r in planned}
            titles = {uid: service.deadline_title(r) for uid, r in last.items()}
            return day, planned, titles

    day, planned, titles = run_command(work)
    if not planned:
        console.print(f"Không có email nhắc nào vào ngày {day:%d/%m/%Y}.")
        return
    units = len({r.party_key for r in planned})
    by_channel = {"email": 0, "webhook": 0}
    channels = [r.channel for r in planned]
    for channel in channels:
        by_channel[channel] = by_channel.get(channel, 0) + 1
    webhooks = by_channel.get("webhook", 0)
    counted = f"{by_channel['email']} email" + (f", {webhooks} webhook" if webhooks else "")
    title = f"Nhắc hạn ngày {day:%d/%m/%Y}: {counted}, {units} đơn vị / người nhận"
    if not rows:
        hooks: dict[tuple[str, str, int], int] = {}
        for r, channel in zip(planned, channels, strict=True) if webhooks else ():
            if channel == "webhook":
                key = (r.occurrence_uid, r.kind.value, r.offset_days)
                hooks[key] = hooks.get(key, 0) + 1
        table = Table(title=title, show_lines=False)
        columns = ("Giờ", "Hạn chót", "Loại", "Đơn vị", "Email") + (("Webhook",) if webhooks else ())
        for col in columns:
            table.add_column(col, justify="right" if col in ("Đơn vị", "Email", "Webhook") else "left",
                             no_wrap=col in ("Giờ", "Đơn vị", "Email", "Webhook"))
        for s in summarize(planned):
            hooked = hooks.get((s.occurrence_uid, s.kind.value, s.offset_days), 0)
            table.add_row(s.send_at.astimezone(ZONE).strftime("%H:%M"), titles.get(s.occurrence_uid, s.occurrence_uid),
                          _kind_label(s.kind, s.offset_days) + (" (đã dời)" if s.moved else ""),
                          str(s.parties), str(s.emails - hooked), *((str(hooked),) if webhooks else ()))
        console.print(table)
        console.print("Xem từng thư: thêm --rows.")
        return
    table = Table(title=title, show_lines=False)
    for col in ("Giờ", "Người nhận", "Đơn vị", "Loại", "Hạn chót"):
        table.add_column(col, no_wrap=col == "Giờ", overflow="fold")  # an address is never cut
    for r in planned:
        table.add_row(r.send_at.astimezone(ZONE).strftime("%H:%M"), r.email, r.party_name, _row_label(r),
                      titles.get(r.occurrence_uid, r.occurrence_uid))
    console.print(table)


@remind.command("send-due", cls=WordedCommand)
def send_due(
    now: str = typer.Option("", "--now", help="Gửi như tại thời điểm này (ISO 8601), để gửi bù; mặc định: bây giờ."),
) -> None:
    """Gửi mọi email nhắc đã đến hạn (cho cron, hoặc để gửi bù)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    def work() -> tuple[SendReport, bool]:
        at = parse_now(now or None)
        with _service(sends=True) as service, Progress(TextColumn("Đang gửi"), BarColumn(), MofNCompleteColumn(),
                                                        TimeElapsedColumn(), console=err_console, transient=True) as bar:
            task = bar.add_task("gửi", total=None)
            try:
                report = run_async(service.start(at, progress=lambda done, total: bar.update(task, completed=done,
                                                                                              total=total)))
            except Exception:
                if service.sender.unrecorded:  # the database was lost mid-wave (the error follows, exit 75)
                    err_console.print(f"{len(service.sender.unrecorded)} lời nhắc đã gửi nhưng chưa ghi được kết quả "
                                      "vào CSDL: lần chạy sau có thể gửi lại chúng.", markup=False)
                raise
            return report, service.last_plan_skipped

    report, reused = run_command(work)
    if reused:
        console.print("Lịch nhắc đã được lập từ đúng dữ liệu này: dùng lại, không đọc lại danh sách người nhận.")
    timing = ""
    emails = report.delivered.get("email", 0)
    if report.messages:
        rate = emails / report.seconds if report.seconds > 0 else 0.0
        timing = f" trong {report.seconds:.1f} giây ({rate:.0f} email/giây)".replace(".", ",")
    # Each channel counted as itself: "(4 email, 2 webhook)".
    others = "".join(f", {n} {name}" for name, n in sorted(report.delivered.items()) if name != "email")
    console.print(f"Đã gửi {report.sent} lời nhắc ({emails} email{others}){timing}; lỗi vĩnh viễn: {report.failed}; "
                  f"thử lại sau: {report.retry}; bỏ lỡ: {report.missed}.")
    for line in report.errors[:20]:
        err_console.print(f"  {line}", markup=False)
    if report.retry:
        raise typer.Exit(75)


@remind.command("status", cls=WordedCommand)
def status() -> None:
    """Số lời nhắc theo tình trạng, và những lời nhắc cần chú ý."""
    def work() -> tuple[dict[str, int], list[tuple[StoredReminder, str]], list[str]]:
        from notifiers.endpoint_health import paused_endpoints

        with _service() as service:
            counts, rows = service.status()
            paused = [p.describe(ZONE) for p in paused_endpoints(Path(service.settings.data_dir), service.wall())]
            return counts, [(r, service.deadline_title(r)) for r in rows], paused

    from rich.table import Table

    from scheduler.reminders.ledger import STATUS_VN, Status

    counts, rows, paused = run_command(work)
    console.print(" · ".join(f"{STATUS_VN[Status(k)]}: {v}" for k, v in counts.items()), soft_wrap=False)
    if paused:
        console.print("Điểm nhận webhook, chat đang lỗi (lời nhắc của chúng chờ trong hàng đợi):", markup=False)
        for line in paused:
            console.print(f"  {line}", markup=False, soft_wrap=True)
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
