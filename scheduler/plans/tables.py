"""A table of a Word plan as lines the reading understands (pure).

Plans put their schedule in a table as often as in sentences: "TT | Nội dung | Thời gian | Đơn vị thực
hiện", one row per task. Read cell by cell, a row's date lands a line away from what it dates and its
unit runs into the next row's number. So a table whose first row names a content column and a time
column gives one line per row, written the way a plan writes a task: "Nội dung: thời gian (Đơn vị thực
hiện: …)." Another table of three columns or more gives one line per row, its cells joined by dashes;
a table of two columns (the administrative header, a label beside its value) is read cell by cell.
"""

from __future__ import annotations

import re

_TIME = re.compile(r"(?:thời gian|thời hạn|thời điểm|tiến độ|ngày|hạn)\b", re.I)
_CONTENT = re.compile(r"(?:nội dung|công việc|hoạt động|nhiệm vụ|tên hoạt động|chương trình)\b", re.I)
_UNIT = re.compile(r"(?:đơn vị|bộ phận|người|cơ quan)?.{0,12}\b(?:chủ trì|thực hiện|phụ trách|đảm nhiệm)\b|^đơn vị\b",
                   re.I)
_NUMBER = re.compile(r"(?:\d{1,3}|[IVXLC]{1,6})\.?")  # the TT column: 1, 2., IV
# Words a time cell opens with that read as part of a sentence once the content comes before them.
_LOWER = re.compile(r"(?:Trước|Chậm nhất|Từ|Ngày|Trong|Tháng|Quý|Hạn|Đến|Sau|Vào|Dự kiến|Hằng|Hàng|Cả)\b")


def table_lines(table: list[list[list[str]]]) -> list[str]:
    """The lines of a table given as its rows of cells, each cell its paragraphs (a merged cell once)."""
    if not any(p.strip() for row in table for cell in row for p in cell):
        return []
    rows = [[" ".join(" ".join(cell).split()) for cell in row] for row in table]
    roles = _roles(rows[0])
    if roles is not None:
        return [_joined(rows[0])] + [_task(row, *roles, rows[0]) for row in rows[1:] if any(row)]
    if max(len([c for c in row if c]) for row in rows) < 3:
        return [p for row in table for cell in row for p in cell]
    return [_joined(row) for row in rows if any(row)]


def _roles(header: list[str]) -> tuple[int, int, int | None] | None:
    """Where the content, time and unit columns are, when the first row names them."""
    content = time = unit = None
    for i, name in enumerate(header):
        if len(name) > 40:
            return None  # a sentence, not a column's name
        if time is None and _TIME.match(name):
            time = i
        elif content is None and _CONTENT.match(name):
            content = i
        elif unit is None and _UNIT.search(name):
            unit = i
    return (content, time, unit) if content is not None and time is not None else None


def _task(row: list[str], content: int, time: int, unit: int | None, header: list[str]) -> str:
    what = _cell(row, content)
    when = _cell(row, time)
    who = _cell(row, unit) if unit is not None else ""
    if not what or not when:
        return _joined(row)
    if _LOWER.match(when):
        when = when[:1].lower() + when[1:]
    line = f"{what.rstrip(' .;:')}: {when.rstrip(' .;')}"
    if who:
        line += f" ({header[unit]}: {who.rstrip(' .;')})"  # type: ignore[index]
    return line + "."


def _cell(row: list[str], index: int) -> str:
    return row[index] if index < len(row) else ""


def _joined(row: list[str]) -> str:
    """A row as one line: its cells joined by dashes, without the TT number; a full stop ends it."""
    cells = [c for c in row if c]
    if len(cells) > 1 and _NUMBER.fullmatch(cells[0]):
        cells = cells[1:]
    line = " – ".join(cells)
    return line if line[-1:] in ".:;!?" else line + "."
