"""Expanding and rendering 1,000 campaign-years, and lunar conversion speed.

Each campaign-year is a provincial plan (two phases, celebrated anniversaries
with stated ordinals, a local commemoration, yearly and relative deadlines)
extending the national calendar, like the seeds. Loading the YAML is timed
separately: the goal (under a second) is for expansion, which the service
repeats on every reload and the reminder planner on every tick.

Run: `.venv/bin/python bench/expand.py` (or `./run bench`).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# bench/email.py must not shadow the stdlib email
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

from bench import lunar as lunar_bench  # noqa: E402
from notifiers.ics import feed_meta, render_calendar  # noqa: E402
from scheduler.core.expand import default_window, expand  # noqa: E402
from scheduler.live.catalog import load_catalog  # noqa: E402

CAMPAIGN_YEARS = 1000
GOAL_SECONDS = 1.0

TEMPLATE = """\
id: {id}
title: Phát động phong trào thi đua yêu nước năm {year} của tỉnh số {n}
issuer: Liên đoàn Lao động tỉnh số {n}
year: {year}
extends: [viet-nam]
document: {{kind: KH, number: {n}/KH-LĐLĐ, place: Tỉnh {n}, date: 15/01/{year}}}
commemorations:
  - id: cong-doan-tinh
    name: Ngày thành lập Công đoàn tỉnh số {n}
    date: 04/4/1947
phases:
  - id: dot-1
    name: Đợt 1
    start: tháng 01/{year}
    end: 31/7/{year}
    celebrates: [thanh-lap-dang: {dang}, thang-cong-nhan, sinh-nhat-bac: {bac}, cong-doan-viet-nam: {cd}]
  - id: dot-2
    name: Đợt 2
    start: 01/8/{year}
    end: hết năm
    celebrates: [quoc-khanh: {qk}, cong-doan-tinh: {cdt}]
deadlines:
  - {{id: bao-cao-6-thang, title: Báo cáo 6 tháng đầu năm, date: 25/6, due: before}}
  - {{id: bao-cao-nam, title: Báo cáo một năm, date: 25/11, due: before}}
  - {{id: dang-ky, title: Đăng ký thi đua, date: 15/3/{year}, due: no_later_than}}
  - {{id: so-ket, title: Sơ kết đợt, after_phase: each, days_after: 15, due: no_later_than}}
"""


def write_calendars(folder: Path) -> None:
    shutil.copy(ROOT / "calendars" / "viet-nam.yaml", folder / "viet-nam.yaml")
    for i in range(CAMPAIGN_YEARS):
        n, year = i // 10 + 1, 2020 + i % 10
        text = TEMPLATE.format(
            id=f"tinh-{n:03d}-{year}", n=n, year=year,
            dang=year - 1930, bac=year - 1890, cd=year - 1929, qk=year - 1945, cdt=year - 1947,
        )
        (folder / f"tinh-{n:03d}-{year}.yaml").write_text(text, encoding="utf-8")


def run() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_calendars(folder)
        t0 = time.perf_counter()
        catalog = load_catalog(folder)
        load_s = time.perf_counter() - t0
    assert catalog.ok, [d.format() for d in catalog.all_diagnostics()][:3]
    campaigns = [c for cid, c in sorted(catalog.calendars.items()) if cid != "viet-nam"]
    assert len(campaigns) == CAMPAIGN_YEARS

    windows = [default_window(c, datetime(2026, 1, 1).date()) for c in campaigns]
    t0 = time.perf_counter()
    expanded = [expand(c, w) for c, w in zip(campaigns, windows, strict=True)]
    expand_s = time.perf_counter() - t0
    events = sum(len(e) for e in expanded)

    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    t0 = time.perf_counter()
    size = 0
    for calendar, evs in zip(campaigns, expanded, strict=True):
        size += len(render_calendar(evs, feed_meta(calendar), now=now).body)
    render_s = time.perf_counter() - t0

    lunar = lunar_bench.run()
    return {
        "campaign_years": CAMPAIGN_YEARS,
        "events": events,
        "load_seconds": load_s,
        "expand_seconds": expand_s,
        "expand_vs_goal": expand_s / GOAL_SECONDS,
        "render_seconds": render_s,
        "ics_megabytes": size / 1e6,
        "to_lunar_ratio": lunar["ratio_to_lunar"],
        "to_solar_ratio": lunar["ratio_to_solar"],
        "to_lunar_per_s": lunar["to_lunar_per_s"],
        "lunardate_to_lunar_per_s": lunar["lunardate_from_solar_per_s"],
    }


def main() -> None:
    r = run()
    print(f"{r['campaign_years']} campaign-years extending viet-nam, {r['events']} events")
    print(f"  load YAML (not in the goal): {r['load_seconds']:.2f} s")
    print(f"  expand:  {r['expand_seconds']:.3f} s   ratio to the 1 s goal: {r['expand_vs_goal']:.2f}"
          f"  ({'OK' if r['expand_vs_goal'] < 1 else 'SLOWER THAN GOAL'})")
    print(f"  render ICS: {r['render_seconds']:.3f} s ({r['ics_megabytes']:.1f} MB)")
    print(f"  expand + render: {r['expand_seconds'] + r['render_seconds']:.3f} s")
    print("lunar conversions, ours vs lunardate in the same run (goal ≥ 1.00):")
    print(f"  solar→lunar: {r['to_lunar_per_s']:,.0f}/s vs {r['lunardate_to_lunar_per_s']:,.0f}/s, "
          f"ratio {r['to_lunar_ratio']:.2f}")
    print(f"  lunar→solar ratio {r['to_solar_ratio']:.2f}")


if __name__ == "__main__":
    main()
