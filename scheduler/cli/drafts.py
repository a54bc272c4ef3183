"""`lichthidua new`: next campaign's calendar, drafted from last campaign's file.

The command only finds the old calendar, calls `scheduler.core.next_year.draft_next`
and writes what it returns; what moves, what is recomputed and what is flagged
is decided there.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.markup import escape

from scheduler.cli.calendars import CalendarsOption, calendars_root
from scheduler.cli.language import WordedCommand
from scheduler.cli.output import console, run_command, write_output
from scheduler.cli.root import app
from scheduler.errors import BadRequest, CalendarError, CalendarNotFound, OutputError

if TYPE_CHECKING:  # the YAML and model stack is imported when the command runs (see tests/test_startup.py)
    from scheduler.core.campaign import Calendar
    from scheduler.core.draft_yaml import Draft
    from scheduler.live.catalog import Catalog


def display_path(path: Path) -> str:
    from scheduler.core.loaded import display_path as shown

    return shown(path)


@app.command(name="new", cls=WordedCommand)
def new_command(
    new_id: Annotated[str, typer.Argument(help="Mã lịch mới, ví dụ kon-tum-2027 (cũng là tên tệp).")],
    source: Annotated[str, typer.Option("--from", help="Mã lịch của phong trào trước, ví dụ kon-tum-2024.")],
    year: Annotated[
        Optional[int], typer.Option("--year", help="Năm bắt đầu phong trào mới (giữ kiểu: năm, năm học, giai đoạn).")
    ] = None,
    span: Annotated[
        Optional[str],
        typer.Option("--span", help="Thời gian phong trào mới như văn bản ghi, ví dụ 'năm học 2025–2026'."),
    ] = None,
    out: Annotated[
        Optional[Path], typer.Option("-o", "--output", help="Tệp sẽ ghi (mặc định: THƯ_MỤC_LỊCH/MÃ_MỚI.yaml).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Ghi đè nếu tệp đã có.")] = False,
    calendars: CalendarsOption = None,
) -> None:
    """Soạn lịch cho phong trào mới từ lịch phong trào trước: dời ngày, tính lại số năm kỷ niệm,
    xóa số và ngày văn bản, đánh dấu "# KIỂM TRA" mọi dòng cần người xem lại."""

    def run() -> None:
        from scheduler.core.format_fields import ID_PATTERN
        from scheduler.core.next_span import target_span
        from scheduler.core.next_year import draft_next
        from scheduler.live.catalog import load_catalog

        if year is not None and span is not None:
            raise BadRequest("Chỉ dùng một trong hai: --year hoặc --span")
        if not re.match(ID_PATTERN, new_id):
            raise BadRequest(f"Mã lịch mới '{new_id}' không hợp lệ: chỉ chữ thường không dấu, số và dấu gạch "
                             "ngang, ví dụ kon-tum-2027")
        if new_id == source:
            raise BadRequest(f"Mã lịch mới trùng mã lịch cũ '{source}'")
        root = calendars_root(calendars)
        target = out or root / f"{new_id}.yaml"
        if target.stem != new_id or target.suffix not in (".yaml", ".yml"):
            raise BadRequest(f"-o {target}: tên tệp phải là {new_id}.yaml (mã lịch trùng tên tệp)")
        catalog = load_catalog(root)
        old = _old_calendar(catalog, source)
        if old.span is None:
            raise BadRequest(f"Lịch '{source}' không có thời gian phong trào (year hoặc span): không có gì để dời")
        other = catalog.files.get(new_id)
        if other is not None and other.resolve() != target.resolve():
            raise OutputError(f"Đã có lịch '{new_id}' ở {display_path(other)}; hai tệp không được trùng mã lịch")
        if target.exists() and not force:
            raise OutputError(f"{display_path(target)} đã có: không ghi đè. Đổi mã lịch mới, "
                              "hoặc thêm --force để ghi đè")
        draft = draft_next(
            old.path.read_text(encoding="utf-8"),
            new_id=new_id,
            old_span=old.span,
            new_span=target_span(old.span, year=year, span=span),
            commemorations={s.item.id: s.item for s in old.commemorations},
            known_ids=set(catalog.files),
            span_text=span,
        )
        _write(target, draft.text, force=force)
        _summary(target, draft, old.span.words)

    run_command(run)


def _old_calendar(catalog: Catalog, source: str) -> Calendar:
    if source not in catalog.files:
        known = sorted(cid for cid, cal in catalog.calendars.items() if cal.span is not None)
        close = difflib.get_close_matches(source, known, n=1)
        hint = f" Có phải ý bạn là '{close[0]}'?" if close else ""
        raise CalendarNotFound(
            f"--from {source}: không có tệp {display_path(catalog.root / (source + '.yaml'))} "
            f"(không có lịch '{source}' trong {display_path(catalog.root)}).{hint}\n"
            f"Các lịch phong trào có: {', '.join(known) or '—'}"
        )
    if catalog.has_errors(source):
        raise CalendarError(list(catalog.errors_for(source)))
    return catalog.get(source)


def _write(target: Path, text: str, *, force: bool) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if force:
            write_output(target, text)  # atomic: `serve` never reloads half a file
        else:
            with open(target, "x", encoding="utf-8") as f:  # "x": never overwrite, even in a race
                f.write(text)
    except FileExistsError:
        raise OutputError(f"{display_path(target)} đã có: không ghi đè. Thêm --force để ghi đè") from None
    except OSError as exc:
        raise OutputError(f"Không ghi được {display_path(target)}: {exc.strerror or exc}") from None


def _summary(target: Path, draft: Draft, old_words: str) -> None:
    shown = display_path(target)
    console.print(f"Đã ghi {escape(shown)} ({escape(old_words)} → {escape(draft.span.words)}, "
                  f"các ngày dời {draft.years:+d} năm).")
    console.print(f"{draft.lines_to_check} dòng cần kiểm tra (có chú thích “# KIỂM TRA”):")
    by_line: dict[int, list[str]] = {}
    for note in draft.notes:
        by_line.setdefault(note.line, []).append(note.text)
    for line, texts in by_line.items():
        console.print(f"  {escape(shown)}:{line}: {escape('; '.join(texts))}")
    console.print(f"Sửa xong, chạy: lichthidua check {escape(shown)}")
