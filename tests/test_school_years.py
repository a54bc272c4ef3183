"""School-year frameworks as data an admin extends: when the Ministry publishes the 2026–2027
framework, the admin drops it into calendars/nam-hoc/ citing the decision; from then on "hết
năm học" and "hết học kỳ I" of that year are its dates, labelled with it, on every surface (expand,
check, the served feed with a new SEQUENCE, reminders planned again). A bad file is reported with
file, line and fix, and the last good frameworks stay.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from functools import partial
from pathlib import Path

import pytest
from web_support import Clock, running, settings_for, view_icalendar

from scheduler.core.events import DateOrigin
from scheduler.core.school_years import configure_school_years, data_digest, frameworks, semester1_end, year_end
from scheduler.core.school_years_data import SchoolYearDataError, parse_school_years
from scheduler.live.catalog import Catalog, ParseCache, load_catalog
from scheduler.live.edits import edited_files

TODAY = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)  # December 2026: no 2026–2027 framework shipped
NEW_YEAR = datetime(2027, 1, 1, 3, 0, tzinfo=UTC)
DECISION = "Quyết định 1111/QĐ-BGDĐT ngày 30/7/2026 của Bộ Giáo dục và Đào tạo"  # the tests' own example
FRAMEWORK = """# Khung kế hoạch thời gian năm học 2026-2027 (ví dụ của bộ kiểm thử)
school_years:
  "2026-2027":
    opening: 2026-09-05
    semester1_end_before: 2027-01-16
    year_end_before: 2027-05-29
    decision: {number: "1111/QĐ-BGDĐT", date: 2026-07-30, issuer: "Bộ Giáo dục và Đào tạo"}
    sources: ["https://example.invalid/khung-2026-2027"]
    verified: true
"""
PLAN = """id: truong-2026
title: Kế hoạch thi đua năm học 2026–2027 của công đoàn trường
issuer: Công đoàn trường THCS mẫu
span: năm học 2026–2027
extends: [viet-nam]
phases:
  - {id: dot-1, name: Đợt 1, start: 05/9/2026, end: 20/11/2026}
  - {id: dot-2, name: Đợt 2, start: sau 20/11/2026, end: hết học kỳ I, as_written: Từ sau 20/11/2026 đến hết học kỳ I}
  - {id: dot-3, name: Đợt 3, start: 01/02/2027, end: hết năm học, as_written: Từ 01/02/2027 đến hết năm học}
"""


@pytest.fixture(autouse=True)
def shipped_frameworks_only() -> Iterator[None]:
    configure_school_years([])
    yield
    configure_school_years([])


def _school(folder: Path) -> Path:
    (folder / "truong-2026.yaml").write_text(PLAN, encoding="utf-8")
    return folder


def _framework(folder: Path, text: str = FRAMEWORK, name: str = "2026-2027.yaml") -> Path:
    (folder / "nam-hoc").mkdir(exist_ok=True)
    path = folder / "nam-hoc" / name
    path.write_text(text, encoding="utf-8")
    return path


def _phases(catalog: Catalog) -> dict[str, object]:
    assert catalog.ok, [d.format() for d in catalog.all_diagnostics()]
    return {p.id: p for p in catalog.get("truong-2026").phases}


def test_without_the_framework_2026_2027_is_a_default(empty_calendars_dir: Path) -> None:
    phases = _phases(load_catalog(_school(empty_calendars_dir)))
    assert phases["dot-2"].provisional  # type: ignore[attr-defined]  # "hết học kỳ I": no date invented
    assert phases["dot-3"].end == date(2027, 5, 31)  # type: ignore[attr-defined]
    assert "mặc định (dự kiến)" in phases["dot-3"].provenance  # type: ignore[attr-defined]


def test_an_admin_adds_the_2026_2027_framework(empty_calendars_dir: Path) -> None:
    """The file's dates become "hết học kỳ I" and "hết năm học", cited with its decision, not "dự kiến"."""
    _framework(_school(empty_calendars_dir))
    catalog = load_catalog(empty_calendars_dir)
    assert "nam-hoc" not in {p for path in catalog.files.values() for p in path.parts}  # data, not calendars
    phases = _phases(catalog)
    term, year = phases["dot-2"], phases["dot-3"]
    assert (term.end, term.origin, term.provisional) == (date(2027, 1, 16), DateOrigin.DEFAULT, False)  # type: ignore[attr-defined]
    assert (f"theo khung kế hoạch thời gian năm học 2026–2027 ({DECISION}): kết thúc học kỳ I trước ngày 16/1/2027"
            in term.provenance)  # type: ignore[attr-defined]
    assert (year.end, year.origin) == (date(2027, 5, 29), DateOrigin.DEFAULT)  # type: ignore[attr-defined]
    assert DECISION in year.provenance and "dự kiến" not in year.provenance  # type: ignore[attr-defined]
    assert catalog.get("truong-2026").span.end == date(2027, 5, 29)  # type: ignore[union-attr]
    assert year_end(2026).framework and semester1_end(2026).day == date(2027, 1, 16)  # type: ignore[union-attr]
    assert frameworks()[2026].origin.endswith("2026-2027.yaml")
    # The folder gone: the shipped frameworks alone again.
    (empty_calendars_dir / "nam-hoc" / "2026-2027.yaml").unlink()
    assert _phases(load_catalog(empty_calendars_dir))["dot-2"].provisional  # type: ignore[attr-defined]
    assert 2026 not in frameworks()


