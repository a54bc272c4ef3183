"""An edit re-plans in what it changes: the fingerprint, the campaign set and the scope are kept up to date.

With 10,000 calendars, saving one file under `serve` must not walk every campaign: the plan's
fingerprint sums the campaigns' shares (one share replaced after an edit), the campaign set takes
only the calendars the live set says changed, and the re-plan plans that calendar's deadlines.
These tests hold the kept values to a fresh computation through edits and moving time, check the
served app's re-plan after a save (real files, real SQLite database), and that a stamp of the
previous release's fingerprint (the shares joined, not summed) is planned whole once.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime, time, timedelta
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient
from web_support import Clock, copy_calendars, running, settings_for

import scheduler.reminders.campaign_set as campaign_set
import scheduler.web.reminder_routes as reminder_routes
from scheduler.core.campaign import Calendar
from scheduler.live.catalog import load_catalog
from scheduler.reminders.campaign_set import CampaignSet
from scheduler.reminders.fingerprint import _put, campaign_fingerprint, combine_shares, events_digest, plan_fingerprint
from scheduler.reminders.ledger import ReminderRow
from scheduler.reminders.plan_memory import plan_code_version
from scheduler.reminders.planning import Policy
from scheduler.reminders.service import ReminderService, open_service
from scheduler.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
T0 = datetime(2024, 6, 3, 2, 0, tzinfo=UTC)
VN = ZoneInfo("Asia/Ho_Chi_Minh")
EDITS = (("kon-tum-2024", "date: 25/6\n", "date: 27/6\n"), ("ha-noi-2024", "\ntitle: ", "\ntitle: (sửa) "),
         ("kon-tum-2024", "date: 27/6\n", "date: 20/6\n"), ("long-bien-2024", "\ntitle: ", "\ntitle: (đổi tên) "))


def _fresh_shares(calendars: Mapping[str, Calendar], now: datetime) -> tuple[int, CampaignSet]:
    fresh = CampaignSet()
    fresh.update(calendars, now)
    return combine_shares(campaign_fingerprint(c, now, events_digest(c.events)) for c in fresh.campaigns), fresh


def _edit(folder: Path, cid: str, old: str, new: str) -> None:
    path = folder / f"{cid}.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _kept_set(tmp_path: Path) -> tuple[Path, dict[str, Calendar], CampaignSet]:
    """A copy of the shipped calendars, and a campaign set that has taken them at T0."""
    folder = tmp_path / "calendars"
    shutil.copytree(ROOT / "calendars", folder)
    calendars = dict(load_catalog(folder).calendars)
    kept = CampaignSet()
    kept.update(calendars, T0)
    return folder, calendars, kept


def test_the_kept_shares_equal_a_fresh_computation_through_edits_and_time(tmp_path: Path) -> None:
    folder, calendars, kept = _kept_set(tmp_path)
    assert kept.shares(T0) == _fresh_shares(calendars, T0)[0]
    kept.mark()
    # Edits (only the edited calendar is a new object, as after a live reload), a deadline passing,
    # a new local day, 40 days later (deadlines past LOOKBACK), the clock going back.
    moments = [T0 + timedelta(hours=1), T0 + timedelta(days=22, hours=17, minutes=1), T0 + timedelta(days=1),
               T0 + timedelta(days=40), T0 - timedelta(days=3)]
    for (cid, old, new), now in zip(EDITS, moments, strict=False):
        _edit(folder, cid, old, new)
        calendars[cid] = load_catalog(folder).calendars[cid]
        kept.update(calendars, now, only={cid})
        expected, fresh = _fresh_shares(calendars, now)
        assert kept.shares(now) == expected
        assert kept.campaigns == fresh.campaigns
        assert kept.events.keys() == fresh.events.keys()
        fingerprint = plan_fingerprint(fresh.campaigns, "r", [], Policy(), now)
        assert plan_fingerprint((), "r", [], Policy(), now, shares=kept.shares(now)) == fingerprint
    for now in (moments[-1] + timedelta(days=1), moments[-1] + timedelta(days=400)):  # no edit, time alone
        kept.update(calendars, now, only=set())
        assert kept.shares(now) == _fresh_shares(calendars, now)[0]
    # Within one local day (the campaigns stay as they are), a deadline passes: its campaign's share moves.
    start = moments[0]
    kept.update(calendars, start, only=set())
    kept.shares(start)
    due = min(info.due_at for e, cal in kept.events.values() if (info := e.deadline) is not None and info.due_at > start
              and info.due_at.astimezone(ZoneInfo(cal.timezone)).time() != time(0))
    shares = []
    for now in (due - timedelta(minutes=1), due + timedelta(milliseconds=500)):
        assert now.astimezone(VN).date() == due.astimezone(VN).date()
        kept.update(calendars, now, only=set())
        shares.append(kept.shares(now))
        assert shares[-1] == _fresh_shares(calendars, now)[0]
    assert shares[0] != shares[1]


def test_moved_names_the_edited_campaign_with_its_deadlines_before_and_after(tmp_path: Path) -> None:
    folder, calendars, kept = _kept_set(tmp_path)
    kept.shares(T0)
    kept.mark()
    before = kept.deadlines("kon-tum-2024")
    _edit(folder, "kon-tum-2024", "  - id: bao-cao-6-thang\n", "  - id: bao-cao-nua-nam\n")
    calendars["kon-tum-2024"] = load_catalog(folder).calendars["kon-tum-2024"]
    kept.update(calendars, T0 + timedelta(minutes=5), only={"kon-tum-2024"})
    kept.shares(T0 + timedelta(minutes=5))
    moved = kept.moved()
    assert set(moved) == {"kon-tum-2024"}
    old, new = moved["kon-tum-2024"]
    assert old == before and new == kept.deadlines("kon-tum-2024") and old != new
    assert any("bao-cao-6-thang" in u for u in old - new) and any("bao-cao-nua-nam" in u for u in new - old)
    kept.mark()
    assert kept.moved() == {}


def test_a_saved_calendar_is_replanned_alone_and_as_a_whole_replan_would(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    calendars = copy_calendars(tmp_path)
    clock = Clock(T0)
    expanded: list[str] = []
    whole: list[int] = []
    real, real_whole = campaign_set.expand_deadlines, CampaignSet._whole  # noqa: SLF001

    def expand_deadlines(calendar: Calendar, window: object) -> object:
        expanded.append(calendar.id)
        return real(calendar, window)  # type: ignore[arg-type]

    def whole_pass(self: CampaignSet, *args: object) -> object:
        whole.append(1)
        return real_whole(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(campaign_set, "expand_deadlines", expand_deadlines)
    monkeypatch.setattr(CampaignSet, "_whole", whole_pass)
    # The edits' own re-plans are measured: no catch-up or tick job may re-plan between an edit and the checks
    # (on a loaded machine the start-up catch-up ran after the first edit and found nothing to do).
    monkeypatch.setattr(reminder_routes, "running_jobs", _no_jobs)
    with running(settings_for(tmp_path, calendars), clock) as client:
        service: ReminderService = client.app.state.reminders  # type: ignore[attr-defined]
        repository = client.app.state.repository  # type: ignore[attr-defined]
        assert len(expanded) == len(service.calendars)  # start-up: every calendar
        whole.clear()
        rows = {r.occurrence_uid for r in service.store.rows()}
        assert any(u.startswith("kon-tum-2024.") for u in rows)
        for step, (cid, old, new) in enumerate(EDITS[:3]):
            expanded.clear()
            before = {u for u in service._events if u.startswith(f"{cid}.")}  # noqa: SLF001
            _edit(calendars, cid, old, new)
            clock.now = T0 + timedelta(minutes=10 * (step + 1))
            generation = repository.snapshot.generation
            assert _saved(client, calendars / f"{cid}.yaml")
            reached = {cid} | ({"long-bien-2024"} if cid == "ha-noi-2024" else set())  # Long Biên extends Hà Nội
            assert repository.snapshot.changed_since(generation) == reached
            assert cid in expanded and set(expanded) <= reached and not whole  # the reminders looked at those only
            after = {u for u in service._events if u.startswith(f"{cid}.")}  # noqa: SLF001
            scope = service.last_plan_scope
            if before == after and cid != "kon-tum-2024":
                assert service.last_plan_skipped or (scope is not None and scope.occurrences <= before | after)
                continue
            assert scope is not None and not service.last_plan_skipped
            deadlines = {u for u in before | after if ".deadline." in u}
            assert deadlines and scope.occurrences == deadlines
            # Planning everything again from here changes nothing: the edit's re-plan left the ledger whole.
            service.store.save_plan_stamp("another process", "other:1", clock.now)
            stats = service.replan(clock.now)
            assert service.last_plan_scope is None
            assert (stats.inserted, stats.moved, stats.cancelled, stats.revived) == (0, 0, 0, 0)


@asynccontextmanager
async def _no_jobs(*_: object) -> AsyncIterator[None]:
    yield None


def _saved(client: TestClient, path: Path) -> bool:
    """What the watcher does after a save: the live set reloads the paths it names."""
    repository = client.app.state.repository  # type: ignore[attr-defined]
    return bool(client.portal.call(partial(repository.refresh, changed=[path])))  # type: ignore[union-attr]


def test_the_reminders_serve_what_the_live_set_serves_through_saves(tmp_path: Path) -> None:
    calendars = copy_calendars(tmp_path)
    clock = Clock(T0)
    with running(settings_for(tmp_path, calendars), clock) as client:
        service: ReminderService = client.app.state.reminders  # type: ignore[attr-defined]
        repository = client.app.state.repository  # type: ignore[attr-defined]

        def served() -> dict[str, Calendar]:
            calendars_now = repository.snapshot.calendars
            assert dict(service.calendars) == dict(calendars_now)
            assert all(service.calendars[cid] is cal for cid, cal in calendars_now.items())
            return dict(calendars_now)

        before = served()
        generation = repository.snapshot.generation
        _edit(calendars, "kon-tum-2024", "date: 25/6\n", "date: 26/6\n")
        assert _saved(client, calendars / "kon-tum-2024.yaml")
        _edit(calendars, "ha-noi-2024", "\ntitle: ", "\ntitle: (sửa) ")
        assert _saved(client, calendars / "ha-noi-2024.yaml")
        reached = {"kon-tum-2024", "ha-noi-2024", "long-bien-2024"}  # Long Biên extends Hà Nội
        assert repository.snapshot.changed_since(generation) == reached
        after = served()
        assert {"kon-tum-2024", "ha-noi-2024"} <= {cid for cid in after if after[cid] is not before[cid]} <= reached
        # A new file, a file removed, a calendar marked as a draft: the reload says any may have changed.
        for change in ("new", "removed", "draft"):
            generation = repository.snapshot.generation
            path = calendars / {"new": "moi-2024.yaml", "removed": "long-bien-2024.yaml", "draft": "ha-noi-2024.yaml"}[change]
            if change == "new":
                shutil.copy(calendars / "kon-tum-2024.yaml", path)
                path.write_text(path.read_text(encoding="utf-8").replace("id: kon-tum-2024\n", "id: moi-2024\n"),
                                encoding="utf-8")
            elif change == "removed":
                path.unlink()
            else:
                path.write_text("draft: true\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
            assert _saved(client, path)
            assert repository.snapshot.changed_since(generation) is None, change
            served()
        assert "moi-2024" in service.calendars and "long-bien-2024" not in service.calendars
        assert "ha-noi-2024" not in service.calendars  # a draft sends nothing
        assert repository.snapshot.changed_since(repository.snapshot.generation) == frozenset()
        assert repository.snapshot.changed_since(None) is None


def _previous_release_stamp(service: ReminderService, now: datetime) -> str:
    """The fingerprint the previous release stamped: every campaign's share joined in one hash."""
    h = hashlib.sha256()
    for part in (_put("code", plan_code_version()), _put("policy", repr(service.policy)), _put("recipients", "")):
        h.update(part)
    h.update(b"".join(campaign_fingerprint(c, now, events_digest(c.events)) for c in service.campaigns(now)))
    return h.hexdigest()


