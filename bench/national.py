"""The country's recipients and a wave shared by two instances: bench/scale.py's national figures.

- :func:`national_recipients`: ``units`` units in files of 4,000 (one group each, as a province's lists would be);
- :func:`bench_recipients_load`: loading them in a fresh process (time, CPU, memory the directory keeps);
- :func:`bench_plan_service`: the service's own planning of a wave naming every unit (plan + store, SQLite), and
  its re-plan after one unit's submission and after one calendar's edit (against a whole re-plan);
- :func:`bench_serve_memory`: one ``lichthidua serve`` holding a calendars folder and those units with a wave
  planned 20 days ahead (every unit named): its memory at the first ``/healthz``, once planned and settled, at peak;
- :func:`bench_wave`: two ``lichthidua serve`` on one PostgreSQL database with a calendars folder and those
  units, a wave due now: planned once, sent by both against an SMTP sink with a relay's latency,
  their rate against one instance's; then one of them SIGKILLed mid-wave while the survivor finishes
  against a shorter latency: every unit gets its reminder, duplicates at most the killed one's in-flight.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PER_FILE = 4_000
WAVE_CALENDAR = "ca-nuoc"

# A sink that keeps every Message-ID (no reset), answers each message after its current latency,
# and takes commands on stdin: "stats" (count, distinct, first, last, now), "latency S", "reset"; each answers
# with the stats.
SINK = """
import asyncio, json, re, sys, time
from aiosmtpd.controller import Controller
MESSAGE_ID = re.compile(rb"^Message-ID:[ \\t]*(\\S+)", re.M | re.I)
class Sink:
    latency = float(sys.argv[2])
    count, ids, first, last = 0, set(), None, None
    async def handle_DATA(self, server, session, envelope):
        if self.latency:
            await asyncio.sleep(self.latency)
        found = MESSAGE_ID.search(envelope.content[:8192])
        now = time.time()
        self.count += 1
        self.ids.add(found.group(1) if found else b"")
        self.first = now if self.first is None else self.first
        self.last = now
        return "250 OK"
