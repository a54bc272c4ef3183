"""Vietnamese days off: the government's decisions as data, the Labour Code for the rest.

A year's days off come from two places, each labelled with its own basis:

* the decisions in ``data/ngay-nghi.yaml`` (and an admin's extra files, see
  :mod:`scheduler.core.days_off_data`): the Tết break, the day beside 2/9, a
  weekday off swapped with a Saturday worked, each citing its decision;
* the Labour Code (Điều 112, Điều 111 khoản 3), computed by the ``holidays``
  package, for what the law fixes (1/1, Giỗ Tổ, 30/4, 1/5, 2/9 and their nghỉ
  bù) and, for what the government has not decided yet, a projection shown as
  "dự kiến" everywhere (2027's Tết break until its notice is published).

One rule serves every surface: :func:`deadline_warnings` says when the last day
to submit ("trước 25/6" → 24/6; "chậm nhất ngày 15/3" → 15/3) is not a working
day, a make-up Saturday being a working day and a swapped weekday a day off.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import holidays

from scheduler.core.data_files import AdminData
from scheduler.core.dates import vn_date, vn_weekday
from scheduler.core.days_off_data import DayOffEntry, DaysOffData, read_days_off
from scheduler.core.events import Due, last_day

LABOUR_CODE = "Bộ luật Lao động 2019, Điều 112"
OBSERVED_BASIS = "Bộ luật Lao động 2019, Điều 111 khoản 3 (nghỉ bù khi ngày lễ trùng ngày nghỉ hằng tuần)"
TET_BASIS = "Bộ luật Lao động 2019, Điều 112 (nghỉ Tết Âm lịch 05 ngày) và Điều 111 khoản 3 (nghỉ bù)"
CULTURE_DAY_BASIS = ("Nghị quyết 80-NQ/TW của Bộ Chính trị (7/1/2026): chủ trương chọn 24/11 làm Ngày Văn hóa "
                     "Việt Nam, ngày nghỉ hưởng nguyên lương; không thuộc Điều 112 Bộ luật Lao động 2019 cho đến "
                     "khi luật được sửa (chưa xác minh)")
NOT_ARTICLE_112 = "không thuộc Điều 112 Bộ luật Lao động 2019 cho đến khi luật được sửa"
PROJECTED = "dự kiến"
ENV_EXTRA = "LICHTHIDUA_DAYS_OFF"  # extra days-off files or folders, separated by os.pathsep


def swap_basis(year: int) -> str:
    return (f"Thông báo của Chính phủ về hoán đổi ngày làm việc năm {year} "
            "(áp dụng cho cán bộ, công chức, viên chức; doanh nghiệp tự quyết định)")


def projected_basis(kind: str, year: int) -> str:
    if kind == "tet":
        return (f"Dự kiến: Chính phủ chưa công bố lịch nghỉ Tết Âm lịch năm {year}; tính theo {TET_BASIS}, "
                "sẽ theo thông báo của Chính phủ khi có")
    return (f"Dự kiến: Chính phủ chưa quyết định ngày nghỉ liền kề Quốc khánh năm {year}; tính theo {LABOUR_CODE} "
            "(02/9 và 01 ngày liền kề trước hoặc sau)")


# --- the data, and the files an admin adds ------------------------------------------------------

_DATA: AdminData[DaysOffData] = AdminData(ENV_EXTRA, read_days_off, lambda data: data.digest,
                                          lambda: _clear_caches())


def days_off_data() -> DaysOffData:
    return _DATA.get()


def configure_days_off(extra: Sequence[Path]) -> bool:
    """Read the shipped decisions plus `extra` (files or folders); True when the days off changed.

    Raises :class:`~scheduler.core.days_off_data.DaysOffDataError` for a bad file and keeps
    the previous data then.
    """
    return _DATA.configure(extra)


def data_digest() -> str:
    """Changes whenever a decision is added or edited: part of every expansion's and plan's version."""
    return _DATA.digest()


# --- one year's days off ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DayOff:
    day: date
    name: str  # "Quốc khánh", "Tết Nguyên đán – 29 tháng Chạp", "nghỉ hoán đổi, làm bù Thứ Bảy 4/5/2024"
    family: str  # the block it belongs to: "Nghỉ Tết Nguyên đán"
    basis: str
    projected: bool = False  # not decided yet: computed from the Labour Code
    unverified: bool = False  # in the data, but its decision could not be read


@dataclass(frozen=True, slots=True)
class HolidayBlock:
    """Consecutive days off for one occasion, on one legal basis: the Tết break is one block."""

    start: date
    end: date  # inclusive
    title: str
    names: tuple[str, ...]
    basis: str  # why these days are off: the law, the government's notice, or "Dự kiến: ..."
    projected: bool = False

    @property
    def description(self) -> str:
        text = "; ".join(dict.fromkeys(self.names))
        if self.projected:
            text = ("Dự kiến: Chính phủ chưa công bố quyết định cho các ngày này; "
                    f"lịch sẽ cập nhật khi có thông báo. {text}")
        return text


@dataclass(frozen=True, slots=True)
class MakeUpWorkday:
    """A Saturday worked to make up a weekday off (2024: off Monday 29/4, worked Saturday 4/5)."""

    day: date
    swapped_with: date | None  # the weekday off it makes up for
    basis: str

    @property
    def title(self) -> str:
        if self.swapped_with is None:
            return f"Làm việc bù ({vn_weekday(self.day)} {vn_date(self.day)})"
        return f"Làm việc bù cho ngày nghỉ {vn_weekday(self.swapped_with)} {vn_date(self.swapped_with)}"

    @property
    def description(self) -> str:
        return (f"{vn_weekday(self.day)} {vn_date(self.day)} là ngày làm việc (làm bù) đối với cán bộ, công chức, "
                "viên chức: hạn chót rơi vào ngày này vẫn là ngày làm việc.")


@lru_cache(maxsize=512)
def holidays_in(year: int) -> dict[date, str]:
    """The Labour Code's days off for one year, as the ``holidays`` package computes them."""
    return dict(holidays.country_holidays("VN", years=year, language="vi"))


