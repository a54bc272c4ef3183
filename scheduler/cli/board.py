"""`lichthidua remind board …` and the other commands of the deadline board (staff accounts, actions, digest).

Each command opens the reminder service, calls one method of
:class:`~scheduler.reminders.board_service.BoardService` and prints. The
command line is the server's admin: every unit is in scope unless
``--scope`` narrows it (to see what a district's staff see).
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from scheduler.cli.language import WordedCommand, WordedGroup
from scheduler.cli.output import console, err_console, run_async, run_command
from scheduler.cli.remind import ZONE, parse_now, remind
from scheduler.core import dates
from scheduler.errors import BadRequest, OutputError

if TYPE_CHECKING:
    from scheduler.reminders.board_service import BoardService, Staff

CLI_ACTOR = "admin"


@contextmanager
def _board(*, sends: bool = False) -> Iterator[BoardService]:
    """The board over the reminder service, its database (and outbox if it `sends`) checked first; faults
    become messages (75/78), as for every `remind` command."""
    from scheduler.reminders.board_service import BoardService
    from scheduler.reminders.service import open_service
    from scheduler.settings import load_settings
    from scheduler.store.faults import guarded, preflight

    settings = load_settings()
    preflight(settings, outbox=sends)
    with guarded(settings):
        service = open_service(settings)
        try:
            yield BoardService(service)
        finally:
            service.close()


def _staff(scope: str) -> Staff:
    from scheduler.reminders.board_service import ADMIN, Staff

    return ADMIN if scope in ("", "*") else Staff(CLI_ACTOR, "Quản trị viên (dòng lệnh)", scope)


@remind.command("board", cls=WordedCommand)
def board(
    campaign: str = typer.Argument(..., help="Mã lịch (phong trào), ví dụ kon-tum-2024."),
    deadline: str = typer.Option("", "--deadline", help="Chỉ một hạn chót (mã hạn trong tệp lịch)."),
    status: list[str] = typer.Option([], "--status", help="Lọc theo tình trạng: chua-nop, da-nop, nop-muon, "
                                     "gia-han, tra-lai (lặp lại hoặc ngăn bằng dấu phẩy)."),
    group: list[str] = typer.Option([], "--group", help="Lọc theo nhóm người nhận (mã nhóm)."),
    level: list[int] = typer.Option([], "--level", help="Lọc theo cấp (1 là cấp cao nhất trong tệp người nhận)."),
    under: str = typer.Option("", "--under", help="Chỉ các đơn vị trực thuộc một đơn vị (mã đơn vị)."),
    scope: str = typer.Option("", "--scope", help="Xem như cán bộ của một đơn vị (mã đơn vị); mặc định: mọi đơn vị."),
    fmt: str = typer.Option("table", "--format", help="table (bảng trên màn hình), csv hoặc xlsx."),
    output: Path | None = typer.Option(None, "-o", "--output", help="Ghi ra tệp (csv, xlsx); mặc định ra màn hình."),
    limit: int = typer.Option(50, "--limit", help="Số dòng đơn vị tối đa của bảng trên màn hình."),
    now: str = typer.Option("", "--now", help="Xem như tại thời điểm này (ISO 8601); mặc định: bây giờ."),
) -> None:
    """Bảng theo dõi nộp báo cáo: đơn vị nào đã nộp, chưa nộp, nộp muộn, được gia hạn, bị trả lại."""
    from scheduler.reminders import board as B
    from scheduler.reminders.board_export import text_rows, to_csv, to_xlsx

    if fmt not in ("table", "csv", "xlsx"):
        raise typer.BadParameter(f"--format {fmt}: dùng table, csv hoặc xlsx.")
    if fmt == "xlsx" and output is None and sys.stdout.isatty():
        raise typer.BadParameter("Tệp Excel cần -o TỆP.xlsx (không in ra màn hình).")

    def work() -> tuple[B.Hierarchy, list[B.Entry], list[B.RollUp], str]:
        try:
            statuses = B.parse_statuses(status)
        except ValueError as exc:
            raise BadRequest(str(exc)) from None
        at = parse_now(now or None)
        with _board() as service:
            staff = _staff(scope)
            if under:
                service.check_under(staff, under)
            view = service.view(campaign, staff, at, deadline=deadline or None)
            picked = B.by_overdue(B.select(view.entries, statuses=statuses, groups=group, levels=level,
                                           under=under or None, hierarchy=view.hierarchy))
            rolled = B.roll_up(picked, view.hierarchy, under or staff.root)
            if not any(view.hierarchy.children.get(r.body.id) for r in rolled):
                rolled = []  # a flat list: the roll-up would repeat the units one by one
            return view.hierarchy, picked, rolled, view.calendar.title

    hierarchy, entries, rolled, title = run_command(work)
    if fmt == "csv":
        _write(to_csv(entries, hierarchy), output)
        return
    if fmt == "xlsx":
        _write(to_xlsx(entries, hierarchy, title=title), output)
        return
    from rich.table import Table

    counts = B.counts(entries)
    console.print(f"{title}: {len(entries)} dòng (đơn vị × hạn chót). "
                  + " · ".join(f"{s.label}: {n}" for s, n in counts.items()))
    if rolled:
        table = Table(title="Theo đơn vị trực thuộc (gồm cả cấp dưới)")
        table.add_column("Đơn vị", overflow="fold")
        for s in B.STATUS_ORDER:
            table.add_column(s.label, justify="right")
        for r in rolled[:limit]:
            table.add_row(r.body.name, *(str(r.counts[s]) for s in B.STATUS_ORDER))
        console.print(table)
    table = Table(title=f"Đơn vị (quá hạn lâu nhất trước; {min(limit, len(entries))}/{len(entries)} dòng)")
    for col in ("Hạn chót", "Đơn vị", "Cấp", "Tình trạng"):
        table.add_column(col, overflow="fold")
    for e, row in zip(entries[:limit], text_rows(entries[:limit], hierarchy), strict=True):
        table.add_row(f"{e.deadline.title}\n{row[7]}", f"{e.unit.name}\n{e.unit.id}", str(e.level), e.status_text)
    console.print(table)
    if len(entries) > limit:
        console.print(f"Còn {len(entries) - limit} dòng: xuất đủ bằng --format csv hoặc --format xlsx -o TỆP.")


def _write(data: bytes, output: Path | None) -> None:
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise OutputError(f"Không ghi được {output}: {exc.strerror}") from None
    err_console.print(f"Đã ghi {output} ({len(data):,} byte).".replace(",", "."))


def _day(raw: str, what: str) -> dates.date:
    return dates.parse_day(raw, what)


@remind.command("received", cls=WordedCommand)
def received(
    campaign: str = typer.Argument(..., help="Mã lịch."),
    deadline: str = typer.Argument(..., help="Mã hạn chót."),
    unit: str = typer.Argument(..., help="Mã đơn vị."),
    how: str = typer.Option("paper", "--how", help="paper (bản giấy) hoặc email."),
    note: str = typer.Option("", "--note", help="Ghi chú (số công văn, người nhận...)."),
    on: str = typer.Option("", "--on", help="Ngày nhận (mặc định hôm nay)."),
    now: str = typer.Option("", "--now", help="Thời điểm ghi (ISO 8601); mặc định: bây giờ."),
) -> None:
    """Ghi nhận một đơn vị đã nộp bằng bản giấy hoặc qua email."""
    from scheduler.reminders.board import How

    def work() -> int:
        if how not in ("paper", "email"):
            raise BadRequest(f"--how {how}: dùng paper hoặc email.")
        with _board() as service:
            return service.receive(campaign, deadline, unit, How(how), note, _staff(""), parse_now(now or None),
                                   on=_day(on, "--on") if on else None)

    action = run_command(work)
    console.print(f"Đã ghi nhận (thao tác số {action}; hoàn tác: lichthidua remind undo {action}).")


@remind.command("return", cls=WordedCommand)
def return_(
    campaign: str = typer.Argument(..., help="Mã lịch."),
    deadline: str = typer.Argument(..., help="Mã hạn chót."),
    unit: str = typer.Argument(..., help="Mã đơn vị."),
    reason: str = typer.Option(..., "--reason", help="Lý do trả lại (gửi tới đơn vị qua email)."),
    now: str = typer.Option("", "--now", help="Thời điểm ghi (ISO 8601); mặc định: bây giờ."),
) -> None:
    """Trả lại báo cáo để đơn vị bổ sung: email lý do tới đơn vị, đơn vị lại được nhắc."""
    def work() -> int:
        with _board(sends=True) as service:
            return run_async(service.return_(campaign, deadline, unit, reason, _staff(""), parse_now(now or None)))

    action = run_command(work)
    console.print(f"Đã trả lại (thao tác số {action}); đã gửi email lý do tới đơn vị.")


@remind.command("extend", cls=WordedCommand)
def extend(
    campaign: str = typer.Argument(..., help="Mã lịch."),
    deadline: str = typer.Argument(..., help="Mã hạn chót."),
    unit: str = typer.Argument(..., help="Mã đơn vị."),
    until: str = typer.Option(..., "--until", help="Ngày cuối mới của đơn vị, ví dụ 10/12/2026."),
    note: str = typer.Option("", "--note", help="Lý do gia hạn."),
    now: str = typer.Option("", "--now", help="Thời điểm ghi (ISO 8601); mặc định: bây giờ."),
) -> None:
    """Gia hạn cho một đơn vị: lời nhắc của đơn vị tính theo ngày mới."""
    def work() -> int:
        with _board() as service:
            return service.extend(campaign, deadline, unit, _day(until, "--until"), note, _staff(""),
                                  parse_now(now or None))

    action = run_command(work)
    console.print(f"Đã gia hạn đến {until} (thao tác số {action}).")


@remind.command("undo", cls=WordedCommand)
def undo(
    action: int = typer.Argument(..., help="Số thao tác (in ra khi ghi, và trên bảng theo dõi)."),
    now: str = typer.Option("", "--now", help="Thời điểm ghi (ISO 8601); mặc định: bây giờ."),
) -> None:
    """Hoàn tác một thao tác (ghi nhận, trả lại, gia hạn)."""
    def work() -> int:
        with _board() as service:
            return service.undo(action, _staff(""), parse_now(now or None))

    run_command(work)
    console.print(f"Đã hoàn tác thao tác số {action}.")


@remind.command("nudge", cls=WordedCommand)
def nudge(
    campaign: str = typer.Argument(..., help="Mã lịch."),
    deadline: str = typer.Argument(..., help="Mã hạn chót."),
    key: str = typer.Option("", "--key", help="Mã chống gửi trùng; mặc định: một lần mỗi ngày cho hạn này."),
    scope: str = typer.Option("", "--scope", help="Chỉ các đơn vị trực thuộc một đơn vị (mã đơn vị)."),
    now: str = typer.Option("", "--now", help="Thời điểm (ISO 8601); mặc định: bây giờ."),
) -> None:
    """Nhắc các đơn vị chưa nộp: gửi ngay một lời nhắc tới đúng các đơn vị còn nợ (một lần cho mỗi mã)."""
    def work() -> tuple[bool, int]:
        at = parse_now(now or None)
        with _board(sends=True) as service:
            return run_async(service.nudge(campaign, deadline, key or f"cli:{at.astimezone(ZONE).date().isoformat()}",
                                           _staff(scope), at))

    new, units = run_command(work)
    console.print(f"Đã nhắc {units} đơn vị chưa nộp." if new else
                  "Lời nhắc này đã được gửi (cùng mã): không gửi lại.")


@remind.command("board-digest", cls=WordedCommand)
def board_digest(
    now: str = typer.Option("", "--now", help="Thời điểm (ISO 8601); mặc định: bây giờ."),
) -> None:
    """Gửi bản tổng hợp tới cán bộ theo dõi: ngày sau mỗi hạn chót, rồi hằng tuần tới khi mọi đơn vị đã nộp."""
    def work() -> int:
        with _board(sends=True) as service:
            return run_async(service.send_digests(parse_now(now or None), service.reminders.settings.base_url))

    sent = run_command(work)
    console.print(f"Đã gửi {sent} bản tổng hợp.")


staff = typer.Typer(cls=WordedGroup, help="Tài khoản cán bộ theo dõi nộp báo cáo (mỗi tài khoản một phạm vi).",
                    no_args_is_help=True)
remind.add_typer(staff, name="staff")


@staff.command("add", cls=WordedCommand)
def staff_add(
    username: str = typer.Argument(..., help="Tên đăng nhập (chữ thường, số, dấu gạch)."),
    scope: str = typer.Option(..., "--scope", help="Mã đơn vị mà tài khoản theo dõi các đơn vị trực thuộc; * là mọi đơn vị."),
    name: str = typer.Option("", "--name", help="Họ tên hoặc chức danh, hiện trên các thao tác."),
    email: str = typer.Option("", "--email", help="Email nhận bản tổng hợp sau hạn chót."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Đọc mật khẩu từ đầu vào chuẩn (cho script)."),
) -> None:
    """Tạo (hoặc đặt lại) tài khoản cán bộ; mật khẩu được lưu dạng băm scrypt trong CSDL."""
    import re

    from scheduler.passwords import hash_password

    def password() -> str:
        if not re.fullmatch(r"[a-z0-9][a-z0-9._-]{1,63}", username):
            raise BadRequest("Tên đăng nhập: 2–64 ký tự chữ thường không dấu, số, '.', '_' hoặc '-'.")
        if password_stdin:
            secret = sys.stdin.readline().rstrip("\n")
        else:
            secret = getpass.getpass("Mật khẩu: ")
            if getpass.getpass("Nhập lại mật khẩu: ") != secret:
                raise BadRequest("Hai lần nhập mật khẩu khác nhau.")
        if len(secret) < 10:
            raise BadRequest("Mật khẩu cần ít nhất 10 ký tự.")
        return secret

    secret = run_command(password)

    def work() -> bool:
        from notifiers.email_message import check_address
        from scheduler.reminders.service import utc_now

        with _board() as service:
            if scope != "*":
                hierarchy = service.hierarchy()
                if scope not in hierarchy.bodies:
                    raise BadRequest(f"--scope {scope}: không có đơn vị này trong các tệp người nhận.")
            if email:
                check_address(email)
            return service.store.save_account(username, name or username, scope, hash_password(secret),
                                              email or None, utc_now())

    new = run_command(work)
    console.print(f"Đã {'tạo' if new else 'đặt lại'} tài khoản {username} (phạm vi: {scope}).")


@staff.command("list", cls=WordedCommand)
def staff_list() -> None:
    """Các tài khoản cán bộ và phạm vi của từng tài khoản."""
    def work() -> list[tuple[str, str, str, str, str]]:
        with _board() as service:
            bodies = service.hierarchy().bodies
            return [(a.username, a.name, a.scope if a.scope == "*" else
                     f"{a.scope} ({bodies[a.scope].name})" if a.scope in bodies else f"{a.scope} (không còn trong tệp)",
                     a.email or "", "đã khóa" if a.disabled_at else "") for a in service.store.accounts()]

    rows = run_command(work)
    if not rows:
        console.print("Chưa có tài khoản cán bộ nào (tạo: lichthidua remind staff add TÊN --scope MÃ-ĐƠN-VỊ).")
    for user, name, scope, email, state in rows:
        console.print(f"{user} · {name} · phạm vi: {scope}" + (f" · {email}" if email else "")
                      + (f" · {state}" if state else ""), markup=False)


@staff.command("disable", cls=WordedCommand)
def staff_disable(username: str = typer.Argument(..., help="Tên đăng nhập.")) -> None:
    """Khóa một tài khoản cán bộ (không đăng nhập được nữa; các thao tác đã ghi vẫn giữ)."""
    from scheduler.reminders.service import utc_now

    def work() -> bool:
        with _board() as service:
            return service.store.disable_account(username, utc_now())

    if not run_command(work):
        err_console.print(f"Không có tài khoản {username} đang hoạt động.")
        raise typer.Exit(1)
    console.print(f"Đã khóa tài khoản {username}.")
