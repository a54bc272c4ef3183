"""The pure parts of the web service: validators, feed queries, the ledger, page views, links."""

from __future__ import annotations

import socket
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from notifiers.ics import Revision
from notifiers.revisions import CANCELLED_PREFIX, event_from_json, reconcile, tombstones
from scheduler.core.events import EventKind
from scheduler.core.expand import Window, expand
from scheduler.errors import BadRequest
from scheduler.feeds.query import FeedQuery, parse_feed_query, select
from scheduler.feeds.revision_store import RevisionStore
from scheduler.live.catalog import load_catalog
from scheduler.store.database import SQLITE_BUSY_TIMEOUT_MS, create_engine_for, create_tables
from scheduler.web import views
from scheduler.web.http_cache import Validators, http_date, is_not_modified, parse_http_date, strong_etag
from scheduler.web.subscribe import subscribe_links

CALENDARS = Path(__file__).resolve().parent / "calendars" / "seed"
NOW = datetime(2024, 3, 1, 3, tzinfo=UTC)
BASE = datetime(2024, 1, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def kon_tum_events() -> list:
    calendar = load_catalog(CALENDARS).get("kon-tum-2024")
    return expand(calendar, Window.year(2024))


# --- http_cache ---------------------------------------------------------------


def test_strong_etag_depends_on_bytes_only() -> None:
    assert strong_etag(b"a") == strong_etag(b"a") != strong_etag(b"b")
    assert strong_etag(b"a").startswith('"') and len(strong_etag(b"a")) == 34


def test_http_dates_round_trip() -> None:
    moment = datetime(2024, 2, 21, 7, 30, 15, 999, tzinfo=UTC)
    assert http_date(moment) == "Wed, 21 Feb 2024 07:30:15 GMT"
    assert parse_http_date(http_date(moment)) == moment.replace(microsecond=0)
    assert parse_http_date("garbage") is None and parse_http_date("") is None


def test_not_modified_rules() -> None:
    v = Validators.for_body(b"x", datetime(2024, 2, 21, 7, 30, 15, 500000, tzinfo=UTC))
    assert is_not_modified(v, v.etag, None)
    assert is_not_modified(v, f'W/{v.etag}', None)
    assert is_not_modified(v, f'"a", {v.etag}', None)
    assert is_not_modified(v, "*", None)
    assert not is_not_modified(v, '"a"', None)
    assert is_not_modified(v, None, "Wed, 21 Feb 2024 07:30:15 GMT")  # fractions are dropped
    assert not is_not_modified(v, None, "Wed, 21 Feb 2024 07:30:14 GMT")
    assert not is_not_modified(v, '"a"', "Thu, 22 Feb 2024 00:00:00 GMT")  # the ETag decides
    assert not is_not_modified(v, None, None)
    with pytest.raises(ValueError):
        Validators.for_body(b"x", datetime(2024, 1, 1))


# --- feed queries -------------------------------------------------------------


def test_default_query() -> None:
    q = parse_feed_query({}, date(2024, 3, 1))
    assert q == FeedQuery(date(2024, 1, 1), date(2025, 12, 31))
    assert q.params() == {"from": "2024-01-01", "to": "2025-12-31"}


def test_default_query_of_a_campaign_follows_the_campaign_not_today() -> None:
    campaign, span = (date(2019, 9, 1), date(2020, 6, 15)), (date(2019, 9, 1), date(2020, 5, 31))
    for today in (date(2019, 1, 1), date(2026, 12, 6), date(2030, 6, 1)):
        q = parse_feed_query({"kinds": "deadline"}, today, campaign=campaign, span=span)
        assert (q.start, q.end, q.own_only_outside) == (*campaign, span)
    # An explicit window is taken as asked, one-sided ones as before, with every event in it.
    q = parse_feed_query({"from": "2026-01-01"}, date(2026, 12, 6), campaign=campaign, span=span)
    assert (q.start, q.end, q.own_only_outside) == (date(2026, 1, 1), date(2027, 12, 31), None)
    q = parse_feed_query({"to": "2020-02-03"}, date(2026, 12, 6), campaign=campaign, span=span)
    assert (q.start, q.end) == (date(2019, 1, 1), date(2020, 2, 3))
    # A long campaign is not refused by the 10-year bound meant for client-chosen windows.
    q = parse_feed_query({}, date(2026, 12, 6), campaign=(date(2011, 1, 1), date(2025, 12, 31)), span=None)
    assert q.start == date(2011, 1, 1)


def test_query_normalisation() -> None:
    today = date(2024, 3, 1)
    a = parse_feed_query({"kinds": "deadline, phase", "inherited": "không"}, today)
    b = parse_feed_query({"kinds": "phase,deadline,", "inherited": "false", "x": "y"}, today)
    assert a == b and hash(a) == hash(b)
    assert parse_feed_query({"from": "2030-02-03"}, today).end == date(2031, 12, 31)
    assert parse_feed_query({"to": "2030-02-03"}, today).start == date(2029, 1, 1)


@pytest.mark.parametrize(
    "params",
    [{"kinds": "x"}, {"from": "2024-02-30"}, {"to": "2100-01-01"}, {"milestones": "nope"},
     {"from": "2024-05-01", "to": "2024-04-30"}],
)
def test_bad_queries(params: dict[str, str]) -> None:
    with pytest.raises(BadRequest):
        parse_feed_query(params, date(2024, 3, 1))


def test_select(kon_tum_events: list) -> None:
    q = FeedQuery(date(2024, 1, 1), date(2024, 12, 31), frozenset({EventKind.ANNIVERSARY}), True, True)
    chosen = select(kon_tum_events, q)
    assert chosen and all(e.kind is EventKind.ANNIVERSARY and e.milestone for e in chosen)
    own = select(kon_tum_events, FeedQuery(date(2024, 1, 1), date(2024, 12, 31), inherited=False))
    assert own and not any(e.inherited for e in own)
    june = select(kon_tum_events, FeedQuery(date(2024, 6, 1), date(2024, 6, 30)))
    assert all(e.start <= date(2024, 6, 30) and e.end >= date(2024, 6, 1) for e in june)
    assert any(e.kind is EventKind.PHASE for e in june)  # a phase overlapping June counts


# --- ledger -------------------------------------------------------------------


def test_event_json_round_trip_keeps_the_fingerprint(kon_tum_events: list) -> None:
    for e in kon_tum_events:
        assert event_from_json(e.to_json()).fingerprint() == e.fingerprint(), e.uid


def test_reconcile(kon_tum_events: list) -> None:
    window = (date(2024, 1, 1), date(2024, 12, 31))
    first = reconcile({}, kon_tum_events, now=NOW, baseline=BASE, tracked=window)
    assert {e.revision for e in first.values()} >= {Revision(kon_tum_events[0].fingerprint(), 0, BASE)}
    assert reconcile(first, kon_tum_events, now=NOW, baseline=BASE, tracked=window) == {}
    later = NOW + timedelta(days=1)
    gone = kon_tum_events[0]
    changed = reconcile(first, kon_tum_events[1:], now=later, baseline=BASE, tracked=window)
    assert set(changed) == {gone.uid}
    tomb = changed[gone.uid]
    assert tomb.deleted_at == later and tomb.revision.sequence == 1
    assert tomb.revision.fingerprint == CANCELLED_PREFIX + gone.fingerprint()
    # Outside the tracked window nothing is deleted.
    assert reconcile(first, kon_tum_events[1:], now=later, baseline=BASE, tracked=None) == {}
    ledger = {**first, **changed}
    assert [t.uid for t in tombstones(ledger, later + timedelta(days=29), timedelta(days=30))] == [gone.uid]
    assert tombstones(ledger, later + timedelta(days=30), timedelta(days=30)) == []


def _store_round_trip(url: str, kon_tum_events: list) -> None:
    engine = create_engine_for(url)
    try:
        create_tables(engine)
        store = RevisionStore(engine)
        entries = reconcile({}, kon_tum_events, now=NOW, baseline=BASE, tracked=None)
        store.save(entries.values())
        changed = reconcile(entries, kon_tum_events[1:], now=NOW, baseline=BASE, tracked=(date(2024, 1, 1), date(2024, 12, 31)))
        store.save(changed.values())
        loaded = store.load_all()["kon-tum-2024"]
        assert loaded == {**entries, **changed}
        assert loaded[kon_tum_events[0].uid].deleted_at == NOW
    finally:
        engine.dispose()


def test_revision_store_sqlite_with_wal(tmp_path: Path, kon_tum_events: list) -> None:
    url = f"sqlite:///{tmp_path / 'nested' / 'db.sqlite3'}"
    _store_round_trip(url, kon_tum_events)
    engine = create_engine_for(url)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == SQLITE_BUSY_TIMEOUT_MS
    engine.dispose()


def _postgres_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=1).close()
        return True
    except OSError:
        return False


