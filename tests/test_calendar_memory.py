"""How the live set holds many calendars: equal text shared, the saved catalog written a few calendars at a time."""

from __future__ import annotations

from pathlib import Path

import pytest
from web_support import copy_calendars

from scheduler.live import catalog
from scheduler.live.catalog import ParseCache


def _copies(calendars: Path, count: int) -> list[str]:
    """``count`` copies of Kon Tum's campaign under new ids (each its own file, parsed on its own)."""
    text = (calendars / "kon-tum-2024.yaml").read_text(encoding="utf-8")
    ids = [f"kon-tum-2024-{i}" for i in range(count)]
    for cid in ids:
        (calendars / f"{cid}.yaml").write_text(text.replace("id: kon-tum-2024\n", f"id: {cid}\n", 1),
                                               encoding="utf-8")
    return ids


def test_calendars_of_the_same_text_share_it(tmp_path: Path) -> None:
    calendars = copy_calendars(tmp_path)
    first, second = _copies(calendars, 2)
    built = catalog.load_catalog(calendars, cache=ParseCache())
    a, b = built.calendars[first], built.calendars[second]
    assert a.deadlines and [s.item for s in a.deadlines] == [s.item for s in b.deadlines]
    for mine, theirs in zip(a.deadlines, b.deadlines, strict=True):
        assert mine.item.title is theirs.item.title
        assert mine.item.submit_to is theirs.item.submit_to
    assert a.document is not None and b.document is not None and a.document.implements is b.document.implements
    assert a.source != b.source  # what differs stays each calendar's own


def test_a_saved_catalog_is_restored_whole_from_its_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Saved a few calendars to a pickle, the catalog comes back equal, its calendars in the same order."""
    monkeypatch.setattr(catalog, "CACHE_AT", 1)
    monkeypatch.setattr(catalog, "CHUNK_CALENDARS", 3)
    calendars = copy_calendars(tmp_path)
    _copies(calendars, 4)
    cache_file = tmp_path / "var" / "parse-cache.pickle"
    saved = ParseCache()
    built = catalog.load_catalog(calendars, cache=saved)
    assert len(built.calendars) > 2 * catalog.CHUNK_CALENDARS
    saved.save(cache_file, built)
    restored = ParseCache()
    assert restored.restore(cache_file)
    again = restored.take_restored_catalog()
    assert isinstance(again, catalog.Catalog)
    assert list(again.calendars) == list(built.calendars)
    assert again.calendars == built.calendars
    assert (again.files, again.display, again.diagnostics, again.children) == (
        built.files, built.display, built.diagnostics, built.children)
    # A restart merges nothing again: every calendar is the restored one.
    reloaded = catalog.load_catalog(calendars, cache=restored, previous=again)
    assert reloaded.calendars == built.calendars and reloaded.merged == frozenset()
    # Parses read back from the file after the calendars are whole, as before.
    for path in catalog.calendar_files([calendars]):
        assert restored.fresh(path).model == catalog.read_calendar(path).model
