"""The span of next year's campaign, from `lichthidua new --year` or `--span` or by default."""

from __future__ import annotations

from scheduler.core.dates import DateSyntaxError
from scheduler.core.spans import Span, SpanKind, parse_span
from scheduler.errors import BadRequest


def target_span(old: Span, *, year: int | None = None, span: str | None = None) -> Span:
    """The new campaign's span from `--year` or `--span`; by default the next one.

    `--year Y` keeps the kind of span and starts it in Y (a school year 2019–2020
    with `--year 2025` becomes 2025–2026). Without either, a year or a school
    year moves by one, a period ("giai đoạn 2021–2025") to the following one.
    """
    if year is not None and span is not None:
        raise BadRequest("Chỉ dùng một trong hai: --year hoặc --span")
    if span is not None:
        try:
            return _differs(old, parse_span(span))
        except DateSyntaxError:
            raise BadRequest(
                f"--span: không hiểu '{span}'. Ví dụ: 'năm 2027', 'năm học 2025–2026', "
                "'giai đoạn 2026–2030', 'từ 15/10/2026 đến 28/02/2027'"
            ) from None
    if year is not None:
        if not 1900 <= year <= 2100:
            raise BadRequest(f"--year: {year} không phải một năm hợp lệ (1900–2100)")
        return _differs(old, old.shifted(year - old.start.year))
    step = len(old.years) if old.kind is SpanKind.PERIOD else 1
    return old.shifted(step)


def _differs(old: Span, new: Span) -> Span:
    if (new.start, new.end) == (old.start, old.end):
        raise BadRequest(f"Phong trào mới trùng thời gian phong trào cũ ({old.words}): chọn --year hoặc --span khác")
    return new
