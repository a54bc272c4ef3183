"""The value types of the calendar format's fields: ids, the date notations each field
accepts, spans, times of day and who set a date.

Each type validates one value into its parsed form (see `scheduler.core.dates`)
and says in its JSON Schema what an editor should offer; the sections of a file
(scheduler.core.model) are built from them. Descriptions are Vietnamese: admins
read them in their editor.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import time
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from scheduler.core.dates import (
    NAMED_END_PREFIXES,
    AfterDay,
    DateSyntaxError,
    DayMonth,
    EndOfSpan,
    EndOfYear,
    FullDate,
    LaunchDay,
    MonthYear,
    NamedEnd,
    TetRelative,
    YearOnly,
    parse_date_expr,
)
from scheduler.core.spans import Span, parse_span

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
_ID_RE = re.compile(ID_PATTERN)


def _date_validator(*allowed: type, field_kind: str) -> Callable[[Any], Any]:
    def validate(value: Any) -> Any:
        try:
            parsed = parse_date_expr(value)
        except DateSyntaxError as exc:
            context = {"value": exc.value, "detail": exc.detail, "kind": field_kind}
            raise PydanticCustomError(exc.code, "{value}", context) from exc
        if not isinstance(parsed, allowed):
            raise PydanticCustomError("date.kind", "{value}", {"value": str(value), "kind": field_kind})
        return parsed

    return validate


def _date_schema(*, integer: bool = False, description: str, examples: list[str]) -> WithJsonSchema:
    json_types: Any = ["string", "integer"] if integer else "string"
    return WithJsonSchema({"type": json_types, "description": description, "examples": examples})


FullDateField = Annotated[
    FullDate,
    PlainValidator(_date_validator(FullDate, field_kind="full")),
    _date_schema(description="Ngày/tháng/năm, ví dụ 28/7/1929", examples=["28/7/1929"]),
]
ActivityStart = Annotated[
    FullDate | MonthYear,
    PlainValidator(_date_validator(FullDate, MonthYear, field_kind="activity")),
    _date_schema(description="Ngày đầu của khoảng lặp lại: 01/3/2027, hoặc tháng 3/2027 (từ ngày 1 của tháng)",
                 examples=["01/3/2027", "tháng 3/2027"]),
]
ActivityEnd = Annotated[
    FullDate | MonthYear,
    PlainValidator(_date_validator(FullDate, MonthYear, field_kind="activity")),
    _date_schema(description="Ngày cuối của khoảng lặp lại, tính cả ngày đó: 30/6/2027, hoặc tháng 6/2027 "
                 "(đến hết tháng)", examples=["30/6/2027", "tháng 6/2027"]),
]
_TET_WORDS = ("theo Tết hoặc âm lịch ('mùng 7 Tết', '29 tháng Chạp', 'trước Tết 10 ngày', 'sau Tết 5 ngày', "
              "'Rằm tháng Giêng', 'mùng 10 tháng 3 âm lịch'), tính lại mỗi năm")
EventDay = Annotated[
    FullDate | TetRelative,
    PlainValidator(_date_validator(FullDate, TetRelative, field_kind="event")),
    _date_schema(description="Ngày/tháng/năm (28/7/2024) hoặc " + _TET_WORDS,
                 examples=["28/7/2024", "mùng 6 Tết", "trước Tết 10 ngày"]),
]
DeadlineDate = Annotated[
    FullDate | DayMonth | TetRelative,
    PlainValidator(_date_validator(FullDate, DayMonth, TetRelative, field_kind="deadline")),
    _date_schema(description="Ngày/tháng/năm (15/3/2023), ngày/tháng lặp lại hằng năm (25/6) hoặc " + _TET_WORDS,
                 examples=["15/3/2023", "25/6", "trước Tết 10 ngày"]),
]
PhaseStart = Annotated[
    FullDate | MonthYear | LaunchDay | AfterDay | TetRelative,
    PlainValidator(_date_validator(FullDate, MonthYear, LaunchDay, AfterDay, TetRelative, field_kind="phase_start")),
    _date_schema(
        description="Ngày bắt đầu: 01/8/2024, tháng 01/2024 (từ ngày 1 của tháng), 'ngày phát động', "
        "'sau 30/10/2024' (từ ngày hôm sau) hoặc theo Tết ('mùng 1 Tết', '29 tháng Chạp', 'trước Tết 10 ngày', "
        "tính lại mỗi năm); bỏ trống khi văn bản không ghi",
        examples=["01/8/2024", "tháng 01/2024", "ngày phát động", "sau 30/10/2024", "mùng 1 Tết"],
    ),
]


def _phase_end(value: Any) -> Any:
    """A date notation, or a named end: "hết học kỳ I" or {until: ..., date: ...}."""
    if isinstance(value, str) and value.strip().lower().startswith(NAMED_END_PREFIXES):
        return NamedEnd(" ".join(value.split()))
    if isinstance(value, dict):
        unknown = sorted(set(value) - {"until", "date"})
        if unknown:
            raise PydanticCustomError("named_end.key", "{value}", {"value": unknown[0]})
        words = value.get("until")
        if not isinstance(words, str) or not words.strip():
            raise PydanticCustomError("named_end.until", "{value}", {"value": str(words or "")})
        day = None
        if value.get("date") is not None:
            try:
                day = _date_validator(FullDate, field_kind="full")(value["date"]).value
            except PydanticCustomError as exc:  # located at end.date, not at end
                raise PydanticCustomError(exc.type, exc.message_template, {**(exc.context or {}), "field": "date"}) from exc
        return NamedEnd(" ".join(words.split()), day)
    return _date_validator(FullDate, MonthYear, EndOfYear, EndOfSpan, TetRelative, field_kind="phase_end")(value)


PhaseEnd = Annotated[
    FullDate | MonthYear | EndOfYear | EndOfSpan | NamedEnd | TetRelative,
    PlainValidator(_phase_end),
    WithJsonSchema({
        "anyOf": [
            {"type": "string", "description": "31/7/2024, tháng 07/2024 (đến cuối tháng), 'hết năm', 'hết năm học', "
             "'hết giai đoạn', " + _TET_WORDS + ", hoặc một mốc không có ngày như 'hết học kỳ I'"},
            {"type": "object", "required": ["until"], "additionalProperties": False,
             "description": "Mốc kết thúc văn bản nêu nhưng không ghi ngày; 'date' do quản trị đặt khi biết",
             "properties": {"until": {"type": "string"}, "date": {"type": "string"}}},
        ],
        "examples": ["31/7/2024", "hết năm", "hết học kỳ I",
                     {"until": "đến khi tổ chức thành công Đại hội XIV của Đảng", "date": "28/02/2026"}],
    }),
]


def _span(value: Any) -> Span:
    try:
        if isinstance(value, dict):
            unknown = sorted(set(value) - {"as_written", "start", "end"})
            if unknown:
                raise PydanticCustomError("span.key", "{value}", {"value": unknown[0]})
            start = parse_date_expr(value["start"]) if value.get("start") is not None else None
            end = parse_date_expr(value["end"]) if value.get("end") is not None else None
            for bound in (start, end):
                if bound is not None and not isinstance(bound, FullDate):
                    raise PydanticCustomError("date.kind", "{value}", {"value": str(bound), "kind": "full"})
            first = start.value if isinstance(start, FullDate) else None
            last = end.value if isinstance(end, FullDate) else None
            if value.get("as_written") is not None:
                span = parse_span(value["as_written"]).with_bounds(first, last)
            elif first and last:
                span = parse_span(f"{start} - {end}")
            else:
                raise PydanticCustomError("span.bounds", "{value}", {"value": str(value)})
        else:
            span = parse_span(value)
    except DateSyntaxError as exc:
        raise PydanticCustomError(exc.code if exc.code.startswith("span.") else "span.format", "{value}",
                                  {"value": exc.value, "detail": exc.detail}) from exc
    if span.end < span.start:
        raise PydanticCustomError("span.order", "{value}", {"value": str(value)})
    return span


SpanField = Annotated[
    Span,
    PlainValidator(_span),
    WithJsonSchema({
        "description": "Thời gian của phong trào như văn bản ghi: 'năm 2024', 'năm học 2019–2020' "
        "(mặc định 1/9/2019 – 31/5/2020), 'giai đoạn 2021–2025', 'từ 15/10/2024 đến 28/02/2025'; "
        "hoặc {as_written, start, end} để ghi đè ngày đầu, ngày cuối",
        "anyOf": [
            {"type": ["string", "integer"]},
            {"type": "object", "additionalProperties": False,
             "properties": {"as_written": {"type": "string"}, "start": {"type": "string"}, "end": {"type": "string"}}},
        ],
        "examples": ["năm học 2019–2020", "giai đoạn 2021–2025", {"as_written": "năm học 2019–2020", "start": "15/8/2019"}],
    }),
]
YearlyOrFull = Annotated[
    FullDate | DayMonth,
    PlainValidator(_date_validator(FullDate, DayMonth, field_kind="yearly_or_full")),
    _date_schema(
        description="Ngày/tháng (lặp lại hằng năm, ví dụ 25/6) hoặc ngày/tháng/năm (15/3/2023)",
        examples=["25/6", "15/3/2023"],
    ),
]
Anniversary = Annotated[
    FullDate | DayMonth,
    PlainValidator(_date_validator(FullDate, DayMonth, field_kind="yearly_or_full")),
    _date_schema(
        description="Ngày gốc (28/7/1929: tự tính số năm) hoặc ngày/tháng khi văn bản không ghi năm gốc (20/10)",
        examples=["28/7/1929", "20/10"],
    ),
]
DocumentDate = Annotated[
    FullDate | MonthYear | YearOnly,
    PlainValidator(_date_validator(FullDate, MonthYear, YearOnly, field_kind="document")),
    _date_schema(
        integer=True,
        description="Ngày ký văn bản; có thể chỉ có tháng (tháng 01/2024) hoặc năm (2023) khi văn bản còn để trống ngày",
        examples=["21/02/2024", "tháng 01/2024", "2023"],
    ),
]


def _check_id(value: Any) -> Any:
    if isinstance(value, str) and not _ID_RE.match(value):
        raise PydanticCustomError("id.format", "{value}", {"value": value})
    return value


Id = Annotated[
    str,
    BeforeValidator(_check_id),
    Field(description="Mã định danh: chữ thường không dấu, số và dấu gạch ngang (ví dụ cong-doan-viet-nam)", pattern=ID_PATTERN),
]

_DUE_ALIASES = {"trước": "before", "truoc": "before", "chậm nhất": "no_later_than", "cham nhat": "no_later_than"}


def due_alias(value: Any) -> Any:
    return _DUE_ALIASES.get(value.strip().lower(), value) if isinstance(value, str) else value


DatedBy = Annotated[
    Literal["document", "admin"],
    BeforeValidator(lambda v: {"văn bản": "document", "quản trị": "admin"}.get(v, v) if isinstance(v, str) else v),
    WithJsonSchema({"enum": ["document", "admin", "văn bản", "quản trị"]}),
]
DATED_BY_DESCRIPTION = (
    "Ai đặt ngày: 'document' (văn bản ghi, mặc định) hoặc 'admin' (văn bản không ghi ngày; quản trị của "
    "cơ quan ban hành đặt để nhắc việc). Với 'admin', as_written ghi cách văn bản nói"
)


_TIME = re.compile(r"^([01]?\d|2[0-3])\s*[:hg]\s*([0-5]\d)?$")


def _time_of_day(value: Any) -> Any:
    if value is None:
        return None
    text = str(value).strip().lower().replace("giờ", "h").replace(" ", "")
    m = _TIME.match(text)
    if not m:
        raise PydanticCustomError("time.format", "{value}", {"value": str(value)})
    return time(int(m[1]), int(m[2] or 0))


TimeOfDay = Annotated[
    time,
    PlainValidator(_time_of_day),
    WithJsonSchema({"type": "string", "description": "Giờ trong ngày, ví dụ \"08:00\" hoặc 8h30",
                    "examples": ["08:00", "14h00"]}),
]