@lru_cache(maxsize=512)
def _package_workdays(year: int) -> frozenset[date]:
    return frozenset(d for d in holidays.country_holidays("VN", years=year).weekend_workdays if d.year == year)


_SWAP = re.compile(r"^Ngày nghỉ \(thay cho ngày (\d{2})/(\d{2})/(\d{4})\)$")


def _swapped_day(name: str) -> date | None:
    """29/4/2024 is named "Ngày nghỉ (thay cho ngày 04/05/2024)": the Saturday worked instead."""
    m = _SWAP.match(name)
    return date(int(m[3]), int(m[2]), int(m[1])) if m else None


def _kind(day: date, name: str, swapped: date | None) -> str:
    """What decides a day: "swap", "tet", "adjacent" (beside 2/9) are the government's; the rest the law's."""
    if swapped is not None:
        return "swap"
    low = name.lower()
    if "tết nguyên đán" in low or name.endswith(" Tết"):
        return "tet"
    if "quốc khánh" in low and "nghỉ bù" not in low and (day.month, day.day) != (9, 2):
        return "adjacent"
    if "văn hóa" in low:
        return "culture"
    return "law"


def _family(name: str, kind: str, swapped: date | None) -> str:
    if kind == "swap" and swapped is not None:
        return f"Nghỉ hoán đổi (làm bù {vn_weekday(swapped)} {vn_date(swapped)})"
    if kind == "tet":
        return "Nghỉ Tết Nguyên đán"
    if kind == "culture":
        return "Nghỉ Ngày Văn hóa Việt Nam"
    if name.endswith("(nghỉ bù)"):
        return f"Nghỉ bù: {name.removesuffix(' (nghỉ bù)')}"
    if "Quốc khánh" in name:
        return "Nghỉ lễ Quốc khánh"
    return f"Nghỉ lễ: {name}"


def _display(name: str, swapped: date | None) -> str:
    if swapped is not None:
        return f"nghỉ hoán đổi, làm bù {vn_weekday(swapped)} {vn_date(swapped)}"
    return name.replace("Nguyên Đán", "Nguyên đán")


def _from_data(data: DaysOffData, entry: DayOffEntry) -> DayOff:
    kind = _kind(entry.day, entry.name, entry.swapped_with)
    basis = data.basis_text(entry)
    if kind == "swap" and entry.swapped_with is not None:
        basis += f" — hoán đổi ngày làm việc năm {entry.swapped_with.year}"
    if kind == "culture":
        basis += f"; {NOT_ARTICLE_112}"
    name = _display(entry.name, entry.swapped_with)
    return DayOff(entry.day, name, _family(entry.name, kind, entry.swapped_with), basis,
                  unverified=entry.unverified)


