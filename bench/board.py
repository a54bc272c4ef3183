"""The deadline board at province scale: board, exports, and one action reaching the unit's feed and reminders.

Generates a province on disk (tests/board_support.py: districts, their CĐCS, sections under some of them;
three levels) and serves it in-process (the app with its lifespan, SQLite or PostgreSQL), then measures:

- ``board``: GET /admin/board/{campaign}?deadline=… (one deadline, every unit in scope: counts, roll-up,
  the first page of the most overdue), warm (the median of 5 after one);
- ``export``: the same list as CSV and as XLSX (every row);
- ``action``: POST extend for one unit, then its feed (GET) shows the new date and its reminder rows have
  moved (read from the database), from the POST to both seen.

Each figure is printed beside the same figure for a small deployment (30 units) measured in the same run,
and beside the goal of issue 18 (board < 1 s warm, export < 3 s, action < 2 s) as a ratio.

    .venv/bin/python -m bench.board [--units 20000] [--postgres] [--json]
"""

from __future__ import annotations

import argparse
import base64
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [str(ROOT), str(ROOT / "tests")] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

from board_support import CAMPAIGN, NOW, REPORT, cdcs, unit_count, write_province  # noqa: E402 (found through tests/ on sys.path)

GOALS = {"board": 1.0, "export_csv": 3.0, "export_xlsx": 3.0, "action": 2.0}
PASSWORD = "mat-khau-ban-do-dai"


def shape(units: int) -> tuple[int, int, int]:
    """(districts, CĐCS per district, sections) giving about ``units`` units on three levels."""
    if units <= 40:
        return 2, 9, 1
    districts = max(2, round((units / 500) ** 0.5 * 4))
    per = max(3, round(units / districts / 1.5))
    return districts, per, 2


@contextmanager
def served(units: int, postgres: bool) -> Iterator[tuple[Any, int]]:
    from starlette.testclient import TestClient

    from notifiers.outbox import OutboxTransport
    from scheduler.passwords import hash_password
    from scheduler.settings import Settings
    from scheduler.web.app import create_app
    from scheduler.web.board_extension import board_extension
    from scheduler.web.reminder_routes import reminder_extension

    districts, per, sections = shape(units)
    with tempfile.TemporaryDirectory(prefix="bench-board-") as tmp:
        calendars = write_province(Path(tmp), districts=districts, per_district=per, sections=sections,
                                   with_sections_every=4)
        db = _postgres() if postgres else nullcontext(f"sqlite:///{tmp}/var/lichthidua.sqlite3")
        with db as url:
            settings = Settings(calendars_dir=calendars, data_dir=Path(tmp) / "var", base_url="https://lich.example.vn",
                                database_url=url, admin_password_hash=hash_password(PASSWORD))
            extensions = [reminder_extension(settings, transport=OutboxTransport(Path(tmp) / "outbox"), jobs=False),
                          board_extension(settings, digests=False)]
            app = create_app(settings, clock=lambda: NOW, watch=False, extensions=extensions)
            with TestClient(app, base_url="https://lich.example.vn") as client:
                client.app.state.reminders.replan(NOW)  # type: ignore[attr-defined]
                yield client, unit_count(districts, per, sections, 4)


def _postgres() -> Any:
    from db_support import postgres_database

    return postgres_database("lichthidua_bench_board")


CPU: dict[str, float] = {}  # the CPU seconds of the last timed call (the app runs in this process)


def timed(fn: Callable[[], object]) -> float:
    start, cpu = time.perf_counter(), time.process_time()
    fn()
    CPU["last"] = time.process_time() - cpu
    return time.perf_counter() - start


def warm(fn: Callable[[], object], runs: int = 5) -> float:
    fn()
    walls, cpus = [], []
    for _ in range(runs):
        walls.append(timed(fn))
        cpus.append(CPU["last"])
    CPU["median"] = statistics.median(cpus)
    return statistics.median(walls)