@pytest.mark.postgres
@pytest.mark.skipif(not _postgres_up(), reason="PostgreSQL không chạy ở 127.0.0.1:5432")
def test_revision_store_postgres(kon_tum_events: list) -> None:
    schema = f"t_{uuid.uuid4().hex[:8]}"
    admin = create_engine_for("postgresql+psycopg://postgres@127.0.0.1:5432/test")
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        _store_round_trip(
            f"postgresql+psycopg://postgres@127.0.0.1:5432/test?options=-csearch_path%3D{schema}", kon_tum_events
        )
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


# --- views and links ------------------------------------------------------------


def test_timeline_geometry(kon_tum_events: list) -> None:
    tl = views.timeline(kon_tum_events, 2024, date(2024, 3, 1))
    assert [b.event.title for b in tl.bars if b.event.kind is EventKind.PHASE] == [
        "Đợt 1 phong trào thi đua năm 2024",
        "Đợt 2 phong trào thi đua năm 2024",
    ]
    dot1 = tl.bars[0]
    assert dot1.span.left == 0 and dot1.span.width == pytest.approx(213 / 366 * 100, abs=0.001)
    assert tl.lanes == 2  # Tháng Công nhân overlaps Đợt 1
    assert tl.today == views.Span(round(60 / 366 * 100, 3), round(1 / 366 * 100, 3))
    assert {m.event.kind for m in tl.deadlines} == {EventKind.DEADLINE}
    assert tl.days_off and all(m.event.kind is EventKind.HOLIDAY for m in tl.days_off)
    assert sum(w for _, s in tl.months for w in [s.width]) == pytest.approx(100, abs=0.01)


