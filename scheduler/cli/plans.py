"""Plan commands: import (draft a calendar from a received plan) and lint-plan (check a plan)."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from scheduler.cli.language import WordedCommand
from scheduler.cli.output import console, err_console, run_command, write_output, write_output_check
from scheduler.cli.root import app
from scheduler.errors import BadRequest, OutputError

if TYPE_CHECKING:
    from scheduler.document_limits import DocumentLimits


class Format(StrEnum):
    text = "text"
    json = "json"


def _root(calendars: Path | None) -> Path:
    from scheduler.settings import load_settings  # pydantic: only for the commands that read settings

    return calendars or load_settings().calendars_dir


def _limits() -> DocumentLimits:
    from scheduler.settings import load_settings

    return load_settings().document_limits()


CalendarsOption = Annotated[
    Optional[Path], typer.Option("--calendars", help="Thư mục lịch (mặc định: thiết lập calendars_dir).")
]


@app.command(name="import", cls=WordedCommand)
def import_command(
    plan: Annotated[
        Path, typer.Argument(help="Tệp kế hoạch nhận được: .docx, .doc, .pdf (có chữ hoặc bản quét), ảnh quét, .txt.")
    ],
    out: Annotated[
        Optional[Path],
        typer.Option("-o", "--output",
                     help="Ghi bản nháp vào tệp này (ví dụ calendars/kon-tum-2024.yaml) thay vì in ra màn hình."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Ghi đè nếu tệp đích đã có.")] = False,
    calendars: CalendarsOption = None,
) -> None:
    """Soạn bản nháp lịch YAML từ một kế hoạch thi đua; mỗi mục kèm câu trích từ văn bản để duyệt.

    Thoát 0 khi đã soạn xong (kể cả khi còn mục cần kiểm tra), 65 khi tệp vượt một giới hạn đọc (plan_max_*), hỏng hoặc \
không đúng loại như tên, 66 khi không có tệp hoặc không được đọc, 69 khi thiếu chương trình cần để đọc (Tesseract, \
LibreOffice), 64 khi loại tệp không hỗ trợ, 73 khi tệp đích đã có (dùng --force).
    """

    def run() -> None:
        from scheduler.plans.service import import_plan_bounded

        if out is not None:
            write_output_check(out, example="ke-hoach.yaml")  # before reading the plan: a wrong -o says so at once
        draft_id = _draft_id(out) if out is not None else None
        if out is not None and out.exists() and not force:
            raise OutputError(f"{out} đã có. Dùng --force để ghi đè, hoặc chọn tên khác với -o")
        result = import_plan_bounded(plan, _root(calendars), _limits(), draft_id=draft_id)
        draft = result.draft
        if out is None:
            print(draft.yaml, end="")
        else:
            write_output(out, draft.yaml)
            err_console.print(f"Đã ghi bản nháp {out}.")
        err_console.print(f"Đọc {plan.name}: {result.plan.how}.")
        counts = ", ".join(f"{n} {kind}" for kind, n in draft.counts.items())
        err_console.print(f"Tìm thấy: {counts}.")
        if draft.uncertain:
            err_console.print(f"Cần kiểm tra ({len(draft.uncertain)} mục, đánh dấu \"KIỂM TRA\" trong bản nháp):", style="yellow")
            for line in draft.uncertain:
                err_console.print(f"  - {line}", style="yellow", markup=False)
        else:
            err_console.print("Không có mục nào bị đánh dấu cần kiểm tra; vẫn đối chiếu các câu trích trước khi commit.")
        target = out or Path("calendars") / f"{result.findings.suggested_id or 'ke-hoach-moi'}.yaml"
        if draft_id and result.findings.suggested_id and result.findings.suggested_id != draft_id:
            err_console.print(f"Mã lịch: {draft_id} (theo tên tệp -o; văn bản gợi ý '{result.findings.suggested_id}').",
                              markup=False)
        err_console.print(f"Bước tiếp: sửa bản nháp, rồi chạy: lichthidua check {target}", markup=False)

    run_command(run)


def _draft_id(out: Path) -> str:
    """The name the admin gives the draft is its id: refuse one `check` would refuse, and say why."""
    import re

    from scheduler.core.model import ID_PATTERN
    from scheduler.plans.text import slug

    if out.suffix not in (".yaml", ".yml"):
        raise BadRequest(f"-o {out}: tệp lịch phải có đuôi .yaml (ví dụ {out.with_suffix('.yaml').name})")
    if not re.match(ID_PATTERN, out.stem):
        fixed = slug(out.stem) or "ke-hoach-moi"
        raise BadRequest(f"-o {out}: tên tệp '{out.stem}' không dùng làm mã lịch được — mã lịch trùng tên tệp và chỉ gồm "
                         f"chữ thường không dấu, số và dấu gạch ngang, bắt đầu bằng chữ hoặc số. "
                         f"Ví dụ: -o {out.with_name(fixed + '.yaml')}")
    return out.stem


@app.command(name="lint-plan", cls=WordedCommand)
def lint_plan_command(
    plan: Annotated[Path, typer.Argument(help="Tệp kế hoạch cần soát: .docx, .doc, .pdf, ảnh quét, .txt.")],
    output: Annotated[Format, typer.Option("--format", help="text (cho người đọc) hoặc json.")] = Format.text,
    calendars: CalendarsOption = None,
) -> None:
    """Soát một kế hoạch trước khi ký: số năm kỷ niệm, thứ trong tuần, can chi, đợt chồng/hở, hạn chót rơi vào ngày nghỉ...

    Thoát 0 khi không thấy lỗi, 65 khi có phát hiện (hoặc tệp vượt giới hạn đọc, hỏng, không đúng loại), 66 khi không có tệp.
    """

    def run() -> int:
        from scheduler.plans.service import lint_plan_bounded

        _, findings = lint_plan_bounded(plan, _root(calendars), _limits())
        if output is Format.json:
            print(json.dumps([f.to_json() for f in findings], ensure_ascii=False, indent=2))
        else:
            for f in findings:
                console.print(f.format(str(plan)), markup=False)
            if findings:
                err_console.print(f"{len(findings)} điểm cần xem lại trong {plan.name}.", style="bold red")
            else:
                err_console.print(f"Không thấy lỗi nào trong {plan.name}.", style="bold green")
        return 65 if findings else 0

    code = run_command(run)
    if code:
        raise typer.Exit(code)
