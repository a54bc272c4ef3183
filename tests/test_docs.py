"""Executable docs: README.md and docs/*.md do what they say.

Every command in a ```sh block of any page is run by `test_every_documented_command_runs`
(the CLI in-process on a private copy of the calendars, `./run` subcommands against the
script, the Debian packages against what `./run test` installs, bench scripts through
their --help). The YAML tour must mean what `calendars/kon-tum-2024.yaml` means, the
sample outputs must be what the commands print, and the tables must match the code.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from scheduler import errors
from scheduler.core.events import EventKind
from scheduler.core.expand import Window, expand
from scheduler.feeds.export import export_ics, vevents
from scheduler.live.catalog import Catalog, load_catalog
from tests.conftest import REPO, SHIPPED

README = REPO / "README.md"
DOCS = REPO / "docs"
PAGES = [README, *sorted(DOCS.glob("*.md"))]
EXPECTED_PAGES = {"dinh-dang-lich", "nhap-ke-hoach", "van-hanh", "nhac-han", "thiet-lap", "phat-trien", "do-hieu-nang"}


@pytest.fixture(scope="module")
def shipped_catalog() -> Catalog:
    """The shipped calendars the pages speak of (read only)."""
    return load_catalog(SHIPPED)


def _text(page: Path) -> str:
    return page.read_text(encoding="utf-8")


def _blocks(language: str, page: Path | None = None) -> list[str]:
    found: list[str] = []
    for p in [page] if page else PAGES:
        found += re.findall(rf"^```{language}\n(.*?)^```", _text(p), flags=re.S | re.M)
    return found


def _section(page: Path, title: str) -> str:
    text = _text(page)
    start = text.index(title + "\n")
    end = text.find("\n## ", start + 1)
    return text[start: end if end > 0 else None]


def _all_text() -> str:
    return " ".join(" ".join(_text(p) for p in PAGES).split())


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lowercase, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(page: Path) -> set[str]:
    text = re.sub(r"^```.*?^```", "", _text(page), flags=re.S | re.M)
    return {_slug(h) for h in re.findall(r"^#{1,6} (.*)$", text, flags=re.M)}


# --- the pages ----------------------------------------------------------------------------------


def test_the_pages_exist_and_the_readme_is_short() -> None:
    assert {p.stem for p in DOCS.glob("*.md")} >= EXPECTED_PAGES
    assert len(_text(README).splitlines()) < 250
    for page in EXPECTED_PAGES:
        assert f"](docs/{page}.md)" in _text(README), page


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_page_has_a_table_of_contents_that_leads_somewhere(page: Path) -> None:
    text = _text(page)
    assert "\n## Mục lục\n" in text, page
    toc = _section(page, "## Mục lục")
    links = re.findall(r"\]\(#([^)]+)\)", toc)
    headings = re.findall(r"^## (.*)$", re.sub(r"^```.*?^```", "", text, flags=re.S | re.M), flags=re.M)
    assert {_slug(h) for h in headings if h != "Mục lục"} <= set(links), "every section is in the table of contents"
    assert set(links) <= _anchors(page)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_link_between_pages_leads_somewhere(page: Path) -> None:
    for target, anchor in re.findall(r"\]\(([\w./-]+\.md)(?:#([^)]+))?\)", _text(page)):
        linked = (page.parent / target).resolve()
        assert linked.is_file(), target
        if anchor:
            assert anchor in _anchors(linked), f"{target}#{anchor}"
    for anchor in re.findall(r"\]\(#([^)]+)\)", _text(page)):
        assert anchor in _anchors(page), anchor


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_pages_are_vietnamese_first(page: Path) -> None:
    """The first paragraph after the title is Vietnamese (diacritics), and the headings too."""
    text = re.sub(r"^```.*?^```", "", _text(page), flags=re.S | re.M)
    first = next(p for p in text.split("\n\n")[1:] if p.strip() and not p.startswith("#"))
    assert re.search(r"[ạảãàáâậầấẩẫăặằắẳẵđêệềếểễôộồốổỗơợờớởỡưựừứửữ]", first.lower()), first
    assert "## Mục lục" in text


def test_no_history_and_no_machine_talk_in_the_docs() -> None:
    """Benchmarks speak of the product: current figures, not who ran what, when or on which machine."""
    text = _all_text().lower()
    for phrase in ("another agent", "this machine", "(was ", "earlier sections", "before this change", "máy này"):
        assert phrase not in text, phrase


# --- every command of every page runs ------------------------------------------------------------


def _documented_commands() -> list[tuple[str, str]]:
    commands = []
    for page in PAGES:
        for block in _blocks("sh", page):
            for line in block.splitlines():
                if line.strip():
                    commands.append((page.name, line))
    return commands


def _run_script_packages() -> set[str]:
    return set(re.findall(r'missing="\$missing ([a-z0-9.+-]+)"', _text(REPO / "run")))


def _expected_exit(comment: str) -> int:
    found = re.search(r"mã thoát (\d+)", comment)
    return int(found[1]) if found else 0


@pytest.fixture
def reader_checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """What a reader of the docs has: the shipped calendars (a private copy: commands write var/ beside
    it) and the repository's tests/plans, the working directory being the copy's parent."""
    from tests.conftest import isolate_settings

    target = tmp_path / "calendars"
    shutil.copytree(SHIPPED, target)
    (tmp_path / "tests").symlink_to(REPO / "tests")  # the plans the examples read
    isolate_settings(tmp_path, target, monkeypatch)
    return target


@pytest.mark.parametrize(("page", "line"), _documented_commands(), ids=lambda v: v if len(v) < 60 else v[:60])
def test_every_documented_command_runs(page: str, line: str, reader_checkout: Path, cli) -> None:  # type: ignore[no-untyped-def]
    command, _, comment = line.partition(" #")
    words = shlex.split(command)
    if words[:2] == ["./run", "lichthidua"]:
        if words[2] == "admin-password":
            from typer.testing import CliRunner

            from scheduler.cli import app

            run = CliRunner().invoke(app, words[2:], input="mật khẩu đủ dài\nmật khẩu đủ dài\n")
            assert run.exit_code == 0 and run.stdout.startswith("Mật khẩu quản trị"), run.output
            assert "scrypt$16384$8$1$" in run.stdout
            return
        run = cli(*words[2:])
        assert run.exit_code == _expected_exit(comment), f"{line}\n{run.output}"
    elif words[0] == "./run":
        assert re.search(rf"^    {words[1]}\)$", _text(REPO / "run"), flags=re.M), line
        if len(words) > 2:  # `./run test ARGS`: the arguments go to pytest
            assert words[1] == "test" and '-m pytest "$@"' in _text(REPO / "run"), line
            assert all((REPO / w).exists() for w in words[2:] if "/" in w), line
    elif words[:2] == ["apt-get", "install"]:
        # The Quick start names exactly what `./run test` installs.
        assert set(w for w in words[2:] if not w.startswith("-")) == _run_script_packages()
    elif words[0] == ".venv/bin/python" and words[1:2] == ["-m"] and words[2].startswith("bench."):
        done = subprocess.run([sys.executable, "-m", words[2], "--help"], cwd=REPO, capture_output=True, text=True,
                              timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        for option in (w for w in words[3:] if w.startswith("--")):
            assert option in done.stdout, option
    else:
        pytest.fail(f"{page}: a command no test runs: {line}")


def test_the_commands_of_the_pages_are_many() -> None:
    """The extraction above finds them (a changed fence would silently run nothing)."""
    assert len(_documented_commands()) >= 25


# --- the README's tour ---------------------------------------------------------------------------


@pytest.fixture
def readme_tour(empty_calendars_dir: Path) -> Catalog:
    (tour,) = [b for b in _blocks("yaml", README) if b.startswith("id: kon-tum-2024")]
    (empty_calendars_dir / "kon-tum-2024.yaml").write_text(tour, encoding="utf-8")
    return load_catalog(empty_calendars_dir)


def test_the_tour_is_a_valid_calendar(readme_tour: Catalog) -> None:
    assert readme_tour.ok, [d.format() for d in readme_tour.all_diagnostics()]


def test_the_tour_means_what_the_real_file_means(readme_tour: Catalog) -> None:
    """"Đây là calendars/kon-tum-2024.yaml, rút gọn": every event it gives, the shipped file gives too."""
    shipped = load_catalog(SHIPPED)
    window = Window(date(2024, 1, 1), date(2025, 1, 31))
    shown = {e.uid: e for e in expand(readme_tour.get("kon-tum-2024"), window)}
    real = {e.uid: e for e in expand(shipped.get("kon-tum-2024"), window)}
    assert set(shown) <= set(real)
    for uid, event in shown.items():
        assert (event.start, event.end) == (real[uid].start, real[uid].end), uid
        if event.anniversary:
            assert event.anniversary.ordinal == real[uid].anniversary.ordinal  # type: ignore[union-attr]
        if event.deadline:
            assert event.deadline.due_at == real[uid].deadline.due_at  # type: ignore[union-attr]
    tour, full = readme_tour.get("kon-tum-2024"), shipped.get("kon-tum-2024")
    assert [(p.id, p.start, p.end) for p in tour.phases] == [(p.id, p.start, p.end) for p in full.phases]
    for item, phases in tour.celebrated.items():
        assert full.celebrated[item] == phases


def test_the_tour_writes_the_bounds_as_the_file_does() -> None:
    """Each phase bound the tour shows is written the same way in the file (not `hết năm` for 31/12/2024)."""
    (tour,) = [b for b in _blocks("yaml", README) if b.startswith("id: kon-tum-2024")]
    real = _text(SHIPPED / "kon-tum-2024.yaml")
    for bound in re.findall(r"^    (?:start|end): ([^#\n]*?)\s*(?:#.*)?$", tour, flags=re.M):
        assert re.search(rf"^    (?:start|end): {re.escape(bound)}$", real, flags=re.M), bound


def _readme_check_example() -> str:
    (example,) = [b for b in _blocks("text", README) if b.startswith("calendars/bad-2024.yaml")]
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


# --- the format reference ------------------------------------------------------------------------

FORMAT = DOCS / "dinh-dang-lich.md"


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
    section = _section(FORMAT, "## Âm lịch Việt Nam")
    quoted = re.search(r'nói rõ điều gì hợp lệ: "(.*?)"', section, flags=re.S)
    assert quoted
    message = " ".join(quoted[1].split())
    month = re.search(r"không có tháng (\d+) nhuận", message)
    assert month
    run = cli("lunar", "--to-solar", f"2024-{int(month[1]):02d}-01L")
    assert run.exit_code == 65
    assert message in run.stderr


def test_quoted_outputs_are_real(shipped_catalog: Catalog) -> None:
    text = _all_text()
    events = expand(shipped_catalog.get("kon-tum-2024"), Window(date(2024, 1, 1), date(2025, 1, 31)))
    titles = {e.title for e in events}
    warnings = {w for e in events for w in e.warnings}
    for title in ("Kỷ niệm 95 năm Ngày thành lập Công đoàn Việt Nam (28/7/1929 – 28/7/2024)", "Tết Nguyên đán Giáp Thìn 2024"):
        assert title in text and title in titles
    warning = "Ngày cuối để nộp (Chủ nhật 24/11/2024) là ngày nghỉ cuối tuần: nên nộp chậm nhất Thứ Sáu 22/11/2024"
    assert warning in text and warning in warnings
    assert "Hạn chót: Báo cáo … (trước 25/6/2024)" in text
    assert any(t.startswith("Hạn chót: Báo cáo ") and t.endswith(" (trước 25/6/2024)") for t in titles)


def test_the_shipped_calendars_table(shipped_catalog: Catalog) -> None:
    """Every calendar the table names ships; a calendar added to calendars/ need not be listed."""
    table = _section(FORMAT, "## Các lịch đi kèm")
    ids = re.findall(r"^\| `([a-z0-9-]+)` \|", table, flags=re.M)
    assert ids and all((SHIPPED / f"{i}.yaml").is_file() for i in ids)
    national = shipped_catalog.get("viet-nam")
    row = next(line for line in table.splitlines() if line.startswith("| `viet-nam`"))
    assert f"{len(national.commemorations)} ngày kỷ niệm quốc gia" in row
    assert f"{len(national.lunar_dates)} ngày lễ âm lịch" in row


def _format_table_rows() -> list[tuple[str, str]]:
    return re.findall(r"^\| (`[^|]*) \| ([^|]*) \|", _section(FORMAT, "## Các khóa"), flags=re.M)


def test_the_format_table_lists_every_key() -> None:
    from scheduler.core.model import CalendarFile

    listed: set[str] = set()
    for cell, _ in _format_table_rows():
        listed.update(re.findall(r"`([a-z_]+)`", cell))
    assert set(CalendarFile.model_fields) - {"remind_days"} <= listed


def test_the_format_table_lists_calendar_remind_days() -> None:
    assert any("`remind_days`" in key for key, _ in _format_table_rows() if not key.startswith("`deadlines`"))


# --- operations ----------------------------------------------------------------------------------

OPERATIONS = DOCS / "van-hanh.md"


def test_the_ics_claims(shipped_catalog: Catalog) -> None:
    from datetime import datetime, timezone

    section = " ".join(_section(OPERATIONS, "## Xuất ICS").split())
    kon_tum = shipped_catalog.get("kon-tum-2024")
    body = export_ics(kon_tum, Window.year(2024), now=datetime(2030, 1, 1, tzinfo=timezone.utc))
    unfolded = body.decode("utf-8").replace("\r\n ", "")
    assert "Đợt 1 01/01–31/07/2024 kết thúc `20240801`" in section
    phase = vevents(body)["kon-tum-2024.phase.dot-1.2024@lichthidua"][2]
    assert "DTSTART;VALUE=DATE:20240101" in phase and "DTEND;VALUE=DATE:20240801" in phase
    quoted = "Hạn cuối: hết ngày 24/6/2024 (nộp trước 25/6/2024)"
    assert quoted in section and quoted in unfolded
    # "DTSTAMP của sự kiện mới là ngày văn bản (hoặc 1 tháng 1 của năm đó), không bao giờ là đồng hồ".
    assert {stamp for _, stamp, _ in vevents(body).values()} == {datetime(2024, 2, 21, tzinfo=timezone.utc)}
    ninh_thuan = export_ics(shipped_catalog.get("ninh-thuan-2023"), Window.year(2023),
                            now=datetime(2030, 1, 1, tzinfo=timezone.utc))
    assert {stamp for _, stamp, _ in vevents(ninh_thuan).values()} == {datetime(2023, 1, 1, tzinfo=timezone.utc)}


@pytest.mark.parametrize(("page", "title"), [(README, "## Các lệnh"), (OPERATIONS, "## Các lệnh và mã thoát")])
def test_the_command_tables_match_the_cli(page: Path, title: str, cli) -> None:  # type: ignore[no-untyped-def]
    commands = set(re.findall(r"^\| `lichthidua ([a-z-]+)", _section(page, title), flags=re.M))
    help_text = cli("--help").output
    listed = set(re.findall(r"^│ ([a-z][a-z-]*)\s", help_text, flags=re.M))
    assert commands == listed


def test_the_exit_codes_match_the_errors() -> None:
    table = " ".join(_section(OPERATIONS, "## Các lệnh và mã thoát").split())
    assert ("Mã thoát: 0 xong, 64 tùy chọn sai, 65 dữ liệu lịch sai, 66 không tìm thấy lịch, 69/75 lỗi gửi, "
            "73 tệp đích đã có hoặc không ghi được, 75 sự cố tạm thời (CSDL không kết nối được, đĩa đầy), "
            "78 thiết lập sai hoặc thư mục chỉ đọc, không có hay không phải thư mục.") in table
    assert errors.TemporaryFault.exit_code == 75 and errors.EnvironmentFault.exit_code == 78
    assert errors.BadRequest.exit_code == 64
    assert errors.CalendarError.exit_code == 65 and errors.LunarDateError.exit_code == 65
    assert errors.CalendarNotFound.exit_code == 66
    assert (errors.PermanentDeliveryError.exit_code, errors.DeliveryError.exit_code) == (69, 75)
    assert errors.OutputError.exit_code == 73
    assert errors.SettingsError.exit_code == 78


def test_the_language_claims(cli, empty_calendars_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """English help through LICHTHIDUA_LANG=en (the global `--lang en` is not offered); `check --lang en`."""
    section = " ".join(_section(OPERATIONS, "## Các lệnh và mã thoát").split())
    assert "`LICHTHIDUA_LANG=en`" in section and "Riêng `check` có `--lang en`" in section
    usage_part = _section(OPERATIONS, "## Các lệnh và mã thoát").split("Hướng dẫn, dòng cách dùng")[1].split("Riêng")[0]
    assert "--lang en" not in usage_part
    english = subprocess.run([sys.executable, "-m", "scheduler.cli", "--help"], capture_output=True, text=True,
                             env={**__import__("os").environ, "LICHTHIDUA_LANG": "en"}, timeout=60, check=False)
    assert english.returncode == 0 and "Usage:" in english.stdout
    run = cli("check", "--lang", "en", "calendars/viet-nam.yaml")
    assert run.exit_code == 0 and "Checked 1 files" in run.output


def test_links_in_the_docs_are_the_links_sent() -> None:
    """The webhook example's links are what Links builds (`?token=`, not `?t=`)."""
    from scheduler.reminders.links import Links, Signer

    built = Links("https://lich.example.vn", Signer(b"k" * 32)).submitted("x@lichthidua", "unit:a")
    prefix = built.split("=", 1)[0] + "="
    text = _all_text()
    assert prefix + "…" in text
    assert "?t=" not in text


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


