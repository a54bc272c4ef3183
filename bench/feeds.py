"""Serving ICS feeds: the real endpoint against a bare route with the same bytes, same server, same run.

A realistic feed (Kon Tum's 2024 campaign, which extends the national
calendar, two years of it) is served by a real `uvicorn` process running
`create_app`. That process also has two bare FastAPI routes that answer with
the same bytes straight from memory (a full 200, and a 304): the baseline.
Full GETs and conditional GETs (If-None-Match: the feed's ETag, answered
304) are measured for both; the goal is the real endpoint at >= 80% of the
baseline for both kinds. A naive route that re-renders on every request is
measured briefly for scale.

Cold rendering: 1,000 events (bench/ics.py's province-like set) through the
feed pipeline (ledger reconcile, render, ETag) against icalendar building and
serialising the same events; goal <= 1.2x. Also the first render of a real
10-year feed, expansion included.

When nginx is installed, the same loads go through nginx with the cache
configuration the README recommends (proxy_cache + proxy_cache_revalidate).

Load comes from `wrk` when installed (one thread, one core), otherwise from
an asyncio keep-alive client in this process. Results are JSON plus a
printed summary of the ratios.

    .venv/bin/python bench/feeds.py [--seconds 4] [--connections 16]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# bench/email.py must not shadow the stdlib email
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

CALENDAR = "kon-tum-2024"
QUERY = "from=2024-01-01&to=2025-12-31"
FEED_PATH = f"/feeds/{CALENDAR}.ics?{QUERY}"
NOW = datetime(2024, 3, 1, 3, tzinfo=UTC)


# --- the server under test ------------------------------------------------------


def serve(port: int, calendars: Path, data: Path) -> None:
    """The app plus the baseline routes, on uvicorn, until killed."""
    import uvicorn
    from fastapi import FastAPI, Response

    from scheduler.feeds.query import parse_feed_query
    from scheduler.settings import Settings
    from scheduler.web.app import create_app
    from scheduler.web.extensions import WebExtension
    from scheduler.web.feed_service import CONTENT_TYPE, render_feed

    settings = Settings(calendars_dir=calendars, data_dir=data, port=port, log_level="warning")
    memory: dict[str, bytes] = {}

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        feeds = app.state.feeds
        query = parse_feed_query(dict(p.split("=") for p in QUERY.split("&")), date(2024, 3, 1))
        memory["body"] = feeds.render_now(CALENDAR, query).body
        memory["query"] = query  # type: ignore[assignment]
        yield

    app = create_app(settings, extensions=[WebExtension("bench", lifespan=lifespan)], watch=False)

    @app.get("/bare/full")
    async def bare_full() -> Response:
        return Response(memory["body"], media_type=CONTENT_TYPE)

    @app.get("/bare/304")
    async def bare_304() -> Response:
        return Response(status_code=304)

    @app.get("/bare/naive")
    def naive() -> Response:
        feeds = app.state.feeds
        state = feeds.state(CALENDAR)
        feed, _ = render_feed(state, memory["query"], feeds.repository, feeds.options, feeds.clock())  # type: ignore[arg-type]
        return Response(feed.body, media_type=CONTENT_TYPE)

    # The baseline routes go first in the route table, so they do not pay for matching the others.
    bare = [r for r in app.router.routes if getattr(r, "path", "").startswith("/bare/")]
    app.router.routes[:] = bare + [r for r in app.router.routes if r not in bare]
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


# --- load generation --------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


def _wrk_ms(text: str) -> float:
    m = re.match(r"([\d.]+)(us|ms|s)", text)
    assert m, text
    return float(m[1]) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m[2]]


def load_wrk(url: str, headers: dict[str, str], seconds: float, connections: int) -> dict[str, float]:
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency"]
    for k, v in headers.items():
        cmd += ["-H", f"{k}: {v}"]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])  # type: ignore[index]
    p50 = _wrk_ms(re.search(r"^\s+50%\s+(\S+)", out, re.M)[1])  # type: ignore[index]
    p99 = _wrk_ms(re.search(r"^\s+99%\s+(\S+)", out, re.M)[1])  # type: ignore[index]
    statuses = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if statuses and int(statuses[1]):
        raise RuntimeError(f"{url}: {statuses[1]} error responses\n{out}")
    return {"rps": round(rps), "p50_ms": round(p50, 3), "p99_ms": round(p99, 3)}


async def _load_python(url: str, headers: dict[str, str], seconds: float, connections: int) -> dict[str, float]:
    host_port, _, path = url.removeprefix("http://").partition("/")
    host, _, port = host_port.partition(":")
    extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    request = f"GET /{path} HTTP/1.1\r\nHost: {host_port}\r\n{extra}\r\n".encode()
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        reader, writer = await asyncio.open_connection(host, int(port))
        while time.perf_counter() < deadline:
            t0 = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            if status not in (200, 304):
                raise RuntimeError(f"{url}: HTTP {status}")
            m = re.search(rb"(?i)content-length:\s*(\d+)", head)
            if m and status == 200:
                await reader.readexactly(int(m[1]))
            latencies.append(time.perf_counter() - t0)
        writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(connections)))
    elapsed = time.perf_counter() - start
    latencies.sort()
    return {
        "rps": round(len(latencies) / elapsed),
        "p50_ms": round(latencies[len(latencies) // 2] * 1000, 3),
        "p99_ms": round(latencies[int(len(latencies) * 0.99)] * 1000, 3),
    }


def load(url: str, headers: dict[str, str], seconds: float, connections: int) -> dict[str, float]:
    if shutil.which("wrk"):
        return load_wrk(url, headers, seconds, connections)
    return asyncio.run(_load_python(url, headers, seconds, connections))


# wrk's request() hook: each request takes the next path, round robin over all connections (-t1: one Lua state);
# its delay() hook: milliseconds each connection waits before its next request (0: as fast as answered).
CYCLE_LUA = """
local paths = {%s}
local pace = %d
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
if pace > 0 then
  delay = function() return pace end