def test_countdowns(kon_tum_events: list) -> None:
    rows = views.deadline_rows(kon_tum_events, date(2024, 6, 24))
    six = next(r for r in rows if "6 tháng" in r.event.title)
    assert six.last_day == date(2024, 6, 24) and six.days_left == 0 and six.countdown == "hôm nay là ngày cuối"
    assert views.countdown(1).startswith("còn 1 ngày") and views.countdown(-3) == "đã quá hạn 3 ngày"
    assert views.next_deadline(kon_tum_events, date(2024, 6, 25)).event.uid != six.event.uid  # type: ignore[union-attr]


def test_subscribe_links_escape_everything() -> None:
    links = subscribe_links("https://lich.example.vn/", "kon-tum-2024", "Lịch & hạn", {"kinds": "deadline"})
    assert links.feed == "https://lich.example.vn/feeds/kon-tum-2024.ics?kinds=deadline"
    assert links.webcal == "webcal://lich.example.vn/feeds/kon-tum-2024.ics?kinds=deadline"
    assert links.google == (
        "https://calendar.google.com/calendar/render?cid="
        "webcal%3A%2F%2Flich.example.vn%2Ffeeds%2Fkon-tum-2024.ics%3Fkinds%3Ddeadline"
    )
    assert "name=L%E1%BB%8Bch+%26+h%E1%BA%A1n" in links.outlook_com
    assert links.outlook_365.startswith("https://outlook.office.com/calendar/0/addfromweb?url=https%3A%2F%2F")


def test_pure_modules_import_no_web_or_database_library() -> None:
    """Functional core: queries, validators, ledger rules, views and links need no framework."""
    import subprocess
    import sys

    code = (
        "import sys; import scheduler.feeds.query, scheduler.web.http_cache, notifiers.revisions, "
        "scheduler.web.views, scheduler.web.subscribe; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'fastapi', 'starlette', 'sqlalchemy', 'sqlmodel', "
        "'uvicorn', 'jinja2', 'httpx'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_tracked_window_is_what_the_default_feed_serves() -> None:
    from scheduler.live.snapshot import tracked_window

    catalog = load_catalog(CALENDARS)
    # A campaign's own window, however long ago it ran: its feed still gets SEQUENCE and cancellations.
    for today in (date(2017, 3, 1), date(2026, 11, 21), date(2040, 1, 1)):
        assert tracked_window(catalog.get("cao-bang-2017"), today) == (date(2017, 1, 1), date(2017, 12, 31))
    assert tracked_window(catalog.get("viet-nam"), date(2026, 11, 21)) == (date(2026, 1, 1), date(2027, 12, 31))
