"""Defaults labelled as defaults: "hết năm học", "hết học kỳ I" and a school year's end come
from the Ministry's framework (data/nam-hoc.yaml, with its decision) or from the format's
default, never shown as the document's words; an admin can set each per calendar.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

from web_support import Clock, running, settings_for

from scheduler.core.events import DateOrigin, EventKind
from scheduler.core.expand import Window, expand
from scheduler.core.school_years import frameworks, semester1_end, year_end
from scheduler.live.catalog import load_catalog

PLAN = """id: {cid}
title: Kế hoạch thi đua {words} của công đoàn trường
issuer: Công đoàn trường THCS mẫu
span: {span}
extends: [viet-nam]
phases:
  - {{id: dot-1, name: Đợt 1, start: 05/9/{y1}, end: 20/11/{y1}}}
  - {{id: dot-2, name: Đợt 2, start: sau 20/11/{y1}, end: {term_end}, as_written: Từ sau 20/11/{y1} đến hết học kỳ I}}
  - {{id: dot-3, name: Đợt 3, start: 01/02/{y2}, end: hết năm học, as_written: Từ 01/02/{y2} đến hết năm học}}
"""


def _write(folder: Path, cid: str, y1: int, *, span: str | None = None, term_end: str = "hết học kỳ I") -> Path:
    words = f"năm học {y1}–{y1 + 1}"
    (folder / f"{cid}.yaml").write_text(
        PLAN.format(cid=cid, words=words, span=span or words, y1=y1, y2=y1 + 1, term_end=term_end), encoding="utf-8")
    return folder


def _phases(folder: Path, cid: str) -> dict[str, object]:
    catalog = load_catalog(folder)
    assert catalog.ok, [d.format() for d in catalog.all_diagnostics()]
    return {p.id: p for p in catalog.get(cid).phases}


def test_framework_data_cites_each_decision() -> None:
    assert set(range(2019, 2026)) <= set(frameworks())
    assert 2026 not in frameworks()  # 2026–2027: none found, a default
    assert year_end(2019).day == date(2020, 7, 15)  # moved by COVID-19
    assert "2269/QĐ-BGDĐT ngày 11/8/2025" in year_end(2025).rule
    assert semester1_end(2025).day == date(2026, 1, 18)  # type: ignore[union-attr]
    default = year_end(2026)
    assert (default.day, default.framework) == (date(2027, 5, 31), False) and "mặc định (dự kiến)" in default.rule


def test_school_year_ends_are_the_frameworks_and_say_so(empty_calendars_dir: Path) -> None:
    phases = _phases(_write(empty_calendars_dir, "truong-2025", 2025), "truong-2025")
    term, year = phases["dot-2"], phases["dot-3"]
    assert (term.end, term.origin) == (date(2026, 1, 18), DateOrigin.DEFAULT)  # type: ignore[attr-defined]
    assert "kết thúc học kỳ I trước ngày 18/1/2026" in term.provenance  # type: ignore[attr-defined]
    assert (year.end, year.origin) == (date(2026, 5, 31), DateOrigin.DEFAULT)  # type: ignore[attr-defined]
    assert year.provenance.startswith("Văn bản ghi “Từ 01/02/2026 đến hết năm học”, không ghi ngày kết thúc.")  # type: ignore[attr-defined]
    assert "Thời gian theo văn bản" not in year.provenance  # type: ignore[attr-defined]


def test_a_year_without_framework_uses_the_default_or_stays_provisional(empty_calendars_dir: Path) -> None:
    """Today's kind of year: in December 2026 the 2026–2027 framework is not in the data."""
    phases = _phases(_write(empty_calendars_dir, "truong-2026", 2026), "truong-2026")
    assert phases["dot-2"].provisional  # type: ignore[attr-defined]  # "hết học kỳ I": no date invented
    year = phases["dot-3"]
    assert (year.end, year.origin) == (date(2027, 5, 31), DateOrigin.DEFAULT)  # type: ignore[attr-defined]
    assert "mặc định (dự kiến)" in year.provenance  # type: ignore[attr-defined]


def test_an_admin_sets_them_per_calendar(empty_calendars_dir: Path) -> None:
    _write(empty_calendars_dir, "truong-admin", 2026,
           span="{as_written: năm học 2026–2027, end: 30/06/2027}",
           term_end="{until: hết học kỳ I, date: 16/01/2027}")
    phases = _phases(empty_calendars_dir, "truong-admin")
    assert (phases["dot-2"].end, phases["dot-2"].origin) == (date(2027, 1, 16), DateOrigin.ADMIN)  # type: ignore[attr-defined]
    year = phases["dot-3"]
    assert (year.end, year.origin) == (date(2027, 6, 30), DateOrigin.ADMIN)  # type: ignore[attr-defined]
    assert "do quản trị Công đoàn trường THCS mẫu đặt" in year.provenance  # type: ignore[attr-defined]


def test_every_surface_says_default(empty_calendars_dir: Path, tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    _write(empty_calendars_dir, "truong-2026", 2026)
    cal = load_catalog(empty_calendars_dir).get("truong-2026")
    events = expand(cal, Window(date(2026, 9, 1), date(2027, 8, 31)))
    phase = next(e for e in events if e.kind is EventKind.PHASE and e.item_id == "dot-3")
    assert phase.origin is DateOrigin.DEFAULT and "mặc định" in (phase.provenance or "")
    run = cli("expand", "truong-2026", "--calendars", empty_calendars_dir, "--format", "json")
    rows = [r for r in json.loads(run.stdout) if r.get("item") == "dot-3"]
    assert run.exit_code == 0 and rows[0]["origin"] == "default" and "mặc định" in rows[0]["provenance"]
    with running(settings_for(tmp_path, empty_calendars_dir), Clock(datetime(2026, 12, 7, 3, tzinfo=UTC))) as client:
        page = client.get("/c/truong-2026").text
        assert "mặc định (dự kiến)" in page and "Kết thúc 31/5/2027" in page
        feed = client.get("/feeds/truong-2026.ics").text.replace("\r\n ", "")
        assert "Nguồn ngày: Văn bản ghi" in feed and "mặc định (dự kiến)" in feed


def test_a_deadline_after_a_default_end_says_so(empty_calendars_dir: Path) -> None:
    """"15 ngày sau đợt" of a phase ending "hết năm học": the date follows a default, and says which."""
    _write(empty_calendars_dir, "truong-2025", 2025)
    path = empty_calendars_dir / "truong-2025.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "deadlines:\n  - {id: bao-cao, title: Báo cáo sơ kết, "
                    "after_phase: dot-3, days_after: 15, due: chậm nhất, as_written: 15 ngày sau đợt 3}\n",
                    encoding="utf-8")
    cal = load_catalog(empty_calendars_dir).get("truong-2025")
    (report,) = [e for e in expand(cal, Window(date(2025, 9, 1), date(2026, 8, 31))) if e.item_id == "bao-cao"]
    assert report.start == date(2026, 6, 15) and report.origin is DateOrigin.DEFAULT
    assert "Tính từ ngày kết thúc Đợt 3 (31/5/2026)" in (report.provenance or "")
    assert "2269/QĐ-BGDĐT" in (report.provenance or "")
