"""The YAML calendar format, as a pydantic schema.

One class per section of a calendar file. The same classes validate files,
publish the JSON Schema editors use to complete YAML (`lichthidua schema`), and
carry the parsed date notations (see `scheduler.core.dates`). Field descriptions are
Vietnamese: admins read them in their editor.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, time

_Day = date  # for annotations inside classes whose field is named `date`
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from scheduler.core.dates import (
    NAMED_END_PREFIXES,
    AfterDay,
    DateExpr,
    DateSyntaxError,
    DayMonth,
    EndOfSpan,
    EndOfYear,
    FullDate,
    LaunchDay,
    MonthYear,
    NamedEnd,
    YearOnly,
    parse_date_expr,
)
from scheduler.core.events import Due
from scheduler.core.spans import Span, parse_span

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
_ID_RE = re.compile(ID_PATTERN)


def _date_validator(*allowed: type, field_kind: str) -> Callable[[Any], Any]:
    def validate(value: Any) -> Any:
        try:
            parsed = parse_date_expr(value)
        except DateSyntaxError as exc:
            raise PydanticCustomError(exc.code, "{value}", {"value": exc.value, "detail": exc.detail, "kind": field_kind})
        if not isinstance(parsed, allowed):
            raise PydanticCustomError("date.kind", "{value}", {"value": str(value), "kind": field_kind})
        return parsed

    return validate


def _date_type(*allowed: type, kind: str, description: str, examples: list[str]) -> Any:
    json_types: Any = ["string", "integer"] if YearOnly in allowed else "string"
    return Annotated[
        DateExpr,
        PlainValidator(_date_validator(*allowed, field_kind=kind)),
        WithJsonSchema({"type": json_types, "description": description, "examples": examples}),
    ]


FullDateField = _date_type(FullDate, kind="full", description="Ngày/tháng/năm, ví dụ 28/7/1929", examples=["28/7/1929"])
PhaseStart = _date_type(
    FullDate,
    MonthYear,
    LaunchDay,
    AfterDay,
    kind="phase_start",
    description="Ngày bắt đầu: 01/8/2024, tháng 01/2024 (từ ngày 1 của tháng), 'ngày phát động' "
    "hoặc 'sau 30/10/2024' (từ ngày hôm sau); bỏ trống khi văn bản không ghi",
    examples=["01/8/2024", "tháng 01/2024", "ngày phát động", "sau 30/10/2024"],
)


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
                raise PydanticCustomError(exc.type, exc.message_template, {**(exc.context or {}), "field": "date"})
        return NamedEnd(" ".join(words.split()), day)
    return _date_validator(FullDate, MonthYear, EndOfYear, EndOfSpan, field_kind="phase_end")(value)


PhaseEnd = Annotated[
    DateExpr,
    PlainValidator(_phase_end),
    WithJsonSchema({
        "anyOf": [
            {"type": "string", "description": "31/7/2024, tháng 07/2024 (đến cuối tháng), 'hết năm', 'hết năm học', "
             "'hết giai đoạn', hoặc một mốc không có ngày như 'hết học kỳ I'"},
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
                                  {"value": exc.value, "detail": exc.detail})
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
YearlyOrFull = _date_type(
    FullDate,
    DayMonth,
    kind="yearly_or_full",
    description="Ngày/tháng (lặp lại hằng năm, ví dụ 25/6) hoặc ngày/tháng/năm (15/3/2023)",
    examples=["25/6", "15/3/2023"],
)
Anniversary = _date_type(
    FullDate,
    DayMonth,
    kind="yearly_or_full",
    description="Ngày gốc (28/7/1929: tự tính số năm) hoặc ngày/tháng khi văn bản không ghi năm gốc (20/10)",
    examples=["28/7/1929", "20/10"],
)
DocumentDate = _date_type(
    FullDate,
    MonthYear,
    YearOnly,
    kind="document",
    description="Ngày ký văn bản; có thể chỉ có tháng (tháng 01/2024) hoặc năm (2023) khi văn bản còn để trống ngày",
    examples=["21/02/2024", "tháng 01/2024", "2023"],
)


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


def _due_alias(value: Any) -> Any:
    return _DUE_ALIASES.get(value.strip().lower(), value) if isinstance(value, str) else value


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


class Document(Strict):
    """Văn bản gốc của kế hoạch."""

    kind: str | None = Field(None, description="Loại văn bản: KH (kế hoạch), HD (hướng dẫn), PĐTĐ (phát động)...")
    number: str | None = Field(None, description="Số văn bản, ví dụ 15/HD-LĐLĐ; để trống nếu chưa có số")
    place: str | None = Field(None, description="Địa danh, ví dụ Kon Tum")
    date: DocumentDate | None = None  # type: ignore[valid-type]
    title: str | None = Field(None, description="Trích yếu văn bản")
    implements: str | None = Field(None, description="Văn bản cấp trên mà kế hoạch này thực hiện")


class Commemoration(Strict):
    """Ngày kỷ niệm: khai báo một lần bằng ngày gốc, tự tính số năm cho mỗi năm."""

    id: Id
    name: str = Field(description="Tên sự kiện, ví dụ 'Ngày thành lập Công đoàn Việt Nam'")
    date: Anniversary | None = Field(  # type: ignore[valid-type]
        None, description="Ngày gốc; bỏ trống (kèm as_written) khi văn bản nêu tên mà không ghi ngày"
    )
    as_written: str | None = Field(None, description="Cách văn bản ghi, ví dụ 'kỷ niệm ngày truyền thống ngành'")
    title: str | None = Field(
        None,
        description="Mẫu tiêu đề; các biến {ordinal} {name} {base} {date} {year}. "
        "Mặc định: 'Kỷ niệm {ordinal} năm {name} ({base} – {date})'",
    )
    description: str | None = None

    @model_validator(mode="after")
    def _date_or_words(self) -> "Commemoration":
        if self.date is None and not self.as_written:
            raise PydanticCustomError("commemoration.when", "{value}", {"value": self.id})
        return self

    @property
    def base(self) -> _Day | None:
        """The base date when the plan gives its year ("28/7/1929"); None for "20/10" or no date."""
        return self.date.value if isinstance(self.date, FullDate) else None


class Observance(Strict):
    """Hoạt động kéo dài một khoảng thời gian mỗi năm, ví dụ Tháng Công nhân (cả tháng 5)."""

    id: Id
    name: str
    start: YearlyOrFull  # type: ignore[valid-type]
    end: YearlyOrFull  # type: ignore[valid-type]
    title: str | None = Field(None, description="Mẫu tiêu đề; biến {name} {year}. Mặc định: '{name} năm {year}'")
    description: str | None = None


class LunarDateItem(Strict):
    """Ngày âm lịch (lịch Việt Nam, múi giờ UTC+7), ví dụ Tết Nguyên đán 1/1."""

    id: Id
    name: str
    date: str = Field(description="Ngày/tháng âm lịch, ví dụ 1/1, 10/3, 15/8", pattern=r"^\d{1,2}/\d{1,2}$")
    leap: bool = Field(False, description="Tháng nhuận")
    title: str | None = Field(
        None,
        description="Mẫu tiêu đề; biến {name} {can_chi} {year} {lunar}. Mặc định: '{name} {can_chi} {year}'",
    )
    description: str | None = None

    @property
    def day_month(self) -> tuple[int, int]:
        d, m = self.date.split("/")
        return int(d), int(m)

    @model_validator(mode="after")
    def _valid_day_month(self) -> "LunarDateItem":
        d, m = self.day_month
        if not 1 <= m <= 12 or not 1 <= d <= 30:
            raise PydanticCustomError("lunar.range", "{value}", {"value": self.date, "field": "date"})
        return self


class Celebration(Strict):
    """Một ngày kỷ niệm mà đợt thi đua chào mừng, có thể ghi rõ số năm để đối chiếu."""

    id: str = Field(description="Mã ngày kỷ niệm (trong commemorations của lịch này hoặc lịch cha)")
    ordinal: int | None = Field(None, description="Số năm như văn bản ghi (ví dụ 95); được kiểm tra với ngày gốc")


def _celebration(value: Any) -> Any:
    if isinstance(value, str):
        return {"id": value}
    if isinstance(value, dict) and len(value) == 1 and "id" not in value:
        # Short form "- cong-doan-viet-nam: 95"
        ((key, ordinal),) = value.items()
        return {"id": key, "ordinal": ordinal}
    return value


class Phase(Strict):
    """Một đợt thi đua."""

    id: Id
    name: str = Field(description="Tên đợt, ví dụ 'Đợt 1'")
    start: PhaseStart | None = Field(None, description="Bỏ trống khi văn bản không ghi: đợt tính từ đầu phong trào, đánh dấu tạm tính")  # type: ignore[valid-type]
    end: PhaseEnd | None = Field(None, description="Bỏ trống khi văn bản không ghi: đợt tính đến hết phong trào, đánh dấu tạm tính")  # type: ignore[valid-type]
    as_written: str | None = Field(None, description="Thời gian như văn bản ghi, ví dụ 'Từ tháng 01/2024 đến 31/7/2024'")
    title: str | None = Field(None, description="Tiêu đề sự kiện; mặc định '{name} phong trào thi đua năm {year}'")
    theme: str | None = Field(None, description="Chủ đề của đợt")
    celebrates: list[
        Annotated[
            Celebration,
            BeforeValidator(_celebration),
            WithJsonSchema({
                "anyOf": [
                    {"type": "string", "pattern": ID_PATTERN, "description": "Mã ngày kỷ niệm"},
                    {"type": "object", "minProperties": 1, "maxProperties": 1,
                     "additionalProperties": {"type": "integer"}, "description": "mã: số năm (ví dụ cong-doan-viet-nam: 95)"},
                    {"type": "object", "required": ["id"], "additionalProperties": False,
                     "properties": {"id": {"type": "string"}, "ordinal": {"type": ["integer", "null"]}}},
                ]
            }),
        ]
    ] = Field(
        default_factory=list, description="Các ngày kỷ niệm đợt này chào mừng: mã, hoặc 'mã: số năm'"
    )
    description: str | None = None


DatedBy = Annotated[
    Literal["document", "admin"],
    BeforeValidator(lambda v: {"văn bản": "document", "quản trị": "admin"}.get(v, v) if isinstance(v, str) else v),
    WithJsonSchema({"enum": ["document", "admin", "văn bản", "quản trị"]}),
]
DATED_BY_DESCRIPTION = (
    "Ai đặt ngày: 'document' (văn bản ghi, mặc định) hoặc 'admin' (văn bản không ghi ngày; quản trị của "
    "cơ quan ban hành đặt để nhắc việc). Với 'admin', as_written ghi cách văn bản nói"
)


class Deadline(Strict):
    """Hạn chót: cố định (15/3/2023), hằng năm (25/6), sau mỗi đợt (after_phase), hoặc chưa có ngày."""

    id: Id
    title: str = Field(description="Việc phải làm, ví dụ 'Báo cáo kết quả 6 tháng đầu năm'")
    date: YearlyOrFull | None = None  # type: ignore[valid-type]
    after_phase: str | None = Field(None, description="'each' (sau mỗi đợt) hoặc mã một đợt")
    days_after: int | None = Field(
        None, ge=0, le=366, description="Số ngày sau khi đợt kết thúc; bỏ trống khi văn bản chỉ ghi 'sau mỗi đợt'"
    )
    as_written: str | None = Field(
        None, description="Thời hạn như văn bản ghi, ví dụ 'sau mỗi đợt thi đua'; bắt buộc khi văn bản không ghi ngày"
    )
    dated_by: DatedBy = Field("document", description=DATED_BY_DESCRIPTION)
    due: Annotated[
        Due,
        BeforeValidator(_due_alias),
        WithJsonSchema({"enum": ["before", "no_later_than", "trước", "chậm nhất"]}),
    ] = Field(
        description="'before' (trước ngày ghi: ngày đó đã muộn) hoặc 'no_later_than' (chậm nhất: tính cả ngày đó); "
        "cũng nhận 'trước' và 'chậm nhất'"
    )
    submitted_by: str | None = Field(None, description="Ai nộp, ví dụ 'Công đoàn cấp trên trực tiếp cơ sở'")
    submit_to: str | None = Field(None, description="Nộp cho ai, ví dụ 'LĐLĐ tỉnh (qua Ban Chính sách pháp luật)'")
    via: str | None = Field(None, description="Nộp bằng cách nào, ví dụ một địa chỉ email")
    groups: list[Id] = Field(default_factory=list, description="Các nhóm người nhận phải thực hiện (nhận email nhắc)")
    remind_days: list[Annotated[int, Field(ge=0, le=366)]] | None = Field(
        None, description="Gửi email nhắc trước bao nhiêu ngày (ghi đè mặc định)"
    )
    description: str | None = None

    @model_validator(mode="after")
    def _one_way_to_date(self) -> "Deadline":
        if self.date is not None and self.after_phase is not None:
            raise PydanticCustomError("deadline.when", "{value}", {"value": self.id})
        if self.days_after is not None and self.after_phase is None:
            raise PydanticCustomError("deadline.days_after", "{value}", {"value": self.id})
        if self.date is None and self.after_phase is None and not self.as_written:
            raise PydanticCustomError("deadline.undated", "{value}", {"value": self.id})
        if self.dated_by == "admin" and self.undated:
            raise PydanticCustomError("dated_by.no_date", "{value}", {"value": self.id})
        return self

    @property
    def undated(self) -> bool:
        """The plan names it without a date, and no admin has given one."""
        return self.date is None and (self.after_phase is None or self.days_after is None)

    @property
    def wording(self) -> str:
        """How the document words when it is due."""
        if self.as_written:
            return self.as_written
        if self.after_phase == "each":
            return "sau mỗi đợt thi đua"
        return "văn bản không ghi ngày"


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
    WithJsonSchema({"type": "string", "description": "Giờ trong ngày, ví dụ \"08:00\" hoặc 8h30", "examples": ["08:00", "14h00"]}),
]


class OneOffEvent(Strict):
    """Sự kiện một lần: hội nghị sơ kết, lễ phát động, lễ trao giải, ngày bế mạc cuộc thi..."""

    id: Id
    title: str = Field(description="Tên sự kiện, ví dụ 'Hội nghị sơ kết học kỳ I'")
    date: FullDateField | None = Field(None, description="Ngày diễn ra (một ngày)")  # type: ignore[valid-type]
    start: FullDateField | None = Field(None, description="Ngày bắt đầu (sự kiện nhiều ngày)")  # type: ignore[valid-type]
    end: FullDateField | None = Field(None, description="Ngày kết thúc, tính cả ngày đó")  # type: ignore[valid-type]
    time: TimeOfDay | None = Field(None, description="Giờ bắt đầu, ví dụ \"08:00\"")  # type: ignore[valid-type]
    end_time: TimeOfDay | None = Field(None, description="Giờ kết thúc")  # type: ignore[valid-type]
    place: str | None = Field(None, description="Địa điểm")
    as_written: str | None = Field(None, description="Thời gian như văn bản ghi; bắt buộc khi văn bản không ghi ngày")
    dated_by: DatedBy = Field("document", description=DATED_BY_DESCRIPTION)
    groups: list[Id] = Field(default_factory=list, description="Các nhóm người nhận liên quan")
    description: str | None = None

    @model_validator(mode="after")
    def _when(self) -> "OneOffEvent":
        if self.date is not None and (self.start is not None or self.end is not None):
            raise PydanticCustomError("event.when", "{value}", {"value": self.id})
        if (self.start is None) != (self.end is None):
            raise PydanticCustomError("event.range", "{value}", {"value": self.id})
        if self.undated and not self.as_written:
            raise PydanticCustomError("event.undated", "{value}", {"value": self.id})
        if self.undated and self.dated_by == "admin":
            raise PydanticCustomError("dated_by.no_date", "{value}", {"value": self.id})
        if self.start is not None and self.end is not None and self.end.value < self.start.value:  # type: ignore[attr-defined]
            raise PydanticCustomError("event.order", "{value}", {"value": self.id, "field": "end"})
        if self.end_time is not None and self.time is None:
            raise PydanticCustomError("event.end_time", "{value}", {"value": self.id})
        return self

    @property
    def undated(self) -> bool:
        return self.date is None and self.start is None

    @property
    def first_day(self) -> _Day | None:
        day = self.date or self.start
        return day.value if day is not None else None  # type: ignore[attr-defined]

    @property
    def last_day(self) -> _Day | None:
        day = self.date or self.end
        return day.value if day is not None else None  # type: ignore[attr-defined]


class CalendarFile(Strict):
    """Một lịch: lịch quốc gia, kế hoạch của LĐLĐ tỉnh, quận/huyện... Mã lịch trùng tên tệp."""

    id: Id
    title: str = Field(description="Tên lịch hoặc trích yếu kế hoạch")
    issuer: str | None = Field(None, description="Cơ quan ban hành, ví dụ 'Liên đoàn Lao động tỉnh Kon Tum'")
    year: int | None = Field(None, ge=1900, le=2100, description="Năm của phong trào thi đua (một năm dương lịch)")
    span: SpanField | None = None  # type: ignore[valid-type]
    timezone: str = Field("Asia/Ho_Chi_Minh", description="Múi giờ IANA")
    extends: list[Id] = Field(default_factory=list, description="Các lịch cấp trên mà lịch này kế thừa")
    omit: list[str] = Field(default_factory=list, description="Mã các mục kế thừa mà lịch này bỏ đi")
    document: Document | None = None
    launch_date: FullDateField | None = Field(  # type: ignore[valid-type]
        None, description="Ngày phát động (nếu đã biết); đợt bắt đầu 'từ ngày phát động' dùng ngày này"
    )
    theme: str | None = Field(None, description="Chủ đề thi đua của năm")
    description: str | None = None
    public_holidays: bool | None = Field(
        None, description="Thêm các ngày nghỉ lễ theo Bộ luật Lao động 2019 (Điều 112)"
    )
    remind_days: list[Annotated[int, Field(ge=0, le=366)]] | None = Field(
        None, description="Gửi email nhắc trước mỗi hạn chót bao nhiêu ngày (ghi đè mặc định của hệ thống; lịch con kế thừa)"
    )
    commemorations: list[Commemoration] = Field(default_factory=list)
    observances: list[Observance] = Field(default_factory=list)
    lunar_dates: list[LunarDateItem] = Field(default_factory=list)
    phases: list[Phase] = Field(default_factory=list)
    deadlines: list[Deadline] = Field(default_factory=list)
    events: list[OneOffEvent] = Field(default_factory=list, description="Sự kiện một lần: hội nghị, lễ phát động, lễ trao giải...")

    @property
    def campaign_span(self) -> Span | None:
        """The span this file states, `year: 2024` being short for `span: năm 2024`."""
        if self.span is not None:
            return self.span  # type: ignore[no-any-return]
        return Span.of_year(self.year) if self.year is not None else None


Item = Commemoration | Observance | LunarDateItem | Deadline | OneOffEvent
ITEM_SECTIONS: tuple[Literal["commemorations", "observances", "lunar_dates", "deadlines", "events"], ...] = (
    "commemorations",
    "observances",
    "lunar_dates",
    "deadlines",
    "events",
)


def json_schema() -> dict[str, Any]:
    schema = CalendarFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Lịch thi đua (lichthidua)"
    return schema
