"""config/nginx-lichthidua.conf, as the README tells admins to use it, in front of a real `lichthidua serve`."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from web_support import ROOT, ServeProcess, copy_calendars, serve_process, wait_until

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx chưa được cài (apt-get install nginx-light)"),
    pytest.mark.skipif(shutil.which("openssl") is None, reason="thiếu lệnh openssl để tạo chứng chỉ thử"),
]


def _bench_feeds():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("bench_feeds", ROOT / "bench" / "feeds.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServeProcess, Path, str, str]]:
    tmp = tmp_path_factory.mktemp("nginx")
    calendars = copy_calendars(tmp)
    with serve_process(tmp, calendars) as server:
        upstream = int(server.base.rsplit(":", 1)[1])
        with _bench_feeds().nginx_process(upstream) as (http_port, https_port):
            yield server, calendars, f"http://127.0.0.1:{http_port}", f"https://127.0.0.1:{https_port}"


def test_config_passes_nginx_t(tmp_path: Path) -> None:
    prefix = tmp_path / "p"
    prefix.mkdir()
    conf = _bench_feeds().local_nginx_conf(prefix, 8000, 8080, 8443)
    r = subprocess.run(["nginx", "-t", "-c", str(conf), "-p", str(prefix)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_feeds_are_cached_and_revalidated_by_etag(stack: tuple[ServeProcess, Path, str, str]) -> None:
    server, calendars, plain, tls = stack
    url = "/feeds/kon-tum-2024.ics?from=2024-01-01&to=2024-12-31"
    direct = httpx.get(server.base + url)
    with httpx.Client(base_url=tls, verify=False, timeout=10) as http:
        first = http.get(url)
        assert first.status_code == 200 and first.content == direct.content
        assert first.headers["etag"] == direct.headers["etag"]
        assert first.headers["content-type"] == "text/calendar; charset=utf-8"
        assert first.headers["x-cache-status"] == "MISS"
        second = http.get(url)
        assert second.headers["x-cache-status"] == "HIT" and second.content == direct.content
        not_modified = http.get(url, headers={"If-None-Match": first.headers["etag"]})
        assert not_modified.status_code == 304
        since = http.get(url, headers={"If-Modified-Since": first.headers["last-modified"]})
        assert since.status_code == 304
        assert http.get("/c/kon-tum-2024").status_code == 200
        assert "strict-transport-security" in http.get("/").headers

        # An edit reaches subscribers through the cache within its 10 s lifetime (plus the watcher).
        path = calendars / "kon-tum-2024.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("date: 25/6\n", "date: 24/6\n"), encoding="utf-8")
        # Waited for, not timed: how fast is the cache's lifetime (10 s) plus the watcher, not a test's business.
        wait_until(lambda: http.get(url).headers["etag"] != first.headers["etag"], 120, "nginx phục vụ bản sửa")
    redirect = httpx.get(plain + url)
    assert redirect.status_code == 301 and redirect.headers["location"].startswith("https://")
