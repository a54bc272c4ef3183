"""A wave of 5,000 personalised reminders, end to end, against a transport-only baseline.

End to end: render each reminder (text + HTML templates), attach its deadline's
.ics (rendered once per deadline, inside the timing), compose the MIME bytes and
send them over 8 reused connections (``notifiers.mailer.deliver``). Baseline:
the same number of PRE-BUILT messages pushed over 8 reused aiosmtplib
connections. Both go to a do-nothing aiosmtpd sink running in its own process
(a real server is another process; in this one it would share the GIL).
Goal: end_to_end / baseline >= 0.5. Also printed: where the time goes (build
only, per step) and the naive EmailMessage-per-message builder for reference.

    .venv/bin/python bench/email.py [n]
"""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
import time as clock
from datetime import datetime, timedelta, timezone
from pathlib import Path

# Run as a script, bench/ comes first on sys.path and this file, named email.py,
# would shadow the standard library's `email`: swap bench/ for the repository
# before anything imports `email` (every bench script does the same).
ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

from email import policy  # noqa: E402 (after the swap: bench/email.py would shadow it)
from email.message import EmailMessage  # noqa: E402 (after the swap, as above)

import aiosmtplib  # noqa: E402

from notifiers.base import OutgoingMessage  # noqa: E402
from notifiers.content import ReminderContent, deadline_view  # noqa: E402
from notifiers.email_message import Attachment, Composer, Recipient  # noqa: E402
from notifiers.ics import FeedMeta  # noqa: E402
from notifiers.mailer import Mailer, MessageSpec, deliver, event_attachment  # noqa: E402
from notifiers.rendering import Templates  # noqa: E402
from notifiers.smtp import SMTPConfig, SMTPTransport  # noqa: E402
from scheduler.core.events import DeadlineInfo, Due, Event, EventKind  # noqa: E402

CONNECTIONS = 8
VN = timezone(timedelta(hours=7))
NOW = datetime(2024, 6, 17, 8, 0, tzinfo=VN)
CAMPAIGN = "Phong trào thi đua lao động giỏi, lao động sáng tạo năm 2024"
SINK = """
import asyncio, json, re, sys, time
from aiosmtpd.controller import Controller
LATENCY = float(sys.argv[2]) if len(sys.argv) > 2 else 0.0
MESSAGE_ID = re.compile(rb"^Message-ID:[ \\t]*(\\S+)", re.M | re.I)
class Sink:
    def __init__(self):
        self.reset()
    def reset(self):
        self.count, self.ids, self.first, self.last = 0, set(), None, None
    async def handle_DATA(self, server, session, envelope):
        if LATENCY:
            await asyncio.sleep(LATENCY)  # a relay on the network: round trips, queueing to disk
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
for line in sys.stdin:  # "stats": what arrived since the last "stats" (then forgotten); EOF: stop
    print(json.dumps(dict(count=sink.count, distinct=len(sink.ids), first=sink.first, last=sink.last)), flush=True)
    sink.reset()
controller.stop()
"""


def deadlines(k: int = 10) -> list[Event]:
    out = []
    for i in range(k):
        due = datetime(2024, 6, 25 + i % 5, tzinfo=VN)
        out.append(Event(
            uid=f"bench/deadline-{i}", kind=EventKind.DEADLINE,
            title=f"Báo cáo sơ kết 6 tháng đầu năm phong trào thi đua số {i}",
            start=due.date() - timedelta(days=1), end=due.date() - timedelta(days=1),
            source=f"calendars/bench.yaml:{i}", calendar_id="bench", item_id=f"deadline-{i}", defined_in="bench",
            deadline=DeadlineInfo(due=Due.BEFORE, due_at=due, as_written=f"trước {due.day}/6/2024",
                                  submitted_by="Công đoàn cấp trên trực tiếp cơ sở",
                                  submit_to="LĐLĐ tỉnh (Ban Chính sách pháp luật)", via="ldld@congdoan.vn"),
        ))
    return out


