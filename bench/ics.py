"""Rendering a 1,000-event feed: our content-line writer against icalendar objects.

Both sides produce the same calendar (same properties, VALARMs on deadlines,
one VTIMEZONE built from zoneinfo), measured in the same run. "cold" clears
our VTIMEZONE cache before every round, as the first request after a start
would see it; the target is ratio_cold <= 1.2.

    .venv/bin/python bench/ics.py
"""

from __future__ import annotations

import json
import statistics
import sys
import time as clock
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
# bench/email.py must not shadow the stdlib email
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

from notifiers import ics  # noqa: E402
from scheduler.core.events import AnniversaryInfo, DeadlineInfo, Due, Event, EventKind  # noqa: E402

N_EVENTS = 1000
ROUNDS = 7
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2024, 3, 1, tzinfo=timezone.utc)


def make_events(n: int = N_EVENTS) -> list[Event]:
    """A feed like a province's: mostly deadlines and anniversaries, long Vietnamese titles."""
    out = []
    for i in range(n):
        day = date(2024, 1, 1) + timedelta(days=i % 366)
        common = dict(source=f"calendars/bench.yaml:{i}", calendar_id="bench", item_id=f"item-{i}", defined_in="bench")
        if i % 3 == 0:
            due_at = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=TZ)
            out.append(
                Event(
                    uid=f"bench/deadline-{i}@lichthidua",
                    kind=EventKind.DEADLINE,
                    title=f"Báo cáo sơ kết phong trào thi đua 6 tháng đầu năm của công đoàn cơ sở số {i}",
                    start=day,
                    end=day,
                    deadline=DeadlineInfo(
                        due=Due.BEFORE,
                        due_at=due_at,
                        as_written=f"trước {due_at.day}/{due_at.month}/{due_at.year}",
                        warnings=("Rơi vào Chủ nhật",) if day.weekday() == 6 else (),
                        submitted_by="Công đoàn cấp trên trực tiếp cơ sở",
                        submit_to="LĐLĐ tỉnh (Ban Chính sách pháp luật và Quan hệ lao động)",
                        via="ldldlongbien@gmail.com",
                    ),
                    **common,
                )
            )
        elif i % 3 == 1:
            out.append(
                Event(
                    uid=f"bench/anniversary-{i}@lichthidua",
                    kind=EventKind.ANNIVERSARY,
                    title=f"Kỷ niệm 95 năm Ngày thành lập Công đoàn Việt Nam (28/7/1929 – 28/7/2024), lần {i}",
                    start=day,
                    end=day,
                    anniversary=AnniversaryInfo(base_date=date(1929, day.month, min(day.day, 28)), ordinal=95, milestone=True),
                    **common,
                )
            )
        else:
            out.append(
                Event(
                    uid=f"bench/phase-{i}@lichthidua",
                    kind=EventKind.PHASE,
                    title=f"Đợt thi đua {i}: lập thành tích chào mừng Đại hội Công đoàn các cấp",
                    start=day,
                    end=day + timedelta(days=30),
                    description="Chủ đề: Đổi mới, sáng tạo; đoàn kết, phát triển.\nSơ kết sau mỗi đợt.",
                    **common,
                )
            )
    return out


def render_ours(events: list[Event], meta: ics.FeedMeta) -> bytes:
    return ics.render_calendar(events, meta, now=NOW).body


def render_icalendar(events: list[Event], meta: ics.FeedMeta) -> bytes:
    """The baseline: the same feed through icalendar's component objects."""
    import icalendar

    options = ics.RenderOptions()
    cal = icalendar.Calendar()
    cal.add("version", "2.0")
    cal.add("prodid", ics.PRODID)
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", meta.name)
    cal.add("x-wr-timezone", meta.timezone)
    cal.add("refresh-interval", options.refresh_interval, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", options.refresh_interval)
    cal.add_component(icalendar.Timezone.from_tzid(meta.timezone, first_date=date(2023, 1, 1), last_date=date(2027, 1, 1)))
    for e in events:
        ve = icalendar.Event()
        ve.add("uid", e.uid)
        ve.add("dtstamp", meta.baseline_stamp)
        ve.add("dtstart", e.start)
        ve.add("dtend", e.end + timedelta(days=1))
        ve.add("sequence", 0)
        ve.add("summary", e.title)
        ve.add("description", ics.describe(e))
        ve.add("categories", [ics.CATEGORIES[e.kind]])
        ve.add("status", "CONFIRMED")
        ve.add("transp", "TRANSPARENT")
        if e.deadline:
            ve.add("priority", 1)
            for days in options.alarm_days:
                alarm = icalendar.Alarm()
                alarm.add("action", "DISPLAY")
                alarm.add("trigger", timedelta(days=-days, hours=options.alarm_hour))
                alarm.add("description", f"Sắp đến hạn chót: {e.title}")
                ve.add_component(alarm)
        cal.add_component(ve)
    return cal.to_ical()


def _best(fn: Callable[[], object], rounds: int, before: Callable[[], object] = lambda: None) -> float:
    times = []
    for _ in range(rounds):
        before()
        t0 = clock.perf_counter()
        fn()
        times.append(clock.perf_counter() - t0)
    return statistics.median(times)


def run(n_events: int = N_EVENTS, rounds: int = ROUNDS) -> dict[str, float | int]:
    """Median seconds per render for each side, and the ratios ours / icalendar."""
    events = make_events(n_events)
    meta = ics.FeedMeta.for_calendar("bench", "Lịch thi đua (đo tốc độ)", year=2024)
    render_icalendar(events, meta)  # warm imports on both sides
    render_ours(events, meta)
    cold = _best(lambda: render_ours(events, meta), rounds, before=ics._vtimezone.cache_clear)
    warm = _best(lambda: render_ours(events, meta), rounds)
    base = _best(lambda: render_icalendar(events, meta), rounds)
    return {
        "events": n_events,
        "ours_cold_s": round(cold, 5),
        "ours_warm_s": round(warm, 5),
        "icalendar_s": round(base, 5),
        "ratio_cold": round(cold / base, 3),
        "ratio_warm": round(warm / base, 3),
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
