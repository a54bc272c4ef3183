"""Calendar commands: check, expand, export, schema, lunar, settings.

The calendar stack (YAML, pydantic models, holidays, ICS) is imported by
:func:`_load` when a command that needs it runs, so `lichthidua lunar`
starts at once and no command here imports the database, web or mail stack
(tests/test_startup.py).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date, datetime, timezone
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer
from rich.markup import escape
from rich.table import Table

from scheduler.cli.language import WordedCommand
from scheduler.cli.output import console, err_console, run_command, write_output, write_output_check
from scheduler.cli.quick import lunar_text
from scheduler.cli.root import app
from scheduler.core.dates import parse_day, vn_weekday
from scheduler.errors import BadRequest, CalendarNotFound, Diagnostic, Severity
from scheduler.feeds.options import render_options

if TYPE_CHECKING:  # what _load() imports at run time, for the type checker
    from notifiers.ics import RenderOptions
    from scheduler.core.events import DateOrigin, Event, EventKind, UndatedItem  # noqa: F401 (_load() binds them as globals)
    from scheduler.core.expand import Window, default_window, expand, undated_items
    from scheduler.core.model import json_schema
    from scheduler.feeds.export import export_ics
    from scheduler.live.catalog import calendar_files, load_catalog
    from scheduler.reminders.recipients import check_recipients
    from scheduler.settings import load_settings, settings_table


def _load() -> None:
    """Import the calendar stack into this module, once, when a command needs it."""
    global RenderOptions, Limits, calendar_files, load_catalog, DateOrigin, EventKind, default_window, expand
    global undated_items, export_ics, json_schema, check_recipients, load_settings, settings_table, Window
    global KIND_STYLE, ORIGIN_MARK
    if KIND_STYLE:
        return
    from notifiers.ics import RenderOptions
    from scheduler.core.bounds import Limits
    from scheduler.core.events import DateOrigin, EventKind
    from scheduler.core.expand import Window, default_window, expand, undated_items
    from scheduler.core.model import json_schema
    from scheduler.feeds.export import export_ics
    from scheduler.live.catalog import calendar_files, load_catalog
    from scheduler.reminders.recipients import check_recipients
    from scheduler.settings import load_settings, settings_table

    KIND_STYLE = {
        EventKind.PHASE: "blue",
        EventKind.ANNIVERSARY: "magenta",
        EventKind.OBSERVANCE: "cyan",
        EventKind.LUNAR: "yellow",
        EventKind.DEADLINE: "bold red",
        EventKind.HOLIDAY: "green",
        EventKind.WORKDAY: "green",
        EventKind.EVENT: "bold blue",
    }
    ORIGIN_MARK = {DateOrigin.ADMIN: "do quản trị đặt", DateOrigin.PROVISIONAL: "tạm tính",
                   DateOrigin.DEFAULT: "theo mặc định, không theo văn bản"}


class Lang(StrEnum):
    vi = "vi"
    en = "en"


class Format(StrEnum):
    table = "table"
    json = "json"


KIND_STYLE: dict[Any, str] = {}  # filled by _load()
ORIGIN_MARK: dict[Any, str] = {}

CalendarsOption = Annotated[
    Optional[Path], typer.Option("--calendars", help="Thư mục lịch (mặc định: thiết lập calendars_dir).")
]


def calendars_root(calendars: Path | None) -> Path:
    _load()
    return calendars or load_settings().calendars_dir


def _parse_day(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    return parse_day(text, option)


def _window(calendar_window: Window, start: str | None, end: str | None) -> Window:
    _load()
    return Window(
        _parse_day(start, "--from") or calendar_window.start,
        _parse_day(end, "--to") or calendar_window.end,
    )


def _deadline_day_off_notes(catalog: Any, wanted: Callable[[str], bool]) -> list[Diagnostic]:
    """The rule `expand`, `lint-plan`, emails and pages use ("trước 25/11" can be met until the end of
    24/11): a note on each own deadline of a campaign whose last day is not a working day."""
    from scheduler.core.deadlines import own_deadline_warnings
    from scheduler.core.window import Window as _Window

    notes: list[Diagnostic] = []
    for cid, cal in sorted(catalog.calendars.items()):
        display = catalog.display.get(cid, "")
        if cal.span is None or not wanted(display):
            continue
        for sourced, warnings in own_deadline_warnings(cal, _Window(cal.span.start, cal.span.end)):
            line = int(sourced.source.rsplit(":", 1)[1]) if sourced.source.rsplit(":", 1)[-1].isdigit() else 1
            notes += [Diagnostic(file=display, line=line, column=1, path=f"deadlines.{sourced.item.id}",
                                 code="deadline.day_off", message={"vi": w, "en": w}, severity=Severity.INFO)
                      for w in warnings]
    return notes


def _print_diagnostics(diags: list[Diagnostic], lang: str, batch: int = 200) -> None:
    """Each diagnostic in its severity's colour; neighbours of one colour in one print (a print costs
    about 0.3 ms whatever its length, and a folder of 10,000 calendars can say 10,000 things)."""
    styles = {Severity.ERROR: "red", Severity.WARNING: "yellow"}
    run: list[str] = []
    style = ""
    for d in diags:
        this = styles.get(d.severity, "cyan")
        if run and (this != style or len(run) >= batch):
            err_console.print("\n".join(run), style=style, markup=False)
            run = []
        style = this
        run.append(d.format(lang))
    if run:
        err_console.print("\n".join(run), style=style, markup=False)


@app.command(cls=WordedCommand)
def check(
    paths: Annotated[Optional[list[Path]], typer.Argument(help="Tệp hoặc thư mục lịch (mặc định: thư mục lịch).")] = None,
    lang: Annotated[Lang, typer.Option(help="Ngôn ngữ thông báo lỗi: vi hoặc en.")] = Lang.vi,
    output: Annotated[Format, typer.Option("--format", help="table (cho người đọc) hoặc json.")] = Format.table,
    calendars: CalendarsOption = None,
) -> None:
    """Kiểm tra các tệp lịch YAML; thoát với mã khác 0 nếu có lỗi."""

    def run() -> int:
        _load()
        from notifiers.channels import host_policy
        from scheduler.core.loaded import resolved
        from scheduler.live.data_folders import DATA_CODES, DATA_FOLDERS
        from scheduler.reminders.recipients import RECIPIENTS_DIR, check_recipient_files, looks_like_recipients

        targets = paths or [calendars_root(calendars)]
        for target in targets:
            if not target.exists():
                raise CalendarNotFound(f"Không tìm thấy {target}")
        # A recipients file is checked as one: named (known by its folder or its `groups:`), or in a
        # `recipients/` folder given as the path.
        named = [t for t in targets if not t.is_dir()]
        recipient_targets = [t for t in named if looks_like_recipients(t)]
        for folder in (t for t in targets if t.is_dir() and t.name == RECIPIENTS_DIR):
            recipient_targets += calendar_files([folder])
        # The admin's data (ngay-nghi/, nam-hoc/) is checked with the calendars folder holding it.
        data_dirs = [t for t in targets if t.is_dir() and t.name in DATA_FOLDERS]
        data_dirs += [t.parent for t in named if t.parent.name in DATA_FOLDERS]  # a file of one: its folder
        folders = [t for t in targets if t.is_dir() and t.name != RECIPIENTS_DIR and t not in data_dirs]
        # `check DIR` checks that folder as a calendars folder of its own (its own `extends`, its own
        # recipients); files are checked against the calendars folder their parents come from.
        root = calendars or (folders[0] if len(folders) == 1 else data_dirs[0].parent if data_dirs and not folders
                             else calendars_root(None))
        files = calendar_files([t for t in targets if t not in recipient_targets and t not in data_dirs
                                and t.parent.name not in DATA_FOLDERS and not (t.is_dir() and t.name == RECIPIENTS_DIR)])
        settings = load_settings()
        limits = settings.limits()
        policy = host_policy(settings)  # which hosts the recipients' endpoints may be on
        from scheduler.live.snapshot import start_up_collection

        with start_up_collection():  # a folder of 10,000 files: no collector passes over what lives on
            catalog = load_catalog(root, extra=files, limits=limits)
        wanted = {str(resolved(f)) for f in files}

        seen: dict[str, bool] = {}

        def asked(display: str) -> bool:  # a file among those to check, by its display path (resolved once)
            found = seen.get(display)
            if found is None:
                found = seen[display] = display in wanted or str(resolved(Path(display))) in wanted
            return found

        diags = [d for f, ds in catalog.diagnostics.items() if asked(f) for d in ds]
        diags += _deadline_day_off_notes(catalog, asked)
        if data_dirs or any(t.resolve() == root.resolve() for t in targets):
            diags += [d for d in catalog.all_diagnostics() if d.code in DATA_CODES]
            files += [t for t in named if t.parent.name in DATA_FOLDERS]
        if any(t.resolve() == root.resolve() for t in targets):
            diags += check_recipients(root, catalog, limits, policy)  # recipient lists live beside the calendars
        if recipient_targets:
            diags += check_recipient_files(recipient_targets, limits, policy)
            files += recipient_targets
        errors = sum(d.severity is Severity.ERROR for d in diags)
        notes = sum(d.severity is Severity.INFO for d in diags)
        warnings = len(diags) - errors - notes
        if output is Format.json:
            print(json.dumps([d.to_json(lang.value) for d in diags], ensure_ascii=False, indent=2))
        else:
            _print_diagnostics(diags, lang.value)
            summary = (
                f"Đã kiểm tra {len(files)} tệp: {errors} lỗi, {warnings} cảnh báo"
                + (f", {notes} ghi chú." if notes else ".")
                if lang is Lang.vi
                else f"Checked {len(files)} files: {errors} errors, {warnings} warnings"
                + (f", {notes} notes." if notes else ".")
            )
            (err_console if errors else console).print(summary, style="bold red" if errors else "bold green")
        return 65 if errors else 0

    code = run_command(run)
    if code:
        raise typer.Exit(code)


def _table(events: list[Event], title: str) -> Table:
    _load()
    table = Table(title=title, title_justify="left", header_style="bold")
    table.add_column("Ngày", no_wrap=True)
    table.add_column("Thứ", no_wrap=True)
    table.add_column("Loại", no_wrap=True)
    table.add_column("Sự kiện")
    for e in events:
        when = e.start.strftime("%d/%m/%Y")
        if e.end != e.start:
            when += " – " + e.end.strftime("%d/%m/%Y")
        label, style = e.kind.label, KIND_STYLE[e.kind]
        text = escape(e.title) + (" ★" if e.milestone else "")
        if e.start_time is not None:
            text += f" ({e.start_time:%H:%M}{f' – {e.end_time:%H:%M}' if e.end_time else ''})"
        if e.deadline is not None:
            text += f"\nHạn cuối: {escape(e.deadline.due_words)}"
        if e.origin in ORIGIN_MARK:
            text += f"\n[cyan]ⓘ {escape(e.provenance or ORIGIN_MARK[e.origin])}[/cyan]"
        for w in e.warnings:
            text += f"\n[yellow]⚠ {escape(w)}[/yellow]"
        table.add_row(when, vn_weekday(e.start), f"[{style}]{label}[/{style}]", text)
    return table


def _undated_table(items: list[UndatedItem]) -> Table:
    table = Table(title="Chưa có ngày (văn bản không ghi ngày)", title_justify="left", header_style="bold")
    table.add_column("Loại", no_wrap=True)
    table.add_column("Việc")
    table.add_column("Văn bản ghi")
    for item in items:
        table.add_row(item.kind.label, escape(item.title), escape(f"“{item.wording}”" if item.wording else "—"))
    return table


@app.command(cls=WordedCommand, name="expand")
def expand_command(
    calendar: Annotated[str, typer.Argument(help="Mã lịch trong thư mục lịch, hoặc đường dẫn tệp .yaml.")],
    start: Annotated[Optional[str], typer.Option("--from", help="Từ ngày (28/7/2024 hoặc 2024-07-28).")] = None,
    end: Annotated[Optional[str], typer.Option("--to", help="Đến ngày (28/7/2024 hoặc 2024-07-28), tính cả ngày đó.")] = None,
    output: Annotated[Format, typer.Option("--format", help="table hoặc json.")] = Format.table,
    undated_json: Annotated[
        bool, typer.Option("--with-undated", help="Với --format json: trả về {events, undated} gồm cả các mục chưa có ngày.")
    ] = False,
    calendars: CalendarsOption = None,
) -> None:
    """Liệt kê các sự kiện của một lịch (mặc định: cả thời gian của phong trào), rồi các mục văn bản không ghi ngày."""

    def run() -> None:
        _load()
        from scheduler.live.catalog import load_calendar

        cal = load_calendar(calendar, calendars_root(calendars), load_settings().limits())
        window = _window(default_window(cal, date.today()), start, end)
        events = expand(cal, window)
        undated = undated_items(cal)
        if output is Format.json:
            if undated_json:
                body: object = {"events": [e.to_json() for e in events], "undated": [u.to_json() for u in undated]}
            else:
                body = [e.to_json() for e in events]
            print(json.dumps(body, ensure_ascii=False, indent=2))
        else:
            title = f"{cal.title} ({window.start:%d/%m/%Y} – {window.end:%d/%m/%Y})"
            if cal.span is not None and cal.span.derived:
                title += f"\nThời gian phong trào: {cal.span.described}"
            console.print(_table(events, title))
            if undated:
                console.print(_undated_table(undated))

    run_command(run)


@app.command(cls=WordedCommand)
def export(
    calendar: Annotated[str, typer.Argument(help="Mã lịch hoặc đường dẫn tệp .yaml.")],
    out: Annotated[Optional[Path], typer.Option("-o", "--output", help="Tệp .ics (mặc định: in ra màn hình).")] = None,
    start: Annotated[Optional[str], typer.Option("--from", help="Từ ngày (28/7/2024 hoặc 2024-07-28).")] = None,
    end: Annotated[Optional[str], typer.Option("--to", help="Đến ngày (28/7/2024 hoặc 2024-07-28).")] = None,
    alarm_days: Annotated[
        Optional[str], typer.Option("--alarm-days", help="Nhắc trước bao nhiêu ngày trên hạn chót, ví dụ 7,1.")
    ] = None,
    calendars: CalendarsOption = None,
) -> None:
    """Xuất lịch ra tệp iCalendar (.ics) cho Outlook, Google Calendar, Apple Calendar, Thunderbird."""

    def run() -> None:
        _load()
        from scheduler.live.catalog import load_calendar

        settings = load_settings()
        cal = load_calendar(calendar, calendars_root(calendars), settings.limits())
        window = _window(default_window(cal, date.today()), start, end)
        render = render_options(settings)
        if alarm_days is not None:
            try:
                days = tuple(int(x) for x in alarm_days.split(",") if x.strip())
            except ValueError:
                raise BadRequest(f"--alarm-days: '{alarm_days}' phải là các số nguyên cách nhau bằng dấu phẩy") from None
            render = RenderOptions(
                refresh_interval=render.refresh_interval, alarm_days=days, alarm_hour=render.alarm_hour
            )
        if out is not None:
            write_output_check(out, example=f"{Path(calendar).stem}.ics")  # before the work: a wrong -o says so at once
        previous = out.read_bytes() if out is not None and out.is_file() else None
        query = None
        if start is None and end is None:  # the served feed's default window and selection
            from scheduler.feeds.query import calendar_query

            today = date.today()
            span = (cal.span.start, cal.span.end) if cal.span is not None else None
            query = calendar_query({}, today, (window.start, window.end), span)
            window = Window(query.start, query.end)
        body = export_ics(cal, window, now=datetime.now(timezone.utc), previous=previous, options=render, query=query)
        if out is None:
            sys.stdout.buffer.write(body)
            return
        write_output(out, body, example=f"{cal.id}.ics")
        err_console.print(f"Đã ghi {out} ({body.count(b'BEGIN:VEVENT')} sự kiện).")

    run_command(run)


@app.command(cls=WordedCommand)
def schema(
    out: Annotated[Optional[Path], typer.Option("-o", "--output", help="Ghi ra tệp thay vì màn hình.")] = None,
) -> None:
    """In JSON Schema của định dạng lịch (cho trình soạn thảo tự kiểm tra và gợi ý)."""
    _load()
    text = json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"
    if out:
        run_command(lambda: write_output(out, text, example="calendar.schema.json"))
    else:
        print(text, end="")


@app.command(cls=WordedCommand, name="lunar")
def lunar_command(
    value: Annotated[str, typer.Argument(help="Ngày dương lịch (10/2/2024 hoặc 2024-02-10), hoặc ngày âm lịch với --to-solar.")],
    to_solar: Annotated[
        bool, typer.Option("--to-solar", help="Đổi ngày âm lịch (2024-01-01, 15/8/2024, 2023-02-15L nhuận) sang dương lịch.")
    ] = False,
) -> None:
    """Đổi ngày dương lịch sang âm lịch Việt Nam (UTC+7), hoặc ngược lại."""
    # Its plain forms are answered before typer loads (scheduler.cli.quick); the rest come here.
    run_command(lambda: console.print(lunar_text(value, to_solar), markup=False))


@app.command(cls=WordedCommand, name="settings")
def settings_command() -> None:
    """Liệt kê mọi thiết lập, biến môi trường tương ứng và giá trị mặc định."""
    _load()
    rows = settings_table()
    # The names are what a person copies: never cut or folded. A table when the screen is wide
    # enough for them and a readable description; else one block per setting.
    names = max(len(r[0]) for r in rows) + max(len(r[1]) for r in rows) + max(len(r[2]) for r in rows)
    if console.width >= names + 40 + 13:
        table = Table(header_style="bold")
        for column in ("Thiết lập", "Biến môi trường", "Mặc định"):
            table.add_column(column, no_wrap=True)
        table.add_column("Ý nghĩa", ratio=1)
        for row in rows:
            table.add_row(*(escape(cell) for cell in row))
        console.print(table)
        return
    for name, env, default, meaning in rows:
        console.print(f"[bold]{escape(name)}[/bold]", soft_wrap=True)
        console.print(f"  biến môi trường: {escape(env)}", soft_wrap=True)
        console.print(f"  mặc định: {escape(default)}", soft_wrap=True)
        console.print(f"  {escape(meaning)}")