@lru_cache(maxsize=512)
def year_days_off(year: int) -> dict[date, DayOff]:
    """Every day off of `year`: decided ones from the data, the law's, and projections for the rest."""
    data = days_off_data()
    decided = {d: e for d, e in data.days.items() if d.year == year}
    decided_kinds = {_kind(d, e.name, e.swapped_with) for d, e in decided.items()}
    out: dict[date, DayOff] = {d: _from_data(data, e) for d, e in decided.items()}
    for day, raw in sorted(holidays_in(year).items()):
        swapped = _swapped_day(raw)
        kind = _kind(day, raw, swapped)
        if day in out or (kind in ("tet", "adjacent") and kind in decided_kinds):
            continue
        if kind == "swap" and year in data.years:
            continue  # a year in the data lists its own swaps
        family, name = _family(raw, kind, swapped), _display(raw, swapped)
        if kind in ("tet", "adjacent"):
            out[day] = DayOff(day, name, f"{family} ({PROJECTED})", projected_basis(kind, year), projected=True)
            continue
        basis = {"swap": swap_basis(swapped.year if swapped else year), "culture": CULTURE_DAY_BASIS}.get(
            kind, OBSERVED_BASIS if raw.endswith("(nghỉ bù)") else LABOUR_CODE)
        out[day] = DayOff(day, name, family, basis)
    return dict(sorted(out.items()))


@lru_cache(maxsize=512)
def make_up_workdays(year: int) -> tuple[MakeUpWorkday, ...]:
    """The Saturdays of `year` worked to make up a swapped day off, with the day they make up for."""
    data = days_off_data()
    if year in data.years:
        return tuple(MakeUpWorkday(w.day, w.makes_up_for,
                                   f"{data.basis_text(w)} — hoán đổi ngày làm việc năm {w.day.year}")
                     for d, w in sorted(data.workdays.items()) if d.year == year)
    swaps = {}
    for y in (year - 1, year, year + 1):
        for day, name in holidays_in(y).items():
            worked = _swapped_day(name)
            if worked is not None:
                swaps[worked] = day
    return tuple(MakeUpWorkday(d, swaps.get(d), swap_basis(d.year)) for d in sorted(_package_workdays(year)))


def holiday_name(day: date) -> str | None:
    off = year_days_off(day.year).get(day)
    return off.name if off else None


def is_make_up_workday(day: date) -> bool:
    return any(w.day == day for w in make_up_workdays(day.year))


def is_projected(day: date) -> bool:
    off = year_days_off(day.year).get(day)
    return bool(off and off.projected)


def day_off_reason(day: date) -> str | None:
    """Why nobody is at the office that day, in Vietnamese, or None on a working day.

    A make-up Saturday (làm bù) is a working day for public servants; a projected
    day off says so ("ngày nghỉ lễ dự kiến").
    """
    off = year_days_off(day.year).get(day)
    if off is not None:
        if off.projected:
            return f"ngày nghỉ lễ {PROJECTED} ({off.name}; Chính phủ chưa công bố lịch nghỉ năm {day.year})"
        return f"ngày nghỉ lễ ({off.name})"
    if day.weekday() >= 5 and not is_make_up_workday(day):
        return "ngày nghỉ cuối tuần"
    return None


def previous_working_day(day: date) -> date:
    """The latest working day on or before `day` (weekends and days off skipped, make-up Saturdays kept)."""
    while day_off_reason(day) is not None:
        day -= timedelta(days=1)
    return day


@lru_cache(maxsize=8192)
def deadline_warnings(written: date, due: Due) -> tuple[str, ...]:
    """The one rule of "trước"/"chậm nhất" and days off, for expand, check, lint-plan, emails and pages.

    "trước 25/6" can be submitted until the end of 24/6; "chậm nhất ngày 15/3" until the
    end of 15/3. When that last day is not a working day, say so and name the working day before.
    """
    last = last_day(due, written)
    reason = day_off_reason(last)
    if reason is None:
        return ()
    earlier = previous_working_day(last)
    return (
        f"Ngày cuối để nộp ({vn_weekday(last)} {vn_date(last)}) là {reason}: "
        f"nên nộp chậm nhất {vn_weekday(earlier)} {vn_date(earlier)}",
    )


@lru_cache(maxsize=512)
def holiday_blocks(year: int) -> tuple[HolidayBlock, ...]:
    blocks: list[HolidayBlock] = []
    for day, off in year_days_off(year).items():
        last = blocks[-1] if blocks else None
        if last and last.title == off.family and last.end + timedelta(days=1) == day:
            basis = last.basis if off.basis in last.basis.split("; ") else f"{last.basis}; {off.basis}"
            blocks[-1] = HolidayBlock(last.start, day, off.family, last.names + (off.name,), basis, last.projected)
        else:
            blocks.append(HolidayBlock(day, day, off.family, (off.name,), off.basis, off.projected))
    return tuple(blocks)


def _clear_caches() -> None:
    for fn in (year_days_off, make_up_workdays, holiday_blocks, deadline_warnings):
        fn.cache_clear()
