"""The board in the admin area, in-process (TestClient, lifespan running): pages, exports, actions, scopes.

No scope reads or changes another's units through any route, export or link; every action is a same-origin POST.
"""

from __future__ import annotations

import base64
import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from board_support import CAMPAIGN, NOW, REPORT, cdcs, district, section, write_province
from db_support import BACKENDS, fresh_database
from openpyxl import load_workbook
from starlette.testclient import TestClient
from web_support import settings_for

from notifiers.outbox import OutboxTransport
from scheduler.passwords import hash_password
from scheduler.reminders.board_service import BoardService
from scheduler.web.app import create_app
from scheduler.web.board_extension import board_extension
from scheduler.web.reminder_routes import reminder_extension

BASE = "https://lich.example.vn"
ADMIN_PASSWORD = "mat-khau-quan-tri-dai"
ORIGIN = {"Origin": BASE}


class Clock:
    def __call__(self) -> object:
        return NOW


def basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


ADMIN = basic("admin", ADMIN_PASSWORD)
D0 = basic("huyen0", "mat-khau-huyen-0")  # district 0's staff
D1 = basic("huyen1", "mat-khau-huyen-1")
C = basic("cdcs000", "mat-khau-cdcs-000")  # a grassroots union with sections under it


@pytest.fixture(params=BACKENDS)
def client(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TestClient]:
    calendars = write_province(tmp_path, districts=2, per_district=3, sections=1)
    with fresh_database(request.param, tmp_path) as url:
        yield from _client(tmp_path, calendars, url)


def _client(tmp_path: Path, calendars: Path, url: str) -> Iterator[TestClient]:
    settings = settings_for(tmp_path, calendars, admin_password_hash=hash_password(ADMIN_PASSWORD), base_url=BASE,
                            database_url=url)
    extensions = [reminder_extension(settings, transport=OutboxTransport(tmp_path / "outbox"), jobs=False),
                  board_extension(settings, digests=False)]
    app = create_app(settings, clock=Clock(), watch=False, extensions=extensions)
    with TestClient(app, base_url=BASE) as c:
        board: BoardService = c.app.state.board  # type: ignore[attr-defined]
        for user, scope, password in (("huyen0", district(0), "mat-khau-huyen-0"),
                                      ("huyen1", district(1), "mat-khau-huyen-1"),
                                      ("cdcs000", cdcs(0, 0), "mat-khau-cdcs-000")):
            board.store.save_account(user, f"Cán bộ {user}", scope, hash_password(password), None, NOW)
        yield c


def units(page: str) -> set[str]:
    return set(re.findall(r'data-unit="([^"]+)"', page))


def test_the_board_shows_counts_roll_up_and_every_unit_with_its_status(client: TestClient) -> None:
    r = client.get(f"/admin/board/{CAMPAIGN}?deadline={REPORT}", headers=ADMIN)
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    page = r.text
    assert "Theo dõi nộp báo cáo" in page and "Phạm vi: mọi đơn vị" in page
    assert len(units(page)) == 12  # 2 districts × (1 + 3 CĐCS + 2 sections)
    assert "Tất cả: 12" in page and "chưa nộp, quá hạn 7 ngày" in page
    assert "Theo đơn vị trực thuộc" in page and f"under={district(0)}" in page
    drill = client.get(f"/admin/board/{CAMPAIGN}?deadline={REPORT}&under={district(0)}", headers=ADMIN).text
    assert units(drill) == {cdcs(0, 0), cdcs(0, 1), cdcs(0, 2), section(0, 0, 0), section(0, 2, 0)}
    level = client.get(f"/admin/board/{CAMPAIGN}?deadline={REPORT}&level=3", headers=ADMIN).text
    assert units(level) == {section(d, c, 0) for d in (0, 1) for c in (0, 2)}
    assert client.get(f"/admin/board/{CAMPAIGN}?status=xong", headers=ADMIN).status_code == 400
    assert client.get(f"/admin/board/{CAMPAIGN}").status_code == 401
    assert client.get(f"/admin/board/{CAMPAIGN}", headers=basic("huyen0", "sai")).status_code == 401
    index = client.get("/admin/board", headers=D0).text
    assert f'href="/admin/board/{CAMPAIGN}"' in index