def test_a_later_file_replaces_a_shipped_year() -> None:
    """An admin correcting a shipped year (a decision amended later) writes the same year in a file."""
    shipped = frameworks()[2025]
    data = parse_school_years([("nam-hoc.yaml", "school_years:\n  \"2025-2026\":\n    semester1_end_before: 2026-01-18\n"
                                "    year_end_before: 2026-05-31\n    decision: {number: '2269/QĐ-BGDĐT', "
                                "date: 2025-08-11, issuer: Bộ Giáo dục và Đào tạo}\n    sources: [x]\n"),
                               ("sua.yaml", FRAMEWORK.replace("2026-2027", "2025-2026").replace("2027-", "2026-")
                                .replace("2026-09-05", "2025-09-05"))])
    assert data.frameworks[2025].year_end_before == date(2026, 5, 29) != shipped.year_end_before
    assert data.frameworks[2025].origin == "sua.yaml"


BAD = [
    # (what is wrong, the text, the line reported, words the message must hold)
    ("not a school year", FRAMEWORK.replace('"2026-2027"', '"2026-2028"'), 3, ["'2026-2028'", "\"2026-2027\""]),
    ("a missing end", FRAMEWORK.replace("    year_end_before: 2027-05-29\n", ""), 3,
     ["năm học 2026-2027", "thiếu 'year_end_before'"]),
    ("an impossible date", FRAMEWORK.replace("2027-05-29", "2027-02-30"), 6, ["'2027-02-30'", "năm-tháng-ngày"]),
    ("a date in the wrong year", FRAMEWORK.replace("2027-05-29", "2026-05-29"), 6, ["không thuộc năm 2027"]),
    ("a misspelt key", FRAMEWORK.replace("semester1_end_before", "semester_end_before"), 5,
     ["'semester_end_before'", "có phải ý bạn là 'semester1_end_before'"]),
    ("a term after the year", FRAMEWORK.replace("2027-01-16", "2027-06-16"), 5, ["học kỳ I 16/6/2027"]),
    ("no decision number", FRAMEWORK.replace('number: "1111/QĐ-BGDĐT"', "number: null"), 7,
     ["số quyết định", "'note'"]),
    ("no issuer", FRAMEWORK.replace(', issuer: "Bộ Giáo dục và Đào tạo"', ""), 7, ["'issuer'"]),
    ("no source", FRAMEWORK.replace('    sources: ["https://example.invalid/khung-2026-2027"]\n', ""), 3,
     ["cần 'sources'"]),
    ("bad YAML", FRAMEWORK.replace("    opening: 2026-09-05\n", "    opening: 2026-09-05\n   bad: [\n"), 5,
     ["không đọc được YAML", "thụt lề"]),
]


