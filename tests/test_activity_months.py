"""Repeated activities whose period the plan gives in months ("từ tháng 3 đến tháng 6/2027"), and repeats
written before what repeats ("Hằng tuần vào thứ Sáu, từ 14 giờ, Ban Thường vụ giao ban …").

Plans often bound a weekly or monthly activity by months, not days. The calendar keeps the months as
written (`start: tháng 3/2027`: from the month's first day; `end: tháng 6/2027`: to its last day),
so nothing is made more precise than the plan. Every passage is written for these tests.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from scheduler.core.events import DateOrigin, EventKind
from scheduler.core.expand import Window, expand
from scheduler.live.catalog import Catalog, load_catalog
from tests.conftest import CALENDARS, find
from tests.plan_reading import read

MONTHS = """year: 2027
activities:
  - id: giao-ban
    title: Giao ban trực tuyến
    repeat: {every: week, on: thứ sáu, at: "14:00"}
    start: tháng 3/2027
    end: tháng 6/2027
    as_written: hằng tuần vào thứ Sáu, từ 14 giờ
"""


def _write(folder: Path, cid: str, body: str) -> Catalog:
    (folder / f"{cid}.yaml").write_text(f"id: {cid}\ntitle: Thử\n{body}", encoding="utf-8")
    return load_catalog(folder)


def test_an_activity_bounded_by_months_repeats_from_the_first_to_the_last_day(empty_calendars_dir: Path) -> None:
    cal = _write(empty_calendars_dir, "giao-ban", MONTHS).get("giao-ban")
    events = find(expand(cal, Window.year(2027)), EventKind.EVENT, "giao-ban")
    days = [e.start.date() if hasattr(e.start, "date") else e.start for e in events]
    assert days[0] == date(2027, 3, 5) and days[-1] == date(2027, 6, 25) and len(days) == 17
    assert {e.origin for e in events} == {DateOrigin.DOCUMENT}
    assert "từ tháng 3/2027 đến tháng 6/2027" in events[0].description


@pytest.mark.parametrize(("start", "end", "code"), [
    ("tháng 6/2027", "tháng 3/2027", "activity.order"),
    ("quý 2/2027", "tháng 6/2027", "date.format"),
])
def test_months_in_the_wrong_order_or_another_notation_are_located_errors(
        empty_calendars_dir: Path, start: str, end: str, code: str) -> None:
    body = MONTHS.replace("tháng 3/2027", start, 1).replace("end: tháng 6/2027", f"end: {end}")
    catalog = _write(empty_calendars_dir, "sai", body)
    errors = [(d.code, d.path) for d in catalog.all_diagnostics() if d.severity.value == "error"]
    assert len(errors) == 1 and errors[0][1].startswith("activities[0]")
    assert errors[0][0] == code or code == "date.format" and errors[0][0].startswith("date.")


def test_a_month_outside_the_campaign_is_warned_at_its_field(empty_calendars_dir: Path) -> None:
    catalog = _write(empty_calendars_dir, "ngoai", MONTHS.replace("end: tháng 6/2027", "end: tháng 2/2028"))
    assert ("outside_span", "activities[0].end") in {(d.code, d.path) for d in catalog.all_diagnostics()}


def test_the_json_schema_offers_months_for_an_activitys_period(cli) -> None:  # type: ignore[no-untyped-def]
    schema = json.loads(cli("schema").stdout)
    activity = schema["$defs"]["RepeatedActivity"]["properties"]
    described = json.dumps(activity["start"], ensure_ascii=False) + json.dumps(activity["end"], ensure_ascii=False)
    assert "tháng 3/2027" in described and "tháng 6/2027" in described


@pytest.mark.parametrize(("text", "title", "every", "on", "start", "end"), [
    ("3. Hằng tuần vào thứ Sáu, từ 14 giờ, Ban Thường vụ giao ban trực tuyến với các công đoàn cơ sở "
     "(từ tháng 3 đến tháng 6/2027).",
     "Ban Thường vụ giao ban trực tuyến với các công đoàn cơ sở", "week", "thứ sáu", "tháng 3/2027", "tháng 6/2027"),
    ("- Hằng tháng vào ngày 20, Thường trực Liên đoàn Lao động huyện làm việc với một công đoàn cơ sở, "
     "từ tháng 4 đến tháng 9/2027.",
     "Thường trực Liên đoàn Lao động huyện làm việc với một công đoàn cơ sở", "month", 20,
     "tháng 4/2027", "tháng 9/2027"),
])
def test_a_repeat_written_first_takes_its_title_after_and_its_months(
        text: str, title: str, every: str, on: object, start: str, end: str) -> None:
    (act,) = read("KẾ HOẠCH\nHoạt động công đoàn năm 2027\n" + text).activities
    assert (act.title, act.every, act.on, act.start, act.end) == (title, every, on, start, end)


def test_the_draft_of_a_repeat_by_months_checks_and_expands(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    plan = tmp_path / "giao-ban.txt"
    plan.write_text("KẾ HOẠCH\nCông tác công đoàn năm 2027\n"
                    "Hằng tuần vào thứ Sáu, từ 14 giờ, Ban Thường vụ giao ban trực tuyến với các công đoàn cơ sở "
                    "(từ tháng 3 đến tháng 6/2027).\n", encoding="utf-8")
    result = cli("import", plan, "-o", tmp_path / "giao-ban-2027.yaml")
    assert result.exit_code == 0, result.output
    assert "1 hoạt động lặp lại" in result.output
    text = (tmp_path / "giao-ban-2027.yaml").read_text(encoding="utf-8")
    assert "start: tháng 3/2027" in text and "end: tháng 6/2027" in text
    folder = tmp_path / "calendars"
    folder.mkdir()
    shutil.copy(CALENDARS / "viet-nam.yaml", folder)
    (folder / "giao-ban-2027.yaml").write_text(text.replace("draft: true", "draft: false"), encoding="utf-8")
    catalog = load_catalog(folder)
    assert not catalog.has_errors("giao-ban-2027"), list(catalog.errors_for("giao-ban-2027"))
    cal = catalog.get("giao-ban-2027")
    assert len(find(expand(cal, Window.year(2027)), EventKind.EVENT, "ban-thuong-vu-giao-ban")) == 17
