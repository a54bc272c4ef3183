"""Bad input: schemathesis fuzzes every operation of the OpenAPI spec; no 500s, no way out of the folder."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import schemathesis
from conftest import CliRun
from hypothesis import HealthCheck, given, settings
from starlette.testclient import TestClient
from web_support import Clock, copy_calendars, settings_for

from scheduler.web.app import create_app

pytestmark = pytest.mark.slow


def _calendars_beside_a_secret(tmp: Path) -> Path:
    calendars = copy_calendars(tmp)
    # A valid calendar just outside the served folder: no request may reach it.
    (tmp / "bi-mat.yaml").write_text((calendars / "viet-nam.yaml").read_text(encoding="utf-8").replace(
        "id: viet-nam", "id: bi-mat").replace("title: Ngày lễ, kỷ niệm của đất nước", "title: BÍ MẬT"), encoding="utf-8")
    return calendars


@pytest.fixture(scope="module")
def app_and_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Path]]:
    """The service as `lichthidua serve` runs it, with every built-in extension (reminders)."""
    tmp = tmp_path_factory.mktemp("fuzz")
    app = create_app(settings_for(tmp, _calendars_beside_a_secret(tmp)), clock=Clock(), watch=False)
    with TestClient(app) as client:
        yield client, tmp


@pytest.fixture(scope="module")
def core_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """Pages and feeds only, no extension."""
    tmp = tmp_path_factory.mktemp("fuzz-core")
    app = create_app(settings_for(tmp, _calendars_beside_a_secret(tmp)), clock=Clock(), extensions=[], watch=False)
    with TestClient(app) as client:
        yield client


def check(case: schemathesis.Case, response: schemathesis.Response) -> None:
    assert response.status_code < 500 or response.status_code == 503, (response.status_code, response.text[:500])
    if response.status_code in (400, 404) and case.method.upper() != "HEAD":
        # Vietnamese messages, never a stack trace or pydantic's English.
        assert "Traceback" not in response.text
        assert any(word in response.text for word in ("Không", "không", "Tham số", "phải", "Loại", "Khoảng"))


def fuzz_all(client: TestClient, skip_prefix: str | None = None) -> list[str]:
    """Every operation of /openapi.json, fuzzed (schemathesis' pytest plugin predates pytest 9: driven by hand)."""
    api = schemathesis.openapi.from_asgi("/openapi.json", client.app)
    labels = []
    for result in api.get_all_operations():
        operation = result.ok()
        if skip_prefix is not None and operation.path.startswith(skip_prefix):
            continue
        labels.append(operation.label)

        @given(case=operation.as_strategy())
        @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None, derandomize=True)
        def fuzz(case: schemathesis.Case) -> None:
            check(case, case.call())

        fuzz()
    return labels


def test_no_server_errors_on_feeds_and_pages(core_app: TestClient) -> None:
    labels = fuzz_all(core_app)
    assert "GET /feeds/{calendar_id}.ics" in labels and "HEAD /feeds/{calendar_id}.ics" in labels
    assert "GET /c/{calendar_id}" in labels and "GET /" in labels and "GET /healthz" in labels


def test_no_server_errors_with_every_extension(app_and_dir: tuple[TestClient, Path]) -> None:
    client, _ = app_and_dir
    fuzz_all(client)


def test_vietnamese_text_in_every_parameter(app_and_dir: tuple[TestClient, Path]) -> None:
    """What a hand-typed or mangled link carries: diacritics in every path and query parameter."""
    client, _ = app_and_dir
    spec = client.get("/openapi.json").json()
    failures = []
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method not in ("get", "head"):
                continue
            params = [*item.get("parameters", []), *op.get("parameters", [])]
            url = path
            query = {}
            for p in params:
                if p["in"] == "path":
                    url = url.replace("{" + p["name"] + "}", "lịch-ư")
                elif p["in"] == "query":
                    query[p["name"]] = "Lịch thi đua ư.ơ"
            r = client.request(method.upper(), url, params=query)
            if r.status_code >= 500 and r.status_code != 503:
                failures.append(f"{method.upper()} {path}: {r.status_code}")
    assert not failures, failures


@pytest.mark.parametrize(
    "path",
    [
        "/feeds/..%2Fbi-mat.ics",
        "/feeds/%2E%2E%2Fbi-mat.ics",
        "/feeds/..%5Cbi-mat.ics",
        "/feeds/bi-mat.ics",
        "/c/..%2Fbi-mat",
        "/c/%2e%2e%2fbi-mat",
        "/static/..%2F..%2Fbi-mat.yaml",
        "/static/%2e%2e/%2e%2e/bi-mat.yaml",
        "/feeds/....%2F%2Fbi-mat.ics",
        "/feeds/%00.ics",
    ],
)
def test_no_path_traversal(app_and_dir: tuple[TestClient, Path], path: str) -> None:
    client, _ = app_and_dir
    r = client.get(path)
    assert r.status_code == 404, (path, r.status_code)
    assert "BÍ MẬT" not in r.text and "id: bi-mat" not in r.text  # the path may be echoed, never the file


