"""The YAML calendar format, as a pydantic schema.

One class per section of a calendar file. The same classes validate files,
publish the JSON Schema editors use to complete YAML (`lichthidua schema`), and
carry the parsed date notations (the field types are in `scheduler.core.format_fields`).
Field descriptions are Vietnamese: admins read them in their editor.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, model_validator
from pydantic_core import PydanticCustomError

from scheduler.core.dates import FullDate, TetRelative, closing_day, opening_day
from scheduler.core.events import Due
from scheduler.core.format_fields import (
    DATED_BY_DESCRIPTION,
    ID_PATTERN,
    ActivityEnd,
    ActivityStart,
    Anniversary,
    DatedBy,
    DeadlineDate,
    DocumentDate,
    EventDay,
    FullDateField,
    Id,
    PhaseEnd,
    PhaseStart,
    SpanField,
    TimeOfDay,
    YearlyOrFull,
    due_alias,
)
from scheduler.core.repeats import parse_weekday, weekday_words
from scheduler.core.spans import Span

_Day = date  # for annotations inside classes whose field is named `date`


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


class Document(Strict):
    """Văn bản gốc của kế hoạch."""

    kind: str | None = Field(None, description="Loại văn bản: KH (kế hoạch), HD (hướng dẫn), PĐTĐ (phát động)...")
    number: str | None = Field(None, description="Số văn bản, ví dụ 15/HD-LĐLĐ; để trống nếu chưa có số")
    place: str | None = Field(None, description="Địa danh, ví dụ Kon Tum")
    date: DocumentDate | None = None
    title: str | None = Field(None, description="Trích yếu văn bản")
    implements: str | None = Field(None, description="Văn bản cấp trên mà kế hoạch này thực hiện")


class Commemoration(Strict):
    """Ngày kỷ niệm: khai báo một lần bằng ngày gốc, tự tính số năm cho mỗi năm."""

    id: Id
    name: str = Field(description="Tên sự kiện, ví dụ 'Ngày thành lập Công đoàn Việt Nam'")
    date: Anniversary | None = Field(
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
    start: YearlyOrFull
    end: YearlyOrFull
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
    start: PhaseStart | None = Field(None, description="Bỏ trống khi văn bản không ghi: đợt tính từ đầu phong trào, "
                                               "đánh dấu tạm tính. Bỏ trống cả start và end: đợt chưa có ngày, chỉ được liệt kê")
    end: PhaseEnd | None = Field(None, description="Bỏ trống khi văn bản không ghi: đợt tính đến hết phong trào, "
                                           "đánh dấu tạm tính")
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

    @property
    def undated(self) -> bool:
        """Named without any date ("qua 4 đợt", only one of them dated): listed, never given dates."""
        return self.start is None and self.end is None


class Deadline(Strict):
    """Hạn chót: cố định (15/3/2023), hằng năm (25/6), sau mỗi đợt (after_phase), hoặc chưa có ngày."""

    id: Id
    title: str = Field(description="Việc phải làm, ví dụ 'Báo cáo kết quả 6 tháng đầu năm'")
    date: DeadlineDate | None = None
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
        BeforeValidator(due_alias),
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


class OneOffEvent(Strict):
    """Sự kiện một lần: hội nghị sơ kết, lễ phát động, lễ trao giải, ngày bế mạc cuộc thi..."""

    id: Id
    title: str = Field(description="Tên sự kiện, ví dụ 'Hội nghị sơ kết học kỳ I'")
    date: EventDay | None = Field(None, description="Ngày diễn ra (một ngày); theo Tết hoặc âm lịch: tính mỗi năm")
    start: EventDay | None = Field(None, description="Ngày bắt đầu (sự kiện nhiều ngày)")
    end: EventDay | None = Field(None, description="Ngày kết thúc, tính cả ngày đó")
    time: TimeOfDay | None = Field(None, description="Giờ bắt đầu, ví dụ \"08:00\"")
    end_time: TimeOfDay | None = Field(None, description="Giờ kết thúc")
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
        if (isinstance(self.start, FullDate) and isinstance(self.end, FullDate)
                and self.end.value < self.start.value):
            raise PydanticCustomError("event.order", "{value}", {"value": self.id, "field": "end"})
        if self.end_time is not None and self.time is None:
            raise PydanticCustomError("event.end_time", "{value}", {"value": self.id})
        return self

    @property
    def undated(self) -> bool:
        return self.date is None and self.start is None

    @property
    def first_day(self) -> _Day | None:
        """The written first day; None when undated or computed each year (see `tet_rule`)."""
        day = self.date or self.start
        return day.value if isinstance(day, FullDate) else None

    @property
    def last_day(self) -> _Day | None:
        day = self.date or self.end
        return day.value if isinstance(day, FullDate) else None

    @property
    def tet_rule(self) -> bool:
        """A date written by Tết or the lunar calendar: computed for each year (scheduler.core.tet_items)."""
        return any(isinstance(d, TetRelative) for d in (self.date, self.start, self.end))


def _every_alias(value: Any) -> Any:
    if isinstance(value, str):
        return {"tuần": "week", "hằng tuần": "week", "tháng": "month", "hằng tháng": "month"}.get(
            " ".join(value.strip().lower().split()), value)
    return value


class Repeat(Strict):
    """Cách lặp lại: hằng tuần vào một hay nhiều thứ, hoặc một ngày hằng tháng."""

    every: Annotated[
        Literal["week", "month"],
        BeforeValidator(_every_alias),
        WithJsonSchema({"enum": ["week", "month", "tuần", "tháng"], "description": "week (hằng tuần) hoặc month (hằng tháng)"}),
    ]
    on: str | int | list[str | int] = Field(
        description="Hằng tuần: thứ trong tuần ('thứ ba', 'thứ 3', 'T3', 'chủ nhật') hoặc danh sách thứ; "
        "hằng tháng: ngày trong tháng (15)"
    )
    at: TimeOfDay | None = Field(None, description="Giờ bắt đầu, ví dụ \"10:00\"")
    end_at: TimeOfDay | None = Field(None, description="Giờ kết thúc")

    @model_validator(mode="after")
    def _valid_on(self) -> "Repeat":
        if self.every == "week":
            _ = self.weekdays  # raises on a name that is not a weekday
        elif not isinstance(self.on, int) and not (isinstance(self.on, str) and self.on.strip().isdigit()):
            raise PydanticCustomError("repeat.day", "{value}", {"value": str(self.on), "field": "on"})
        elif not 1 <= self.day_of_month <= 31:
            raise PydanticCustomError("repeat.day", "{value}", {"value": str(self.on), "field": "on"})
        if self.end_at is not None and self.at is None:
            raise PydanticCustomError("repeat.end_at", "{value}", {"value": str(self.end_at), "field": "end_at"})
        return self

    @property
    def weekdays(self) -> tuple[int, ...]:
        """0 (thứ Hai) … 6 (Chủ nhật) of a weekly repeat."""
        names = self.on if isinstance(self.on, list) else [self.on]
        days = []
        for name in names:
            day = parse_weekday(str(name))
            if day is None:
                raise PydanticCustomError("repeat.weekday", "{value}", {"value": str(name), "field": "on"})
            days.append(day)
        return tuple(days)

    @property
    def day_of_month(self) -> int:
        assert not isinstance(self.on, list)
        return int(self.on)

    @property
    def words(self) -> str:
        """"hằng tuần vào thứ ba, 10:00" / "ngày 15 hằng tháng": how the rule reads, for descriptions."""
        when = f", {self.at:%H:%M}" + (f" – {self.end_at:%H:%M}" if self.end_at else "") if self.at else ""
        if self.every == "week":
            return "hằng tuần vào " + ", ".join(weekday_words(d) for d in self.weekdays) + when
        return f"ngày {self.day_of_month} hằng tháng" + when


class RepeatedActivity(Strict):
    """Hoạt động lặp lại trong một khoảng thời gian văn bản ghi: hằng tuần vào thứ Ba, ngày 15 hằng tháng..."""

    id: Id
    title: str = Field(description="Tên hoạt động, ví dụ 'Sinh hoạt chuyên đề'")
    repeat: Repeat
    within: Id | None = Field(None, description="Mã đợt thi đua mà hoạt động lặp lại trong đó")
    start: ActivityStart | None = Field(None, description="Ngày (hoặc tháng) đầu của khoảng lặp lại (khi không ghi within)")
    end: ActivityEnd | None = Field(None, description="Ngày cuối của khoảng lặp lại, tính cả ngày đó (hoặc tháng: đến hết tháng)")
    as_written: str | None = Field(None, description="Như văn bản ghi, ví dụ 'hằng tuần vào thứ Ba, từ 10 giờ'")
    place: str | None = Field(None, description="Địa điểm")
    groups: list[Id] = Field(default_factory=list, description="Các nhóm người nhận liên quan")
    description: str | None = None

    @model_validator(mode="after")
    def _period(self) -> "RepeatedActivity":
        if self.within is not None and (self.start is not None or self.end is not None):
            raise PydanticCustomError("activity.when", "{value}", {"value": self.id})
        if (self.start is None) != (self.end is None):
            raise PydanticCustomError("activity.range", "{value}", {"value": self.id})
        if self.within is None and self.start is None:
            raise PydanticCustomError("activity.unbounded", "{value}", {"value": self.id})
        if self.period is not None and self.period[1] < self.period[0]:
            raise PydanticCustomError("activity.order", "{value}", {"value": self.id, "field": "end"})
        return self

    @property
    def period(self) -> tuple[date, date] | None:  # its own first and last days: a month's first, a month's last
        return None if self.start is None or self.end is None else (opening_day(self.start), closing_day(self.end))


class CalendarFile(Strict):
    """Một lịch: lịch quốc gia, kế hoạch của LĐLĐ tỉnh, quận/huyện... Mã lịch trùng tên tệp."""

    id: Id
    title: str = Field(description="Tên lịch hoặc trích yếu kế hoạch")
    issuer: str | None = Field(None, description="Cơ quan ban hành, ví dụ 'Liên đoàn Lao động tỉnh Kon Tum'")
    year: int | None = Field(None, ge=1900, le=2100, description="Năm của phong trào thi đua (một năm dương lịch)")
    span: SpanField | None = None
    timezone: str = Field("Asia/Ho_Chi_Minh", description="Múi giờ IANA")
    extends: list[Id] = Field(default_factory=list, description="Các lịch cấp trên mà lịch này kế thừa")
    omit: list[str] = Field(default_factory=list, description="Mã các mục kế thừa mà lịch này bỏ đi")
    document: Document | None = None
    launch_date: FullDateField | None = Field(
        None, description="Ngày phát động (nếu đã biết); đợt bắt đầu 'từ ngày phát động' dùng ngày này"
    )
    theme: str | None = Field(None, description="Chủ đề thi đua của năm")
    description: str | None = None
    public_holidays: bool | None = Field(
        None, description="Thêm các ngày nghỉ lễ theo Bộ luật Lao động 2019 (Điều 112)"
    )
    level: Literal["toàn quốc", "tỉnh", "trên cơ sở", "cơ sở"] | None = Field(
        None, description="Cấp của cơ quan ban hành: 'toàn quốc' (Tổng LĐLĐ), 'tỉnh' (LĐLĐ tỉnh, thành phố, công đoàn "
                          "ngành trung ương), 'trên cơ sở' (LĐLĐ huyện, công đoàn ngành địa phương), 'cơ sở' "
                          "(công đoàn cơ sở). Không ghi: suy ra từ tên cơ quan ban hành"
    )
    draft: bool = Field(
        False, description="Bản nháp do `new` hoặc `import` soạn: chỉ xem trước ở /admin, không xuất bản nguồn lịch, "
                           "trang hay email nhắc. Xóa dòng này (hoặc ghi false) sau khi duyệt mọi dòng # KIỂM TRA"
    )
    remind_days: list[Annotated[int, Field(ge=0, le=366)]] | None = Field(
        None, description="Gửi email nhắc trước mỗi hạn chót bao nhiêu ngày (ghi đè mặc định của hệ thống; lịch con kế thừa)"
    )
    commemorations: list[Commemoration] = Field(default_factory=list)
    observances: list[Observance] = Field(default_factory=list)
    lunar_dates: list[LunarDateItem] = Field(default_factory=list)
    phases: list[Phase] = Field(default_factory=list)
    deadlines: list[Deadline] = Field(default_factory=list)
    events: list[OneOffEvent] = Field(default_factory=list,
                                      description="Sự kiện một lần: hội nghị, lễ phát động, lễ trao giải...")
    activities: list[RepeatedActivity] = Field(
        default_factory=list, description="Hoạt động lặp lại hằng tuần hoặc hằng tháng trong một đợt hay một khoảng ngày"
    )

    @property
    def campaign_span(self) -> Span | None:
        """The span this file states, `year: 2024` being short for `span: năm 2024`."""
        if self.span is not None:
            return self.span
        return Span.of_year(self.year) if self.year is not None else None


Item = Commemoration | Observance | LunarDateItem | Deadline | OneOffEvent | RepeatedActivity
ITEM_SECTIONS: tuple[Literal["commemorations", "observances", "lunar_dates", "deadlines", "events", "activities"], ...] = (
    "commemorations",
    "observances",
    "lunar_dates",
    "deadlines",
    "events",
    "activities",
)


def json_schema() -> dict[str, Any]:
    schema = CalendarFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Lịch thi đua (lichthidua)"
    return schema
