"""`lichthidua export`: an .ics file that is its own revision ledger.

Exporting again gives byte-identical output; editing one event raises that
event's SEQUENCE by one and leaves every other VEVENT as it was, so Outlook
and Google Calendar update the one event. (The byte rules of the ICS text
itself are tested in test_ics.py.)
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

from scheduler.core.expand import Window, default_window, expand
from scheduler.feeds.export import export_ics, vevents
from scheduler.live.catalog import load_catalog
from tests.conftest import TODAY

NOW = datetime(2024, 3, 1, 2, 30, tzinfo=timezone.utc)
LATER = datetime(2024, 5, 2, 9, 0, tzinfo=timezone.utc)
EDITED = "kon-tum-2024.deadline.bao-cao-nam.2024@lichthidua"


def _retitle(calendars: Path) -> None:
    path = calendars / "kon-tum-2024.yaml"
    text = path.read_text(encoding="utf-8")
    old = "title: Báo cáo kết quả triển khai thực hiện một năm"
    assert text.count(old) == 1
    path.write_text(text.replace(old, "title: Báo cáo tổng kết phong trào thi đua năm 2024"), encoding="utf-8")


def test_export_writes_a_calendar_file(calendars_dir: Path, cli) -> None:  # type: ignore[no-untyped-def]
    out = calendars_dir.parent / "kon-tum.ics"
    run = cli("export", "kon-tum-2024", "-o", out)
    assert run.exit_code == 0, run.output
    body = out.read_bytes()
    assert body.startswith(b"BEGIN:VCALENDAR\r\n") and body.endswith(b"END:VCALENDAR\r\n")
    cal = load_catalog(calendars_dir).get("kon-tum-2024")
    events = expand(cal, default_window(cal, TODAY))
    assert set(vevents(body)) == {e.uid for e in events}
    assert f"Đã ghi {out} ({len(events)} sự kiện)." in run.stderr
    assert not out.with_name("kon-tum.ics.tmp").exists()
    assert "SUMMARY:Tết Nguyên đán Giáp Thìn 2024" in body.decode("utf-8")


def test_export_to_stdout(calendars_dir: Path, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "a.ics"
    assert cli("export", "lao-cai-2024", "-o", out).exit_code == 0
    run = cli("export", "lao-cai-2024")
    assert run.exit_code == 0
    assert run.stdout_bytes.startswith(b"BEGIN:VCALENDAR\r\n")
    assert set(vevents(run.stdout_bytes)) == set(vevents(out.read_bytes()))


def test_export_twice_is_byte_identical(calendars_dir: Path, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "kon-tum.ics"
    assert cli("export", "kon-tum-2024", "-o", out).exit_code == 0
    first = out.read_bytes()
    assert cli("export", "kon-tum-2024", "-o", out).exit_code == 0
    assert out.read_bytes() == first


def test_editing_one_event_raises_only_its_sequence(calendars_dir: Path, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "kon-tum.ics"
    assert cli("export", "kon-tum-2024", "-o", out).exit_code == 0
    before = vevents(out.read_bytes())
    assert {seq for seq, _, _ in before.values()} == {0}

    _retitle(calendars_dir)
    assert cli("export", "kon-tum-2024", "-o", out).exit_code == 0
    after = vevents(out.read_bytes())
    assert set(after) == set(before)
    assert after[EDITED][0] == 1
    assert any("Báo cáo tổng kết phong trào thi đua năm 2024" in line for line in after[EDITED][2])
    for uid in set(before) - {EDITED}:
        assert after[uid] == before[uid], uid  # same SEQUENCE, same DTSTAMP, same content

    # Exporting the edited calendar again changes nothing more.
    again = out.read_bytes()
    assert cli("export", "kon-tum-2024", "-o", out).exit_code == 0
    assert out.read_bytes() == again


def test_sequences_count_the_edits(calendars_dir: Path) -> None:
    """Through the API, with the clock passed in: a second edit gives SEQUENCE 2."""
    window = Window(date(2024, 1, 1), date(2025, 1, 31))
    first = export_ics(load_catalog(calendars_dir).get("kon-tum-2024"), window, now=NOW)
    assert export_ics(load_catalog(calendars_dir).get("kon-tum-2024"), window, now=LATER, previous=first) == first
    _retitle(calendars_dir)
    second = export_ics(load_catalog(calendars_dir).get("kon-tum-2024"), window, now=LATER, previous=first)
    path = calendars_dir / "kon-tum-2024.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("date: 25/11", "date: 22/11"), encoding="utf-8")
    third = export_ics(load_catalog(calendars_dir).get("kon-tum-2024"), window, now=LATER, previous=second)
    seq = {name: vevents(body)[EDITED][0] for name, body in (("first", first), ("second", second), ("third", third))}
    assert seq == {"first": 0, "second": 1, "third": 2}
    stamp_first, stamp_second = vevents(first)[EDITED][1], vevents(second)[EDITED][1]
    assert stamp_second == LATER and stamp_first != LATER  # DTSTAMP says when the event last changed
    others = set(vevents(first)) - {EDITED}
    assert all(vevents(third)[uid] == vevents(first)[uid] for uid in others)


def test_moving_lines_in_the_yaml_raises_no_sequence(calendars_dir: Path) -> None:
    window = Window.year(2024)
    first = export_ics(load_catalog(calendars_dir).get("kon-tum-2024"), window, now=NOW)
    national = calendars_dir / "viet-nam.yaml"
    national.write_text("# Một dòng ghi chú mới ở đầu tệp.\n\n" + national.read_text(encoding="utf-8"), encoding="utf-8")
    assert export_ics(load_catalog(calendars_dir).get("kon-tum-2024"), window, now=LATER, previous=first) == first


def test_alarm_days_and_window_options(calendars_dir: Path, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "thang-11.ics"
    run = cli("export", "kon-tum-2024", "-o", out, "--from", "2024-11-01", "--to", "2024-11-30", "--alarm-days", "7,1")
    assert run.exit_code == 0, run.output
    events = vevents(out.read_bytes())
    assert set(events) == {
        "kon-tum-2024.phase.dot-2.2024@lichthidua",
        "kon-tum-2024.anniversary.nha-giao-viet-nam.2024@lichthidua",
        "kon-tum-2024.deadline.bao-cao-nam.2024@lichthidua",
    }
    alarms = [line for line in events[EDITED][2] if line == "BEGIN:VALARM"]
    assert len(alarms) == 2
    triggers = [line for line in events[EDITED][2] if line.startswith("TRIGGER")]
    assert len(triggers) == 2
