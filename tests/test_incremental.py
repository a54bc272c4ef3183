"""Work proportional to the change: an edit re-parses one file and re-expands it and its dependants.

The app runs in-process with a real folder and a real SQLite database; the
repository's counters (files parsed, calendars expanded) say how much work a
reload did. A real watcher (OS notifications, then polling) picks up a save.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from web_support import MARCH_2024, Clock, campaign_yaml, copy_calendars, refresh, running, settings_for

from notifiers.revisions import LedgerEntry
from scheduler.feeds.revision_store import RevisionStore
from scheduler.live.catalog import ParseCache
from scheduler.live.repository import CalendarRepository

FEED = "/feeds/{}.ics?from=2024-01-01&to=2024-12-31"


def test_an_edit_reparses_one_file_and_reexpands_it_and_its_dependants(tmp_path: Path) -> None:
    calendars = copy_calendars(tmp_path)
    (calendars / "tinh-a.yaml").write_text(campaign_yaml("tinh-a", 2024, "Tỉnh A", "15/7"), encoding="utf-8")
    (calendars / "huyen-a.yaml").write_text(
        "id: huyen-a\ntitle: Huyện A\nissuer: Liên đoàn Lao động huyện A\nextends: [tinh-a]\n", encoding="utf-8")
    with running(settings_for(tmp_path, calendars), Clock()) as client:
        repository = client.app.state.repository  # type: ignore[attr-defined]
        files = len(list(calendars.glob("*.yaml")))
        assert repository.parse_cache.parsed == files
        # A fresh start publishes nothing yet, so it expands nothing: the first feed of each does.
        assert repository.expansions == 0
        expanded = 0
        feeds = {cid: client.get(FEED.format(cid)).headers["etag"]
                 for cid in ("kon-tum-2024", "tinh-a", "huyen-a", "ha-noi-2024", "long-bien-2024")}
        kon_tum, huyen = feeds["kon-tum-2024"], feeds["huyen-a"]

        assert refresh(client) is False  # nothing changed: nothing read, nothing expanded
        assert (repository.parse_cache.parsed, repository.expansions) == (files, expanded)

        path = calendars / "kon-tum-2024.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("date: 25/6\n", "date: 27/6\n"), encoding="utf-8")
        assert refresh(client) is True
        assert repository.parse_cache.parsed == files + 1
        assert repository.expansions == expanded + 1
        assert client.get(FEED.format("kon-tum-2024")).headers["etag"] != kon_tum

        # Tinh A is extended by Huyen A: both are expanded again, nothing else.
        (calendars / "tinh-a.yaml").write_text(campaign_yaml("tinh-a", 2024, "Tỉnh A", "16/7"), encoding="utf-8")
        assert refresh(client) is True
        assert repository.parse_cache.parsed == files + 2
        assert repository.expansions == expanded + 3
        assert client.get(FEED.format("huyen-a")).headers["etag"] != huyen

        # A parent's title is not part of what its children publish: they are not expanded again.
        path = calendars / "ha-noi-2024.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("title: ", "title: (sửa) ", 1), encoding="utf-8")
        assert refresh(client) is True
        assert repository.expansions == expanded + 4

        # A new file is parsed; a deleted one is forgotten.
        (calendars / "kon-tum-2024.yaml").rename(calendars / "kon-tum-2024b.yaml")
        assert refresh(client) is True
        assert "kon-tum-2024b" in repository.snapshot.states and "kon-tum-2024" not in repository.snapshot.states


def test_parse_cache_sees_a_rewrite_of_the_same_size(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("id: a\ntitle: A\n", encoding="utf-8")
    cache = ParseCache()
    first = cache.whole(cache.load([path])[0])  # a load gives outlines; the whole parse on demand
    path.write_text("id: a\ntitle: B\n", encoding="utf-8")  # same size, maybe the same mtime tick
    second = cache.whole(cache.load([path])[0])
    assert cache.parsed == 2
    assert first.model is not None and second.model is not None and second.model.title == "B"
    cache.load([path])
    assert cache.parsed == 2


def test_the_ledger_is_saved_in_batches_and_read_back(tmp_path: Path) -> None:
    from notifiers.ics import Revision
    from scheduler.store.database import create_tables, engine_from_settings

    settings = settings_for(tmp_path, tmp_path)
    engine = engine_from_settings(settings)
    create_tables(engine)
    store = RevisionStore(engine)
    stamp = datetime(2024, 3, 1, tzinfo=UTC)
    entries = [
        LedgerEntry(f"c{i % 7}", f"u{i}", Revision(f"f{i}", 0, stamp), MARCH_2024.date(), "{}")
        for i in range(1_234)  # more than one batch
    ]
    store.save(entries)
    store.save([LedgerEntry("c0", "u0", Revision("g", 1, stamp), MARCH_2024.date(), "{}", deleted_at=stamp)])
    loaded = store.load_all()
    assert sum(len(v) for v in loaded.values()) == 1_234
    assert loaded["c0"]["u0"].revision == Revision("g", 1, stamp) and loaded["c0"]["u0"].deleted_at == stamp
    engine.dispose()


@pytest.mark.parametrize("polling", [False, True], ids=["notify", "polling"])
def test_the_watcher_reloads_after_a_save(tmp_path: Path, polling: bool) -> None:
    calendars = copy_calendars(tmp_path)
    settings = settings_for(tmp_path, calendars, watch_polling=polling, watch_interval_seconds=0.1)

    async def scenario() -> float:
        repository = CalendarRepository(settings, clock=lambda: MARCH_2024)
        await repository.start(watch=True)
        try:
            generation = repository.snapshot.generation
            path = calendars / "kon-tum-2024.yaml"
            path.write_text(path.read_text(encoding="utf-8").replace("date: 25/6\n", "date: 27/6\n"),
                            encoding="utf-8")
            began = time.monotonic()
            while repository.snapshot.generation == generation:
                assert time.monotonic() - began < 120, "thay đổi không được phát hiện"  # a hang guard, not a speed
                await asyncio.sleep(0.02)
            return time.monotonic() - began
        finally:
            await repository.stop()

    asyncio.run(scenario())  # the reload happened; how fast lives in bench/scale.py (edit)


def test_tombstone_expiry_is_a_timer_not_a_scan(tmp_path: Path) -> None:
    """The next expiry is known after a reload; `_due` compares one time, it scans no ledger."""
    calendars = copy_calendars(tmp_path)
    clock = Clock()
    with running(settings_for(tmp_path, calendars, cancelled_retention_days=30), clock) as client:
        repository = client.app.state.repository  # type: ignore[attr-defined]
        assert repository.next_expiry() is None
        client.get(FEED.format("kon-tum-2024"))  # published: a deletion must now be announced
        path = calendars / "kon-tum-2024.yaml"
        text = path.read_text(encoding="utf-8")
        start = text.index("  - id: bao-cao-6-thang")
        end = text.index("  - id:", start + 10)
        path.write_text(text[:start] + text[end:], encoding="utf-8")
        assert refresh(client) is True
        assert repository.next_expiry() == clock.now + timedelta(days=30)
        assert refresh(client) is False
        clock.now += timedelta(days=30)
        assert refresh(client) is True  # the tombstone expired: the feed drops it
        assert repository.next_expiry() is None


def test_a_saved_cache_keeps_its_parses_on_disk_and_gives_them_whole(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """After a save (or a restore) a parse is an outline in memory and compressed in the cache file; the
    whole parse read back from the file equals a fresh parse, also after the file is replaced by another
    process's save (the open file is the one the offsets point into)."""
    from scheduler.live import catalog

    monkeypatch.setattr(catalog, "CACHE_AT", 1)
    calendars = copy_calendars(tmp_path)
    files = catalog.calendar_files([calendars])
    cache_file = tmp_path / "var" / "parse-cache.pickle"
    saved = ParseCache()
    built = catalog.load_catalog(calendars, cache=saved)
    saved.save(cache_file, built)
    restored = ParseCache()
    assert restored.restore(cache_file)
    other = ParseCache()
    other.load(files[:1])
    other.save(cache_file)  # replaced under the two caches: a one-file cache now
    for cache in (saved, restored):
        for path in files:
            whole, fresh = cache.fresh(path), catalog.read_calendar(path)
            assert (whole.model, whole.positions, whole.key_positions) == (fresh.model, fresh.positions,
                                                                        fresh.key_positions)
            assert cache.cached(path) is not None and cache.cached(path).model.extends == tuple(fresh.model.extends)  # type: ignore[union-attr]
    assert catalog.load_catalog(calendars, cache=restored, previous=built).calendars == built.calendars