sink = Sink()
controller = Controller(sink, hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
for line in sys.stdin:
    if line.startswith("latency"):
        sink.latency = float(line.split()[1])
    if line.startswith("reset"):
        sink.count, sink.ids, sink.first, sink.last = 0, set(), None, None
    print(json.dumps(dict(count=sink.count, distinct=len(sink.ids), first=sink.first, last=sink.last,
                          now=time.time())), flush=True)
controller.stop()
"""


def national_recipients(calendars: Path, units: int) -> list[str]:
    """``units`` units under calendars/recipients, ``PER_FILE`` to a file and group; the groups' ids."""
    folder = calendars / "recipients"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.yaml"):
        old.unlink()
    groups = []
    for g in range(-(-units // PER_FILE)):
        gid = f"cd-ca-nuoc-{g:03d}"
        groups.append(gid)
        lines = ["groups:", f"  - id: {gid}", f"    name: Công đoàn cơ sở, phần {g + 1}", "    units:"]
        for i in range(g * PER_FILE, min(units, (g + 1) * PER_FILE)):
            lines += [f"      - id: cdcs-{i:06d}", f'        name: "Ban Chấp hành Công đoàn cơ sở số {i}"',
                      f"        emails: [cdcs{i:06d}@congdoan.example.vn]"]
        (folder / f"{gid}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return groups


def wave_calendar(calendars: Path, groups: list[str], day: datetime) -> None:
    """One campaign whose deadline, 7 days after ``day``, names every group: its reminders are due on ``day``."""
    (calendars / f"{WAVE_CALENDAR}-{day.year}.yaml").write_text(
        f"id: {WAVE_CALENDAR}-{day.year}\ntitle: Phong trào thi đua toàn quốc năm {day.year}\nyear: {day.year}\n"
        "deadlines:\n  - id: bao-cao-dot\n    title: Báo cáo sơ kết phong trào thi đua\n"
        f"    date: {(day + timedelta(days=7)):%d/%m/%Y}\n    due: no_later_than\n"
        f"    groups: [{', '.join(groups)}]\n    remind_days: [7]\n", encoding="utf-8")


LOAD = """
import gc, json, resource, sys, time
from pathlib import Path
def rss():
    return int(next(l for l in open("/proc/self/status") if l.startswith("VmRSS")).split()[1]) / 1024
from scheduler.reminders.recipients import load_directory
gc.collect()
before = rss()
wall, cpu = time.perf_counter(), time.process_time()
directory = load_directory(Path(sys.argv[1]))
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
gc.collect()
print(json.dumps(dict(s=wall, cpu_s=cpu, kept_mb=rss() - before, units=sum(len(g.units) for g in directory.groups.values()),
                      ok=directory.ok, peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)))
"""


def bench_recipients_load(folder: Path) -> dict[str, float]:
    """Loading a folder's recipients in a fresh process: wall and CPU seconds, MB the directory keeps, peak."""
    done = subprocess.run([sys.executable, "-c", LOAD, str(folder)], cwd=ROOT, capture_output=True, text=True,
                          check=True)
    got = json.loads(done.stdout.splitlines()[-1])
    if not got["ok"]:
        raise RuntimeError(f"recipients of {folder} have errors")
    return {"s": round(got["s"], 2), "cpu_s": round(got["cpu_s"], 2), "kept_mb": round(got["kept_mb"]),
            "peak_mb": round(got["peak_mb"]), "units": got["units"]}


PLAN = """
import json, resource, sys, time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo
from scheduler.live.catalog import load_catalog
from scheduler.reminders.service import open_service
from scheduler.settings import Settings
calendars, data, other = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[4])
settings = Settings(calendars_dir=calendars, data_dir=data)
service = open_service(settings, load_calendars=False)
service.load(load_catalog(calendars).calendars)
now = datetime.fromisoformat(sys.argv[3])
wall, cpu = time.perf_counter(), time.process_time()
stats = service.replan(now)
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
again = time.perf_counter()
service.load(service.calendars)
service.replan(now)
again = time.perf_counter() - again
uid = next(r.occurrence_uid for r in service.store.rows(limit=50) if r.calendar_id != other.stem)
out = dict(s=wall, cpu_s=cpu, rows=stats.inserted, again_s=again)

def timed(key, change):
    change()  # as serve after a reload: every calendar read again, the recipients when needed
    service.load(load_catalog(calendars).calendars)
    wall, cpu = time.perf_counter(), time.process_time()
    got = service.replan(now)
    out[key + "_s"], out[key + "_cpu_s"] = time.perf_counter() - wall, time.process_time() - cpu
    out[key + "_rows"] = got.moved + got.suppressed + got.inserted + got.cancelled + got.revived
    out[key + "_scoped"] = service.last_plan_scope is not None

# One unit's "Da nop" recorded, then one calendar (not the wave's) edited: what this process planned last.
timed("submission", lambda: service.store.record_submission(uid, "unit:cdcs-000007", now))
timed("edit", lambda: other.write_text(other.read_text(encoding="utf-8").replace("date: 20/7/", "date: 22/7/"),
                                       encoding="utf-8"))
# The same change re-planned whole: a process that did not plan the ledger last (as before, every re-plan).
service = open_service(settings, load_calendars=False)
timed("whole", lambda: service.store.record_submission(uid, "unit:cdcs-000008", now))
out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


def other_calendar(calendars: Path, group: str, day: datetime) -> Path:
    """A province's calendar beside the wave's: a deadline in July naming one group (``PER_FILE`` units)."""
    path = calendars / f"tinh-mau-{day.year}.yaml"
    path.write_text(f"id: tinh-mau-{day.year}\ntitle: Phong trào thi đua của tỉnh mẫu năm {day.year}\nyear: {day.year}\n"
                    f"deadlines:\n  - id: bao-cao-quy\n    title: Báo cáo quý\n    date: 20/7/{day.year}\n"
                    f"    due: no_later_than\n    groups: [{group}]\n", encoding="utf-8")
    return path


def bench_plan_service(work: Path, units: int) -> dict[str, float]:
    """The service's replan of a wave naming ``units`` units (read the lists, plan, store in SQLite), in a fresh
    process; then the same replan again (the ledger's stamp: nothing read, nothing planned); then re-plans after
    one unit's submission and after one calendar's edit (only what they touch), against the same change
    re-planned whole by a process that did not plan the ledger last."""
    root = work / f"plan-service-{units}"
    shutil.rmtree(root, ignore_errors=True)
    calendars = root / "calendars"
    day = datetime(2024, 6, 21, 8, 5, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    groups = national_recipients(calendars, units)
    wave_calendar(calendars, groups, day)
    other = other_calendar(calendars, groups[-1], day)
    done = subprocess.run([sys.executable, "-c", PLAN, str(calendars), str(root / "var"), day.isoformat(), str(other)],
                          cwd=root, capture_output=True, text=True, check=True)
    got = json.loads(done.stdout.splitlines()[-1])
    shutil.rmtree(root, ignore_errors=True)
    out = {k: (round(v, 2) if isinstance(v, float) else v) for k, v in got.items()}
    out["peak_mb"] = round(got["peak_mb"])
    return out


# --- one serve holding the country's units ------------------------------------------------------


def _planned_rows(database: Path) -> int | None:
    """Rows of the reminder ledger once a plan is stamped in ``database`` (SQLite), else None."""
    import sqlite3

    if not database.exists():
        return None
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5) as conn:
            if conn.execute("SELECT count(*) FROM plan_stamp").fetchone()[0] == 0:
                return None
            return int(conn.execute("SELECT count(*) FROM reminder").fetchone()[0])
    except sqlite3.OperationalError:  # the tables are not there yet, or the planner holds the lock
        return None


def bench_serve_memory(work: Path, calendars: int, units: int, timeout: float = 1_800) -> dict[str, float]:
    """One ``lichthidua serve`` (SQLite) with ``calendars`` calendars (bench.scale.make_folder) and ``units`` units
    (:func:`national_recipients`) named by one deadline 20 days ahead (:func:`wave_calendar`, reminded 7 days
    before: two rows a unit, nothing due). Its RSS and peak at the first ``/healthz``; then, once the plan is
    stamped and the process quiet, settled and peak: the memory it keeps holding them, and planning's peak."""
    from bench.scale import make_folder, memory_mb, quiet, serve

    root = work / f"memory-{calendars}-{units}"
    shutil.rmtree(root, ignore_errors=True)
    folder = make_folder(root / "calendars", calendars)
    groups = national_recipients(folder, units)
    if groups:
        wave_calendar(folder, groups, datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")) + timedelta(days=13))
    data = root / "var"
    data.mkdir()
    out: dict[str, float] = {"calendars": len(list(folder.glob("*.yaml"))), "units": units}
    with serve(folder, data, timeout=timeout) as server:
        pid = server.process.pid
        rss, peak = memory_mb(pid)
        out.update(healthy_s=round(server.started_in, 1), rss_healthz_mb=round(rss), peak_healthz_mb=round(peak))
        began = time.perf_counter()
        while (rows := _planned_rows(data / "lichthidua.sqlite3")) is None:
            if server.process.poll() is not None or time.perf_counter() - began > timeout:
                raise RuntimeError(f"serve planned nothing; see {data.parent / 'var.log'}")
            time.sleep(0.5)
        out["planned_s"] = round(time.perf_counter() - began + server.started_in, 1)
        out["rows"] = rows
        quiet(pid)
        rss, peak = memory_mb(pid)
        out.update(rss_settled_mb=round(rss), rss_peak_mb=round(peak))
    shutil.rmtree(root, ignore_errors=True)
    return out


# --- the wave shared by two instances ------------------------------------------------------------


@contextmanager
def _sink(latency: float) -> Iterator[tuple[int, Any]]:
    from bench.feeds import free_port

    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", SINK, str(port), str(latency)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdin is not None
    proc.stdout.readline()

    def ask(command: str = "stats") -> dict[str, float]:
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(command + "\n")
        proc.stdin.flush()
        return dict(json.loads(proc.stdout.readline()))

    try:
        yield port, ask
    finally:
        proc.stdin.close()
        proc.wait(timeout=30)


def _owners(url: str, status: str) -> Counter[int]:
    """Rows in ``status`` per process id ('claimed': in flight; 'sent': delivered)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            owners = conn.execute(text("SELECT claimed_by FROM reminder WHERE status = :s"), {"s": status}).scalars().all()
    finally:
        engine.dispose()
    return Counter(int(o.split(":", 1)[1].split("#", 1)[0]) for o in owners if o and ":" in o)


def _claims(url: str) -> Counter[int]:
    return _owners(url, "claimed")


def _sent_by(url: str) -> Counter[int]:
    return _owners(url, "sent")


def _window_rate(ask: Any, start: int, end: int, timeout: float, procs: list[subprocess.Popen[bytes]]) -> float:
    """Messages a second at the sink while its count goes from ``start`` to ``end`` (polled every 0.2 s)."""
    began = None
    deadline = time.monotonic() + timeout
    while True:
        got = ask()
        if began is None and got["count"] >= start:
            began = (got["count"], got["now"])
        if began is not None and got["count"] >= end:
            return (got["count"] - began[0]) / (got["now"] - began[1])
        if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
            raise RuntimeError(f"wave: the sink got {got['count']} of {end} in time")
        time.sleep(0.2)


def service_env(settings: dict[str, str]) -> dict[str, str]:
    """The environment of a ``lichthidua`` process given these settings, none inherited from the shell's."""
    return {**{k: v for k, v in os.environ.items() if not k.startswith("LICHTHIDUA_")},
            **{f"LICHTHIDUA_{k.upper()}": v for k, v in settings.items()}}


def bench_wave(work: Path, folder: Path, units: int, *, latency: float = 0.100, finish_latency: float = 0.005,
               window: tuple[int, int] = (2_000, 8_000), kill_at: int = 10_000,
               timeout: float = 3_600) -> dict[str, object]:
    """One then two ``serve`` on a fresh PostgreSQL database each, with ``folder``'s calendars and ``units`` units
    whose wave is due now. The sink answers after ``latency`` (a relay; 100 ms, so that 8 connections an
    instance need little CPU: on 2 cores shared with other work a shorter one makes the figure CPU-bound,
    2 instances then sharing the same busy cores); the rate is measured at the sink
    while its count goes through ``window`` (both instances sending, or the one). The single instance is
    then stopped; of the two, the one with more messages in flight is SIGKILLed at ``kill_at``, the
    sink's latency drops to ``finish_latency`` and the survivor sends the rest of the wave."""
    from bench.feeds import free_port
    from bench.scale import _pg_database, memory_mb

    calendars = work / f"wave-{units}" / "calendars"
    shutil.rmtree(calendars.parent, ignore_errors=True)
    shutil.copytree(folder, calendars, ignore=shutil.ignore_patterns("recipients"))
    now = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh"))
    wave_calendar(calendars, national_recipients(calendars, units), now)
    out: dict[str, object] = {"units": units, "calendars": len(list(calendars.glob("*.yaml"))),
                              "latency_ms": round(latency * 1000), "finish_latency_ms": round(finish_latency * 1000),
                              "window": list(window)}
    with _sink(latency) as (port, ask):
        for instances in (1, 2):
            ask(f"latency {latency}")
            base = ask("reset")  # the same wave's Message-IDs again: counted afresh
            start = base["count"]
            with _pg_database() as url:
                settings = dict(calendars_dir=str(calendars), data_dir=str(calendars.parent / "var"), database_url=url,
                                smtp_host="127.0.0.1", smtp_port=str(port), smtp_security="none",
                                smtp_timeout_seconds="120", remind_hour="0", tick_seconds="5", log_level="info",
                                config=str(calendars.parent / "none.toml"))
                env = service_env(settings)
                logs = [calendars.parent / f"serve-{instances}-{i}.log" for i in range(instances)]
                began = time.perf_counter()
                procs = []
                for log in logs:
                    with log.open("wb") as sink_log:
                        procs.append(subprocess.Popen(
                            [str(BIN / "lichthidua"), "serve", "--port", str(free_port())], cwd=calendars.parent,
                            env=env, stdout=sink_log, stderr=subprocess.STDOUT))
                try:
                    while ask()["count"] == start:
                        if any(p.poll() is not None for p in procs) or time.perf_counter() - began > timeout:
                            raise RuntimeError(f"wave: no message; see {logs}")
                        time.sleep(0.5)
                    key = f"{instances}_instance{'s' if instances > 1 else ''}"
                    out[f"{key}_first_message_s"] = round(time.perf_counter() - began, 1)
                    rate = _window_rate(ask, start + window[0], start + window[1], timeout, procs)
                    out[f"{key}_msgs_per_s"] = round(rate, 1)
                    out[f"{key}_rss_mb"] = [round(memory_mb(p.pid)[0]) for p in procs]
                    out[f"{key}_rss_peak_mb"] = [round(memory_mb(p.pid)[1]) for p in procs]
                    out[f"{key}_load"] = os.getloadavg()[0]
                    if instances == 1:
                        continue
                    sent_by = _sent_by(url)
                    out["2_instances_both_sent"] = sorted(sent_by.get(p.pid, 0) for p in procs)
                    while ask()["count"] < start + kill_at:
                        time.sleep(0.2)
                    claims = _claims(url)
                    victim = max(procs, key=lambda p: claims.get(p.pid, 0))
                    in_flight = claims.get(victim.pid, 0)
                    victim.send_signal(signal.SIGKILL)
                    victim.wait(timeout=30)
                    killed = time.perf_counter()
                    out["killed_at_count"] = ask()["count"] - start
                    out["killed_in_flight"] = in_flight
                    ask(f"latency {finish_latency}")
                    survivor = next(p for p in procs if p is not victim)
                    while True:
                        got = ask()
                        if got["distinct"] - base["distinct"] >= units:
                            break
                        if survivor.poll() is not None or time.perf_counter() - killed > timeout:
                            raise RuntimeError(f"wave: {got['distinct'] - base['distinct']} of {units} after the kill")
                        time.sleep(1)
                    time.sleep(3)  # a second copy would come within a tick
                    got = ask()
                    out["finished_after_kill_s"] = round(time.perf_counter() - killed, 1)
                    out["received"] = got["count"] - start
                    out["distinct"] = got["distinct"] - base["distinct"]
                    out["duplicates"] = out["received"] - out["distinct"]  # type: ignore[operator]
                    out["survivor_rss_mb"], out["survivor_rss_peak_mb"] = (round(v) for v in memory_mb(survivor.pid))
                    text = "".join(log.read_text(errors="replace") for log in logs)
                    out["planned_times"] = len(re.findall(r"Lập lại lịch nhắc: \d+ mới", text))
                    out["plan_skipped_times"] = text.count("Lịch nhắc đã được lập từ đúng dữ liệu này")
                    out["tracebacks"] = text.count("Traceback")
                finally:
                    for p in procs:
                        if p.poll() is None:
                            p.send_signal(signal.SIGINT)
                    for p in procs:
                        try:
                            p.wait(timeout=60)
                        except subprocess.TimeoutExpired:
                            p.kill()
                            p.wait()
    out["2_vs_1"] = round(out["2_instances_msgs_per_s"] / out["1_instance_msgs_per_s"], 2)  # type: ignore[operator]
    out["lost"] = units - out["distinct"]  # type: ignore[operator]
    return out
