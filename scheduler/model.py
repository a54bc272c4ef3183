"""The YAML calendar format, as a pydantic schema.

One class per section of a calendar file. The same classes validate files,
publish the JSON Schema editors use to complete YAML (`lichthidua schema`), and
carry the parsed date notations (see `scheduler.dates`). Field descriptions are
Vietnamese: admins read them in their editor.
"""

from __future__ import annotations

import re
from collections.abc import Callable
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

from scheduler.dates import (
    DateExpr,
    DateSyntaxError,
    DayMonth,
    EndOfYear,
    FullDate,
    LaunchDay,
    MonthYear,
    YearOnly,
    parse_date_expr,
)
from scheduler.events import Due

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
    kind="phase_start",
    description="Ngày bắt đầu: 01/8/2024, tháng 01/2024 (từ ngày 1 của tháng) hoặc 'ngày phát động'",
    examples=["01/8/2024", "tháng 01/2024", "ngày phát động"],
)
PhaseEnd = _date_type(
    FullDate,
    MonthYear,
    EndOfYear,
    kind="phase_end",
    description="Ngày kết thúc (tính cả ngày đó): 31/7/2024, tháng 07/2024 (đến cuối tháng) hoặc 'hết năm'",
    examples=["31/7/2024", "hết năm"],
)
YearlyOrFull = _date_type(
    FullDate,
    DayMonth,
    kind="yearly_or_full",
    description="Ngày/tháng (lặp lại hằng năm, ví dụ 25/6) hoặc ngày/tháng/năm (15/3/2023)",
    examples=["25/6", "15/3/2023"],
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
    date: FullDateField  # type: ignore[valid-type]
    title: str | None = Field(
        None,
        description="Mẫu tiêu đề; các biến {ordinal} {name} {base} {date} {year}. "
        "Mặc định: 'Kỷ niệm {ordinal} năm {name} ({base} – {date})'",
    )
    description: str | None = None


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
    start: PhaseStart  # type: ignore[valid-type]
    end: PhaseEnd  # type: ignore[valid-type]
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


class Deadline(Strict):
    """Hạn chót: cố định (15/3/2023), hằng năm (25/6) hoặc sau mỗi đợt (after_phase)."""

    id: Id
    title: str = Field(description="Việc phải làm, ví dụ 'Báo cáo kết quả 6 tháng đầu năm'")
    date: YearlyOrFull | None = None  # type: ignore[valid-type]
    after_phase: str | None = Field(None, description="'each' (sau mỗi đợt) hoặc mã một đợt")
    days_after: int | None = Field(None, ge=0, le=366, description="Số ngày sau khi đợt kết thúc")
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
        if (self.date is None) == (self.after_phase is None):
            raise PydanticCustomError("deadline.when", "{value}", {"value": self.id})
        if self.after_phase is not None and self.days_after is None:
            raise PydanticCustomError("deadline.days_after", "{value}", {"value": self.id})
        return self


class CalendarFile(Strict):
    """Một lịch: lịch quốc gia, kế hoạch của LĐLĐ tỉnh, quận/huyện... Mã lịch trùng tên tệp."""

    id: Id
    title: str = Field(description="Tên lịch hoặc trích yếu kế hoạch")
    issuer: str | None = Field(None, description="Cơ quan ban hành, ví dụ 'Liên đoàn Lao động tỉnh Kon Tum'")
    year: int | None = Field(None, ge=1900, le=2100, description="Năm của phong trào thi đua")
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


Item = Commemoration | Observance | LunarDateItem | Deadline
ITEM_SECTIONS: tuple[Literal["commemorations", "observances", "lunar_dates", "deadlines"], ...] = (
    "commemorations",
    "observances",
    "lunar_dates",
    "deadlines",
)


def json_schema() -> dict[str, Any]:
    schema = CalendarFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Lịch thi đua (lichthidua)"
    return schema
