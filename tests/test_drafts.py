"""Drafts that cannot go out unreviewed: `new` and `import` write ``draft: true``; `check`
lists each "# KIỂM TRA" line as a warning; the service shows a draft only in /admin (a
preview of its page and feed) and publishes it to no feed, page or reminder until the
admin removes the mark.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from web_support import Clock, copy_calendars, refresh, running, settings_for

from scheduler.live.catalog import load_catalog
from scheduler.passwords import hash_password
from scheduler.reminders.service import open_service

TODAY = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)
PASSWORD = "mật khẩu quản trị 2026"
AUTH = ("admin", PASSWORD)


def test_import_writes_a_draft_and_check_lists_its_lines(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    calendars = copy_calendars(tmp_path)
    out = tmp_path / "nhap" / "kon-tum-2024.yaml"
    out.parent.mkdir()
    plan = Path(__file__).parent / "plans" / "kon-tum-2024.txt"
    run = cli("import", plan, "--output", out, "--calendars", calendars)
    assert run.exit_code == 0, run.output
    text = out.read_text(encoding="utf-8")
    assert "\ndraft: true  # BẢN NHÁP" in text
    check = cli("check", out, "--calendars", calendars, "--format", "json")
    rows = json.loads(check.stdout)
    marked = [n for n, line in enumerate(text.splitlines(), 1) if "# KIỂM TRA" in line]
    assert sorted(r["line"] for r in rows if r["code"] == "review.pending") == marked
    assert any(r["code"] == "review.draft" and r["severity"] == "warning" for r in rows)


def test_a_draft_is_previewed_in_admin_and_published_nowhere(tmp_path: Path, cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    calendars = copy_calendars(tmp_path)
    monkeypatch.chdir(tmp_path)
    run = cli("new", "kon-tum-2027", "--from", "kon-tum-2024", "--year", "2027", "--calendars", calendars)
    assert run.exit_code == 0, run.output
    path = calendars / "kon-tum-2027.yaml"
    assert load_catalog(calendars).get("kon-tum-2027").draft
    settings = settings_for(tmp_path, calendars, admin_password_hash=hash_password(PASSWORD))
    with running(settings, Clock(TODAY)) as client:
        assert client.get("/feeds/kon-tum-2027.ics").status_code == 404
        assert client.get("/c/kon-tum-2027").status_code == 404
        assert "kon-tum-2027" not in client.get("/").text
        assert client.get("/admin/ban-nhap/kon-tum-2027").status_code == 401
        admin = client.get("/admin", auth=AUTH).text
        assert "Bản nháp chờ duyệt" in admin and "/admin/ban-nhap/kon-tum-2027.ics" in admin
        assert "Dòng đánh dấu # KIỂM TRA chưa được duyệt" in admin
        preview = client.get("/admin/ban-nhap/kon-tum-2027", auth=AUTH)
        assert preview.status_code == 200 and "BẢN NHÁP" in preview.text and "98 năm" in preview.text
        feed = client.get("/admin/ban-nhap/kon-tum-2027.ics", auth=AUTH)
        assert feed.status_code == 200 and b"BEGIN:VCALENDAR" in feed.content
        assert feed.headers["cache-control"] == "no-store"

        service = open_service(settings, load_calendars=True)
        try:
            assert "kon-tum-2027" not in service.calendars and "kon-tum-2024" in service.calendars
        finally:
            service.close()

        # The admin reviews and removes the mark: published at the next reload.
        path.write_text("\n".join(line for line in path.read_text(encoding="utf-8").splitlines()
                                  if not line.startswith("draft:")) + "\n", encoding="utf-8")
        refresh(client)
        assert client.get("/feeds/kon-tum-2027.ics").status_code == 200
        assert client.get("/c/kon-tum-2027").status_code == 200
        assert client.get("/admin/ban-nhap/kon-tum-2027", auth=AUTH).status_code == 404