end
"""


def start_cycle(base: str, paths: list[str], seconds: float, connections: int, workdir: Path,
                pace_ms: int = 0) -> subprocess.Popen[str]:
    """Load ``paths`` (round robin, keep-alive) from another process: wrk with a Lua script, else Python.

    ``pace_ms``: each connection waits that long after an answer before its next request, as a
    person's browser does (0: ask again at once, as fast as the server answers).

    The process prints ``{"requests": n, "seconds": s}`` (as JSON) when done: see :func:`cycle_result`.
    Another process, so the load never competes for this process's interpreter lock.
    """
    duration = max(1, round(seconds))
    if shutil.which("wrk"):
        script = workdir / "cycle.lua"
        script.write_text(CYCLE_LUA % (", ".join(json.dumps(p) for p in paths), pace_ms), encoding="utf-8")
        cmd = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "-s", str(script), base + paths[0]]
    else:
        cmd = [sys.executable, __file__, "--cycle", base, str(duration), str(connections), str(pace_ms), *paths]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def cycle_result(process: subprocess.Popen[str]) -> dict[str, float]:
    """Requests served per second by a :func:`start_cycle` load (errors raise)."""
    out, err = process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"page load failed: {err}")
    if out.lstrip().startswith("{"):
        return json.loads(out)  # type: ignore[no-any-return]
    statuses = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if statuses and int(statuses[1]):
        raise RuntimeError(f"pages: {statuses[1]} error responses\n{out}")
    done = re.search(r"(\d+) requests in ([\d.]+)(\w+)", out)
    assert done, out
    seconds = float(done[2]) * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[done[3]]
    return {"requests": int(done[1]), "seconds": round(seconds, 2)}


async def _cycle_python(base: str, paths: list[str], seconds: float, connections: int,
                        pace_ms: int = 0) -> dict[str, float]:
    host_port = base.removeprefix("http://")
    host, _, port = host_port.partition(":")
    requests = [f"GET {p} HTTP/1.1\r\nHost: {host_port}\r\n\r\n".encode() for p in paths]
    done = [0]
    deadline = time.perf_counter() + seconds

    async def worker(offset: int) -> None:
        reader, writer = await asyncio.open_connection(host, int(port))
        i = offset
        while time.perf_counter() < deadline:
            writer.write(requests[i % len(requests)])
            head = await reader.readuntil(b"\r\n\r\n")
            if int(head[9:12]) not in (200, 304):
                raise RuntimeError(f"{paths[i % len(paths)]}: HTTP {head[9:12].decode()}")
            m = re.search(rb"(?i)content-length:\s*(\d+)", head)
            if m:
                await reader.readexactly(int(m[1]))
            done[0] += 1
            i += 1
            if pace_ms:
                await asyncio.sleep(pace_ms / 1000)  # a load generator's pacing, not a test waiting on time
        writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(worker(k) for k in range(connections)))
    return {"requests": done[0], "seconds": round(time.perf_counter() - start, 2)}


def best_of(url: str, headers: dict[str, str], seconds: float, connections: int, rounds: int) -> dict[str, float]:
    """The round with the median throughput: one noisy round on a shared machine does not decide."""
    results = sorted((load(url, headers, seconds, connections) for _ in range(rounds)), key=lambda r: r["rps"])
    return results[len(results) // 2]


def paired(
    baseline: str, target: str, headers: dict[str, str], seconds: float, connections: int, rounds: int
) -> tuple[dict[str, float], dict[str, float], float]:
    """Baseline and target measured alternately; the ratio is the median of the per-pair ratios.

    On a shared 2-core machine throughput drifts from second to second;
    alternating and pairing cancels most of the drift.
    """
    pairs = []
    for _ in range(rounds):
        b = load(baseline, headers, seconds, connections)
        t = load(target, headers, seconds, connections)
        pairs.append((b, t, t["rps"] / b["rps"]))
    pairs.sort(key=lambda p: p[2])
    b, t, ratio = pairs[len(pairs) // 2]
    return b, t, round(ratio, 3)


# --- processes --------------------------------------------------------------------------


@contextmanager
def server_process(workdir: Path) -> Iterator[int]:
    port = free_port()
    calendars = workdir / "calendars"
    shutil.copytree(ROOT / "calendars", calendars)
    proc = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(port), str(calendars), str(workdir / "var")],
        cwd=workdir, env={**os.environ, "LICHTHIDUA_CONFIG": str(workdir / "none.toml")},
    )
    try:
        wait_port(port)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=10)


NGINX_EXAMPLE = ROOT / "config" / "nginx-lichthidua.conf"
NGINX_WRAPPER = """\
worker_processes 1;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    proxy_temp_path {prefix}/proxy_temp;
    client_body_temp_path {prefix}/client_temp;
    fastcgi_temp_path {prefix}/fastcgi_temp;
    uwsgi_temp_path {prefix}/uwsgi_temp;
    scgi_temp_path {prefix}/scgi_temp;
    include {site};
}}
"""


def local_nginx_conf(prefix: Path, upstream: int, http_port: int, https_port: int) -> Path:
    """config/nginx-lichthidua.conf as shipped, made runnable here: ports, cache and a self-signed certificate.

    Every substitution must find its text, so the example and what is measured cannot drift apart.
    """
    cert, key = prefix / "cert.pem", prefix / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        check=True, capture_output=True,
    )
    site = NGINX_EXAMPLE.read_text(encoding="utf-8")
    for old, new in {
        "/var/cache/nginx/lichthidua": str(prefix / "cache"),
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{upstream};",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "/etc/letsencrypt/live/lich.example.vn/fullchain.pem": str(cert),
        "/etc/letsencrypt/live/lich.example.vn/privkey.pem": str(key),
    }.items():
        assert old in site, f"{NGINX_EXAMPLE} no longer contains {old!r}"
        site = site.replace(old, new)
    (prefix / "site.conf").write_text(site, encoding="utf-8")
    conf = prefix / "nginx.conf"
    conf.write_text(NGINX_WRAPPER.format(prefix=prefix, site=prefix / "site.conf"), encoding="utf-8")
    return conf


@contextmanager
def nginx_process(upstream: int) -> Iterator[tuple[int, int]]:
    """nginx with the shipped configuration in front of `upstream`; yields (http port, https port)."""
    http_port, https_port = free_port(), free_port()
    # Started as root, nginx's workers run as nobody: the cache folders must be reachable from /tmp
    # down, which a test's or TemporaryDirectory's private folder is not.
    prefix = Path(tempfile.mkdtemp(prefix="lichthidua-nginx-"))
    prefix.chmod(0o777)
    conf = local_nginx_conf(prefix, upstream, http_port, https_port)
    proc = subprocess.Popen([shutil.which("nginx") or "nginx", "-c", str(conf), "-p", str(prefix)],
                            stderr=subprocess.DEVNULL)
    try:
        wait_port(https_port)
        yield http_port, https_port
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(prefix, ignore_errors=True)


# --- cold rendering ---------------------------------------------------------------------


def cold_render(rounds: int = 7) -> dict[str, float | int]:
    from bench import ics as ics_bench
    from notifiers import ics
    from notifiers.ics import RenderOptions
    from scheduler.web.feed_service import render_events

    events = ics_bench.make_events(1000)
    meta = ics.FeedMeta.for_calendar("bench", "Lịch thi đua (đo tốc độ)", year=2024)
    options = RenderOptions()

    def ours() -> None:
        render_events(events, (), meta, {}, options, NOW, NOW)

    def baseline() -> None:
        ics_bench.render_icalendar(events, meta)

    ours(), baseline()
    mine = ics_bench._best(ours, rounds, before=ics._vtimezone.cache_clear)
    base = ics_bench._best(baseline, rounds)
    return {"events": len(events), "pipeline_cold_s": round(mine, 5), "icalendar_s": round(base, 5),
            "ratio": round(mine / base, 3)}


def real_first_render(workdir: Path) -> dict[str, float | int]:
    """The first request for a 10-year Kon Tum feed: expansion, ledger, render, ETag."""
    from bench import ics as ics_bench
    from notifiers import ics
    from notifiers.ics import RenderOptions, feed_meta
    from scheduler.core.expand import Window, expand
    from scheduler.feeds.query import parse_feed_query
    from scheduler.live.repository import CalendarRepository
    from scheduler.settings import Settings
    from scheduler.web.feed_service import FeedService

    calendars = workdir / "cold-calendars"
    shutil.copytree(ROOT / "calendars", calendars)
    repo = CalendarRepository(Settings(calendars_dir=calendars), clock=lambda: NOW)
    repo.reload()
    query = parse_feed_query({"from": "2020-01-01", "to": "2029-12-31"}, date(2024, 3, 1))
    calendar = repo.snapshot.calendars[CALENDAR]
    events = expand(calendar, Window(query.start, query.end))
    times, base_times = [], []
    for _ in range(5):
        ics._vtimezone.cache_clear()
        service = FeedService(repo, RenderOptions(), lambda: NOW)
        t0 = time.perf_counter()
        service.render_now(CALENDAR, query)
        times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        ics_bench.render_icalendar(events, feed_meta(calendar))
        base_times.append(time.perf_counter() - t0)
    mine, base = statistics.median(times), statistics.median(base_times)
    return {"events": len(events), "first_render_s": round(mine, 5), "icalendar_s": round(base, 5),
            "ratio": round(mine / base, 3)}


# --- main -------------------------------------------------------------------------------


def run(seconds: float, connections: int, rounds: int) -> dict[str, object]:
    import httpx

    out: dict[str, object] = {"load_generator": "wrk" if shutil.which("wrk") else "python asyncio",
                              "connections": connections, "seconds_per_round": seconds}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        with server_process(work) as port:
            base = f"http://127.0.0.1:{port}"
            first = httpx.get(base + FEED_PATH)
            etag = first.headers["etag"]
            bare = httpx.get(base + "/bare/full")
            assert bare.content == first.content, "the baseline must serve the same bytes"
            assert httpx.get(base + FEED_PATH, headers={"If-None-Match": etag}).status_code == 304
            out["feed"] = {"path": FEED_PATH, "bytes": len(first.content), "events": first.content.count(b"BEGIN:VEVENT")}
            cond = {"If-None-Match": etag}
            load(base + FEED_PATH, {}, 1, connections)  # warm up both
            load(base + "/bare/full", {}, 1, connections)
            bf, ff, ratio_full = paired(base + "/bare/full", base + FEED_PATH, {}, seconds, connections, rounds)
            b3, f3, ratio_304 = paired(base + "/bare/304", base + FEED_PATH, cond, seconds, connections, rounds)
            results = {
                "baseline_full": bf,
                "feed_full": ff,
                "baseline_304": b3,
                "feed_304": f3,
                "naive_rerender_full": load(base + "/bare/naive", {}, min(seconds, 2), 4),
            }
            out["uvicorn"] = results
            out["ratio_full"] = ratio_full
            out["ratio_304"] = ratio_304
            if shutil.which("nginx"):
                with nginx_process(port) as (_, nport):
                    nbase = f"https://127.0.0.1:{nport}"
                    through = httpx.get(nbase + FEED_PATH, verify=False)
                    assert through.content == first.content, (through.status_code, through.text[:300])
                    assert httpx.get(nbase + FEED_PATH, headers=cond, verify=False).status_code == 304
                    nginx = {
                        "nginx_full": best_of(nbase + FEED_PATH, {}, seconds, connections, rounds),
                        "nginx_304": best_of(nbase + FEED_PATH, cond, seconds, connections, rounds),
                    }
                    out["nginx"] = nginx
                    out["nginx_ratio_full_vs_baseline"] = round(nginx["nginx_full"]["rps"] / results["baseline_full"]["rps"], 2)
                    out["nginx_ratio_304_vs_baseline"] = round(nginx["nginx_304"]["rps"] / results["baseline_304"]["rps"], 2)
            else:
                out["nginx"] = "not installed (apt-get install nginx-light to measure)"
        out["cold_render_1000"] = cold_render()
        out["first_render_real_10_years"] = real_first_render(work)
    return out


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--serve":
        serve(int(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4]))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--cycle":  # start_cycle without wrk
        base, seconds, connections, pace, *paths = sys.argv[2:]
        print(json.dumps(asyncio.run(_cycle_python(base, paths, float(seconds), int(connections), int(pace)))))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    result = run(args.seconds, args.connections, args.rounds)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    u = result["uvicorn"]
    print(f"\nfull GET : feed {u['feed_full']['rps']}/s vs bare {u['baseline_full']['rps']}/s "
          f"-> ratio {result['ratio_full']} (goal >= 0.8)")
    print(f"304      : feed {u['feed_304']['rps']}/s vs bare {u['baseline_304']['rps']}/s "
          f"-> ratio {result['ratio_304']} (goal >= 0.8)")
    print(f"naive re-render per request: {u['naive_rerender_full']['rps']}/s")
    cold = result["cold_render_1000"]
    print(f"cold render, 1,000 events: {cold['pipeline_cold_s']}s vs icalendar {cold['icalendar_s']}s "
          f"-> ratio {cold['ratio']} (goal <= 1.2)")
    real = result["first_render_real_10_years"]
    print(f"first render of a real 10-year feed ({real['events']} events): ratio {real['ratio']} vs icalendar")
    if isinstance(result.get("nginx"), dict):
        n = result["nginx"]
        print(f"through nginx (HTTPS, config/nginx-lichthidua.conf): full {n['nginx_full']['rps']}/s "
              f"({result['nginx_ratio_full_vs_baseline']}x bare uvicorn), "
              f"304 {n['nginx_304']['rps']}/s ({result['nginx_ratio_304_vs_baseline']}x)")


if __name__ == "__main__":
    main()