def test_actions_show_at_once_and_need_a_same_origin_post(client: TestClient) -> None:
    assert "Đã nộp (0/12)" in client.get(f"/c/{CAMPAIGN}").text  # the campaign page is in memory now
    form = {"deadline": REPORT, "unit": cdcs(0, 1), "how": "paper", "note": "CV số 9", "back": f"deadline={REPORT}"}
    r = client.post(f"/admin/board/{CAMPAIGN}/received", data=form, headers={**D0, **ORIGIN}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith(f"/admin/board/{CAMPAIGN}?deadline={REPORT}&done=")
    page = client.get(r.headers["location"], headers=D0).text
    assert "Đã ghi nhận (thao tác số 1)." in page
    row = re.search(rf'data-unit="{cdcs(0, 1)}" data-status="([a-z-]+)"', page)
    assert row is not None and row.group(1) == "nop-muon" and "Ghi chú: CV số 9" in page
    assert "#1 ghi nhận đã nhận: CV số 9 – huyen0" in page
    # The campaign page's reminder block says it at once too.
    campaign = client.get(f"/c/{CAMPAIGN}").text
    assert "Đã nộp (1/12): CĐCS số 1 huyện 0" in campaign
    for headers in ({**D0}, {**D0, "Origin": "https://trang-khac.example.org"},
                    {**D0, "Referer": "https://trang-khac.example.org/x"}, {**D0, "Origin": "null"}):
        refused = client.post(f"/admin/board/{CAMPAIGN}/undo", data={"action": "1"}, headers=headers)
        assert refused.status_code == 403, headers
    assert client.get(f"/admin/board/{CAMPAIGN}/undo?action=1", headers=D0).status_code in (404, 405)
    ok = client.post(f"/admin/board/{CAMPAIGN}/undo", data={"action": "1"},
                     headers={**D0, "Referer": f"{BASE}/admin/board/{CAMPAIGN}"}, follow_redirects=False)
    assert ok.status_code == 303
    ext = client.post(f"/admin/board/{CAMPAIGN}/extend", data={"deadline": REPORT, "unit": cdcs(0, 2),
                                                                "until": "15/12/2026"}, headers={**D0, **ORIGIN})
    assert ext.status_code == 200 and "Đã gia hạn đến 15/12/2026" in ext.text
    assert "được gia hạn đến 15/12/2026" in ext.text
    nudge = {"deadline": REPORT}
    first = client.post(f"/admin/board/{CAMPAIGN}/nudge", data=nudge, headers={**D0, **ORIGIN})
    assert "Đã gửi lời nhắc tới 5 đơn vị chưa nộp." in first.text
    assert "Đã nhắc hôm nay lúc 07/12/2026 09:00 (5 đơn vị)." in first.text and "disabled" in first.text
    # Pressed again, after a reload, or by a colleague of the same district: nothing more is sent today.
    second = client.post(f"/admin/board/{CAMPAIGN}/nudge", data=nudge, headers={**D0, **ORIGIN})
    assert "Hôm nay đã nhắc các đơn vị chưa nộp của hạn này rồi: không gửi thêm." in second.text
    board: BoardService = client.app.state.board  # type: ignore[attr-defined]
    board.store.save_account("huyen0b", "Cán bộ khác của huyện 0", district(0), hash_password("mat-khau-khac-0"),
                             None, NOW)
    colleague = client.post(f"/admin/board/{CAMPAIGN}/nudge", data=nudge,
                            headers={**basic("huyen0b", "mat-khau-khac-0"), **ORIGIN})
    assert "không gửi thêm" in colleague.text
    province = client.post(f"/admin/board/{CAMPAIGN}/nudge", data=nudge, headers={**ADMIN, **ORIGIN})
    assert "Đã gửi lời nhắc tới" in province.text  # another scope: its own nudge


SCOPED_ROUTES = [
    ("get", "/admin/board/{c}?under={other}", None),
    ("get", "/admin/board/{c}/export.csv?under={other}", None),
    ("get", "/admin/board/{c}/export.xlsx?under={other}", None),
    ("post", "/admin/board/{c}/received", {"deadline": REPORT, "unit": "{other_unit}", "how": "paper"}),
    ("post", "/admin/board/{c}/extend", {"deadline": REPORT, "unit": "{other_unit}", "until": "20/12/2026"}),
    ("post", "/admin/board/{c}/return", {"deadline": REPORT, "unit": "{other_unit}", "reason": "x"}),
    ("post", "/admin/board/{c}/undo", {"action": "{other_action}"}),
]


@pytest.mark.parametrize("method,path,form", SCOPED_ROUTES)
def test_no_scope_reads_or_changes_another_scopes_units(client: TestClient, method: str, path: str,
                                                        form: dict[str, str] | None) -> None:
    board: BoardService = client.app.state.board  # type: ignore[attr-defined]
    from scheduler.reminders import board as B
    from scheduler.reminders.board_service import ADMIN as ADMIN_STAFF

    action = board.receive(CAMPAIGN, REPORT, cdcs(1, 0), B.How.PAPER, "", ADMIN_STAFF, NOW)
    values = {"c": CAMPAIGN, "other": district(1), "other_unit": cdcs(1, 0), "other_action": str(action)}
    for who, other, other_unit in ((D0, district(1), cdcs(1, 0)), (C, district(0), cdcs(0, 1)),
                                   (C, district(1), district(0))):
        values.update(other=other, other_unit=other_unit)
        url = path.format(**values)
        if method == "get":
            r = client.get(url, headers=who)
        else:
            data = {k: v.format(**values) for k, v in (form or {}).items()}
            r = client.post(url, data=data, headers={**who, **ORIGIN})
        assert r.status_code == 403, (url, r.text[:300])
        assert "trong phạm vi" in r.text
    # Nothing changed.
    actions = board.store.actions()
    assert [(a.kind.value, a.undone_at) for a in actions] == [("received", None)]


def test_each_scope_sees_and_exports_its_own_units_only(client: TestClient) -> None:
    expected = {
        "huyen0": ({cdcs(0, 0), cdcs(0, 1), cdcs(0, 2), section(0, 0, 0), section(0, 2, 0)}, D0),
        "huyen1": ({cdcs(1, 0), cdcs(1, 1), cdcs(1, 2), section(1, 0, 0), section(1, 2, 0)}, D1),
        "cdcs000": ({section(0, 0, 0)}, C),
    }
    for user, (want, headers) in expected.items():
        page = client.get(f"/admin/board/{CAMPAIGN}?deadline={REPORT}", headers=headers).text
        assert units(page) == want, user
        data = client.get(f"/admin/board/{CAMPAIGN}/export.csv", headers=headers).content
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
        assert {r["Mã đơn vị"] for r in rows} == want and len(rows) == 2 * len(want), user
        book = load_workbook(io.BytesIO(client.get(f"/admin/board/{CAMPAIGN}/export.xlsx", headers=headers).content))
        assert {r[2] for r in list(book.active.iter_rows(values_only=True))[1:]} == want, user
    everything = client.get(f"/admin/board/{CAMPAIGN}/export.csv", headers=ADMIN)
    assert everything.headers["content-disposition"] == f'attachment; filename="theo-doi-nop-{CAMPAIGN}.csv"'
    assert len(everything.content.decode("utf-8-sig").strip().splitlines()) == 1 + 2 * 12


def test_the_running_service_sends_the_staff_digest_the_day_after(tmp_path: Path) -> None:
    """`serve` sends the digest itself (checked hourly): started the day after the last day, it goes once."""
    import email
    import email.policy
    from datetime import datetime

    from board_support import VN
    from web_support import wait_until

    from scheduler.reminders.actions import BoardStore
    from scheduler.store.database import create_tables, engine_from_settings

    calendars = write_province(tmp_path, districts=2, per_district=3, sections=1)
    settings = settings_for(tmp_path, calendars, base_url=BASE)
    engine = engine_from_settings(settings)
    create_tables(engine)
    BoardStore(engine).save_account("huyen0", "Cán bộ huyện 0", district(0), hash_password("mat-khau-huyen-0"),
                                    "canbo0@tinh.example.org", NOW)
    engine.dispose()
    outbox = tmp_path / "outbox"
    day_after = datetime(2026, 12, 1, 9, 0, tzinfo=VN)
    extensions = [reminder_extension(settings, transport=OutboxTransport(outbox), jobs=False),
                  board_extension(settings)]
    with TestClient(create_app(settings, clock=lambda: day_after, watch=False, extensions=extensions)):

        def digests() -> list[email.message.EmailMessage]:
            found = [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)  # type: ignore[misc]
                     for p in sorted(outbox.glob("*.eml"))]
            return [m for m in found if m["Subject"].startswith("[Theo dõi nộp báo cáo]")]

        wait_until(lambda: bool(digests()), 20, "bản tổng hợp được gửi")
        (mail,) = digests()
        assert mail["To"].addresses[0].addr_spec == "canbo0@tinh.example.org"
        assert "5 đơn vị chưa nộp" in mail["Subject"]
