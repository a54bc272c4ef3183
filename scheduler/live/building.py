"""The catalog of a folder from its parses: ``extends`` resolved, calendars merged, diagnostics kept by file.

:mod:`scheduler.live.catalog` reads the folder and keeps the parses; this builds the
:class:`Catalog` from them. Parses may come as outlines (see :mod:`scheduler.live.compact`): a
calendar merged again is given its whole parse only while it is merged, then the whole parse is
dropped, so a build of 10,000 calendars never holds 10,000 whole parses at once.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from scheduler.core.campaign import Calendar
from scheduler.core.lineage import report_cycles, resolve
from scheduler.core.loaded import LoadedFile
from scheduler.errors import CalendarError, CalendarNotFound, Diagnostic, Severity
from scheduler.live.compact import is_outline

Refresh = Callable[[LoadedFile], LoadedFile]  # an outline's whole parse, adding to the outline's diagnostics


@dataclass
class Catalog:
    root: Path
    calendars: dict[str, Calendar] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)  # id -> file, broken files included
    diagnostics: dict[str, tuple[Diagnostic, ...]] = field(default_factory=dict)  # display path -> diagnostics
    display: dict[str, str] = field(default_factory=dict)  # id -> display path
    # ids taken as they were from the previous catalog (neither their file nor an ancestor's changed)
    reused: frozenset[str] = frozenset()
    # ids resolved again by the build that made this catalog (every id for a whole build)
    merged: frozenset[str] = frozenset()
    # parent id -> ids whose file extends it (parents unknown to the folder included)
    children: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def get(self, calendar_id: str) -> Calendar:
        found = self.calendars.get(calendar_id)
        if found is not None:
            return found
        if calendar_id in self.files:
            raise CalendarError(list(self.errors_for(calendar_id)) or f"Lịch '{calendar_id}' đang có lỗi")
        close = difflib.get_close_matches(calendar_id, list(self.files), n=1)
        hint = f" Có phải ý bạn là '{close[0]}'?" if close else ""
        raise CalendarNotFound(f"Không có lịch '{calendar_id}' trong {self.root}.{hint}")

    def has_errors(self, calendar_id: str) -> bool:
        return any(d.severity is Severity.ERROR for d in self.errors_for(calendar_id))

    def errors_for(self, calendar_id: str) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics.get(self.display.get(calendar_id, ""), ()) if d.severity is Severity.ERROR)

    def all_diagnostics(self) -> list[Diagnostic]:
        return [d for diags in self.diagnostics.values() for d in diags]

    @property
    def ok(self) -> bool:
        return not any(d.severity is Severity.ERROR for d in self.all_diagnostics())


class Merging(Mapping[str, LoadedFile]):
    """The parses by id as :func:`~scheduler.core.lineage.resolve` reads them: a calendar not resolved yet
    is given whole (rebuilt from its outline by ``refresh`` on first read, kept until :meth:`release`);
    one already resolved, as given (its parents' ``ok`` and display path are all it is asked for)."""

    def __init__(self, by_id: Mapping[str, LoadedFile], done: Mapping[str, object], refresh: Refresh | None) -> None:
        self._by_id, self._done, self._refresh = by_id, done, refresh
        self._whole: dict[str, LoadedFile] = {}
        self.pinned: dict[str, LoadedFile] = {}  # whole for the whole build (members of a cycle)

    def __getitem__(self, cid: str) -> LoadedFile:
        found = self.pinned.get(cid) or self._whole.get(cid)
        if found is not None:
            return found
        loaded = self._by_id[cid]
        if self._refresh is None or cid in self._done or not is_outline(loaded):
            return loaded
        found = self._whole[cid] = self._refresh(loaded)
        return found

    def whole(self, cid: str) -> LoadedFile:
        loaded = self._by_id[cid]
        return self._refresh(loaded) if self._refresh is not None and is_outline(loaded) else loaded

    def release(self) -> None:
        self._whole.clear()

    def __contains__(self, cid: object) -> bool:
        return cid in self._by_id

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_id)

    def __len__(self) -> int:
        return len(self._by_id)