def test_every_setting_is_documented() -> None:
    """The settings page's table is the schema's: each setting, its full variable and its default."""
    from scheduler.settings import settings_table

    section = _section(DOCS / "thiet-lap.md", "## Mọi thiết lập")
    for name, env, default, _ in settings_table():
        assert f"| `{name}` | `{env}` | `{default}` |" in section, name


def test_the_development_page_names_the_packages_and_modules_that_exist() -> None:
    """Every sub-package of scheduler/ is on the page, and every module the page names exists (no stale names)."""
    page = _text(DOCS / "phat-trien.md")
    (layout,) = [b for b in _blocks("text", DOCS / "phat-trien.md") if b.startswith("scheduler/")]
    packages = {p.name for p in (REPO / "scheduler").iterdir() if (p / "__init__.py").is_file()}
    listed = set(re.findall(r"^  ([a-z_]+)/ ", layout, flags=re.M))
    assert packages == listed
    for package in ("core", "live", "feeds", "store", "reminders"):
        block = re.search(rf"^  {package}/ (.*?)(?=^  [a-z_]+/ |^notifiers/)", layout, flags=re.S | re.M)
        assert block, package
        modules = {p.stem for p in (REPO / "scheduler" / package).glob("*.py")}
        for name in re.findall(r"\b([a-z][a-z_]+)\b(?:\*)?", re.sub(r"\([^)]*\)", "", block[1])):
            if name in {"và", "thuần", "lõi", "lịch", "templates", "migrations"}:
                continue
            assert name in modules or any(m.startswith(name) for m in modules), (package, name)
    assert "core  <  store  <  feeds, reminders  <  live  <  web  <  cli" in page