def make_specs(n: int, events: list[Event]) -> list[MessageSpec]:
    """What the reminder planner hands over: one spec per (deadline, recipient); one .ics per deadline."""
    meta = FeedMeta.for_calendar("bench", "Lịch thi đua", year=2024)
    ics: dict[str, Attachment] = {e.uid: event_attachment(e, meta, now=NOW) for e in events}
    views = {e.uid: deadline_view(e, CAMPAIGN, NOW.date()) for e in events}
    specs = []
    for i in range(n):
        event = events[i % len(events)]
        address = f"cdcs{i}@congdoan-tinh.vn"
        name = f"Ban Chấp hành Công đoàn cơ sở Trường Tiểu học số {i}"
        specs.append(MessageSpec(
            key=f"{event.uid}:7:{address}",
            recipient=Recipient(address, name),
            content=ReminderContent(views[event.uid], name, f"https://lich.congdoan.vn/da-nop?token={i:040d}",
                                    f"https://lich.congdoan.vn/unsubscribe?token={i:040d}"),
            attachments=(ics[event.uid],),
        ))
    return specs


def naive(spec: MessageSpec, templates: Templates) -> bytes:
    """One EmailMessage per recipient, as a first version would do it."""
    rendered = templates.render(spec.content)
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = "Lịch thi đua <lichthidua@congdoan.vn>"
    msg["To"] = f"{spec.recipient.name} <{spec.recipient.address}>"
    msg["Subject"] = rendered.subject
    msg.set_content(rendered.text)
    msg.add_alternative(rendered.html or "", subtype="html")
    (ics,) = spec.attachments
    msg.add_attachment(ics.data, "text", "calendar", filename=ics.filename, params={"method": "PUBLISH"})
    return bytes(msg)


async def baseline(port: int, messages: list[OutgoingMessage]) -> float:
    queue = list(reversed(messages))

    async def pump() -> None:
        smtp = aiosmtplib.SMTP(hostname="127.0.0.1", port=port, start_tls=False)
        await smtp.connect()
        while queue:
            m = queue.pop()
            await smtp.sendmail(m.sender, list(m.recipients), m.data)
        await smtp.quit()

    start = clock.perf_counter()
    await asyncio.gather(*(pump() for _ in range(CONNECTIONS)))
    return clock.perf_counter() - start


async def end_to_end(port: int, n: int, events: list[Event]) -> tuple[float, int]:
    start = clock.perf_counter()
    mailer = Mailer(Templates(), Composer("Lịch thi đua <lichthidua@congdoan.vn>"))
    specs = make_specs(n, events)  # includes the .ics of each deadline
    transport = SMTPTransport(SMTPConfig("127.0.0.1", port, "none", concurrency=CONNECTIONS))
    results = await deliver(specs, mailer, transport, NOW)
    return clock.perf_counter() - start, sum(r.delivered for r in results)


def write_wave(root: Path, n: int) -> Path:
    """calendars/ with one campaign whose deadline names a group of n units (real YAML, as admins write it)."""
    calendars = root / "calendars"
    (calendars / "recipients").mkdir(parents=True, exist_ok=True)
    (calendars / "bench-2024.yaml").write_text(
        "id: bench-2024\ntitle: Phong trào thi đua năm 2024\nyear: 2024\ndeadlines:\n"
        "  - id: bao-cao-dot\n    title: Báo cáo sơ kết 6 tháng đầu năm\n    date: 28/6/2024\n"
        "    due: no_later_than\n    submitted_by: Công đoàn cấp trên trực tiếp cơ sở\n"
        "    groups: [bench]\n    remind_days: [7]\n", encoding="utf-8")
    units = "".join(f'      - id: cdcs-{i:05d}\n        name: "Ban Chấp hành Công đoàn cơ sở Trường Tiểu học số {i}"\n'
                    f"        emails: [cdcs{i}@congdoan-tinh.vn]\n" for i in range(n))
    (calendars / "recipients" / "bench.yaml").write_text(
        f"groups:\n  - id: bench\n    name: Công đoàn cơ sở\n    units:\n{units}", encoding="utf-8")
    return calendars


