"""`lichthidua lint-plan`: a plan with one planted mistake per rule, and the clean seeds.

tests/plans/planted-mistakes.txt is written for this test: each line the
expectation names holds exactly one mistake a reviewer should catch.
"""

from __future__ import annotations

import json

import pytest

from scheduler.plans.service import lint_plan
from tests.conftest import CALENDARS
from tests.plan_files import SEED_IDS, SEEDS

PLANTED = SEEDS / "planted-mistakes.txt"

# (code, line of the sentence it quotes)
EXPECTED = {
    ("ordinal.bracket", 9),  # "kỷ niệm 92 năm ... Đoàn TNCS Hồ Chí Minh (1931 – 2025)": 94 years
    ("bracket.base", 9),  # "95 năm Ngày thành lập Công đoàn Việt Nam (28/7/1930 - ...)": the base is 1929
    ("can_chi", 9),  # "Tết Nguyên đán Giáp Tỵ 2025": 2025 is Ất Tỵ
    ("phase.count", 11),  # "chia làm 2 đợt", three listed
    ("ordinal.bracket", 13),  # "50 năm ... (30/4/1976 - 30/4/2025)": 49 years
    ("phase.overlap", 15),  # Đợt II starts 15/7 while Đợt I runs to 31/7
    ("phase.label", 15),  # "Đợt I1"
    ("phase.gap", 17),  # nothing from 1/12 to 9/12
    ("ordinal.national", 17),  # "79 năm Ngày thành lập Quân đội nhân dân Việt Nam" in 2025: the 81st
    ("due.both", 19),  # "chậm nhất trước ngày 14/3/2025"
    ("weekday", 21),  # "thứ Hai, ngày 25/6/2025" is a Wednesday
    ("deadline.outside", 23),  # 15/01/2026 after a 2025 campaign
    ("deadline.day_off", 23),  # 30/4/2025, a public holiday
}


def test_every_planted_mistake_is_found_once() -> None:
    _, findings = lint_plan(PLANTED, CALENDARS)
    got = sorted((f.code, f.where.line if f.where else 0) for f in findings)
    assert got == sorted(EXPECTED)
    assert all(f.where and f.where.quote for f in findings)


# The one rule of "trước" (expand warns the same): "trước 25/11/2024" can be met until Sunday 24/11.
SEED_DAY_OFF = {"kon-tum-2024": ["hạn trước 25/11/2024: ngày cuối để nộp là 24/11/2024 (Chủ nhật), "
                                 "rơi vào ngày nghỉ cuối tuần"]}


@pytest.mark.parametrize("seed_id", SEED_IDS)
def test_clean_seeds_raise_no_alarm(seed_id: str) -> None:
    _, findings = lint_plan(SEEDS / f"{seed_id}.txt", CALENDARS)
    assert [f.message for f in findings] == SEED_DAY_OFF.get(seed_id, [])
    assert all(f.code == "deadline.day_off" for f in findings)


def test_lint_plan_and_expand_read_trước_the_same_way() -> None:
    """lint-plan used to warn that "trước 07/11/2015" (a Saturday) falls on a weekend while expand
    rightly said the last day is Friday 6/11: both now use days_off.deadline_warnings' rule."""
    from datetime import date

    from scheduler.core.days_off import deadline_warnings
    from scheduler.core.events import Due

    assert deadline_warnings(date(2015, 11, 7), Due.BEFORE) == ()
    _, findings = lint_plan(SEEDS / "kon-tum-2024.txt", CALENDARS)
    (warning,) = deadline_warnings(date(2024, 11, 25), Due.BEFORE)
    assert "Chủ nhật 24/11/2024" in warning and findings[0].code == "deadline.day_off"


def test_cli_exit_codes_and_json(cli) -> None:  # type: ignore[no-untyped-def]
    run = cli("lint-plan", PLANTED, "--calendars", CALENDARS, "--format", "json")
    assert run.exit_code == 65
    rows = json.loads(run.stdout)
    weekday = next(r for r in rows if r["code"] == "weekday")
    assert weekday["line"] == 21 and "thứ Tư" in weekday["message"] and "25/6/2025" in weekday["quote"]
    clean = cli("lint-plan", SEEDS / "lao-cai-2024.txt", "--calendars", CALENDARS)
    assert clean.exit_code == 0 and "Không thấy lỗi" in clean.stderr


def test_cli_text_output_quotes_the_sentence(cli) -> None:  # type: ignore[no-untyped-def]
    run = cli("lint-plan", PLANTED, "--calendars", CALENDARS)
    assert run.exit_code == 65
    assert "planted-mistakes.txt:9: [can_chi] Tết Nguyên đán Giáp Tỵ 2025: năm âm lịch 2025 là Ất Tỵ" in run.stdout
    assert 'văn bản: "' in run.stdout
    assert "13 điểm cần xem lại" in run.stderr


def test_model_plans_beyond_the_seeds() -> None:
    """A final report after the school year is allowed; the Tết model's registration deadline is
    "trước ngày 30/11/2024" (a Saturday): its last day is Friday 29/11, a working day, so lint-plan
    agrees with expand and says nothing (one rule of "trước" for every surface)."""
    for name in ("mau-giao-duc-2019-2020", "mau-giai-doan-2021-2025", "truong-thpt-2019-2020"):
        assert lint_plan(SEEDS / f"{name}.txt", CALENDARS)[1] == [], name
    assert lint_plan(SEEDS / "mau-tet-at-ty-2025.txt", CALENDARS)[1] == []
