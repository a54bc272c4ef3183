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
_NOTE = re.compile(r"ghi chú", re.I)  # a remark column: not part of the task
_NUMBER = re.compile(r"(?:\d{1,3}|[IVXLC]{1,6})\.?")  # the TT column: 1, 2., IV
_TT = re.compile(r"(?:S?TT|Số TT)\.?", re.I)  # the TT column's name: whatever a scan reads in it is a number
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


def _roles(header: list[str]) -> tuple[int, int] | None:
    """Where the content and time columns are, when the first row names them."""
    content = time = None
    for i, name in enumerate(header):
        if len(name) > 40:
            return None  # a sentence, not a column's name
        if time is None and _TIME.match(name):
            time = i
        elif content is None and _CONTENT.match(name):
            content = i
    return (content, time) if content is not None and time is not None else None


def _task(row: list[str], content: int, time: int, header: list[str]) -> str:
    """A row as a plan writes a task: "Nội dung: thời gian (Đơn vị: …)."; a label in a column before both
    ("Đợt 1", "Giai đoạn 2") leads it as a phase's line does: "Đợt 1: từ … đến …: nội dung."."""
    what = _cell(row, content)
    when = _cell(row, time)
    if not what or not when:
        return _joined(row)
    if _LOWER.match(when):
        when = when[:1].lower() + when[1:]
    what, when = what.rstrip(" .;:"), when.rstrip(" .;:")
    first = min(content, time)
    labels = [c for i, c in enumerate(row[:first])
              if c and not _NUMBER.fullmatch(c) and not _TT.fullmatch(_cell(header, i))]
    line = f"{' – '.join(labels)}: {when}: {what}" if labels else f"{what}: {when}"
    for i, value in enumerate(row):
        name = _cell(header, i)  # a row may have more cells than the names above it (a merged name)
        if value and i > first and i not in (content, time) and not _NOTE.match(name):
            line += f" ({name}: {value.rstrip(' .;')})" if name else f" ({value.rstrip(' .;')})"
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


# -- tables in a PDF's text laid out by position ------------------------------------------------------------
_GAP = re.compile(r"\S+(?: \S+)*")  # a run of words without a gap of two spaces or more
_SLACK = 2  # characters a cell may start off its column's start


_COLUMN_GAP = re.compile(r" {3,}")


def cells_text(lines: list[str]) -> str:
    """Lines laid out by position (a text PDF's layout mode, a scan's word boxes), their tables already read
    (:func:`laid_out_tables`), as the reading takes them: wide gaps within a line (the header's two columns) kept
    as a tab, other runs of spaces as one."""
    return "\n".join("\t".join(" ".join(cell.split()) for cell in _COLUMN_GAP.split(line.strip())) for line in lines)


def laid_out_tables(lines: list[str]) -> list[str]:
    """A page's layout text with each schedule table (a first row naming content and time columns) made
    into its row lines, as :func:`table_lines` writes them; each row's line stands where the row starts
    and blank lines take the place of the rest, so every other line keeps its number."""
    out = list(lines)
    i = 0
    while i < len(lines):
        columns = _header_columns(lines[i])
        if columns is None:
            i += 1
            continue
        end, rows = _rows(lines, i, columns)
        if len(rows) < 2:  # the names alone: not a table
            i += 1
            continue
        texts = table_lines([[[cell] for cell in row] for row, _ in rows])
        out[i:end] = [""] * (end - i)
        for (_, at), text in zip(rows, texts, strict=True):
            out[at] = text
        i = end
    return out


def _fragments(line: str) -> list[tuple[int, str]]:
    return [(m.start(), m[0]) for m in _GAP.finditer(line)]


def _header_columns(line: str) -> list[int] | None:
    cells = _fragments(line)
    if len(cells) < 2 or _roles([text for _, text in cells]) is None:
        return None
    return [start for start, _ in cells]


def _column(start: int, columns: list[int]) -> int | None:
    for index in range(len(columns) - 1, -1, -1):
        if start >= columns[index] - _SLACK:
            return index if start <= columns[index] + _SLACK or index == len(columns) - 1 or \
                start + 1 < columns[index + 1] - _SLACK else None
    return None


def _rows(lines: list[str], first: int, columns: list[int]) -> tuple[int, list[tuple[list[str], int]]]:
    """The table's rows from its first row on (each with the line it starts on), and the line after it.

    Rows are the runs of lines between blank lines (a cell's padding); a run holding several numbers in a
    TT column is several rows (a table laid out without padding), each opening at its number.
    """
    header = _fragments(lines[first])
    numbered = bool(_TT.fullmatch(header[0][1])) and columns[0] == header[0][0]
    runs: list[list[tuple[int, list[tuple[int, str]]]]] = [[]]
    blank = 0
    end = len(lines)
    for at in range(first, len(lines)):
        pieces = _fragments(lines[at])
        if not pieces:
            blank += 1
            if blank > 2:
                end = at
                break
            if runs[-1]:
                runs.append([])
            continue
        found = [(_column(start, columns), text) for start, text in pieces]
        placed = [(index, text) for index, text in found if index is not None]
        if len(placed) < len(found) or _spans(pieces, columns):
            end = at  # a paragraph across the columns: the table has ended
            break
        runs[-1].append((at, placed))
        blank = 0
    rows: list[tuple[list[str], int]] = []
    for number, run in enumerate(r for r in runs if r):
        numbers = [k for k, (_, placed) in enumerate(run)
                   if numbered and placed[0][0] == 0 and _NUMBER.fullmatch(placed[0][1])]
        # The names' run opens a row at every number after them; another run is one row (its number may stand
        # mid-cell, centred), unless it holds several numbers: then each after the first opens one.
        opens = {0, *numbers} if number == 0 else {0, *numbers[1:]}
        for k, (at, cells_at) in enumerate(run):
            if k in opens:
                rows.append(([""] * len(columns), at))
            cells = rows[-1][0]
            for index, text in cells_at:
                cells[index] = f"{cells[index]} {text}".strip()
    return end, rows


def _spans(pieces: list[tuple[int, str]], columns: list[int]) -> bool:
    """A piece running over the next column's start: running text, not a cell."""
    for start, text in pieces:
        later = [c for c in columns if c > start + _SLACK]
        if later and start + len(text) > later[0] + _SLACK:
            return True
    return False
