"""The range of civil days a calendar is expanded over."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from scheduler.core.dates import vn_date
from scheduler.errors import BadRequest


@dataclass(frozen=True, slots=True)
class Window:
    """Inclusive range of civil dates."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise BadRequest(f"Khoảng thời gian không hợp lệ: {vn_date(self.end)} trước {vn_date(self.start)}")

    @classmethod
    def year(cls, year: int, last_year: int | None = None) -> "Window":
        return cls(date(year, 1, 1), date(last_year or year, 12, 31))

    def years(self) -> range:
        return range(self.start.year, self.end.year + 1)

    def overlaps(self, start: date, end: date) -> bool:
        return start <= self.end and end >= self.start

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end
