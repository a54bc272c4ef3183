"""The government's decisions on days off, as data that cites each decision.

The shipped file ``scheduler/core/data/ngay-nghi.yaml`` lists, year by year, the
days off that a decision fixed (the Tết break, the day beside 2/9, a weekday off
swapped with a Saturday worked) and the statutory days, each with its basis. An
admin adds a decision published later by dropping a file of the same shape into
``<calendars>/ngay-nghi/`` (or naming one in ``LICHTHIDUA_DAYS_OFF``); its entries
replace the shipped ones of the same days. Parsing is pure: text in, a
:class:`DaysOffData` out, or a :class:`DaysOffDataError` naming file, line and fix.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from scheduler.core.data_files import DataFile, DataFileError, load_yaml, read_sources
from scheduler.core.dates import vn_date

SHIPPED = Path(__file__).with_name("data") / "ngay-nghi.yaml"
LAW_BASES = {
    "labour_code": "Bộ luật Lao động 2019, Điều 112",
    "observed": "Bộ luật Lao động 2019, Điều 111 khoản 3 (nghỉ bù khi ngày lễ trùng ngày nghỉ hằng tuần)",
    "unverified": "chưa tìm thấy văn bản quyết định; ngày tính theo quy tắc của Bộ luật Lao động (chưa xác minh)",
}
OLD_CODE = "Bộ luật Lao động 2012, Điều 115"  # before 1/1/2021


class DaysOffDataError(DataFileError):
    """A days-off file that cannot be read: the message names the file, the entry and the fix."""


@dataclass(frozen=True, slots=True)
class Decision:
    id: str
    number: str | None
    signed: date | None
    issuer: str
    covers: str
    sources: tuple[str, ...] = ()
    verified: str = "true"
    note: str | None = None

    @property
    def citation(self) -> str:
        """"Công văn 12729/VPCP-KGVX ngày 25/12/2025 của Văn phòng Chính phủ (…)"."""
        number = self.number or ""
        kind = ("Thông báo" if "/TB-" in number else "Nghị quyết" if "NQ" in number
                else "Công văn" if number else "Văn bản (chưa rõ số)")
        parts = [kind + (f" {number}" if number else "")]
        if self.signed is not None:
            parts.append(f"ngày {vn_date(self.signed)}")
        parts.append(f"của {self.issuer}")
        text = " ".join(parts)
        if self.verified != "true":
            text += " (chưa đối chiếu đủ với bản gốc)"
        return text


@dataclass(frozen=True, slots=True)
class DayOffEntry:
    day: date
    name: str
    basis: str  # "labour_code", "observed", "unverified" or a decision id
    swapped_with: date | None = None  # the Saturday worked instead of this weekday
    unverified: bool = False
    origin: str = ""  # the file that says so


@dataclass(frozen=True, slots=True)
class WorkdayEntry:
    day: date
    makes_up_for: date | None
    basis: str
    origin: str = ""


@dataclass(frozen=True)
class DaysOffData:
    decisions: Mapping[str, Decision] = field(default_factory=dict)
    days: Mapping[date, DayOffEntry] = field(default_factory=dict)
    workdays: Mapping[date, WorkdayEntry] = field(default_factory=dict)
    years: frozenset[int] = frozenset()  # years a file has a section for
    files: tuple[str, ...] = ()
    digest: str = ""

    def basis_text(self, entry: DayOffEntry | WorkdayEntry) -> str:
        if entry.basis in LAW_BASES:
            text = LAW_BASES[entry.basis]
            if entry.day.year < 2021 and entry.basis != "unverified":
                text = text.replace("Bộ luật Lao động 2019, Điều 112", OLD_CODE)
            return text
        return self.decisions[entry.basis].citation

    def decision_of(self, entry: DayOffEntry | WorkdayEntry) -> Decision | None:
        return self.decisions.get(entry.basis)


def _text(raw: Any) -> str | None:
    return None if raw is None else str(raw)


def _entries(file: DataFile, section: Any, key: str, path: tuple[str, ...], detail: str) -> list[dict[str, Any]]:
    """The list ``key`` of a year's section: each item a mapping, else an error at its line."""
    if section is not None and not isinstance(section, dict):
        raise file.fail(path, "mỗi năm là một bảng có 'days_off' và 'working_days'", detail)
    items = (section or {}).get(key) or []
    if not isinstance(items, list):
        raise file.fail((*path, key), f"'{key}' là một danh sách, mỗi ngày một dòng "
                        "(ví dụ - {date: 2027-02-05, name: ..., basis: ...})", detail)
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise file.fail((*path, key, str(index)), f"mỗi mục của '{key}' là một bảng "
                            "{date: ..., name: ..., basis: ...}", detail)
    return items