def measure(units: int, postgres: bool) -> dict[str, Any]:
    auth = {"Authorization": "Basic " + base64.b64encode(f"admin:{PASSWORD}".encode()).decode()}
    with served(units, postgres) as (client, n):
        url = f"/admin/board/{CAMPAIGN}?deadline={REPORT}"

        def get(path: str) -> Any:
            r = client.get(path, headers=auth)
            assert r.status_code == 200, r.text[:300]
            return r

        out: dict[str, Any] = {"units": n}
        out["board"] = warm(lambda: get(url))
        out["board_cpu"] = CPU["median"]
        out["board_bytes"] = len(get(url).content)
        out["export_csv"] = warm(lambda: get(f"/admin/board/{CAMPAIGN}/export.csv?deadline={REPORT}"), 3)
        out["export_csv_cpu"] = CPU["median"]
        out["csv_bytes"] = len(get(f"/admin/board/{CAMPAIGN}/export.csv?deadline={REPORT}").content)
        out["export_xlsx"] = warm(lambda: get(f"/admin/board/{CAMPAIGN}/export.xlsx?deadline={REPORT}"), 3)
        out["export_xlsx_cpu"] = CPU["median"]
        out["xlsx_bytes"] = len(get(f"/admin/board/{CAMPAIGN}/export.xlsx?deadline={REPORT}").content)
        board = client.app.state.board
        units = client.app.state.units
        times, cpus = [], []
        for i, unit in enumerate((cdcs(0, 1), cdcs(1, 1), cdcs(0, 2))):
            until = date(2026, 12, 10 + i)
            feed = units.feed_link(unit).removeprefix("https://lich.example.vn")
            uid = board.deadline(CAMPAIGN, REPORT, NOW)[0].uid

            def act(unit: str = unit, until: date = until, feed: str = feed, uid: str = uid) -> None:
                r = client.post(f"/admin/board/{CAMPAIGN}/extend", data={"deadline": REPORT, "unit": unit,
                                                                         "until": f"{until.day}/12/2026"},
                                headers={**auth, "Origin": "https://lich.example.vn"}, follow_redirects=False)
                assert r.status_code == 303, r.text[:300]
                body = get(feed).text
                assert f"{until:%Y%m%d}" in body
                rows = board.reminders.store.rows(occurrence_uids=[uid])
                assert any(r.party_key == f"unit:{unit}" and r.kind == "overdue" and r.due_at.day == until.day
                           for r in rows)

            times.append(timed(act))
            cpus.append(CPU["last"])
        out["action"] = statistics.median(times)
        out["action_cpu"] = statistics.median(cpus)
        return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=20_000)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    small = measure(30, args.postgres)
    big = measure(args.units, args.postgres)
    if args.json:
        print(json.dumps({"small": small, "big": big}, indent=2))
        return
    backend = "PostgreSQL" if args.postgres else "SQLite"
    print(f"Bảng theo dõi nộp báo cáo, {backend}: " + f"{big['units']:,}".replace(",", ".")
          + f" đơn vị (3 cấp) so với {small['units']} đơn vị")
    for key, label in (("board", "bảng (một hạn, ấm)"), ("export_csv", "xuất CSV"), ("export_xlsx", "xuất XLSX"),
                       ("action", "thao tác → lịch riêng + lời nhắc")):
        print(f"  {label:34} {big[key]:7.3f} s (CPU {big[key + '_cpu']:6.3f} s)   (nhỏ: {small[key]:6.3f} s, "
              f"×{big[key] / small[key]:5.1f})   mục tiêu {GOALS[key]:.0f} s: {big[key] / GOALS[key]:5.2f} của mục tiêu")
    import os

    print(f"  tải máy lúc đo (1 phút): {os.getloadavg()[0]:.1f} trên {os.cpu_count()} lõi")
    print(f"  kích thước: trang {big['board_bytes'] // 1024} KB, CSV {big['csv_bytes'] // 1024} KB, "
          f"XLSX {big['xlsx_bytes'] // 1024} KB")


if __name__ == "__main__":
    main()
