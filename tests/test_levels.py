"""The level shown on `/` comes from the calendar (a `level:` field or the issuer's words),
not from how many calendars it extends: a grassroots union three files down is "Cơ sở"."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from web_support import Clock, copy_calendars, running, settings_for

from scheduler.live.catalog import load_catalog
from scheduler.web.listing import LEVELS, level_of

GRASSROOTS = """id: cdcs-truong-2024
title: Kế hoạch thi đua năm 2024 của công đoàn trường
issuer: Công đoàn cơ sở Trường THCS Nguyễn Du
year: 2024
extends: [kon-tum-2024]
"""


def _level(calendars: Path, cid: str) -> str:
    return LEVELS[level_of(load_catalog(calendars).get(cid))]


def test_the_issuers_words_name_the_level(tmp_path: Path) -> None:
    calendars = copy_calendars(tmp_path)
    (calendars / "cdcs-truong-2024.yaml").write_text(GRASSROOTS, encoding="utf-8")
    assert _level(calendars, "cdcs-truong-2024") == "Cơ sở"  # extends one calendar: not "Cấp tỉnh"
    assert _level(calendars, "long-bien-2024") == "Cấp trên trực tiếp cơ sở"
    assert _level(calendars, "kon-tum-2024") == "Cấp tỉnh, thành phố, ngành trung ương"
    assert _level(calendars, "viet-nam") == "Toàn quốc"


def test_a_level_field_wins(tmp_path: Path) -> None:
    calendars = copy_calendars(tmp_path)
    (calendars / "cdcs-truong-2024.yaml").write_text(
        GRASSROOTS.replace("issuer: Công đoàn cơ sở Trường THCS Nguyễn Du", "issuer: Ban Chấp hành\nlevel: cơ sở"),
        encoding="utf-8")
    assert _level(calendars, "cdcs-truong-2024") == "Cơ sở"
    with running(settings_for(tmp_path, calendars), Clock(datetime(2026, 12, 7, 3, tzinfo=UTC))) as client:
        page = client.get("/").text
        section = page[page.index("Cơ sở"):] if "Cơ sở" in page else ""
        assert "cdcs-truong-2024" in section and not re.search(r"Cấp tỉnh[^<]*</[^>]+>[^C]*cdcs-truong", page)


def test_a_school_year_page_follows_its_span(tmp_path: Path) -> None:
    """The school-year model (năm học 2019–2020, to 15/7/2020): its 2019 page lists no national day of
    January–August 2019, its 2020 page none after the school year (2/9/2020), only its own items."""
    calendars = copy_calendars(tmp_path)
    with running(settings_for(tmp_path, calendars), Clock(datetime(2026, 12, 7, 3, tzinfo=UTC))) as client:
        first = client.get("/c/mau-giao-duc-2019-2020?year=2019").text
        second = client.get("/c/mau-giao-duc-2019-2020?year=2020").text
    assert "Quốc tế Lao động" not in first.split("Tháng 9/2019")[0]  # 1/5/2019: before the school year
    assert "Tháng 1/2019" not in first and "Tháng 5/2019" not in first
    assert "Tháng 9/2020" not in second and "Tháng 12/2020" not in second
    assert "Tháng 2/2020" in second  # 90 năm thành lập Đảng, inside the school year
