"""Executable docs: the README's examples and claims do what they say.

The YAML tour must mean what `calendars/kon-tum-2024.yaml` means, the sample
`check` output must be what `check` prints, the Python and shell lunar
examples must print their comments, and the tables must match the code.
"""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from scheduler import errors
from scheduler.live.catalog import Catalog, load_catalog
from scheduler.core.events import EventKind
from scheduler.core.expand import Window, expand
from scheduler.feeds.export import export_ics, vevents
from tests.conftest import CALENDARS, REPO

README = REPO / "README.md"


def _blocks(language: str) -> list[str]:
    text = README.read_text(encoding="utf-8")
    return re.findall(rf"^```{language}\n(.*?)^```", text, flags=re.S | re.M)


def _section(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index(title)
    end = text.find("\n## ", start + 1)
    return text[start: end if end > 0 else None]


@pytest.fixture
def readme_tour(empty_calendars_dir: Path) -> Catalog:
    (tour,) = [b for b in _blocks("yaml") if b.startswith("id: kon-tum-2024")]
    (empty_calendars_dir / "kon-tum-2024.yaml").write_text(tour, encoding="utf-8")
    return load_catalog(empty_calendars_dir)


def test_the_tour_is_a_valid_calendar(readme_tour: Catalog) -> None:
    assert readme_tour.ok, [d.format() for d in readme_tour.all_diagnostics()]


def test_the_tour_means_what_the_real_file_means(readme_tour: Catalog, seed_catalog: Catalog) -> None:
    """"This is calendars/kon-tum-2024.yaml, shortened": every event it gives, the real file gives too."""
    window = Window(date(2024, 1, 1), date(2025, 1, 31))
    shown = {e.uid: e for e in expand(readme_tour.get("kon-tum-2024"), window)}
    real = {e.uid: e for e in expand(seed_catalog.get("kon-tum-2024"), window)}
    assert set(shown) <= set(real)
    for uid, event in shown.items():
        assert (event.start, event.end) == (real[uid].start, real[uid].end), uid
        if event.anniversary:
            assert event.anniversary.ordinal == real[uid].anniversary.ordinal  # type: ignore[union-attr]
        if event.deadline:
            assert event.deadline.due_at == real[uid].deadline.due_at  # type: ignore[union-attr]
    tour, full = readme_tour.get("kon-tum-2024"), seed_catalog.get("kon-tum-2024")
    assert [(p.id, p.start, p.end) for p in tour.phases] == [(p.id, p.start, p.end) for p in full.phases]
    for item, phases in tour.celebrated.items():
        assert full.celebrated[item] == phases


def _readme_check_example() -> str:
    (example,) = [b for b in _blocks("text") if b.startswith("calendars/bad-2024.yaml")]
    return example


# A file that produces the README's sample output: 'titel' on line 2, 30/2 at 9:12.
BAD_2024 = """\
id: bad-2024
titel: Lịch có lỗi
year: 2024
extends: [viet-nam]
phases:
  - id: dot-1
    name: Đợt 1
    end: 31/7/2024
    start: 30/2/2024
"""


def test_the_check_example_is_what_check_prints(empty_calendars_dir: Path, cli) -> None:  # type: ignore[no-untyped-def]
    (empty_calendars_dir / "bad-2024.yaml").write_text(BAD_2024, encoding="utf-8")
    run = cli("check", "calendars/bad-2024.yaml")
    assert run.exit_code == 65
    printed = run.output.splitlines()
    for line in _readme_check_example().splitlines():
        if line.endswith("…"):
            assert any(p.startswith(line.removesuffix("…")) for p in printed), line
        else:
            assert line in printed, line


def test_the_python_lunar_examples() -> None:
    (block,) = [b for b in _blocks("python") if "scheduler.core.lunar" in b]
    namespace: dict[str, object] = {}
    checked = 0
    for line in block.splitlines():
        code, _, comment = line.partition("#")
        if not comment:
            exec(code, namespace)  # the imports
            continue
        got = eval(code, namespace)
        comment = comment.strip()
        try:
            expected = eval(comment, namespace)
        except SyntaxError:
            expected = eval(comment.split(":")[0], namespace)  # "date(2024, 2, 10): Tết Giáp Thìn"
        assert got == expected, line
        checked += 1
    assert checked == 5


def test_the_shell_lunar_examples(cli) -> None:  # type: ignore[no-untyped-def]
    lines = [line for b in _blocks("sh") for line in b.splitlines() if line.startswith("./run lichthidua lunar")]
    assert len(lines) == 3
    for line in lines:
        command, _, comment = line.partition("#")
        run = cli(*command.split()[2:])
        assert run.exit_code == 0, line
        comment = comment.strip()
        if comment[0].isdigit():  # the output itself
            assert run.stdout.strip() == comment, line


def test_the_lunar_error_example(cli) -> None:  # type: ignore[no-untyped-def]
    section = _section("## The Vietnamese lunar calendar")
    quoted = re.search(r'Vietnamese message saying what is valid: "(.*?)"', section, flags=re.S)
    assert quoted
    message = " ".join(quoted[1].split())
    month = re.search(r"không có tháng (\d+) nhuận", message)
    assert month
    run = cli("lunar", "--to-solar", f"2024-{int(month[1]):02d}-01L")
    assert run.exit_code == 65
    assert message in run.stderr


def test_quoted_outputs_are_real(seed_catalog: Catalog) -> None:
    text = " ".join(README.read_text(encoding="utf-8").split())
    events = expand(seed_catalog.get("kon-tum-2024"), Window(date(2024, 1, 1), date(2025, 1, 31)))
    titles = {e.title for e in events}
    warnings = {w for e in events for w in e.warnings}
    for title in ("Kỷ niệm 95 năm Ngày thành lập Công đoàn Việt Nam (28/7/1929 – 28/7/2024)", "Tết Nguyên đán Giáp Thìn 2024"):
        assert title in text and title in titles
    warning = "Ngày cuối để nộp (Chủ nhật 24/11/2024) là ngày nghỉ cuối tuần: nên nộp chậm nhất Thứ Sáu 22/11/2024"
    assert warning in text and warning in warnings
    assert "Hạn chót: Báo cáo … (trước 25/6/2024)" in text
    assert any(t.startswith("Hạn chót: Báo cáo ") and t.endswith(" (trước 25/6/2024)") for t in titles)


def test_the_ics_claims(seed_catalog: Catalog) -> None:
    from datetime import datetime, timezone

    section = " ".join(_section("## ICS export").split())
    kon_tum = seed_catalog.get("kon-tum-2024")
    body = export_ics(kon_tum, Window.year(2024), now=datetime(2030, 1, 1, tzinfo=timezone.utc))
    unfolded = body.decode("utf-8").replace("\r\n ", "")
    assert "Đợt 1 01/01–31/07/2024 ends `20240801`" in section
    phase = vevents(body)["kon-tum-2024.phase.dot-1.2024@lichthidua"][2]
    assert "DTSTART;VALUE=DATE:20240101" in phase and "DTEND;VALUE=DATE:20240801" in phase
    quoted = "Hạn cuối: hết ngày 24/6/2024 (nộp trước 25/6/2024)"
    assert quoted in section and quoted in unfolded
    # "A new event's DTSTAMP is the plan's date (or 1 January of its year), never the clock".
    assert {stamp for _, stamp, _ in vevents(body).values()} == {datetime(2024, 2, 21, tzinfo=timezone.utc)}
    ninh_thuan = export_ics(seed_catalog.get("ninh-thuan-2023"), Window.year(2023), now=datetime(2030, 1, 1, tzinfo=timezone.utc))
    assert {stamp for _, stamp, _ in vevents(ninh_thuan).values()} == {datetime(2023, 1, 1, tzinfo=timezone.utc)}


def test_the_shipped_calendars_table(seed_catalog: Catalog) -> None:
    table = _section("### The calendars shipped")
    ids = re.findall(r"^\| `([a-z0-9-]+)` \|", table, flags=re.M)
    assert sorted(ids) == sorted(p.stem for p in CALENDARS.glob("*.yaml"))
    national = seed_catalog.get("viet-nam")
    row = next(line for line in table.splitlines() if line.startswith("| `viet-nam`"))
    assert f"{len(national.commemorations)} national commemorations" in row
    assert f"{len(national.lunar_dates)} lunar festivals" in row


def _format_table_keys() -> set[str]:
    listed: set[str] = set()
    for cell in re.findall(r"^\| (`[^|]*) \|", _section("## The calendar format"), flags=re.M):
        listed.update(re.findall(r"`([a-z_]+)`", cell))
    return listed


def test_the_format_table_lists_every_key() -> None:
    from scheduler.core.model import CalendarFile

    assert set(CalendarFile.model_fields) - {"remind_days"} <= _format_table_keys()


def test_the_format_table_lists_calendar_remind_days() -> None:
    rows = re.findall(r"^\| (`[^|]*) \| ([^|]*) \|", _section("## The calendar format"), flags=re.M)
    assert any("`remind_days`" in key for key, _ in rows if not key.startswith("`deadlines`"))


def test_the_command_table_matches_the_cli(cli) -> None:  # type: ignore[no-untyped-def]
    table = _section("## Command reference")
    commands = set(re.findall(r"^\| `lichthidua ([a-z-]+)", table, flags=re.M))
    help_text = cli("--help").output
    for command in commands:
        assert re.search(rf"│ {command}\s", help_text), command


def test_the_exit_codes_match_the_errors() -> None:
    table = " ".join(_section("## Command reference").split())
    assert ("Exit codes: 0 ok, 64 bad option, 65 bad calendar data, 66 calendar not found, 69/75 delivery failures, "
            "73 output file exists or cannot be written, 75 temporary fault (database unreachable, disk full), "
            "78 bad settings or a folder read-only or missing.") in table
    assert errors.TemporaryFault.exit_code == 75 and errors.EnvironmentFault.exit_code == 78
    assert errors.BadRequest.exit_code == 64
    assert errors.CalendarError.exit_code == 65 and errors.LunarDateError.exit_code == 65
    assert errors.CalendarNotFound.exit_code == 66
    assert (errors.PermanentDeliveryError.exit_code, errors.DeliveryError.exit_code) == (69, 75)
    assert errors.OutputError.exit_code == 73
    assert errors.SettingsError.exit_code == 78


def test_due_accepts_the_vietnamese_words(empty_calendars_dir: Path) -> None:
    """README: `due: before` ... "also accepted as `trước`"; `no_later_than` ... "also `chậm nhất`"."""
    (empty_calendars_dir / "loi-viet-2024.yaml").write_text(
        "id: loi-viet-2024\ntitle: x\nyear: 2024\ndeadlines:\n"
        "  - {id: a, title: A, date: 25/6, due: trước}\n"
        "  - {id: b, title: B, date: 2024-03-15, due: chậm nhất}\n",
        encoding="utf-8",
    )
    catalog = load_catalog(empty_calendars_dir)
    assert catalog.ok, [d.format() for d in catalog.all_diagnostics()]
    events = {e.item_id: e for e in expand(catalog.get("loi-viet-2024"), Window.year(2024)) if e.kind is EventKind.DEADLINE}
    assert events["a"].deadline.due_at.isoformat() == "2024-06-25T00:00:00+07:00"  # type: ignore[union-attr]
    assert events["b"].deadline.due_at.isoformat() == "2024-03-15T23:59:59+07:00"  # type: ignore[union-attr]


def test_every_calendar_file_is_checked(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """Every file of calendars/ (recipient lists included) passes `check`."""
    shutil.copytree(CALENDARS, tmp_path / "calendars")
    monkeypatch.chdir(tmp_path)
    run = cli("check", "--calendars", "calendars")
    assert run.exit_code == 0, run.output


def test_every_setting_is_documented_in_the_readme() -> None:
    """The settings table is the schema's: each setting, its variable and its default."""
    from scheduler.settings import settings_table

    section = _section("## Settings")
    for name, env, default, _ in settings_table():
        assert f"| `{name}` | `{env}` | `{default}` |" in section, name
