"""The deadline board as a table: rows for the terminal, CSV for Excel (UTF-8 with BOM), XLSX (pure).

One row per unit and deadline, Vietnamese headers, dates day first
(dd/mm/yyyy in text; real dates shown dd/mm/yyyy in XLSX, so Excel sorts them).
Thirteen columns: what a chairman reads, nothing the others already say (the
status in words is on the board; the group is a filter there). An empty cell is
not written to the XLSX at all, which keeps a 20,000-row export quick.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from scheduler.reminders.board import Entry, Hierarchy

HEADERS = ("Hạn chót", "Hạn theo văn bản", "Mã đơn vị", "Đơn vị", "Cấp", "Trực thuộc", "Tình trạng",
           "Ngày cuối của đơn vị", "Ngày nộp", "Cách nộp", "Số ngày quá hạn", "Gia hạn đến",
           "Ghi chú hoặc lý do trả lại")
BOM = "\ufeff"


def day_first(d: date | None) -> str:
    return "" if d is None else f"{d.day:02d}/{d.month:02d}/{d.year}"


def row_values(e: Entry, hierarchy: Hierarchy) -> list[Any]:
    """The row of one entry: dates as ``date`` (the caller formats them), numbers as ``int``."""
    parent = hierarchy.bodies.get(e.unit.parent) if e.unit.parent else None
    sub = e.submitted
    submitted_day = sub.at.astimezone(_zone(e)).date() if sub is not None else None
    return [
        e.deadline.title, e.deadline.as_written, e.unit.id, e.unit.name, e.level,
        parent.name if parent is not None else "", e.status.label, e.last_day, submitted_day,
        sub.how.label if sub is not None else "", e.days_overdue, e.extended_to,
        e.returned.reason if e.returned is not None else (sub.note if sub is not None else ""),
    ]


def _zone(e: Entry) -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(e.deadline.timezone)


def text_rows(entries: Iterable[Entry], hierarchy: Hierarchy) -> list[list[str]]:
    return [[day_first(v) if isinstance(v, date) else ("" if v is None else str(v)) for v in row_values(e, hierarchy)]
            for e in entries]


def to_csv(entries: Iterable[Entry], hierarchy: Hierarchy) -> bytes:
    """UTF-8 with a BOM (Excel opens it with the diacritics right), comma-separated, CRLF lines."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADERS)
    writer.writerows(text_rows(entries, hierarchy))
    return (BOM + buffer.getvalue()).encode("utf-8")


def to_xlsx(entries: Sequence[Entry], hierarchy: Hierarchy, *, title: str = "Theo dõi nộp") -> bytes:
    """An Excel workbook, one sheet: headers in bold, frozen; dates as dates shown dd/mm/yyyy."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_sheet_title(title))
    sheet.freeze_panes = "A2"
    widths = (40, 24, 18, 36, 6, 30, 18, 14, 12, 24, 10, 12, 36)
    for i, width in enumerate(widths):
        sheet.column_dimensions[_column(i)].width = width
    bold = Font(bold=True)
    header = []
    for text in HEADERS:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    # One styled cell per date column, its value set row by row: a write-only sheet writes a row as it is
    # appended, so the cell is free again for the next row (40,000 fewer cells and styles for 20,000 rows).
    dates: dict[int, Any] = {}
    for i, h in enumerate(HEADERS):
        if h.startswith(("Ngày", "Gia hạn")):
            dates[i] = WriteOnlyCell(sheet)
            dates[i].number_format = "DD/MM/YYYY"
    for e in entries:
        row = row_values(e, hierarchy)
        for i, v in enumerate(row):
            if v is None or v == "":
                row[i] = None  # an empty cell is not written at all (most of a row, for units still owing)
            elif i in dates:
                dates[i].value = v
                row[i] = dates[i]
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _column(i: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(i + 1))


def _sheet_title(title: str) -> str:
    for bad in "[]:*?/\\":
        title = title.replace(bad, " ")
    return title[:31] or "Theo dõi nộp"