def test_a_restart_parses_and_expands_only_what_changed_while_down(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from scheduler.core import lineage
    from scheduler.live import catalog

    monkeypatch.setattr(catalog, "CACHE_AT", 1)  # the shipped folder is small: cache it anyway
    merged: list[str] = []
    merge = lineage.merge

    def counted(model: Any, loaded: Any, parents: Any) -> Any:
        merged.append(model.id)
        return merge(model, loaded, parents)

    monkeypatch.setattr(lineage, "merge", counted)
    calendars = copy_calendars(tmp_path)
    settings = settings_for(tmp_path, calendars)

    def same_as_a_full_load(repository: Any) -> bool:
        full = catalog.load_catalog(calendars)
        served = repository.snapshot.catalog
        return bool(served.calendars == full.calendars and served.diagnostics == full.diagnostics)
    with running(settings, Clock()) as client:
        before = {cid: client.get(FEED.format(cid)).content for cid in ("kon-tum-2024", "lao-cai-2024")}
    assert (tmp_path / "var" / "parse-cache.pickle").is_file()

    merged.clear()
    with running(settings, Clock()) as client:  # nothing changed
        repository = client.app.state.repository  # type: ignore[attr-defined]
        # The two published calendars get their first full reconcile (deletions while down), no others.
        assert (repository.parse_cache.parsed, repository.expansions) == (0, 2)
        assert merged == []  # the catalog saved with the parses is taken as it was
        assert same_as_a_full_load(repository)
        assert {cid: client.get(FEED.format(cid)).content for cid in before} == before
    with running(settings, Clock()) as client:  # nothing changed, and every ledger is reconciled
        repository = client.app.state.repository  # type: ignore[attr-defined]
        assert (repository.parse_cache.parsed, repository.expansions) == (0, 0)
        assert {cid: client.get(FEED.format(cid)).content for cid in before} == before

    path = calendars / "kon-tum-2024.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("date: 25/6\n", "date: 27/6\n"), encoding="utf-8")
    merged.clear()
    with running(settings, Clock()) as client:  # one file edited while the service was down
        repository = client.app.state.repository  # type: ignore[attr-defined]
        assert (repository.parse_cache.parsed, repository.expansions) == (1, 1)
        assert merged == ["kon-tum-2024"] and same_as_a_full_load(repository)
        body = client.get(FEED.format("kon-tum-2024")).content.decode()
        assert "SEQUENCE:1" in body  # the stored ledger was reconciled, not renumbered
        assert client.get(FEED.format("lao-cai-2024")).content == before["lao-cai-2024"]

    parent = calendars / "ha-noi-2024.yaml"  # a parent edited while down: its children are merged again
    parent.write_text(parent.read_text(encoding="utf-8").replace("title: ", "title: Đã sửa ", 1), encoding="utf-8")
    merged.clear()
    with running(settings, Clock()) as client:
        repository = client.app.state.repository  # type: ignore[attr-defined]
        children = sorted(c.id for c in repository.snapshot.calendars.values() if "ha-noi-2024" in c.lineage)
        assert children and sorted(merged) == sorted(["ha-noi-2024", *children])
        assert same_as_a_full_load(repository)
        assert repository.snapshot.calendars["ha-noi-2024"].title.startswith("Đã sửa ")

    (tmp_path / "var" / "parse-cache.pickle").write_bytes(b"damaged")
    with running(settings, Clock()) as client:  # a damaged cache is ignored
        repository = client.app.state.repository  # type: ignore[attr-defined]
        assert repository.parse_cache.parsed == len(list(calendars.glob("*.yaml")))
        assert repository.expansions == 0


def test_incremental_catalog_equals_a_full_load_through_edits(tmp_path: Path) -> None:
    """Reusing untouched calendars gives exactly what loading everything again gives."""
    from scheduler.live.catalog import load_catalog

    calendars = copy_calendars(tmp_path)
    (calendars / "tinh-a.yaml").write_text(campaign_yaml("tinh-a", 2024, "Tỉnh A", "15/7"), encoding="utf-8")
    (calendars / "huyen-a.yaml").write_text(
        "id: huyen-a\ntitle: Huyện A\nissuer: Liên đoàn Lao động huyện A\nextends: [tinh-a]\n", encoding="utf-8")
    cache = ParseCache()
    previous = load_catalog(calendars, cache=cache)
    tinh = calendars / "tinh-a.yaml"
    edits = [
        (tinh, campaign_yaml("tinh-a", 2024, "Tỉnh A", "16/7")),  # a parent's deadline moves
        (tinh, campaign_yaml("tinh-a", 2024, "Tỉnh A", "31/2")),  # the parent breaks: the child too
        (tinh, campaign_yaml("tinh-a", 2024, "Tỉnh A", "16/7")),  # fixed
        (calendars / "huyen-a.yaml", "id: huyen-a\ntitle: Huyện A\nissuer: X\nextends: [tinh-b]\n"),  # unknown parent
        (calendars / "tinh-b.yaml", campaign_yaml("tinh-b", 2024, "Tỉnh B", "1/8")),  # ... which now appears
    ]
    for path, text in edits:
        path.write_text(text, encoding="utf-8")
        incremental = load_catalog(calendars, cache=cache, previous=previous)
        full = load_catalog(calendars)
        assert incremental.calendars == full.calendars
        assert incremental.diagnostics == full.diagnostics
        assert incremental.files == full.files
        if path.name != "tinh-b.yaml":  # same files as before: untouched calendars are reused as they were
            assert incremental.calendars["lao-cai-2024"] is previous.calendars["lao-cai-2024"]
        previous = incremental


def _view(repository: CalendarRepository) -> dict[str, tuple[object, ...]]:
    return {cid: (s.calendar, s.version, s.diagnostics, s.tracked, s.active_tombstones, s.path)
            for cid, s in repository.snapshot.states.items()}


def test_the_watchers_paths_reload_what_a_whole_reload_gives(tmp_path: Path) -> None:
    """Edits told by the watcher (paths) reload only those files, with the result of reading everything."""
    calendars = copy_calendars(tmp_path)
    (calendars / "tinh-a.yaml").write_text(campaign_yaml("tinh-a", 2024, "Tỉnh A", "15/7"), encoding="utf-8")
    (calendars / "huyen-a.yaml").write_text(
        "id: huyen-a\ntitle: Huyện A\nissuer: Liên đoàn Lao động huyện A\nextends: [tinh-a]\n", encoding="utf-8")
    today = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)  # the product runs in whatever year it is
    told = CalendarRepository(settings_for(tmp_path / "a", calendars), clock=lambda: today)
    whole = CalendarRepository(settings_for(tmp_path / "b", calendars), clock=lambda: today)
    told.reload(), whole.reload()
    tinh, huyen = calendars / "tinh-a.yaml", calendars / "huyen-a.yaml"
    sub = calendars / "them"
    steps: list[tuple[set[Path], Any]] = [
        ({tinh}, lambda: tinh.write_text(campaign_yaml("tinh-a", 2024, "Tỉnh A", "16/7"), encoding="utf-8")),
        ({tinh}, lambda: tinh.write_text(campaign_yaml("tinh-a", 2024, "Tỉnh A", "31/2"), encoding="utf-8")),
        ({tinh}, lambda: tinh.write_text(campaign_yaml("tinh-a", 2024, "Tỉnh A", "16/7"), encoding="utf-8")),
        ({calendars / "ghi-chu.txt"}, lambda: (calendars / "ghi-chu.txt").write_text("x", encoding="utf-8")),
        ({calendars / "tinh-b.yaml"},
         lambda: (calendars / "tinh-b.yaml").write_text(campaign_yaml("tinh-b", 2024, "Tỉnh B", "1/8"), encoding="utf-8")),
        ({huyen, calendars / "huyen-b.yaml"}, lambda: huyen.rename(calendars / "huyen-b.yaml")),
        ({sub}, lambda: (sub.mkdir(), (sub / "xa-a.yaml").write_text(
            campaign_yaml("xa-a", 2024, "Xã A", "2/8"), encoding="utf-8"))),
        ({sub}, lambda: [p.unlink() for p in sub.iterdir()] and sub.rmdir()),
        ({tinh}, lambda: tinh.unlink()),
    ]
    for paths, act in steps:
        act()
        told.reload(paths), whole.reload()
        assert _view(told) == _view(whole), paths
    assert told.parse_cache.parsed < whole.parse_cache.parsed + 1


