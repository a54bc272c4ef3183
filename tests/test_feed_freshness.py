"""Feeds clients keep fresh, checked with a client that revalidates by date only
(If-Modified-Since) and three independent parsers at every step: add, edit, delete, a
tombstone's expiry, two edits in one second, 1 January, a restart and a second instance
on the same database. Also: "[ĐÃ HỦY]" titles, one name per filtered feed, LOCATION, and
one default window for `export` and the served feed.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

import icalendar
import pytest
from starlette.testclient import TestClient
from web_support import Clock, copy_calendars, refresh, running, settings_for, view_ical, view_icalendar, view_icaljs

from scheduler.feeds.feed_versions import Seen, next_modified

TODAY = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)  # December 2026
FEED = "/feeds/hen-2026.ics"

PLAN = """id: hen-2026
title: Kế hoạch thi đua năm 2026 của công đoàn mẫu
year: 2026
extends: [viet-nam]
deadlines:
  - {id: bao-cao-nam, title: Báo cáo năm, date: 15/12/2026, due: chậm nhất}
events:
  - {id: hoi-nghi, title: Hội nghị tổng kết, date: 20/12/2026, place: Hội trường Liên đoàn Lao động tỉnh}
"""


class DateOnlyClient:
    """A calendar client that keeps the last body and revalidates with If-Modified-Since only."""

    def __init__(self, client: TestClient, url: str = FEED) -> None:
        self.client, self.url = client, url
        self.body: bytes | None = None
        self.modified: str | None = None

    def poll(self) -> bytes:
        headers = {"If-Modified-Since": self.modified} if self.modified else {}
        response = self.client.get(self.url, headers=headers)
        if response.status_code == 200:
            self.body, self.modified = response.content, response.headers["last-modified"]
        else:
            assert response.status_code == 304
        assert self.body is not None
        return self.body


def _conform(body: bytes) -> dict[str, tuple[str, str, str, int, str]]:
    """Three parsers read the same events (ical.js when installed)."""
    one = view_icalendar(body)
    assert view_ical(body) == one
    js = view_icaljs(body)
    assert js is None or {uid: v[2:] for uid, v in js.items()} == {uid: v[2:] for uid, v in one.items()}
    return one


def _served(tmp_path: Path) -> tuple[Path, Path]:
    calendars = copy_calendars(tmp_path)
    (calendars / "hen-2026.yaml").write_text(PLAN, encoding="utf-8")
    return calendars, calendars / "hen-2026.yaml"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def _modified(client: TestClient, url: str = FEED) -> datetime:
    return parsedate_to_datetime(client.get(url).headers["last-modified"])


def test_the_rule_is_strict() -> None:
    first = datetime(2026, 12, 7, 3, 0, 0, tzinfo=UTC)
    seen = Seen("a", first)
    assert next_modified(seen, "a", first + timedelta(days=1)) == first  # same body, same date
    assert next_modified(seen, "b", first) == first + timedelta(seconds=1)  # same second: still later
    assert next_modified(seen, "c", first - timedelta(days=9)) == first + timedelta(seconds=1)  # never back
    assert next_modified(None, "a", first + timedelta(microseconds=700)) == first  # first versioned: now


def test_without_a_database_the_first_date_is_now_too() -> None:
    from scheduler.feeds.feed_versions import MemoryVersions

    versions, now = MemoryVersions(), TODAY + timedelta(microseconds=5)
    assert versions.stamp("hen-2026", "default", "a", now) == TODAY
    assert versions.stamp("hen-2026", "default", "a", now + timedelta(days=1)) == TODAY
    assert versions.stamp("hen-2026", "default", "b", now) == TODAY + timedelta(seconds=1)


def test_a_date_only_client_sees_every_change(tmp_path: Path) -> None:
    calendars, path = _served(tmp_path)
    clock = Clock(TODAY)
    with running(settings_for(tmp_path, calendars), clock) as client:
        reader = DateOnlyClient(client)
        body = reader.poll()
        first = _conform(body)
        assert reader.poll() == body  # 304: nothing changed
        stamps = [parsedate_to_datetime(reader.modified or "")]

        # Add a deadline: the new event is stamped with the time it appeared, Last-Modified moves.
        clock.now = TODAY + timedelta(minutes=5)
        _edit(path, "events:", "  - {id: dang-ky, title: Đăng ký thi đua năm 2027, date: 30/12/2026, due: trước}\nevents:")
        refresh(client)
        body = reader.poll()
        added = _conform(body)
        assert set(added) - set(first) == {"hen-2026.deadline.dang-ky.0@lichthidua"}
        new = icalendar.Calendar.from_ical(body).walk("VEVENT")
        stamp = next(e for e in new if str(e["UID"]).startswith("hen-2026.deadline.dang-ky")).decoded("DTSTAMP")
        assert stamp == clock.now
        stamps.append(parsedate_to_datetime(reader.modified or ""))

        # Two edits in the same second: two different bodies, two different dates.
        _edit(path, "Báo cáo năm,", "Báo cáo tổng kết năm,")
        refresh(client)
        reader.poll()
        stamps.append(parsedate_to_datetime(reader.modified or ""))
        _edit(path, "Báo cáo tổng kết năm,", "Báo cáo tổng kết năm 2026,")
        refresh(client)
        body = reader.poll()
        assert any("Báo cáo tổng kết năm 2026" in v[2] for v in _conform(body).values())
        stamps.append(parsedate_to_datetime(reader.modified or ""))

        # Delete: the cancelled event says so in its title, for clients that ignore STATUS.
        clock.now += timedelta(hours=1)
        _edit(path, "  - {id: dang-ky, title: Đăng ký thi đua năm 2027, date: 30/12/2026, due: trước}\n", "")
        refresh(client)
        body = reader.poll()
        gone = _conform(body)["hen-2026.deadline.dang-ky.0@lichthidua"]
        assert gone[2].startswith("[ĐÃ HỦY] Hạn chót: Đăng ký thi đua năm 2027") and gone[4] == "CANCELLED"
        stamps.append(parsedate_to_datetime(reader.modified or ""))

        # The tombstone expires 30 days later: the body shrinks, the date still goes forward.
        clock.now += timedelta(days=31)
        refresh(client)
        body = reader.poll()
        assert "hen-2026.deadline.dang-ky.0@lichthidua" not in _conform(body)
        stamps.append(parsedate_to_datetime(reader.modified or ""))
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps), stamps


def test_last_modified_survives_restarts_and_is_shared_by_instances(tmp_path: Path) -> None:
    calendars, path = _served(tmp_path)
    settings = settings_for(tmp_path, calendars)
    with running(settings, Clock(TODAY)) as one:
        before = _modified(one)
    with running(settings, Clock(TODAY + timedelta(days=1))) as again, running(settings, Clock(TODAY)) as other:
        assert _modified(again) == before  # same body after a restart: same date
        _edit(path, "Báo cáo năm,", "Báo cáo năm 2026,")
        refresh(again)
        changed = _modified(again)
        assert changed > before
        refresh(other)  # a second instance on the same database, its clock behind
        assert _modified(other) == changed


@pytest.mark.parametrize("now", [TODAY, datetime(2027, 1, 1, 3, 0, 30, 250_000, tzinfo=UTC)],
                         ids=["2026-12-07", "2027-01-01"])
def test_a_fresh_database_dates_each_feed_when_it_is_first_versioned(tmp_path: Path, now: datetime) -> None:
    """Not a fixed baseline (1/1/2020 for a calendar without a year, 1/1 of the plan's year, a
    document's date): the moment the body is first versioned, to the second. Then the same rule as
    ever: the same body keeps its date across a restart and on a second instance; a new one is later."""
    calendars, path = _served(tmp_path)
    settings = settings_for(tmp_path, calendars)
    first_seen = now.replace(microsecond=0)
    urls = (FEED, FEED + "?kinds=deadline", "/feeds/viet-nam.ics")
    with running(settings, Clock(now)) as one:
        assert {url: _modified(one, url) for url in urls} == dict.fromkeys(urls, first_seen)
    later = now + timedelta(days=2)
    with running(settings, Clock(later)) as again, running(settings, Clock(now)) as other:
        assert {url: _modified(again, url) for url in urls} == dict.fromkeys(urls, first_seen)
        _edit(path, "Báo cáo năm,", "Báo cáo năm 2026,")
        refresh(again)
        assert _modified(again) == later.replace(microsecond=0)
        refresh(other)  # its clock behind: the shared date, not its own
        assert _modified(other) == later.replace(microsecond=0)
        # A feed this database never saw is dated by the instance that versions it first.
        assert _modified(other, FEED + "?kinds=event") == first_seen


def test_the_national_feed_moves_forward_on_1_january(tmp_path: Path) -> None:
    calendars = copy_calendars(tmp_path)
    clock = Clock(datetime(2026, 12, 31, 16, 0, tzinfo=UTC))  # 23:00 on 31/12 in Hà Nội
    with running(settings_for(tmp_path, calendars), clock) as client:
        reader = DateOnlyClient(client, "/feeds/viet-nam.ics")
        december = reader.poll()
        before = parsedate_to_datetime(reader.modified or "")
        clock.now = datetime(2026, 12, 31, 17, 30, tzinfo=UTC)  # 00:30 on 1/1/2027
        january = reader.poll()
        assert january != december  # the window moved to 2027–2028
        assert parsedate_to_datetime(reader.modified or "") > before
        assert any("(dự kiến)" in v[2] for v in _conform(january).values())


def test_filtered_feeds_have_their_own_names_and_places_are_locations(tmp_path: Path) -> None:
    calendars, _ = _served(tmp_path)
    with running(settings_for(tmp_path, calendars), Clock(TODAY)) as client:
        names = {url: str(icalendar.Calendar.from_ical(client.get(url).content)["X-WR-CALNAME"])
                 for url in (FEED, FEED + "?kinds=deadline", FEED + "?inherited=false", FEED + "?kinds=deadline,event")}
        assert len(set(names.values())) == 4, names
        assert names[FEED] == "Kế hoạch thi đua năm 2026 của công đoàn mẫu"
        assert names[FEED + "?kinds=deadline"] == "Kế hoạch thi đua năm 2026 của công đoàn mẫu (hạn chót)"
        events = icalendar.Calendar.from_ical(client.get(FEED).content).walk("VEVENT")
        meeting = next(e for e in events if "hoi-nghi" in str(e["UID"]))
        assert str(meeting["LOCATION"]) == "Hội trường Liên đoàn Lao động tỉnh"


def test_export_and_the_served_feed_share_one_default_window(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    """The school-year model used to export 32 events and serve 31."""
    calendars = copy_calendars(tmp_path)
    today = date.today()
    with running(settings_for(tmp_path, calendars), Clock(datetime.combine(today, datetime.min.time(), UTC)
                                                        + timedelta(hours=3))) as client:
        served = set(view_icalendar(client.get("/feeds/mau-giao-duc-2019-2020.ics").content))
    # The CLI reads today's date itself: both are compared on the same day.
    out = tmp_path / "xuat.ics"
    run = cli("export", "mau-giao-duc-2019-2020", "--calendars", calendars, "--output", out)
    assert run.exit_code == 0, run.output
    assert set(view_icalendar(out.read_bytes())) == served


def test_a_decision_added_while_serving_revises_the_feed(tmp_path: Path) -> None:
    """The admin drops 2027's notice into calendars/ngay-nghi/: the served national feed drops
    "(dự kiến)", the changed days get a higher SEQUENCE, and Last-Modified moves."""
    from scheduler.core.days_off import configure_days_off

    calendars = copy_calendars(tmp_path)
    clock = Clock(TODAY)
    try:
        with running(settings_for(tmp_path, calendars), clock) as client:
            reader = DateOnlyClient(client, "/feeds/viet-nam.ics?from=2027-01-01&to=2027-12-31")
            before = _conform(reader.poll())
            assert any(v[2] == "Nghỉ Tết Nguyên đán (dự kiến)" for v in before.values())
            modified = parsedate_to_datetime(reader.modified or "")
            folder = calendars / "ngay-nghi"
            folder.mkdir()
            (folder / "2027.yaml").write_text(
                "decisions:\n  tb-2027:\n    number: '1234/TB-BNV'\n    date: 2026-11-20\n    issuer: Bộ Nội vụ\n"
                "years:\n  2027:\n    days_off:\n"
                + "".join(f"      - {{date: 2027-02-{d:02d}, name: 'Tết Nguyên đán', basis: tb-2027}}\n"
                          for d in (4, 5, 8, 9, 10))
                + "      - {date: 2027-09-03, name: 'Quốc khánh (ngày nghỉ liền kề)', basis: tb-2027}\n",
                encoding="utf-8")
            clock.now = TODAY + timedelta(hours=2)
            refresh(client)
            after = _conform(reader.poll())
            assert parsedate_to_datetime(reader.modified or "") > modified
            tet = after["viet-nam.holiday.nghi-le.20270204@lichthidua"]
            assert tet[2] == "Nghỉ Tết Nguyên đán" and tet[3] == 1  # same UID, decided now: SEQUENCE 1
            # The projected block beside 2/9 became part of the decided one: announced as cancelled.
            assert not any("dự kiến" in v[2] for v in after.values() if v[4] == "CONFIRMED")
            assert after["viet-nam.holiday.nghi-le.20270903@lichthidua"][2:] == (
                "[ĐÃ HỦY] Nghỉ lễ Quốc khánh (dự kiến)", 1, "CANCELLED")
    finally:
        configure_days_off([])
