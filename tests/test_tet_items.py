"""Events and deadlines written by Tết or by a lunar day ("trước Tết 10 ngày", "mùng 6 Tết",
"mùng 10 tháng 3 âm lịch"): computed for every year of the campaign by the Vietnamese lunar
calendar (scheduler.core.lunar), through check, expand, export (ICS), the page, reminders and
`new`, with the clock at today's date (7/12/2026) and at 1/1/2027."""

from __future__ import annotations

import html
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import icalendar
import pytest
from web_support import Clock, running, settings_for

from scheduler.core import lunar
from scheduler.core.events import DateOrigin, EventKind
from scheduler.core.expand import default_window, expand_deadlines
from scheduler.live.catalog import load_catalog
from scheduler.reminders.planning import Campaign, Policy, Subscriber, plan

TODAY = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)  # 9:00 in Việt Nam
NEW_YEAR = datetime(2027, 1, 1, 2, 0, tzinfo=UTC)
TET_2027 = lunar.to_solar(2027, 1, 1)  # Tết Đinh Mùi

CAMPAIGN = """id: cham-lo-tet-2027
title: Kế hoạch chăm lo Tết Đinh Mùi 2027 (lịch kiểm thử)
issuer: Công đoàn mẫu
span: từ 01/11/2026 đến 28/02/2027
extends: [viet-nam]
phases:
  - {id: dot-1, name: Đợt 1, start: 01/11/2026, end: trước Tết 10 ngày}
deadlines:
  - id: danh-sach
    title: Gửi danh sách đoàn viên khó khăn
    date: trước Tết 10 ngày
    due: chậm nhất
  - id: bao-cao
    title: Báo cáo kết quả chăm lo Tết
    date: sau Tết 10 ngày
    due: trước
events:
  - {id: gap-mat, title: Gặp mặt đầu xuân, date: mùng 6 Tết, time: "08:00"}
  - {id: truc-tet, title: Trực Tết, start: 29 tháng Chạp, end: mùng 4 Tết}
"""


@pytest.fixture
def campaign(empty_calendars_dir: Path) -> Path:
    path = empty_calendars_dir / "cham-lo-tet-2027.yaml"
    path.write_text(CAMPAIGN, encoding="utf-8")
    return path


def test_the_lunar_module_gives_tet_dinh_mui() -> None:
    assert TET_2027 == date(2027, 2, 6)


