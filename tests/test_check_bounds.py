"""`check` refuses what would break a feed: an unbounded span, an observance that ends before it starts;
a yearly observance that runs into the new year ("31/12" to "1/1") is written as meant."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from scheduler.cli import app

HEAD = "id: {id}\ntitle: Phong trào thử\nissuer: Công đoàn thử\n"


def _check(tmp_path: Path, name: str, body: str) -> tuple[int, str]:
    folder = tmp_path / "calendars"
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.yaml").write_text(HEAD.format(id=name) + body, encoding="utf-8")
    run = CliRunner().invoke(app, ["check", "--calendars", str(folder / f"{name}.yaml")])
    return run.exit_code, run.output


def test_a_span_is_bounded_in_years_and_length(tmp_path: Path) -> None:
    code, out = _check(tmp_path, "rong", "span:\n  as_written: giai đoạn 2021–2025\n  start: 1/1/1000\n  end: 31/12/9999\n")
    assert code == 65 and "vượt giới hạn" in out and "1900–2200" in out and "10 năm" in out, out
    code, out = _check(tmp_path, "muoi-mot", "span: giai đoạn 2020–2030\n")
    assert code == 65 and "vượt giới hạn" in out, out
    code, out = _check(tmp_path, "muoi", "span: giai đoạn 2021–2030\n")
    assert code == 0, out


def test_an_observance_ending_before_it_starts_is_refused(tmp_path: Path) -> None:
    code, out = _check(tmp_path, "nguoc", "year: 2026\nobservances:\n  - id: dot\n    name: Đợt cao điểm\n"
                                          "    start: 10/5/2026\n    end: 1/5/2026\n")
    assert code == 65 and "kết thúc (1/5/2026) trước khi bắt đầu (10/5/2026)" in out, out


def test_a_yearly_observance_across_the_new_year_ends_after_it_starts(tmp_path: Path) -> None:
    from datetime import date

    from scheduler.core.expand import Window, expand
    from scheduler.live.catalog import load_catalog

    code, out = _check(tmp_path, "vat-nam", "year: 2026\nobservances:\n  - id: cao-diem\n    name: Đợt cao điểm cuối năm\n"
                                            "    start: 31/12\n    end: 1/1\n")
    assert code == 0, out
    calendar = load_catalog(tmp_path / "calendars").calendars["vat-nam"]
    (event,) = [e for e in expand(calendar, Window(date(2026, 1, 1), date(2026, 12, 31))) if e.kind == "observance"]
    assert (event.start, event.end) == (date(2026, 12, 31), date(2027, 1, 1))


def test_a_span_derived_from_dated_items_is_bounded_too(tmp_path: Path) -> None:
    """No year or span in the file: the span derived from its deadlines is what a feed would expand."""
    body = ("deadlines:\n  - id: dau\n    title: Báo cáo đầu\n    date: 15/3/2024\n    due: no_later_than\n"
            "  - id: cuoi\n    title: Báo cáo cuối\n    date: 15/3/9024\n    due: no_later_than\n")
    code, out = _check(tmp_path, "suy-ra", body)
    assert code == 65 and "vượt giới hạn" in out, out