def report_cycles_located(parses: Merging, by_id: Mapping[str, LoadedFile], only: Collection[str] | None = None) -> None:
    """:func:`~scheduler.core.lineage.report_cycles`, each member of a cycle diagnosed on its whole parse
    (an outline knows no positions): found on the outlines, then reported again on the whole parses."""
    ids = list(by_id if only is None else only)
    counts = [len(by_id[cid].diagnostics) for cid in ids]
    report_cycles(by_id, only=ids)
    found = [cid for cid, count in zip(ids, counts, strict=True) if len(by_id[cid].diagnostics) != count]
    redo = [cid for cid in found if is_outline(by_id[cid])]
    if not redo:
        return
    for cid, count in zip(ids, counts, strict=True):
        if cid in redo:
            del by_id[cid].diagnostics[count:]
    parses.pinned.update((cid, parses.whole(cid)) for cid in redo)
    report_cycles(parses, only=redo)


def _reusable(by_id: Mapping[str, LoadedFile], previous: Catalog | None, changed: Collection[Path]) -> set[str]:
    """Calendars whose file and ancestors' files did not change: their previous result stands.

    Changed: a file in ``changed``, an id whose file is new or another than before (added, or a
    duplicate id resolved otherwise), and an id gone (what extended it now fails); and every
    calendar extending one of those, at any depth. An added or removed file costs what it reaches.
    """
    if previous is None:
        return set()
    roots = [cid for cid, loaded in by_id.items() if loaded.path in changed or previous.files.get(cid) != loaded.path]
    roots += [cid for cid in previous.files if cid not in by_id]
    children = _children(by_id)
    dirty: set[str] = set()
    while roots:
        cid = roots.pop()
        if cid not in dirty:
            dirty.add(cid)
            roots.extend(children.get(cid, ()))
    return {cid for cid, loaded in by_id.items()
            if cid not in dirty and loaded.display in previous.diagnostics}


def _children(by_id: Mapping[str, LoadedFile]) -> dict[str, tuple[str, ...]]:
    children: dict[str, list[str]] = {}
    for cid, loaded in by_id.items():
        for parent in dict.fromkeys(loaded.model.extends if loaded.model else ()):
            children.setdefault(parent, []).append(cid)
    return {parent: tuple(sorted(ids)) for parent, ids in children.items()}


def build_catalog(root: Path, loaded_files: list[LoadedFile], *, previous: Catalog | None = None,
                  changed: Collection[Path] = (), refresh: Refresh | None = None) -> Catalog:
    """Resolve ``extends`` and merge; with ``previous`` (the catalog before ``changed`` files
    were re-read), calendars untouched by the change are taken from it as they are.

    ``loaded_files`` may be outlines (see :mod:`scheduler.live.compact`); ``refresh`` gives them
    whole, for those that are diagnosed or merged again, one at a time (the others' diagnostics
    are the previous catalog's)."""
    catalog = Catalog(root=root)
    by_id: dict[str, LoadedFile] = {}
    for index, loaded in enumerate(loaded_files):
        cid = loaded.stem
        if cid in by_id:
            if refresh is not None and is_outline(loaded):
                loaded = loaded_files[index] = refresh(loaded)
            loaded.diagnose("calendar.duplicate", ("id",), value=cid, other=by_id[cid].display)
            continue
        by_id[cid] = loaded
        catalog.files[cid] = loaded.path
        catalog.display[cid] = loaded.display

    clean = _reusable(by_id, previous, changed)
    catalog.reused = frozenset(clean)
    catalog.merged = frozenset(by_id.keys() - clean)
    catalog.children = _children(by_id)
    resolved: dict[str, Calendar | None] = {}
    parses = Merging(by_id, resolved, refresh)
    report_cycles_located(parses, by_id)
    if previous is not None:
        resolved.update((cid, previous.calendars.get(cid)) for cid in clean)
    for cid in by_id:
        resolve(cid, parses, resolved, stack=())
        parses.release()
    for loaded in loaded_files:
        reused = previous is not None and loaded.stem in clean and by_id[loaded.stem] is loaded
        catalog.diagnostics[loaded.display] = (
            previous.diagnostics[loaded.display] if reused and previous else loaded.sorted_diagnostics()
        )
    catalog.calendars = {cid: cal for cid, cal in resolved.items()
                         if cal is not None and (cid in clean or by_id[cid].ok)}
    return catalog
