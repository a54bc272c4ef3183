"""Pages like feeds: rendered once per version, served from memory with ETag/304; `/` at province scale.

The app runs in-process on a real folder: the 7 shipped calendars plus 120
generated campaigns from several issuers, enough for groups, search and pages.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient
from web_support import CALENDARS, Clock, campaign_yaml, copy_calendars, refresh, running, serve_process, settings_for

from scheduler.web import listing

PROVINCES = ["Điện Biên", "Kon Tum", "Lào Cai", "Hà Giang"]
TOTAL = len(list(CALENDARS.glob("*.yaml"))) + 120


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("pages")
    calendars = copy_calendars(tmp)
    for i in range(120):
        province = PROVINCES[i % len(PROVINCES)]
        text = campaign_yaml(f"phong-trao-{i:03d}", 2024, f"Phong trào số {i} tỉnh {province}", f"{1 + i % 28}/7")
        text = text.replace("issuer: Liên đoàn Lao động tỉnh Thử Nghiệm", f"issuer: Liên đoàn Lao động tỉnh {province}")
        (calendars / f"phong-trao-{i:03d}.yaml").write_text(text, encoding="utf-8")
    return tmp


@pytest.fixture(scope="module")
def client(folder: Path) -> Iterator[TestClient]:
    with running(settings_for(folder, folder / "calendars"), Clock()) as c:
        yield c


def test_index_is_rendered_once_and_answers_304(client: TestClient) -> None:
    pages = client.app.state.pages  # type: ignore[attr-defined]
    first = client.get("/")
    assert first.status_code == 200 and first.headers["cache-control"] == "no-cache"
    renders = pages.renders
    again = client.get("/")
    assert again.content == first.content and pages.renders == renders  # from memory
    cached = client.get("/", headers={"If-None-Match": first.headers["etag"]})
    assert cached.status_code == 304 and cached.content == b"" and cached.headers["etag"] == first.headers["etag"]


def test_index_groups_by_issuer_with_the_soonest_deadline_first(client: TestClient) -> None:
    text = html.unescape(client.get("/").text)
    assert f"{TOTAL} phong trào" in text
    groups = [line for line in text.splitlines() if 'class="group-title"' in line]
    # 1 March 2024: generated deadlines in July beat Kon Tum's 24/6? No: Kon Tum's 24 June is sooner.
    assert "Liên đoàn Lao động tỉnh Kon Tum" in groups[0]
    assert "Cấp tỉnh, thành phố, ngành trung ương" in text
    assert text.count('class="card campaign') == listing.PAGE_SIZE  # one page
    assert 'rel="next" href="/?q=&amp;cap=&amp;trang=2"' in client.get("/").text


def test_index_search_ignores_case_and_diacritics(client: TestClient) -> None:
    text = html.unescape(client.get("/", params={"q": "dien bien"}).text)
    assert f"30 / {TOTAL} phong trào phù hợp" in text
    assert "Liên đoàn Lao động tỉnh Điện Biên" in text and "tỉnh Lào Cai" not in text
    national = html.unescape(client.get("/", params={"cap": "0"}).text)
    assert "Ngày lễ, kỷ niệm của đất nước" in national and f"1 / {TOTAL}" in national
    nothing = html.unescape(client.get("/", params={"q": "không có phong trào này"}).text)
    assert "Không có phong trào nào phù hợp" in nothing


def test_index_pages(client: TestClient) -> None:
    second = html.unescape(client.get("/", params={"trang": "2"}).text)
    pages = -(-TOTAL // listing.PAGE_SIZE)
    assert f"Trang 2 / {pages}" in second and 'rel="prev"' in second
    last = html.unescape(client.get("/", params={"trang": "99"}).text)
    assert f"Trang {pages} / {pages}" in last  # clamped, not an error
    bad = client.get("/", params={"trang": "abc"})
    assert bad.status_code == 400 and "Tham số 'trang' phải là một số" in html.unescape(bad.text)
    assert client.get("/", params={"cap": "9"}).status_code == 400


def test_campaign_page_is_cached_per_version_and_year(client: TestClient) -> None:
    pages = client.app.state.pages  # type: ignore[attr-defined]
    first = client.get("/c/phong-trao-001")
    renders = pages.renders
    assert client.get("/c/phong-trao-001").content == first.content and pages.renders == renders
    assert client.get("/c/phong-trao-001", headers={"If-None-Match": first.headers["etag"]}).status_code == 304
    assert client.get("/c/phong-trao-001?year=2025").status_code == 200 and pages.renders == renders + 1


def test_an_edit_changes_the_pages_and_only_re_summarises_its_calendar(folder: Path, client: TestClient) -> None:
    etag = client.get("/c/phong-trao-002").headers["etag"]
    client.get("/")
    summaries = client.app.state.summaries._rows  # type: ignore[attr-defined]
    other = summaries["phong-trao-003"]
    path = folder / "calendars" / "phong-trao-002.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("title: Phong trào số 2 ", "title: Phong trào sửa "),
                    encoding="utf-8")
    assert refresh(client) is True
    page = client.get("/c/phong-trao-002")
    assert page.headers["etag"] != etag and "Phong trào sửa" in html.unescape(page.text)
    found = html.unescape(client.get("/", params={"q": "phong trao sua"}).text)
    assert f"1 / {TOTAL} phong trào phù hợp" in found and 'href="/c/phong-trao-002"' in found
    summaries = client.app.state.summaries._rows  # type: ignore[attr-defined]
    assert summaries["phong-trao-003"] is other and summaries["phong-trao-002"][2].calendar is not None


@pytest.mark.parametrize("url", ["/", "/?trang=2&q=", "/?q=kon+tum", "/c/phong-trao-004", "/c/kon-tum-2024?year=2025"])
def test_fast_path_answers_exactly_like_the_route(client: TestClient, url: str) -> None:
    """The first request goes through the route (validated, rendered); repeats are answered by PageFastPath."""
    pages = client.app.state.pages  # type: ignore[attr-defined]
    first = client.get(url)
    assert first.status_code == 200 and first.headers["content-type"] == "text/html; charset=utf-8"
    renders, hits = pages.renders, pages.hits_by_url
    again = client.get(url)
    assert (pages.renders, pages.hits_by_url) == (renders, hits + 1)
    assert again.content == first.content and again.headers.items() == first.headers.items()
    etag = first.headers["etag"]
    via_route = client.get(url + ("&" if "?" in url else "?") + "x=1", headers={"If-None-Match": etag})
    via_fast = client.get(url + ("&" if "?" in url else "?") + "x=1", headers={"If-None-Match": etag})
    assert via_route.status_code == via_fast.status_code == 304 and via_fast.content == b""
    assert via_route.headers.items() == via_fast.headers.items()
    assert pages.hits_by_url == hits + 2


def test_the_fast_path_serves_nothing_the_route_would_refuse(client: TestClient) -> None:
    for _ in range(2):
        assert client.get("/", params={"trang": "abc"}).status_code == 400
        assert client.get("/c/khong-co-lich-nay").status_code == 404
        assert client.head("/c/phong-trao-001").status_code == 405
        assert client.get("/c/phong-trao-001/", follow_redirects=False).status_code == 307  # the router's redirect


def test_a_new_day_renders_the_pages_again(client: TestClient) -> None:
    clock = client.app.state.clock  # type: ignore[attr-defined]
    pages = client.app.state.pages  # type: ignore[attr-defined]
    before = client.get("/c/phong-trao-005").text, client.get("/").text
    renders = pages.renders
    clock.now += timedelta(days=1)
    try:
        after = client.get("/c/phong-trao-005").text, client.get("/").text
    finally:
        clock.now -= timedelta(days=1)
    assert pages.renders == renders + 2 and after != before  # countdowns moved


def test_pages_over_real_http(tmp_path: Path) -> None:
    """uvicorn with httptools: repeats and 304s (answered before routing) carry the route's headers and bytes."""
    with serve_process(tmp_path, copy_calendars(tmp_path)) as server, httpx.Client(base_url=server.base) as http:
        for url in ("/", "/?trang=1", "/c/kon-tum-2024", "/c/viet-nam?year=2025"):
            first = http.get(url)
            assert first.status_code == 200 and "Lịch thi đua" in first.text
            for _ in range(3):
                again = http.get(url)
                assert again.content == first.content
                assert dict(again.headers) | {"date": ""} == dict(first.headers) | {"date": ""}
            cached = http.get(url, headers={"If-None-Match": first.headers["etag"]})
            assert cached.status_code == 304 and cached.content == b""
            assert cached.headers["etag"] == first.headers["etag"] and cached.headers["cache-control"] == "no-cache"
        assert http.get("/c/khong-co").status_code == 404


def test_fold() -> None:
    assert listing.fold("Liên đoàn Lao động tỉnh ĐIỆN BIÊN") == "lien doan lao dong tinh dien bien"
