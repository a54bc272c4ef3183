"""Dates tied to Tết are written as such and computed every year ("mùng 1 Tết", "29 tháng Chạp",
"trước Tết 10 ngày"); `new` keeps them as rules, flags a date moved onto a weekend or a day off,
and mentions a next-year Tết named in an old plan."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from scheduler.core.dates import TetRelative, parse_date_expr
from scheduler.core.events import DateOrigin
from scheduler.live.catalog import load_catalog

PLAN = """id: tet-{y}
title: Kế hoạch chăm lo Tết cho đoàn viên năm {y}
issuer: Liên đoàn Lao động tỉnh (lịch mẫu)
span: từ 01/11/{p} đến 28/02/{y}
extends: [viet-nam]
phases:
  - {{id: dot-1, name: Đợt 1, start: 01/11/{p}, end: trước Tết 10 ngày}}
  - {{id: dot-2, name: Đợt 2, start: 29 tháng Chạp, end: mùng 6 Tết}}
"""


@pytest.mark.parametrize(("written", "expected"), [
    ("mùng 1 Tết", TetRelative("mùng 1 Tết", 1, 1)),
    ("từ mồng 3 Tết", TetRelative("từ mồng 3 Tết", 1, 3)),
    ("29 tháng Chạp", TetRelative("29 tháng Chạp", 12, 29)),
    ("trước Tết 10 ngày", TetRelative("trước Tết 10 ngày", 1, 1, -10)),
    ("5 ngày sau Tết Nguyên đán", TetRelative("5 ngày sau Tết Nguyên đán", 1, 1, 5)),
    ("đến hết Rằm tháng Giêng", TetRelative("đến hết Rằm tháng Giêng", 1, 15)),
])
def test_tet_words_parse(written: str, expected: TetRelative) -> None:
    assert parse_date_expr(written) == expected


@pytest.mark.parametrize(("year", "tet"), [(2026, date(2026, 2, 17)), (2027, date(2027, 2, 6))])
def test_computed_for_each_year(empty_calendars_dir: Path, year: int, tet: date) -> None:
    """Tết Bính Ngọ is 17/2/2026, Tết Đinh Mùi 6/2/2027: the same words give each year's dates."""
    (empty_calendars_dir / f"tet-{year}.yaml").write_text(PLAN.format(y=year, p=year - 1), encoding="utf-8")
    catalog = load_catalog(empty_calendars_dir)
    assert catalog.ok, [d.format() for d in catalog.all_diagnostics()]
    one, two = catalog.get(f"tet-{year}").phases
    assert one.end == date.fromordinal(tet.toordinal() - 10)
    assert two.start == date.fromordinal(tet.toordinal() - 1) and two.end == date.fromordinal(tet.toordinal() + 5)
    assert one.origin is DateOrigin.RULE and "tính theo Tết Nguyên đán" in (one.provenance or "")


def test_new_keeps_tet_rules_flags_days_off_and_a_later_tet(calendars_dir: Path, cli) -> None:  # type: ignore[no-untyped-def]
    """The Tết model rolled one year: its phases follow Tết Bính Ngọ (17/2/2026), not 29/01/2026."""
    path = calendars_dir / "mau-tet-at-ty-2025.yaml"
    text = path.read_text(encoding="utf-8")
    # Written as the plan ties them to Tết (the shipped model does so too).
    text = text.replace("    end: 28/01/2025\n", "    end: 29 tháng Chạp\n").replace("    start: 29/01/2025\n",
                                                                                   "    start: mùng 1 Tết\n")
    # A ceremony on Saturday 20/9/2025 moves to Sunday 20/9/2026; a text names the Tết after the plan.
    text = text.replace("events:", "events:\n  - {id: le-ky-niem, title: Lễ kỷ niệm, date: 20/09/2025}\n"
                        "  - {id: hop-mat, title: Gặp mặt đón Tết Bính Ngọ 2026, date: 10/01/2025}", 1)
    path.write_text(text, encoding="utf-8")
    run = cli("new", "mau-tet-binh-ngo-2026", "--from", "mau-tet-at-ty-2025", "--year", "2025")
    assert run.exit_code == 0, run.output
    draft = (calendars_dir / "mau-tet-binh-ngo-2026.yaml").read_text(encoding="utf-8")
    assert "start: mùng 1 Tết" in draft and "end: 29 tháng Chạp" in draft, [
        line for line in draft.splitlines() if "start:" in line or "end:" in line
    ]
    assert "Chủ nhật 20/9/2026 là ngày nghỉ cuối tuần" in draft
    assert "văn bản cũ nhắc Tết năm sau (2026); Tết của phong trào mới là Tết Nguyên đán Đinh Mùi 2027" in draft
    cal = load_catalog(calendars_dir).get("mau-tet-binh-ngo-2026")
    dot_1, dot_2 = cal.phases
    assert (dot_1.end, dot_2.start) == (date(2026, 2, 16), date(2026, 2, 17))


def test_new_recomputes_weekday_words_in_texts() -> None:
    from scheduler.core.text_rewrite import rewrite_text

    text, changes, _ = rewrite_text("Hội nghị tổng kết vào thứ Tư, ngày 25/6/2025", [], 1, {2025})
    assert text == "Hội nghị tổng kết vào thứ Năm, ngày 25/6/2026"
    assert "thứ Tư → thứ Năm (25/6/2026)" in changes
    # A date outside the old campaign (history) keeps its weekday and date.
    assert rewrite_text("Chủ nhật, ngày 2/9/1945", [], 1, {2025})[0] == "Chủ nhật, ngày 2/9/1945"