@pytest.mark.parametrize(
    "query",
    ["from=2024-01-01&from=2025-01-01", "kinds=deadline&kinds=phase", "from=%00", "kinds=%F0%9F%92%A9",
     "to=9999-12-31", "from=0001-01-01", "inherited=" + "x" * 5000, "from=2024-1-1"],
)
def test_odd_queries_are_answered(app_and_dir: tuple[TestClient, Path], query: str) -> None:
    client, _ = app_and_dir
    r = client.get(f"/feeds/kon-tum-2024.ics?{query}")
    assert r.status_code in (200, 400), (query, r.status_code, r.text)


# --- hostile calendar files (issue 11): check, expand, a live serve ----------------------------

import subprocess  # noqa: E402

import httpx  # noqa: E402
from web_support import ROOT, process_env, serve_process, wait_until  # noqa: E402

from tests.hostile import CORPUS  # noqa: E402

LICHTHIDUA = ROOT / ".venv" / "bin" / "lichthidua"
# A hang guard, not a speed: no test asserts a wall time (the bounds' cost lives in bench/).
WAIT_SECONDS = 120.0


def _cli(workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = process_env(workdir)
    return subprocess.run([str(LICHTHIDUA), *args], cwd=workdir, env=env, capture_output=True, text=True, timeout=300)


def test_hostile_corpus_at_check_and_expand(tmp_path: Path, cli: Callable[..., CliRun]) -> None:
    """`check` of the folder as a real process; `expand` of each hostile file in-process (the same command code,
    without a process start per file), in a folder of its own (the whole hostile folder is `check`'s and the
    last `expand`'s)."""
    calendars = copy_calendars(tmp_path)
    for case in CORPUS:
        (calendars / f"{case.name}.yaml").write_bytes(case.data)
    run = _cli(tmp_path, "check", "--calendars", "calendars", "calendars")
    assert run.returncode == 65 and "Traceback" not in run.stderr, run.stderr[-2000:]
    for case in CORPUS:
        assert f"calendars/{case.name}.yaml:{case.line}:{case.column}: lỗi" in run.stderr, case.name
    good = [line for line in run.stderr.splitlines() if line.startswith("calendars/kon-tum-2024.yaml")]
    assert all(": ghi chú" in line for line in good), good  # the good files stay clean (a note is no problem)
    for case in CORPUS:
        alone = copy_calendars(tmp_path / case.name)
        (alone / f"{case.name}.yaml").write_bytes(case.data)
        one = cli("expand", "--calendars", alone, case.name)
        assert one.exit_code == 65, (case.name, one.exit_code, one.stderr[-500:])
        assert f"{case.name}.yaml:{case.line}:{case.column}" in one.stderr, case.name
    one = cli("expand", "--calendars", calendars, "kon-tum-2024", "--format", "json")
    assert one.exit_code == 0 and '"kon-tum-2024' in one.stdout


def test_hostile_files_at_a_live_serve(tmp_path: Path) -> None:
    """Dropped into a running service, one by one and over a served calendar: the others stay served."""
    calendars = copy_calendars(tmp_path)
    served = calendars / "kon-tum-2024.yaml"
    good = served.read_bytes()
    with serve_process(tmp_path, calendars, watch_interval=0.2) as server:
        feeds = {cid: httpx.get(f"{server.base}/feeds/{cid}.ics", timeout=10).content
                 for cid in ("viet-nam", "kon-tum-2024", "long-bien-2024")}
        for case in CORPUS:
            (calendars / f"{case.name}.yaml").write_bytes(case.data)

            def seen(name: str = case.name) -> bool:
                return name in httpx.get(server.base + "/healthz", timeout=10).json()["failing"]

            wait_until(seen, WAIT_SECONDS, f"/healthz báo {case.name} lỗi")
            for cid, body in feeds.items():
                r = httpx.get(f"{server.base}/feeds/{cid}.ics", timeout=10)
                assert r.status_code == 200 and r.content == body, (case.name, cid)
        # A hostile edit of a served calendar: its last good version stays in service.
        for case in CORPUS[:6]:
            served.write_bytes(case.data.replace(case.name.encode(), b"kon-tum-2024"))
            wait_until(lambda: "kon-tum-2024" in httpx.get(server.base + "/healthz", timeout=10).json()["failing"],
                       WAIT_SECONDS, f"kon-tum-2024 lỗi sau khi ghi {case.name}")
            assert httpx.get(f"{server.base}/feeds/kon-tum-2024.ics", timeout=10).content == feeds["kon-tum-2024"]
            served.write_bytes(good)
            wait_until(lambda: "kon-tum-2024" not in httpx.get(server.base + "/healthz", timeout=10).json()["failing"],
                       WAIT_SECONDS, "kon-tum-2024 hợp lệ trở lại")
        health = httpx.get(server.base + "/healthz", timeout=10).json()
        assert health["status"] == "degraded"
        assert {"viet-nam", "kon-tum-2024", "long-bien-2024"} <= set(health["calendars"])
        assert server.process.poll() is None
    assert "Traceback" not in server.log(), server.log()[-3000:]
