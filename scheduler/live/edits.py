"""What a save changes, and only that: the files the watcher names, the calendars they define or pass on.

The live set (scheduler.live.repository) calls these after an edit: :func:`edited_files` turns the
watcher's changed paths into the folder's file list without walking the folder or looking at any
other file, and :func:`update_catalog` resolves and merges again only the saved calendars and the
ones extending them. Work proportional to the change, not to the number of calendars.
"""

from __future__ import annotations

import bisect
import os
from collections.abc import Collection, Iterable, Iterator, Mapping
from pathlib import Path

from scheduler.core.campaign import Calendar
from scheduler.core.lineage import report_cycles, resolve
from scheduler.core.loaded import LoadedFile
from scheduler.live.catalog import CALENDAR_SUFFIXES, Catalog, ParseCache, is_calendar_path, walk
from scheduler.live.data_folders import in_data_folder


def seen(path: Path) -> tuple[int, int] | None:
    """A file's (mtime ns, size), or None when it is gone."""
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


def folder_signature(root: Path) -> dict[str, tuple[int, int]]:
    """Every calendar-suffixed file under ``root`` with its (mtime ns, size): the whole folder, looked at."""
    entries: dict[str, tuple[int, int]] = {}
    if root.is_dir():
        shown = str(root)
        prefix = "" if shown == "." else shown if shown.endswith("/") else shown + "/"  # as str(root / name)
        for name, entry in walk(root):
            try:
                st = entry.stat()
            except OSError:  # deleted between listing and stat
                continue
            entries[prefix + name] = (st.st_mtime_ns, st.st_size)
    return entries


def edited_files(changed: Collection[Path], root: Path, files: list[Path], file_set: Collection[Path],
                 signature: dict[str, tuple[int, int]]) -> tuple[list[Path], set[Path], bool] | None:
    """The calendar files after ``changed`` paths changed, the ones among them that may have changed,
    and whether the set of files moved; None when the paths are not enough (a folder renamed or
    removed: what is under it is not in the list; an edit of the admin's days-off decisions or
    school-year frameworks, which may move events of every calendar). ``signature`` is updated for the paths seen.
    Paths are taken in the folder's own form (a relative ``root`` gives relative paths).
    """
    if any(in_data_folder(p, root) for p in changed):
        return None
    added: set[Path] = set()
    removed: set[Path] = set()
    only: set[Path] = set()
    absolute_root = root.absolute()
    for path in changed:
        if path.is_absolute() and not root.is_absolute():  # the watcher names files absolutely
            try:
                path = root / path.relative_to(absolute_root)
            except ValueError:
                pass
        if path.is_dir() or (path.suffix not in CALENDAR_SUFFIXES and any(
                str(f).startswith(f"{path}{os.sep}") for f in files)):
            return None
        if path.suffix not in CALENDAR_SUFFIXES:
            continue
        now = seen(path)
        if now is None:
            signature.pop(str(path), None)
        else:
            signature[str(path)] = now
        try:
            calendar = is_calendar_path(path, root)
        except ValueError:  # not under the folder
            continue
        if calendar:
            only.add(path)
            known = path in file_set
            if now is None and known:
                removed.add(path)
            elif now is not None and not known:
                added.add(path)
    if not added and not removed:
        return files, only, False
    return sorted((set(file_set) - removed) | added), only, True


def _descendants(roots: Iterable[str], children: Mapping[str, Iterable[str]]) -> set[str]:
    found: set[str] = set()
    todo = list(roots)
    while todo:
        cid = todo.pop()
        if cid not in found:
            found.add(cid)
            todo.extend(children.get(cid, ()))
    return found


class _Parses(Mapping[str, LoadedFile]):
    """The folder's parses by id for :func:`update_catalog`: fresh copies for the calendars merged
    again, the cache's own (read, never diagnosed) for the others. Building it costs nothing."""

    def __init__(self, files: Mapping[str, Path], cache: ParseCache, fresh: Mapping[str, LoadedFile]) -> None:
        self._files, self._cache, self._fresh = files, cache, fresh

    def __getitem__(self, cid: str) -> LoadedFile:
        found = self._fresh.get(cid)
        if found is not None:
            return found
        loaded = self._cache.cached(self._files[cid])
        if loaded is None:
            raise KeyError(cid)
        return loaded

    def __contains__(self, cid: object) -> bool:
        return cid in self._files

    def __iter__(self) -> Iterator[str]:
        return iter(self._files)

    def __len__(self) -> int:
        return len(self._files)


def update_catalog(previous: Catalog, cache: ParseCache, changed: Collection[Path]) -> Catalog | None:
    """``previous`` after ``changed`` files were saved again, the folder's files otherwise the same:
    only those calendars and the ones extending them (at any depth, before or after the edit) are
    resolved and merged again; nothing else is looked at. The result equals a whole build's.

    None, with the cache untouched, when a whole build is needed: a changed file is new, gone, or
    not the calendar of its id (a duplicate id), or the cache does not hold the folder's parses.
    """
    ids: dict[str, Path] = {}
    for path in changed:
        cid = path.stem
        if previous.files.get(cid) != path or cache.cached(path) is None:
            return None
        ids[cid] = path
    before = {cid: cache.cached(path) for cid, path in ids.items()}
    fresh_files = cache.reread(list(ids.values()))
    if fresh_files is None:
        return None
    children = dict(previous.children)
    dirty = _descendants(ids, children)  # who extended the changed files before the edit
    for cid, path in ids.items():
        old, new = before[cid], fresh_files[path]
        was = dict.fromkeys(old.model.extends if old is not None and old.model else ())
        now = dict.fromkeys(new.model.extends if new.model else ())
        # Only a parent gained or lost is touched: the national calendar has 10,000 children.
        for parent in (p for p in was if p not in now):
            children[parent] = tuple(kid for kid in children[parent] if kid != cid)
        for parent in (p for p in now if p not in was):
            kids = list(children.get(parent, ()))
            bisect.insort(kids, cid)
            children[parent] = tuple(kids)
    dirty |= _descendants(ids, children)  # and after it
    fresh = {cid: fresh_files[ids[cid]] if cid in ids else cache.fresh(previous.files[cid]) for cid in dirty}
    by_id = _Parses(previous.files, cache, fresh)
    report_cycles(by_id, only=sorted(dirty))
    resolved: dict[str, Calendar | None] = {}
    for cid in dirty:  # the calendars they extend that did not change stand as they were
        model = fresh[cid].model
        for parent in model.extends if model else ():
            if parent in by_id and parent not in dirty:
                resolved[parent] = previous.calendars.get(parent)
    for cid in sorted(dirty):
        resolve(cid, by_id, resolved, stack=())
    catalog = Catalog(root=previous.root, calendars=dict(previous.calendars), files=previous.files,
                      diagnostics=dict(previous.diagnostics), display=previous.display,
                      merged=frozenset(dirty),
                      children={parent: kids for parent, kids in children.items() if kids})
    for cid in sorted(dirty):
        loaded = fresh[cid]
        catalog.diagnostics[loaded.display] = loaded.sorted_diagnostics()
        calendar = resolved.get(cid)
        if calendar is not None and loaded.ok:
            catalog.calendars[cid] = calendar
        else:
            catalog.calendars.pop(cid, None)
    return catalog