@pytest.mark.parametrize(("text", "line", "words"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_a_bad_file_says_file_line_and_fix(text: str, line: int, words: list[str]) -> None:
    with pytest.raises(SchoolYearDataError) as raised:
        parse_school_years([("nam-hoc/2026-2027.yaml", text)])
    message = str(raised.value)
    assert message.startswith(f"nam-hoc/2026-2027.yaml, dòng {line}"), message
    assert (raised.value.file, raised.value.line) == ("nam-hoc/2026-2027.yaml", line)
    for word in words:
        assert word in message, message


def test_a_bad_file_is_a_calendar_error_and_the_last_good_data_stays(empty_calendars_dir: Path) -> None:
    path = _framework(_school(empty_calendars_dir))
    assert _phases(load_catalog(empty_calendars_dir))["dot-3"].end == date(2027, 5, 29)  # type: ignore[attr-defined]
    path.write_text(FRAMEWORK.replace("2027-05-29", "2026-05-29"), encoding="utf-8")
    catalog = load_catalog(empty_calendars_dir)
    (diag,) = [d for d in catalog.all_diagnostics() if d.code == "school_years.file"]
    assert diag.file.endswith("nam-hoc/2026-2027.yaml") and diag.line == 6
    assert "không thuộc năm 2027" in diag.message["vi"]
    assert not catalog.ok
    # Ignored: the calendars are served with the last good framework.
    assert catalog.get("truong-2026").span.end == date(2027, 5, 29)  # type: ignore[union-attr]


def test_check_and_expand_on_the_command_line(empty_calendars_dir: Path, cli) -> None:  # type: ignore[no-untyped-def]
    path = _framework(_school(empty_calendars_dir))
    run = cli("check", "--calendars", empty_calendars_dir)
    assert run.exit_code == 0, run.output
    run = cli("expand", "truong-2026", "--calendars", empty_calendars_dir, "--format", "json")
    assert run.exit_code == 0, run.output
    (term,) = [r for r in json.loads(run.stdout) if r.get("item") == "dot-2"]
    assert term["origin"] == "default" and DECISION in term["provenance"] and "16/1/2027" in term["provenance"]
    path.write_text(FRAMEWORK.replace("semester1_end_before", "semester_end_before"), encoding="utf-8")
    run = cli("check", "--calendars", empty_calendars_dir)
    assert run.exit_code != 0
    assert "2026-2027.yaml:5:1" in run.output and "có phải ý bạn là 'semester1_end_before'" in run.output
    run = cli("check", empty_calendars_dir / "nam-hoc")  # the data folder alone
    assert run.exit_code != 0 and "2026-2027.yaml:5:1" in run.output
    run = cli("check", path)  # one file of it
    assert run.exit_code != 0 and "2026-2027.yaml:5:1" in run.output and "Đã kiểm tra 1 tệp: 1 lỗi" in run.output
    path.write_text(FRAMEWORK, encoding="utf-8")
    run = cli("check", path)
    assert run.exit_code == 0, run.output


def test_a_parse_cache_parses_again_when_the_frameworks_change(empty_calendars_dir: Path) -> None:
    """Spans take the frameworks at parse time: a cached parse from other frameworks is not reused."""
    cache = ParseCache()
    first = load_catalog(_school(empty_calendars_dir), cache=cache)
    assert first.get("truong-2026").span.end == date(2027, 5, 31)  # type: ignore[union-attr]
    digest = data_digest()
    _framework(empty_calendars_dir)
    second = load_catalog(empty_calendars_dir, cache=cache, previous=first)
    assert data_digest() != digest and "truong-2026" in second.merged
    assert second.get("truong-2026").span.end == date(2027, 5, 29)  # type: ignore[union-attr]


def test_a_saved_parse_cache_serves_while_the_frameworks_stay(empty_calendars_dir: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A command run by cron restores the parses before it reads calendars/nam-hoc/: they are trusted
    once the folder's frameworks are read and match, and parsed again when they moved."""
    from scheduler.live import catalog as catalog_module

    monkeypatch.setattr(catalog_module, "CACHE_AT", 1)
    cache_file = tmp_path / "var" / "parse-cache.pickle"
    path = _framework(_school(empty_calendars_dir))
    parsed: list[int] = []
    real = catalog_module.ParseCache

    class Counting(real):  # type: ignore[misc, valid-type]
        def save(self, file: Path, catalog: Catalog | None = None) -> None:
            parsed.append(self.parsed)
            super().save(file, catalog)

    monkeypatch.setattr(catalog_module, "ParseCache", Counting)
    first = catalog_module.load_catalog_cached(empty_calendars_dir, cache_file)
    assert first.get("truong-2026").span.end == date(2027, 5, 29) and parsed == [2]  # type: ignore[union-attr]
    configure_school_years([])  # a new process: only the shipped frameworks until the folder is read
    again = catalog_module.load_catalog_cached(empty_calendars_dir, cache_file)
    assert again.get("truong-2026").span.end == date(2027, 5, 29) and parsed == [2]  # nothing parsed, not saved
    path.write_text(FRAMEWORK.replace("2027-05-29", "2027-05-28"), encoding="utf-8")
    moved = catalog_module.load_catalog_cached(empty_calendars_dir, cache_file)
    assert moved.get("truong-2026").span.end == date(2027, 5, 28) and parsed == [2, 2]  # type: ignore[union-attr]


def test_a_bad_file_named_in_the_environment_is_reported_not_fatal(empty_calendars_dir: Path, tmp_path: Path) -> None:
    """A process that starts with a bad LICHTHIDUA_SCHOOL_YEARS file: `check` says where, nothing crashes,
    and the calendars are read with the shipped frameworks."""
    import os
    import subprocess
    import sys

    bad = tmp_path / "khung.yaml"
    bad.write_text(FRAMEWORK.replace("2027-05-29", "2027-02-30"), encoding="utf-8")
    _school(empty_calendars_dir)
    env = {**os.environ, "LICHTHIDUA_SCHOOL_YEARS": str(bad)}
    run = subprocess.run([sys.executable, "-m", "scheduler.cli", "check", "--calendars", str(empty_calendars_dir)],
                         cwd=Path(__file__).resolve().parents[1], env=env, capture_output=True, text=True, timeout=120,
                         check=False)
    assert run.returncode == 65 and "Traceback" not in run.stderr, run.stderr
    assert f"{bad}:6:1" in run.stderr and "'2027-02-30'" in run.stderr
    run = subprocess.run([sys.executable, "-m", "scheduler.cli", "expand", "truong-2026", "--calendars",
                          str(empty_calendars_dir), "--format", "json"], cwd=Path(__file__).resolve().parents[1],
                         env=env, capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0 and "mặc định (dự kiến)" in run.stdout, run.stderr


@pytest.mark.parametrize("threads", [1, 3], ids=["forked", "spawned"])  # a command forks, the server spawns
def test_worker_processes_parse_with_the_admins_frameworks(empty_calendars_dir: Path, threads: int,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from scheduler.live import parsing

    monkeypatch.setattr(threading, "active_count", lambda: threads)
    monkeypatch.setattr(parsing, "PARALLEL_AT", 2)
    monkeypatch.setattr(parsing.os, "cpu_count", lambda: 2)
    _framework(_school(empty_calendars_dir))
    (empty_calendars_dir / "truong-khac.yaml").write_text(PLAN.replace("truong-2026", "truong-khac"), encoding="utf-8")
    catalog = load_catalog(empty_calendars_dir)
    assert catalog.get("truong-khac").span.end == date(2027, 5, 29)  # type: ignore[union-attr]


def test_an_edit_in_the_folder_reloads_every_calendar(empty_calendars_dir: Path) -> None:
    files = [empty_calendars_dir / "viet-nam.yaml"]
    path = _framework(empty_calendars_dir)
    assert edited_files({path}, empty_calendars_dir, files, set(files), {}) is None
    assert edited_files({path.parent}, empty_calendars_dir, files, set(files), {}) is None


@pytest.mark.parametrize("now", [TODAY, NEW_YEAR], ids=["2026-12-07", "2027-01-01"])
def test_the_served_feed_and_reminders_follow_a_framework_added_while_serving(tmp_path: Path,
                                                                               empty_calendars_dir: Path,
                                                                               now: datetime) -> None:
    """Dropped into calendars/nam-hoc/ while the service runs: the watcher's reload takes it, the
    school-year feed's phases move to the framework's dates with a higher SEQUENCE, Last-Modified
    moves, the page cites the decision, and the reminder plan's stamp changes (reminders re-plan)."""
    from scheduler.reminders.service import plan_code_version

    _school(empty_calendars_dir)
    clock = Clock(now)
    feed = "/feeds/truong-2026.ics"
    with running(settings_for(tmp_path, empty_calendars_dir), clock) as client:
        first = client.get(feed)
        before = view_icalendar(first.content)
        (term_uid,) = [uid for uid, v in before.items() if v[2].startswith("Đợt 2")]
        assert "(thời gian tạm tính)" in before[term_uid][2]
        plan_before = plan_code_version()
        path = _framework(empty_calendars_dir)
        clock.now = now + timedelta(hours=1)
        repository = client.app.state.repository  # type: ignore[attr-defined]
        assert client.portal.call(partial(repository.refresh, changed={path}))  # type: ignore[union-attr]
        second = client.get(feed)
        after = view_icalendar(second.content)
        assert after[term_uid][1] == "2027-01-17"  # DTEND: the day after 16/1/2027
        assert "(thời gian tạm tính)" not in after[term_uid][2] and after[term_uid][3] == before[term_uid][3] + 1
        (year_uid,) = [uid for uid, v in after.items() if v[2].startswith("Đợt 3")]
        assert after[year_uid][1] == "2027-05-30" and after[year_uid][3] == before[year_uid][3] + 1
        assert (parsedate_to_datetime(second.headers["last-modified"])
                > parsedate_to_datetime(first.headers["last-modified"]))
        assert DECISION in second.text.replace("\r\n ", "")
        page = client.get("/c/truong-2026").text
        assert DECISION in page and "mặc định (dự kiến)" not in page
        assert plan_code_version() != plan_before
        # A bad edit: reported, and the feed keeps the last good framework.
        path.write_text(FRAMEWORK.replace("2027-05-29", "2027-02-30"), encoding="utf-8")
        clock.now = now + timedelta(hours=2)
        client.portal.call(partial(repository.refresh, changed={path}))  # type: ignore[union-attr]
        assert view_icalendar(client.get(feed).content) == after
        errors = [d for d in repository.snapshot.catalog.all_diagnostics() if d.code == "school_years.file"]
        assert errors and "'2027-02-30'" in errors[0].message["vi"]