def test_expand_computes_the_dates_with_their_origin(campaign: Path, cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("check", campaign).exit_code == 0
    run = cli("expand", "cham-lo-tet-2027", "--format", "json")
    assert run.exit_code == 0, run.output
    events = {e["item"]: e for e in json.loads(run.stdout) if e["kind"] in ("deadline", "event")}
    deadline = events["danh-sach"]
    assert deadline["start"] == "2027-01-27" == (TET_2027 - timedelta(days=10)).isoformat()
    assert deadline["origin"] == "rule"
    assert deadline["provenance"].startswith(
        "Văn bản ghi “trước Tết 10 ngày”; tính theo âm lịch Việt Nam (UTC+7): Tết Nguyên đán Đinh Mùi là "
        "6/2/2027, “trước Tết 10 ngày” là thứ Tư 27/1/2027")
    # the plan's words as written, the computed day beside them (never "chậm nhất ngày 27/1/2027": not its words)
    assert "(chậm nhất trước Tết 10 ngày: 27/1/2027)" in deadline["title"]
    assert deadline["as_written"] == "chậm nhất trước Tết 10 ngày: 27/1/2027"
    assert deadline["uid"] == "cham-lo-tet-2027.deadline.danh-sach.2027@lichthidua"  # the year of its Tết
    assert events["bao-cao"]["start"] == "2027-02-16"
    assert events["gap-mat"]["start"] == "2027-02-11" and events["gap-mat"]["origin"] == "rule"
    assert (events["truc-tet"]["start"], events["truc-tet"]["end"]) == ("2027-02-05", "2027-02-09")
    assert "“29 tháng Chạp”" in events["truc-tet"]["provenance"] and "“mùng 4 Tết”" in events["truc-tet"]["provenance"]


@pytest.mark.parametrize(("written", "where", "said"), [
    ("mùng 45 Tết", "events[0].date", "mùng 1 đến mùng 30 Tết"),
    ("35 tháng Chạp", "events[0].date", "tháng Chạp có từ ngày 1 đến ngày 30"),
    ("trước Tết 400 ngày", "events[0].date", "số ngày trước hoặc sau Tết từ 1 đến 366"),
    ("ngày 10 tháng 13 âm lịch", "events[0].date", "tháng âm lịch từ 1"),
    ("Tết 2027", "events[0].date", "ví dụ 'mùng 1 Tết'"),
])
def test_check_locates_a_malformed_one(empty_calendars_dir: Path, cli, written: str, where: str,  # type: ignore[no-untyped-def]
                                       said: str) -> None:
    path = empty_calendars_dir / "sai.yaml"
    path.write_text(CAMPAIGN.replace("id: cham-lo-tet-2027", "id: sai").replace("date: mùng 6 Tết", f"date: {written}"),
                    encoding="utf-8")
    run = cli("check", path)
    assert run.exit_code != 0
    assert "sai.yaml:18:50:" in run.output and f"[{where}]" in run.output, run.output
    assert f"Ngày theo Tết hoặc âm lịch không đúng: '{written}'" in run.output and said in run.output


def test_check_warns_a_computed_date_outside_the_span(empty_calendars_dir: Path, cli) -> None:  # type: ignore[no-untyped-def]
    """The campaign's Tết (6/2/2027) is inside its span; ten days before it is not: said, not moved."""
    path = empty_calendars_dir / "ngoai.yaml"
    path.write_text("""id: ngoai
title: Tháng mừng Xuân (lịch kiểm thử)
span: từ 01/02/2027 đến 28/02/2027
deadlines:
  - {id: danh-sach, title: Gửi danh sách, date: trước Tết 10 ngày, due: trước}
events:
  - {id: gap-mat, title: Gặp mặt đầu xuân, date: mùng 6 Tết}
""", encoding="utf-8")
    run = cli("check", path)
    assert run.exit_code == 0, run.output  # a warning
    assert "Hạn chót 'danh-sach'" in run.output and "27/1/2027" in run.output, run.output
    assert "gap-mat" not in run.output


def test_a_span_of_several_years_computes_each_year(empty_calendars_dir: Path, cli) -> None:  # type: ignore[no-untyped-def]
    path = empty_calendars_dir / "giai-doan.yaml"
    path.write_text("""id: giai-doan
title: Kế hoạch giai đoạn 2026–2028 (lịch kiểm thử)
span: giai đoạn 2026–2028
extends: [viet-nam]
deadlines:
  - {id: danh-sach, title: Gửi danh sách, date: trước Tết 10 ngày, due: trước}
events:
  - {id: gio-to, title: Dâng hương Giỗ Tổ, date: mùng 10 tháng 3 âm lịch}
""", encoding="utf-8")
    run = cli("expand", "giai-doan", "--format", "json")
    assert run.exit_code == 0, run.output
    got = [(e["item"], e["start"]) for e in json.loads(run.stdout) if e["kind"] in ("deadline", "event")]
    expected = {("danh-sach", (lunar.to_solar(y, 1, 1) - timedelta(days=10)).isoformat()) for y in (2026, 2027, 2028)}
    expected |= {("gio-to", lunar.to_solar(y, 3, 10).isoformat()) for y in (2026, 2027, 2028)}
    assert set(got) == expected and len(got) == 6
    assert ("gio-to", "2027-04-16") in got and ("danh-sach", "2026-02-07") in got


def test_a_tet_deadline_on_a_weekend_gets_the_one_rule(empty_calendars_dir: Path, cli) -> None:  # type: ignore[no-untyped-def]
    """Tết Bính Ngọ is 17/2/2026: "trước Tết 10 ngày" is Saturday 7/2/2026."""
    path = empty_calendars_dir / "tet-2026.yaml"
    path.write_text(CAMPAIGN.replace("2027", "2026").replace("2026\nissuer", "2026\nissuer")
                    .replace("span: từ 01/11/2025 đến 28/02/2026", "span: từ 01/11/2025 đến 28/02/2026")
                    .replace("id: cham-lo-tet-2026", "id: tet-2026").replace("01/11/2026", "01/11/2025"),
                    encoding="utf-8")
    run = cli("expand", "tet-2026", "--format", "json")
    assert run.exit_code == 0, run.output
    deadline = next(e for e in json.loads(run.stdout) if e["item"] == "danh-sach")
    assert deadline["start"] == "2026-02-07"
    assert deadline["warnings"] == ["Ngày cuối để nộp (Thứ Bảy 7/2/2026) là ngày nghỉ cuối tuần: "
                                    "nên nộp chậm nhất Thứ Sáu 6/2/2026"]


def test_the_ics_carries_the_computed_day_and_its_origin(campaign: Path, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "tet.ics"
    run = cli("export", "cham-lo-tet-2027", "-o", out)
    assert run.exit_code == 0, run.output
    events = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(out.read_bytes()).walk("VEVENT")}
    deadline = events["cham-lo-tet-2027.deadline.danh-sach.2027@lichthidua"]
    assert deadline.decoded("DTSTART") == date(2027, 1, 27)
    assert "Nguồn ngày: Văn bản ghi “trước Tết 10 ngày”" in str(deadline["DESCRIPTION"])
    meeting = events["cham-lo-tet-2027.event.gap-mat.2027@lichthidua"]
    assert meeting.decoded("DTSTART").date() == date(2027, 2, 11)


@pytest.mark.parametrize("now", [TODAY, NEW_YEAR], ids=["2026-12-07", "2027-01-01"])
def test_the_page_and_the_reminders(campaign: Path, tmp_path: Path, now: datetime) -> None:
    with running(settings_for(tmp_path, campaign.parent), Clock(now)) as client:
        page = html.unescape(client.get("/c/cham-lo-tet-2027").text)
    assert "Gửi danh sách đoàn viên khó khăn" in page and "27/1/2027" in page
    assert "Văn bản ghi “trước Tết 10 ngày”; tính theo âm lịch Việt Nam" in page
    cal = load_catalog(campaign.parent).get("cham-lo-tet-2027")
    deadlines = expand_deadlines(cal, default_window(cal, now.date()))
    assert [e.start for e in deadlines] == [date(2027, 1, 27), date(2027, 2, 16)]
    assert all(e.origin is DateOrigin.RULE and e.kind is EventKind.DEADLINE for e in deadlines)
    rows = plan([Campaign(cal.id, cal.title, tuple(deadlines))], {}, [Subscriber("a@example.vn", cal.id)],
                Policy(), now)
    first = sorted({r.send_day for r in rows if r.occurrence_uid == deadlines[0].uid and r.offset_days >= 0})
    # 14, 7, 3, 1 and 0 days before Wednesday 27/1/2027 (13/1, 20/1, 24/1 a Sunday → Friday 22/1, 26/1, 27/1)
    assert first == [date(2027, 1, 13), date(2027, 1, 20), date(2027, 1, 22), date(2027, 1, 26), date(2027, 1, 27)]


OLD_PLAN = """id: tet-2025
title: Kế hoạch chăm lo Tết Ất Tỵ 2025 (lịch kiểm thử)
span: từ 01/11/2024 đến 28/02/2025
extends: [viet-nam]
phases:
  - id: dot-2
    name: Đợt 2
    start: mùng 1 Tết
    end: 28/02/2025
    as_written: Từ mùng 1 Tết (29/01/2025) đến 28/02/2025
deadlines:
  - id: danh-sach
    title: Gửi danh sách trước Tết 10 ngày (19/01/2025)
    date: trước Tết 10 ngày
    due: chậm nhất
events:
  - id: gap-mat
    title: Gặp mặt mùng 6 Tết (thứ Hai, 3/2/2025)
    date: mùng 6 Tết
  - id: hoi-nghi
    title: Hội nghị triển khai, thứ Sáu, 20/12/2024
    date: 20/12/2024
  - id: le-dang-huong
    title: Lễ dâng hương mùng 1 Tết (30/01/2025)
    date: 30/01/2025
"""


def test_new_recomputes_every_derived_date(empty_calendars_dir: Path, cli) -> None:  # type: ignore[no-untyped-def]
    (empty_calendars_dir / "tet-2025.yaml").write_text(OLD_PLAN, encoding="utf-8")
    run = cli("new", "tet-2026", "--from", "tet-2025", "--year", "2025")
    assert run.exit_code == 0, run.output
    draft = (empty_calendars_dir / "tet-2026.yaml").read_text(encoding="utf-8")
    # Written in notation: kept, computed for the new Tết.
    assert "date: trước Tết 10 ngày" in draft and "date: mùng 6 Tết" in draft and "start: mùng 1 Tết" in draft
    # Quoted dates derived from Tết: rewritten for Tết Bính Ngọ (17/2/2026), weekday words follow.
    assert "Từ mùng 1 Tết (17/02/2026) đến 28/02/2026" in draft
    assert "title: Gửi danh sách trước Tết 10 ngày (07/02/2026)" in draft
    assert "title: Gặp mặt mùng 6 Tết (Chủ nhật, 22/2/2026)" in draft, draft
    assert "title: Hội nghị triển khai, thứ Bảy, 20/12/2025" in draft
    # mùng 6 Tết 2026 is a Sunday: flagged; a quoted date that is not what its words give: marked.
    assert "“mùng 6 Tết” tính lại cho phong trào mới: Chủ nhật 22/2/2026 là ngày nghỉ cuối tuần" in draft
    assert "“mùng 1 Tết 30/01/2025”: ngày ghi kèm không phải mùng 1 Tết năm 2025" in draft
    lines = {line.split("#")[0].strip(): line for line in draft.splitlines()}
    assert lines["date: trước Tết 10 ngày"].endswith("Thứ Bảy 7/2/2026 là ngày nghỉ cuối tuần: đối chiếu văn bản mới")
    assert "không dời đúng một năm" not in lines["date: mùng 6 Tết"]  # computed: nothing to move by hand
    cal = load_catalog(empty_calendars_dir).get("tet-2026")
    deadline = next(e for e in expand_deadlines(cal, default_window(cal, TODAY.date())))
    assert deadline.start == date(2026, 2, 7) and deadline.origin is DateOrigin.RULE


def test_a_range_that_ends_before_it_starts(empty_calendars_dir: Path, cli) -> None:  # type: ignore[no-untyped-def]
    path = empty_calendars_dir / "nguoc.yaml"
    path.write_text(CAMPAIGN.replace("id: cham-lo-tet-2027", "id: nguoc")
                    .replace("start: 29 tháng Chạp, end: mùng 4 Tết", "start: mùng 4 Tết, end: 29 tháng Chạp"),
                    encoding="utf-8")
    run = cli("check", path)
    assert run.exit_code == 65 and "[events[1].end]: Sự kiện 'truc-tet' kết thúc trước khi bắt đầu" in run.output, run.output


def test_the_json_schema_offers_the_notation(cli) -> None:  # type: ignore[no-untyped-def]
    jsonschema_rs = pytest.importorskip("jsonschema_rs")
    from ruamel.yaml import YAML

    schema = json.loads(cli("schema").stdout)
    for section, key in (("OneOffEvent", "date"), ("OneOffEvent", "start"), ("Deadline", "date")):
        assert "trước Tết 10 ngày" in json.dumps(schema["$defs"][section]["properties"][key], ensure_ascii=False)
    assert jsonschema_rs.validator_for(schema).is_valid(YAML(typ="safe").load(CAMPAIGN))


PLAN = """LIÊN ĐOÀN LAO ĐỘNG TỈNH MẪU
Số: 12/KH-LĐLĐ
KẾ HOẠCH
Chăm lo Tết Nguyên đán Đinh Mùi năm 2027 cho đoàn viên, người lao động
I. THỜI GIAN
Từ ngày 01/11/2026 đến ngày 28/02/2027.
II. NỘI DUNG
1. Các công đoàn cơ sở gửi danh sách đoàn viên có hoàn cảnh khó khăn về LĐLĐ tỉnh chậm nhất trước Tết Nguyên đán 10 ngày.
2. Tổ chức Gặp mặt đầu xuân cho đoàn viên vào mùng 6 Tết tại Nhà Văn hóa Lao động tỉnh.
3. Công đoàn cấp trên trực tiếp cơ sở báo cáo kết quả chăm lo Tết về Liên đoàn Lao động tỉnh trước mùng 10 Tết.
4. Các đơn vị gửi danh sách trực Tết trước Tết 5 ngày.
5. Các đơn vị hoàn thành việc thăm hỏi trước ngày 20 tháng Chạp.
6. Sau Tết, công đoàn cơ sở tổ chức liên hoan vào Rằm tháng Giêng.
"""


def test_import_writes_the_notation_the_plan_states(empty_calendars_dir: Path, cli) -> None:  # type: ignore[no-untyped-def]
    plan_file = empty_calendars_dir.parent / "cham-lo-tet.txt"
    plan_file.write_text(PLAN, encoding="utf-8")
    out = empty_calendars_dir / "cham-lo-tet-2027.yaml"
    run = cli("import", plan_file, "-o", out)
    assert run.exit_code == 0, run.output
    from ruamel.yaml import YAML

    draft = YAML(typ="safe").load(out.read_text(encoding="utf-8"))
    deadlines = {d["date"]: (d["due"], d["title"]) for d in draft["deadlines"]}
    assert deadlines == {
        "trước Tết 10 ngày": ("no_later_than", "Gửi danh sách đoàn viên có hoàn cảnh khó khăn"),
        "mùng 10 Tết": ("before", "Báo cáo kết quả chăm lo Tết"),
        "trước Tết 5 ngày": ("no_later_than", "Gửi danh sách trực Tết"),
    }
    # Without "chậm nhất" the reading is a guess: marked. "hoàn thành … trước ngày 20 tháng Chạp" sends nothing,
    # "tổ chức liên hoan" is not an event the plan names: neither is dated by guess.
    assert "văn bản ghi “trước Tết 5 ngày” không kèm “chậm nhất”" in run.output
    (event,) = draft["events"]
    assert (event["title"], event["date"], event["place"]) == ("Gặp mặt đầu xuân", "mùng 6 Tết",
                                                               "Nhà Văn hóa Lao động tỉnh")
    text = out.read_text(encoding="utf-8").replace("draft: true\n", "")
    out.write_text(text, encoding="utf-8")
    cal = load_catalog(empty_calendars_dir).get("cham-lo-tet-2027")
    days = {e.item_id: e.start for e in expand_deadlines(cal, default_window(cal, TODAY.date()))}
    assert days["gui-danh-sach-doan-vien"] == date(2027, 1, 27) == TET_2027 - timedelta(days=10)
    assert days["bao-cao-ket-qua-cham"] == date(2027, 2, 15)


def test_a_phase_bound_by_a_lunar_day_falls_inside_a_school_year() -> None:
    """Trung thu (15/8 âm lịch) of năm học 2026–2027 is 25/9/2026, Giỗ Tổ (10/3 âm lịch) 16/4/2027."""
    from scheduler.core.campaign import resolve_phase
    from scheduler.core.model import Phase
    from scheduler.core.spans import parse_span

    span = parse_span("năm học 2026–2027")
    for start, end, expected in (("01/09/2026", "15/8 âm lịch", (date(2026, 9, 1), date(2026, 9, 25))),
                                 ("Rằm tháng Giêng", "mùng 10 tháng 3 âm lịch", (date(2027, 2, 20), date(2027, 4, 16)))):
        phase = Phase.model_validate({"id": "dot", "name": "Đợt", "start": start, "end": end})
        resolved, _ = resolve_phase(phase, span=span, launch_date=None, defined_in="x", source="x")
        assert resolved is not None and (resolved.start, resolved.end) == expected
        assert resolved.origin is DateOrigin.RULE
    assert expected == (lunar.to_solar(2027, 1, 15), lunar.to_solar(2027, 3, 10))
