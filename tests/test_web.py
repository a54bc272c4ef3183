"""The web service in-process (Starlette TestClient, lifespan running): every endpoint and header."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import icalendar
import pytest
from starlette.testclient import TestClient
from web_support import CALENDARS, Clock, copy_calendars, running, settings_for, view_ical, view_icalendar, view_icaljs

CAMPAIGNS = sorted(p.stem for p in CALENDARS.glob("*.yaml") if p.stem != "viet-nam")


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def calendars(tmp_path: Path) -> Path:
    return copy_calendars(tmp_path)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """One app for the read-only tests; tests that edit files start their own."""
    tmp = tmp_path_factory.mktemp("web")
    with running(settings_for(tmp, copy_calendars(tmp)), Clock()) as c:
        yield c


def vevents(body: bytes) -> dict[str, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(body)
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


# --- feeds: status, headers, body -------------------------------------------------


@pytest.mark.parametrize("cid", [*CAMPAIGNS, "viet-nam"])
def test_every_calendar_has_a_feed_that_parses(client: TestClient, cid: str) -> None:
    r = client.get(f"/feeds/{cid}.ics")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/calendar; charset=utf-8"
    assert r.content.startswith(b"BEGIN:VCALENDAR\r\n") and r.content.endswith(b"END:VCALENDAR\r\n")
    seen = view_icalendar(r.content)
    assert seen, cid
    assert view_ical(r.content) == seen  # an independent, strict parser
    js = view_icaljs(r.content)  # Mozilla's, as Thunderbird reads it (skipped without node)
    if js is not None:
        assert js == seen


def test_default_window_is_this_year_and_next(client: TestClient) -> None:
    events = vevents(client.get("/feeds/viet-nam.ics").content)
    years = {e.decoded("DTSTART").year for e in events.values()}
    assert years == {2024, 2025}


def test_validators_and_cache_control(client: TestClient) -> None:
    r = client.get("/feeds/kon-tum-2024.ics")
    etag = r.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"') and not etag.startswith("W/")
    assert r.headers["cache-control"] == "public, max-age=21600"  # = REFRESH-INTERVAL PT6H
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT6H" in r.content
    modified = parsedate_to_datetime(r.headers["last-modified"])
    # New events are stamped with the document's date (21/02/2024); the feed itself is dated when it
    # was first versioned (the clock: 1/3/2024 03:00Z), and keeps that date while nothing changes.
    assert modified.isoformat() == "2024-03-01T03:00:00+00:00"
    assert b"DTSTAMP:20240221T000000Z" in r.content
    assert int(r.headers["content-length"]) == len(r.content)


@pytest.mark.parametrize(
    "headers",
    [
        "etag",
        "weak-etag",
        "etag-list",
        "star",
        "since-same",
        "since-later",
    ],
)
def test_conditional_get_gives_304(client: TestClient, headers: str) -> None:
    first = client.get("/feeds/kon-tum-2024.ics")
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    sent = {
        "etag": {"If-None-Match": etag},
        "weak-etag": {"If-None-Match": "W/" + etag},
        "etag-list": {"If-None-Match": f'"nope", {etag}'},
        "star": {"If-None-Match": "*"},
        "since-same": {"If-Modified-Since": modified},
        "since-later": {"If-Modified-Since": "Fri, 01 Mar 2024 04:00:00 GMT"},
    }[headers]
    r = client.get("/feeds/kon-tum-2024.ics", headers=sent)
    assert r.status_code == 304
    assert r.content == b""
    assert r.headers["etag"] == etag
    assert r.headers["cache-control"] == "public, max-age=21600"


@pytest.mark.parametrize(
    "sent",
    [
        {"If-None-Match": '"something-else"'},
        {"If-Modified-Since": "Tue, 20 Feb 2024 23:59:59 GMT"},
        {"If-Modified-Since": "not a date"},
        # If-None-Match wins: a wrong ETag with a fresh date is still a full answer.
        {"If-None-Match": '"other"', "If-Modified-Since": "Fri, 01 Mar 2024 00:00:00 GMT"},
    ],
)
def test_stale_validators_give_200(client: TestClient, sent: dict[str, str]) -> None:
    r = client.get("/feeds/kon-tum-2024.ics", headers=sent)
    assert r.status_code == 200 and r.content.startswith(b"BEGIN:VCALENDAR")


def test_fast_path_answers_exactly_like_the_route(client: TestClient) -> None:
    """The first request goes through the route (render); repeats are answered by FeedFastPath."""
    url = "/feeds/ninh-thuan-2023.ics?from=2023-01-01&to=2023-12-31&milestones=true"
    feeds = client.app.state.feeds  # type: ignore[attr-defined]
    first = client.get(url)
    renders = feeds.renders
    again = client.get(url)
    assert feeds.renders == renders
    assert again.content == first.content
    assert again.headers.items() == first.headers.items()
    etag = first.headers["etag"]
    for method in ("GET", "HEAD"):
        via_route = client.request(method, url + "&x=1", headers={"If-None-Match": etag})  # new URL: route
        via_fast = client.request(method, url + "&x=1", headers={"If-None-Match": etag})
        assert via_route.status_code == via_fast.status_code == 304
        assert via_route.headers.items() == via_fast.headers.items()
        head_route = client.request(method, url + f"&m={method}")
        head_fast = client.request(method, url + f"&m={method}")
        assert head_route.headers.items() == head_fast.headers.items()
        assert head_route.content == head_fast.content == (b"" if method == "HEAD" else first.content)


def test_head(client: TestClient) -> None:
    get = client.get("/feeds/kon-tum-2024.ics")
    head = client.head("/feeds/kon-tum-2024.ics")
    assert head.status_code == 200
    assert head.content == b""
    for name in ("etag", "last-modified", "cache-control", "content-type", "content-length"):
        assert head.headers[name] == get.headers[name], name
    assert client.head("/feeds/kon-tum-2024.ics", headers={"If-None-Match": get.headers["etag"]}).status_code == 304


def test_unchanged_calendar_gives_identical_bytes_and_renders_once(client: TestClient) -> None:
    feeds = client.app.state.feeds  # type: ignore[attr-defined]
    before = feeds.renders
    bodies = {client.get("/feeds/lao-cai-2024.ics?to=2024-12-31").content for _ in range(5)}
    assert len(bodies) == 1
    assert feeds.renders == before + 1
    # The same query spelled differently is the same cache entry.
    client.get("/feeds/lao-cai-2024.ics?kinds=phase,deadline&to=2024-12-31")
    client.get("/feeds/lao-cai-2024.ics?kinds=deadline,phase&to=2024-12-31&utm_source=mail")
    assert feeds.renders == before + 2


def test_bytes_survive_a_restart(tmp_path: Path, calendars: Path, clock: Clock) -> None:
    settings = settings_for(tmp_path, calendars)
    with running(settings, clock) as c:
        first = c.get("/feeds/long-bien-2024.ics?from=2020-01-01&to=2029-12-31").content
    clock.now += timedelta(days=3)
    with running(settings, clock) as c:
        assert c.get("/feeds/long-bien-2024.ics?from=2020-01-01&to=2029-12-31").content == first


# --- filters -------------------------------------------------------------------------


def test_kinds_filter(client: TestClient) -> None:
    events = vevents(client.get("/feeds/kon-tum-2024.ics?kinds=deadline,phase").content)
    cats = {str(e["CATEGORIES"].cats[0]) for e in events.values()}
    assert cats == {"Hạn chót", "Đợt thi đua"}
    assert any("bao-cao-6-thang" in uid for uid in events)


def test_inherited_filter_drops_national_days_only(client: TestClient) -> None:
    everything = vevents(client.get("/feeds/kon-tum-2024.ics").content)
    own = vevents(client.get("/feeds/kon-tum-2024.ics?inherited=false").content)
    assert set(own) < set(everything)
    assert not any(".holiday." in uid for uid in own)  # public holidays come from viet-nam
    # Kon Tum celebrates 95 years of the Vietnamese trade union itself: it stays.
    assert any("cong-doan-viet-nam" in uid for uid in own)
    assert any("phu-nu" in uid for uid in everything) and not any("phu-nu" in uid for uid in own)


def test_milestones_filter(client: TestClient) -> None:
    events = vevents(client.get("/feeds/viet-nam.ics?kinds=anniversary&milestones=true&from=2024-01-01&to=2024-12-31").content)
    titles = [str(e["SUMMARY"]) for e in events.values()]
    assert "Kỷ niệm 70 năm Chiến thắng Điện Biên Phủ (7/5/1954 – 7/5/2024)" in titles
    assert not any("94 năm" in t for t in titles)
    everything = vevents(client.get("/feeds/viet-nam.ics?kinds=anniversary&from=2024-01-01&to=2024-12-31").content)
    assert len(everything) > len(events) > 0


def test_window(client: TestClient) -> None:
    events = vevents(client.get("/feeds/viet-nam.ics?from=2030-05-01&to=2030-05-31").content)
    assert events
    for e in events.values():
        start, end = e.decoded("DTSTART"), e.decoded("DTEND")
        assert str(start) <= "2030-05-31" and str(end) > "2030-05-01"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("kinds=deadline,foo", "Loại sự kiện không hợp lệ"),
        ("kinds=", "không được để trống"),
        ("from=2024-13-01", "phải là ngày dạng NNNN-TT-NN"),
        ("from=1%2F1%2F2024", "phải là ngày dạng NNNN-TT-NN"),
        ("from=2024-05-01&to=2024-04-01", "trước 'from'"),
        ("from=1800-01-01", "phải nằm trong khoảng"),
        ("from=2000-01-01&to=2020-01-01", "tối đa 10 năm"),
        ("inherited=maybe", "phải là true hoặc false"),
        ("milestones=2", "phải là true hoặc false"),
    ],
)
def test_bad_parameters_are_400_in_vietnamese(client: TestClient, query: str, message: str) -> None:
    r = client.get(f"/feeds/kon-tum-2024.ics?{query}")
    assert r.status_code == 400
    assert message in r.text
    assert r.headers["content-type"].startswith("text/plain")


def test_unknown_calendar_is_404(client: TestClient) -> None:
    r = client.get("/feeds/khong-co.ics")
    assert r.status_code == 404
    assert "Không có lịch 'khong-co'" in r.text
    assert client.get("/feeds/..%2F..%2Fetc%2Fpasswd.ics").status_code == 404
    assert client.get("/feeds/kon-tum-2024.yaml").status_code == 404


def test_post_is_405_in_vietnamese(client: TestClient) -> None:
    r = client.post("/feeds/kon-tum-2024.ics")
    assert r.status_code == 405 and "Không hỗ trợ phương thức POST" in r.text
    assert "GET" in r.headers["allow"]


# --- pages --------------------------------------------------------------------------


def test_index_lists_every_campaign_with_its_next_deadline(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    assert '<html lang="vi">' in html
    for cid in CAMPAIGNS:
        assert f'href="/c/{cid}"' in html
    assert "Liên đoàn Lao động tỉnh Kon Tum" in html
    assert "Năm 2024" in html
    # 1/3/2024: Ninh Thuận's "chậm nhất ngày 15/3/2023" is long past, Kon Tum's "trước 25/6" is next.
    assert "còn 115 ngày" in html  # Kon Tum: last day 24/6/2024
    assert "Phong trào đã kết thúc ngày 31/12/2023." in html  # Ninh Thuận, in March 2024
    # Ninh Thuận 2023, Cao Bằng 2017 and the school year 2019–2020 are over; the others run or are to come.
    assert html.count("Đã kết thúc") == 3


def test_campaign_page(client: TestClient) -> None:
    html = client.get("/c/kon-tum-2024").text
    assert "Triển khai phong trào thi đua yêu nước trong CNVCLĐ tỉnh Kon Tum năm 2024" in html
    assert "HD số 15/HD-LĐLĐ, Kon Tum ngày 21/2/2024" in html
    # Timeline: both phases as bars, marks, deadlines, days off, the today line.
    assert html.count('class="bar kind-phase"') == 2
    assert 'class="mark deadline' in html and 'class="dayoff"' in html and 'class="today"' in html
    assert 'class="mark kind-anniversary milestone"' in html
    # Upcoming deadlines with countdowns, "before 25/6" read as "by the end of 24/6".
    assert "còn 115 ngày" in html
    assert "hết ngày 24/6/2024 (nộp trước 25/6/2024)" in html
    assert "Đơn vị nộp: Công đoàn cấp trên trực tiếp cơ sở" in html


def test_subscribe_links(client: TestClient) -> None:
    html = client.get("/c/kon-tum-2024").text
    feed = "https://lich.example.vn/feeds/kon-tum-2024.ics"
    assert f'href="{feed}"' in html
    assert 'href="webcal://lich.example.vn/feeds/kon-tum-2024.ics"' in html
    google = next(p for p in html.split('"') if p.startswith("https://calendar.google.com/"))
    assert unquote(parse_qs(urlparse(google).query)["cid"][0]) == "webcal://lich.example.vn/feeds/kon-tum-2024.ics"
    outlook = next(p for p in html.split('"') if p.startswith("https://outlook.live.com/")).replace("&amp;", "&")
    query = parse_qs(urlparse(outlook).query)
    assert urlparse(outlook).path == "/calendar/0/addfromweb"
    assert query["url"] == [feed]
    assert query["name"][0].startswith("Triển khai phong trào")
    assert "Hướng dẫn cho Outlook" in html and "Hướng dẫn cho Google Calendar" in html
    # Variants: only deadlines, without national days.
    assert "kon-tum-2024.ics?kinds=deadline" in html and "kon-tum-2024.ics?inherited=false" in html


def test_page_year_parameter(client: TestClient) -> None:
    assert "Năm 2025" in client.get("/c/viet-nam?year=2025").text
    r = client.get("/c/viet-nam?year=abc")
    assert r.status_code == 400 and "Tham số 'year' phải là một năm" in html.unescape(r.text)
    assert r.headers["content-type"].startswith("text/html")


def test_unknown_page_is_a_vietnamese_404(client: TestClient) -> None:
    for path in ("/c/khong-co", "/khong-co-trang-nay"):
        r = client.get(path)
        assert r.status_code == 404 and "Không" in r.text and '<html lang="vi">' in r.text


def test_yaml_text_is_escaped(tmp_path: Path, calendars: Path, clock: Clock) -> None:
    path = calendars / "kon-tum-2024.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("title: Báo cáo kết quả triển khai thực hiện một năm", 'title: "<script>alert(1)</script> & <b>"')
    text = text.replace("issuer: Liên đoàn Lao động tỉnh Kon Tum", "issuer: LĐLĐ <img src=x onerror=alert(1)>")
    path.write_text(text, encoding="utf-8")
    with running(settings_for(tmp_path, calendars), clock) as c:
        for page in ("/", "/c/kon-tum-2024"):
            html = c.get(page).text
            assert "<script>alert" not in html and "<img src=x" not in html
            assert "&lt;img src=x onerror=alert(1)&gt;" in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;" in c.get("/c/kon-tum-2024").text


def test_static_and_docs(client: TestClient) -> None:
    assert client.get("/static/app.css").status_code == 200
    assert client.get("/static/../app.py").status_code == 404
    assert client.get("/redoc").status_code == 404
    for page in ("/docs",):
        r = client.get(page)
        assert r.status_code == 200
        # Every asset the page names is served by us: nothing from a CDN (offline offices).
        assets = re.findall(r'(?:src|href)="([^"]+)"', r.text)
        assert assets and all(a.startswith("/docs-assets/") for a in assets), assets
        assert "http://" not in r.text and "https://" not in r.text
        for asset in assets:
            got = client.get(asset)
            assert got.status_code == 200 and len(got.content) > 1000, asset
    spec = client.get("/openapi.json").json()
    assert "/feeds/{calendar_id}.ics" in spec["paths"]
    feed = spec["paths"]["/feeds/{calendar_id}.ics"]
    assert set(feed) == {"get", "head"}
    params = {p["name"] for p in feed["get"]["parameters"]}
    assert params == {"calendar_id", "from", "to", "kinds", "inherited", "milestones", "If-None-Match", "If-Modified-Since"}


def test_healthz(client: TestClient) -> None:
    r = client.get("/healthz")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok"
    assert set(body["calendars"]) == {*CAMPAIGNS, "viet-nam"}
    assert body["failing"] == {}
    assert r.headers["cache-control"] == "no-store"
    head = client.head("/healthz")  # what uptime monitors send
    assert head.status_code == 200 and head.content == b""