def test_an_edit_told_by_the_watcher_looks_at_that_file_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Flat in the number of calendars: one stat and one expansion for one edited campaign among 60."""
    from scheduler.live import catalog

    calendars = copy_calendars(tmp_path)
    for n in range(60):
        (calendars / f"tinh-{n}.yaml").write_text(campaign_yaml(f"tinh-{n}", 2026, f"Tỉnh {n}", "15/12"),
                                                  encoding="utf-8")
    today = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
    repository = CalendarRepository(settings_for(tmp_path, calendars), clock=lambda: today)
    repository.reload()
    stats: list[Path] = []
    real = catalog.file_signature
    monkeypatch.setattr(catalog, "file_signature", lambda p: (stats.append(p), real(p))[1])
    monkeypatch.setattr(repository, "folder_signature", lambda: pytest.fail("the folder was walked"))
    edited = calendars / "tinh-7.yaml"
    edited.write_text(campaign_yaml("tinh-7", 2026, "Tỉnh 7", "20/12"), encoding="utf-8")
    before = repository.snapshot.states["tinh-8"]
    repository.reload({edited})
    assert stats == [edited]
    assert repository.snapshot.states["tinh-8"] is before  # untouched: the very same state
    assert repository.snapshot.states["tinh-7"].version == 2


def test_updating_a_catalog_for_saved_files_equals_a_whole_build(tmp_path: Path) -> None:
    """update_catalog merges only the edited calendars and those extending them (before or after the
    edit, at any depth), and gives exactly what building the folder again gives: cycles made and
    undone, a parent changed, a parent broken and fixed, an unknown parent."""
    from scheduler.live.catalog import load_catalog
    from scheduler.live.edits import update_catalog

    calendars = copy_calendars(tmp_path)
    tinh_a, tinh_b = calendars / "tinh-a.yaml", calendars / "tinh-b.yaml"
    huyen, xa = calendars / "huyen-a.yaml", calendars / "xa-a.yaml"

    def child(cid: str, *parents: str) -> str:
        return f"id: {cid}\ntitle: {cid}\nissuer: Liên đoàn Lao động {cid}\nextends: [{', '.join(parents)}]\n"

    tinh_a.write_text(campaign_yaml("tinh-a", 2024, "Tỉnh A", "15/7"), encoding="utf-8")
    tinh_b.write_text(campaign_yaml("tinh-b", 2024, "Tỉnh B", "1/8"), encoding="utf-8")
    huyen.write_text(child("huyen-a", "tinh-a"), encoding="utf-8")
    xa.write_text(child("xa-a", "huyen-a"), encoding="utf-8")
    cache = ParseCache()
    previous = load_catalog(calendars, cache=cache)
    edits = [
        (tinh_a, campaign_yaml("tinh-a", 2024, "Tỉnh A", "16/7"), {"tinh-a", "huyen-a", "xa-a"}),
        (tinh_a, campaign_yaml("tinh-a", 2024, "Tỉnh A", "31/2"), {"tinh-a", "huyen-a", "xa-a"}),  # broken
        (tinh_a, campaign_yaml("tinh-a", 2024, "Tỉnh A", "16/7"), {"tinh-a", "huyen-a", "xa-a"}),  # fixed
        (huyen, child("huyen-a", "tinh-b"), {"huyen-a", "xa-a"}),  # another parent
        (tinh_a, campaign_yaml("tinh-a", 2024, "Tỉnh A", "17/7"), {"tinh-a"}),  # no child any more
        (tinh_b, child("tinh-b", "xa-a"), {"tinh-b", "huyen-a", "xa-a"}),  # a cycle
        (tinh_b, campaign_yaml("tinh-b", 2024, "Tỉnh B", "2/8"), {"tinh-b", "huyen-a", "xa-a"}),  # undone
        (xa, child("xa-a", "huyen-z"), {"xa-a"}),  # unknown parent
        (xa, child("xa-a", "huyen-a", "tinh-a"), {"xa-a"}),
    ]
    for path, text, merged in edits:
        path.write_text(text, encoding="utf-8")
        updated = update_catalog(previous, cache, [path])
        full = load_catalog(calendars)
        assert updated is not None
        assert updated.merged == merged, path
        assert updated.calendars == full.calendars, path
        assert updated.diagnostics == full.diagnostics, path
        assert updated.files == full.files
        assert updated.children == full.children
        assert updated.calendars["lao-cai-2024"] is previous.calendars["lao-cai-2024"]
        previous = updated
    # A new file is not an edit of the same files: the caller builds the folder again.
    (calendars / "tinh-c.yaml").write_text(campaign_yaml("tinh-c", 2024, "Tỉnh C", "1/9"), encoding="utf-8")
    assert update_catalog(previous, cache, [calendars / "tinh-c.yaml"]) is None


def test_a_reload_with_a_previous_catalog_reads_positions_only_where_it_merges(tmp_path: Path) -> None:
    """Unchanged files come without their position tables; whatever is diagnosed or merged again
    (the edited file, its children, a second file of the same id) still says the right line."""
    from scheduler.live.catalog import load_catalog

    calendars = copy_calendars(tmp_path)
    tinh = calendars / "tinh-a.yaml"
    tinh.write_text(campaign_yaml("tinh-a", 2024, "Tỉnh A", "15/7"), encoding="utf-8")
    (calendars / "huyen-a.yaml").write_text(
        "id: huyen-a\ntitle: Huyện A\nissuer: Liên đoàn Lao động huyện A\nextends: [tinh-a]\n", encoding="utf-8")
    (calendars / "z-khac").mkdir()  # after tinh-a.yaml: the unchanged copy is the duplicate
    (calendars / "z-khac" / "tinh-a.yaml").write_text(
        "# Bản sao cũ\n" + campaign_yaml("tinh-a", 2024, "Tỉnh A", "1/9"), encoding="utf-8")  # its id on line 2
    cache = ParseCache()
    previous = load_catalog(calendars, cache=cache)
    for day in ("31/2", "16/7"):
        tinh.write_text(campaign_yaml("tinh-a", 2024, "Tỉnh A", day), encoding="utf-8")
        reloaded = load_catalog(calendars, cache=cache, previous=previous)
        assert cache.light and tinh not in cache.light
        full = load_catalog(calendars)
        assert reloaded.diagnostics == full.diagnostics  # lines and columns included
        assert reloaded.calendars == full.calendars
        assert any(d.code == "calendar.duplicate" for ds in reloaded.diagnostics.values() for d in ds)
        previous = reloaded


def test_an_added_or_removed_file_merges_what_it_reaches_and_equals_a_whole_build(tmp_path: Path) -> None:
    """A new file, a file gone, a duplicate id appearing and going: only those ids and the calendars
    extending them are merged again, and the catalog equals one built from scratch."""
    from scheduler.live.catalog import load_catalog

    calendars = copy_calendars(tmp_path)
    huyen = calendars / "huyen-a.yaml"
    huyen.write_text("id: huyen-a\ntitle: Huyện A\nissuer: Liên đoàn Lao động huyện A\nextends: [tinh-a]\n",
                     encoding="utf-8")  # its parent is not there yet
    tinh = calendars / "tinh-a.yaml"
    copy = calendars / "z-khac" / "tinh-a.yaml"
    cache = ParseCache()
    previous = load_catalog(calendars, cache=cache)
    steps = [
        (lambda: tinh.write_text(campaign_yaml("tinh-a", 2024, "Tỉnh A", "15/7"), encoding="utf-8"),
         {"tinh-a", "huyen-a"}),
        (lambda: (copy.parent.mkdir(), copy.write_text(campaign_yaml("tinh-a", 2024, "Tỉnh A", "1/9"),
                                                       encoding="utf-8")), set()),  # a duplicate after it
        (lambda: tinh.unlink(), {"tinh-a", "huyen-a"}),  # the duplicate is the calendar now
        (lambda: copy.unlink(), {"huyen-a"}),  # no parent any more
        (lambda: huyen.unlink(), set()),
    ]
    for change, merged in steps:
        change()
        reloaded = load_catalog(calendars, cache=cache, previous=previous)
        full = load_catalog(calendars)
        assert reloaded.merged == merged
        assert reloaded.calendars == full.calendars
        assert reloaded.diagnostics == full.diagnostics
        assert reloaded.children == full.children
        previous = reloaded


def test_the_watchers_absolute_paths_match_a_relative_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`calendars_dir = "calendars"` (relative, the default) while the watcher names files absolutely:
    an edit is still an edit of that file, not a new file with the same id."""
    calendars = copy_calendars(tmp_path)
    tinh = calendars / "tinh-a.yaml"
    tinh.write_text(campaign_yaml("tinh-a", 2024, "Tỉnh A", "15/7"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    today = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
    told = CalendarRepository(settings_for(Path("a"), Path("calendars")), clock=lambda: today)
    whole = CalendarRepository(settings_for(Path("b"), Path("calendars")), clock=lambda: today)
    told.reload(), whole.reload()
    tinh.write_text(campaign_yaml("tinh-a", 2024, "Tỉnh A", "16/7"), encoding="utf-8")
    told.reload({tinh.absolute()}), whole.reload()
    assert _view(told) == _view(whole)
    assert not told.snapshot.failing
    assert told.snapshot.catalog is not None and told.snapshot.catalog.merged == {"tinh-a"}