def planned_end_to_end(port: int, n: int) -> dict[str, float]:
    """The reminder service's own path: plan, store (SQLite), claim, build (+ .ics), send, record each result."""
    import tempfile

    from scheduler.reminders.service import open_service
    from scheduler.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(calendars_dir=write_wave(Path(tmp), n), data_dir=Path(tmp) / "var",
                            mail_from="Lịch thi đua <lichthidua@congdoan.vn>")
        transport = SMTPTransport(SMTPConfig("127.0.0.1", port, "none", concurrency=CONNECTIONS))
        service = open_service(settings, transport=transport, load_calendars=False)
        from scheduler.live.catalog import load_catalog

        t0 = clock.perf_counter()
        service.load(load_catalog(settings.calendars_dir).calendars)  # start-up / reload: YAML of n units
        t1 = clock.perf_counter()
        now = datetime(2024, 6, 21, 8, 5, tzinfo=VN)  # Friday 21/6 08:05: every reminder is due
        service.replan(now)  # pure planning + upsert of n rows
        t2 = clock.perf_counter()
        report = asyncio.run(service.send_due(now))
        t3 = clock.perf_counter()
        service.engine.dispose()
    if report.sent != n:
        raise RuntimeError(f"planned wave: only {report.sent} of {n} sent")
    return {"load_s": t1 - t0, "plan_s": t2 - t1, "send_s": t3 - t2, "msgs_per_s": n / (t3 - t1)}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_sink(latency: float = 0.0) -> tuple[subprocess.Popen[str], int]:
    """An aiosmtpd sink in its own process; ``latency`` seconds per message model a relay on the network.

    Write a line to its stdin to get (and reset) what arrived: see :func:`sink_stats`; close stdin to stop it.
    """
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", SINK, str(port), str(latency)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    deadline = clock.monotonic() + 20  # a real process starting: poll, bounded
    while clock.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc, port
        except OSError:
            clock.sleep(0.05)
    proc.kill()
    raise RuntimeError("aiosmtpd sink did not start")


def sink_stats(proc: subprocess.Popen[str]) -> dict[str, float]:
    """Messages the sink received since the last call: count, distinct Message-IDs, first and last (epoch s)."""
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write("stats\n")
    proc.stdin.flush()
    return dict(json.loads(proc.stdout.readline()))


def run(n: int = 5000) -> dict[str, float]:
    events = deadlines()
    specs = make_specs(n, events)
    templates = Templates()
    composer = Composer("Lịch thi đua <lichthidua@congdoan.vn>")

    # Where the time goes, without sockets.
    t0 = clock.perf_counter()
    rendered = [templates.render(s.content) for s in specs]
    t1 = clock.perf_counter()
    prebuilt = [
        composer.compose(r, to=s.recipient, key=s.key, now=NOW, attachments=s.attachments)
        for r, s in zip(rendered, specs, strict=True)
    ]
    t2 = clock.perf_counter()
    naive_n = min(n, 300)
    for s in specs[:naive_n]:
        naive(s, templates)
    t3 = clock.perf_counter()

    proc, port = start_sink()
    try:
        asyncio.run(baseline(port, prebuilt[: min(n, 500)]))  # warm the sink
        base_s = asyncio.run(baseline(port, prebuilt))
        e2e_s, delivered = asyncio.run(end_to_end(port, n, events))
        planned = planned_end_to_end(port, n)
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait(timeout=20)
    if delivered != n:
        raise RuntimeError(f"only {delivered} of {n} delivered")
    out = {
        "messages": n,
        "render_us_per_msg": (t1 - t0) / n * 1e6,
        "compose_us_per_msg": (t2 - t1) / n * 1e6,
        "build_msgs_per_s": n / (t2 - t0),
        "naive_build_msgs_per_s": naive_n / (t3 - t2),
        "baseline_msgs_per_s": n / base_s,
        "end_to_end_msgs_per_s": n / e2e_s,
    }
    out["ratio"] = out["end_to_end_msgs_per_s"] / out["baseline_msgs_per_s"]
    out["planned_recipients_load_s"] = planned["load_s"]
    out["planned_plan_and_store_s"] = planned["plan_s"]
    out["planned_end_to_end_msgs_per_s"] = planned["msgs_per_s"]
    out["planned_ratio"] = planned["msgs_per_s"] / out["baseline_msgs_per_s"]
    return out


if __name__ == "__main__":
    result = run(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
    print(json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in result.items()}, indent=2))
    print(f"end to end {result['end_to_end_msgs_per_s']:.0f} msg/s vs transport-only "
          f"{result['baseline_msgs_per_s']:.0f} msg/s: ratio {result['ratio']:.2f} (goal >= 0.5)")
    print(f"with planning (plan + SQLite ledger + claim + build + send + record): "
          f"{result['planned_end_to_end_msgs_per_s']:.0f} msg/s: ratio {result['planned_ratio']:.2f} (goal >= 0.5)")
