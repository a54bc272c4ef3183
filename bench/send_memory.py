"""Does a sending ``serve`` grow with the number of emails it has sent? A small, fast form of bench.scale's ``wave``.

One ``lichthidua serve`` on a fresh PostgreSQL database, ``--units`` units (files of 4,000, as bench/national.py
writes them) named by one deadline whose reminders are due now, an aiosmtpd sink in its own process answering at
once (so the wave takes a minute, not a quarter of an hour). The server's resident memory is read every
``--every`` messages the sink receives; a sender whose memory per email is bounded stays flat after the first
thousands. The code measured is the one the bench is run from (``cwd``; run it from another tree's folder with
``PYTHONPATH=. /path/to/.venv/bin/python -m bench.send_memory`` to measure that tree).

    .venv/bin/python -m bench.send_memory [--units 40000] [--every 5000] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.feeds import free_port
from bench.national import _sink, national_recipients, service_env, wave_calendar
from bench.scale import _pg_database, memory_mb


def bench_send_memory(work: Path, units: int, every: int, timeout: float = 1_200) -> dict[str, object]:
    calendars = work / "calendars"
    shutil.rmtree(work, ignore_errors=True)
    calendars.mkdir(parents=True)
    wave_calendar(calendars, national_recipients(calendars, units), datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")))
    figures: list[tuple[int, float]] = []
    with _sink(0.0) as (port, ask), _pg_database() as url:
        settings = dict(calendars_dir=str(calendars), data_dir=str(work / "var"), database_url=url,
                        smtp_host="127.0.0.1", smtp_port=str(port), smtp_security="none", smtp_timeout_seconds="120",
                        remind_hour="0", tick_seconds="5", log_level="info", config=str(work / "none.toml"))
        env = {**service_env(settings), "PYTHONPATH": os.getcwd()}
        with (work / "serve.log").open("wb") as log:
            proc = subprocess.Popen([sys.executable, "-m", "scheduler.cli", "serve", "--port", str(free_port())],
                                    cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT)
        began, mark = time.monotonic(), every
        try:
            while (got := ask())["distinct"] < units:
                if got["count"] >= mark:
                    figures.append((int(got["count"]), round(memory_mb(proc.pid)[0], 1)))
                    mark += every
                if proc.poll() is not None or time.monotonic() - began > timeout:
                    raise RuntimeError(f"send-memory: {got['count']} of {units} received; see {work / 'serve.log'}")
                time.sleep(0.2)
            figures.append((int(got["count"]), round(memory_mb(proc.pid)[0], 1)))
            peak = round(memory_mb(proc.pid)[1], 1)
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=60)
    first, last = figures[0], figures[-1]
    return dict(units=units, rss_mb=figures, peak_mb=peak, received=got["count"], distinct=got["distinct"],
                growth_mb=round(last[1] - first[1], 1),
                kb_per_email=round((last[1] - first[1]) * 1024 / max(1, last[0] - first[0]), 2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=40_000)
    parser.add_argument("--every", type=int, default=5_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lichthidua-send-memory-") as tmp:
        out = bench_send_memory(Path(tmp) / "work", args.units, args.every)
    if args.json:
        print(json.dumps(out))
        return
    print(f"send-memory: 1 serve, {out['units']} units, sink without latency ({out['received']} received, "
          f"{out['distinct']} distinct)")
    for count, mb in out["rss_mb"]:  # type: ignore[attr-defined]
        print(f"  after {count:>7} emails: {mb:6.1f} MB")
    print(f"  growth from the first figure to the last: {out['growth_mb']} MB ({out['kb_per_email']} KB per email); "
          f"peak {out['peak_mb']} MB")


if __name__ == "__main__":
    main()