def test_a_stamp_of_the_previous_release_is_planned_whole_once(tmp_path: Path) -> None:
    (tmp_path / "var").mkdir()
    settings = Settings(calendars_dir=ROOT / "calendars", data_dir=tmp_path / "var",
                        database_url=f"sqlite:///{tmp_path / 'var' / 'db.sqlite'}")
    first = open_service(settings)
    first.replan(T0)
    t = ReminderRow.__table__  # type: ignore[attr-defined]
    with first.engine.connect() as conn:
        ledger = sorted(conn.execute(select(t.c.occurrence_uid, t.c.recipient_key, t.c.offset_days, t.c.status)).all())
    assert ledger
    first.store.save_plan_stamp(_previous_release_stamp(first, T0), first.owner, T0)
    first.close()
    upgraded = open_service(settings)  # the new release starts: no memory, the old stamp in the database
    stats = upgraded.replan(T0 + timedelta(minutes=1))
    assert not upgraded.last_plan_skipped and upgraded.last_plan_scope is None
    assert (stats.inserted, stats.moved, stats.cancelled, stats.revived) == (0, 0, 0, 0)
    with upgraded.engine.connect() as conn:
        assert sorted(conn.execute(select(t.c.occurrence_uid, t.c.recipient_key, t.c.offset_days, t.c.status)).all()) == ledger
    upgraded.replan(T0 + timedelta(minutes=2))
    assert upgraded.last_plan_skipped  # planned once: the new stamp is its own
    upgraded.close()