def parse_days_off(sources: Iterable[tuple[str, str]]) -> DaysOffData:
    """Merge days-off files in order: a later file's entry for a day replaces an earlier one."""
    decisions: dict[str, Decision] = {}
    days: dict[date, DayOffEntry] = {}
    workdays: dict[date, WorkdayEntry] = {}
    years: set[int] = set()
    names: list[str] = []
    digest = hashlib.sha256()
    pending: list[tuple[DataFile, tuple[str, ...], str, DayOffEntry | WorkdayEntry]] = []
    for name, text in sources:
        names.append(name)
        digest.update(name.encode() + b"\0" + text.encode() + b"\0")
        doc = load_yaml(name, text, DaysOffDataError) or {}
        file = DataFile(name, text, DaysOffDataError)
        if not isinstance(doc, dict):
            raise file.fail((), "tệp ngày nghỉ phải là một bảng có 'decisions' và 'years'")
        path: tuple[str, ...]
        for did, raw in (doc.get("decisions") or {}).items():
            path, detail = ("decisions", str(did)), f", văn bản {did}"
            if not isinstance(raw, dict) or not raw.get("issuer"):
                raise file.fail(path, "cần ít nhất 'issuer' (cơ quan ban hành), 'number', 'date' và 'sources'", detail)
            decisions[str(did)] = Decision(
                id=str(did), number=_text(raw.get("number")),
                signed=file.day(raw["date"], (*path, "date"), detail) if raw.get("date") else None,
                issuer=str(raw["issuer"]), covers=str(raw.get("covers") or ""),
                sources=tuple(str(s) for s in raw.get("sources") or ()),
                verified=str(raw.get("verified", True)).lower(), note=_text(raw.get("note")),
            )
        for year, section in (doc.get("years") or {}).items():
            if not str(year).isdigit():
                raise file.fail(("years", str(year)), f"'{year}' không phải một năm; viết năm, ví dụ 2027:")
            years.add(int(year))
            for index, raw in enumerate(_entries(file, section, "days_off", ("years", str(year)), f", năm {year}")):
                path, detail = ("years", str(year), "days_off", str(index)), f", năm {year}, ngày {raw.get('date')}"
                if not raw.get("date") or not raw.get("name") or not raw.get("basis"):
                    raise file.fail(path, "mỗi ngày nghỉ cần 'date', 'name' và 'basis'", detail)
                entry = DayOffEntry(
                    day=file.day(raw["date"], (*path, "date"), detail), name=str(raw["name"]), basis=str(raw["basis"]),
                    swapped_with=(file.day(raw["swapped_with"], (*path, "swapped_with"), detail)
                                  if raw.get("swapped_with") else None),
                    unverified=bool(raw.get("unverified")) or raw["basis"] == "unverified", origin=name,
                )
                days[entry.day] = entry
                pending.append((file, (*path, "basis"), detail, entry))
            for index, raw in enumerate(_entries(file, section, "working_days", ("years", str(year)), f", năm {year}")):
                path = ("years", str(year), "working_days", str(index))
                detail = f", năm {year}, ngày làm bù {raw.get('date')}"
                if not raw.get("date") or not raw.get("basis"):
                    raise file.fail(path, "ngày làm bù cần 'date', 'makes_up_for' và 'basis'", detail)
                work = WorkdayEntry(
                    day=file.day(raw["date"], (*path, "date"), detail),
                    makes_up_for=(file.day(raw["makes_up_for"], (*path, "makes_up_for"), detail)
                                  if raw.get("makes_up_for") else None),
                    basis=str(raw["basis"]), origin=name,
                )
                workdays[work.day] = work
                pending.append((file, (*path, "basis"), detail, work))
    for file, path, detail, item in pending:
        if item.basis not in LAW_BASES and item.basis not in decisions:
            known = ", ".join(sorted(decisions)) or "(chưa có văn bản nào)"
            raise file.fail(path, f"căn cứ {item.basis!r} không phải 'labour_code', 'observed' hay mã một văn bản "
                            f"trong 'decisions' ({known})", detail)
    return DaysOffData(decisions, days, workdays, frozenset(years), tuple(names), digest.hexdigest())


def read_days_off(extra: Iterable[Path] = ()) -> DaysOffData:
    """The shipped file, then each extra file (a folder: its *.yaml files in name order)."""
    return parse_days_off(read_sources(SHIPPED, "ngay-nghi.yaml (kèm chương trình)", extra))
