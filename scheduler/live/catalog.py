"""All calendars of a folder, `extends` resolved: the set the service serves.

Loading never stops at the first bad file: every file is read, every
diagnostic kept (by file), and only calendars that are clean all the way up
their lineage are offered in `Catalog.calendars`. A calendar's id is its
file name, so even a file too broken to parse still says which calendar it is.
Resolving `extends` and merging is scheduler.core.lineage; here: reading the
folder, the parse cache (worker processes, a pickled file) and reusing what an
edit did not touch.
"""

from __future__ import annotations

import difflib
import os
import pickle
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from scheduler.code_version import code_version
from scheduler.core.bounds import DEFAULT_LIMITS, Limits
from scheduler.core.campaign import Calendar
from scheduler.core.lineage import report_cycles, resolve
from scheduler.core.loaded import LoadedFile
from scheduler.errors import CalendarError, CalendarNotFound, Diagnostic, Severity
from scheduler.files import write_atomic
from scheduler.live.data_folders import DATA_FOLDERS, configure_data_folders
from scheduler.live.parsing import parse_all, parser_version
from scheduler.live.positions import Packed, pack, unpack

CALENDAR_SUFFIXES = (".yaml", ".yml")
# Sub-folders of the calendars folder that hold other YAML (recipient lists, the admin's data).
NOT_CALENDARS = frozenset({"recipients", *DATA_FOLDERS})


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


def is_calendar_path(path: Path, root: Path) -> bool:
    """A calendar file's name under ``root``: a YAML suffix, not hidden, not a recipients file."""
    return path.suffix in CALENDAR_SUFFIXES and not any(
        part.startswith(".") or part in NOT_CALENDARS for part in path.relative_to(root).parts)


def calendar_files(paths: Iterable[Path]) -> list[Path]:
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(sorted(p for p in path.rglob("*") if is_calendar_path(p, path) and p.is_file()))
        else:
            out.append(path)
    return out


FileSignature = tuple[int, int, int, int]  # (inode, size, mtime ns, ctime ns)


def file_signature(path: Path) -> FileSignature | None:
    """What changes when a file is written or replaced (editors that save by renaming included)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


PARSE_CACHE_FILE = "parse-cache.pickle"  # in data_dir: shared by the service and the reminder commands
CACHE_AT = 64  # files: below this, parsing all of them is faster than reading a cache (and writes nothing)
def catalog_version() -> str:
    """Identifies the code that resolves and merges calendars (any module of the package, to be safe)."""
    return code_version()


Stored = tuple[FileSignature, LoadedFile, Packed, Packed]  # the parse without its position tables, and them packed


def _store(signature: FileSignature, loaded: LoadedFile) -> Stored:
    return (signature, replace(loaded, positions={}, key_positions={}), pack(loaded.positions),
            pack(loaded.key_positions))


def _fresh(stored: Stored) -> LoadedFile:
    """A whole LoadedFile again (position tables unpacked) that a build may add diagnostics to."""
    _, loaded, positions, key_positions = stored
    return replace(loaded, diagnostics=list(loaded.diagnostics), positions=unpack(positions),
                   key_positions=unpack(key_positions))


class ParseCache:
    """Parsed calendar files, re-read only when a file's signature changes.

    Parsing (YAML with positions, then validation) is ~10 ms a file and is
    nearly all the cost of loading a folder; resolving ``extends`` and
    merging is ~0.05 ms. So a reload of 2,000 calendars after one edit parses
    the edited file only and re-resolves the rest from cached parses, which
    also re-derives the calendars that extend the edited one. Many changed
    files (the first load) are parsed on every core. The cache can be saved
    to a file and restored on the next start (:meth:`save`, :meth:`restore`).
    Position tables (where each key and value stands, for messages) are kept packed:
    they are most of a parse's memory and are read only when a calendar is merged again.
    """

    def __init__(self, limits: Limits = DEFAULT_LIMITS) -> None:
        self.limits = limits
        self._files: dict[Path, Stored] = {}
        self.parsed = 0  # files parsed since creation (tests and benchmarks read it)
        self.changed: frozenset[Path] = frozenset()  # the files parsed by the last load
        self.light: frozenset[Path] = frozenset()  # the files the last load gave without position tables
        # The catalog built from exactly these parses, saved with them: the first load after a
        # restore re-merges only calendars whose file (or an ancestor's) changed meanwhile.
        self._restored_catalog: Catalog | None = None
        self._version: str | None = None  # parser_version() of the parses in _files

    def _same_parser(self) -> bool:
        """False, and the parses dropped, when the parser or the school-year frameworks changed since."""
        version = parser_version()
        if version == self._version:
            return True
        self._files, self._version, self._restored_catalog = {}, version, None
        return False

    def take_restored_catalog(self) -> Catalog | None:
        """The catalog restored with the parses, once (the next loads have their own ``previous``);
        None when they were made with another parser or other frameworks (the admin's are read by then)."""
        self._same_parser()
        catalog, self._restored_catalog = self._restored_catalog, None
        return catalog

    def load(self, paths: Iterable[Path], only: Collection[Path] | None = None, *,
             light: bool = False) -> list[LoadedFile]:
        """One fresh LoadedFile per path (building a catalog adds diagnostics to it).

        ``only``: the paths that may have changed (the watcher says which); any other path
        already cached is taken as it is, without even a ``stat`` — an edit costs what it changes.
        ``light``: files that did not change come without their position tables (a build that
        reuses them needs none; it asks :meth:`fresh` for the others); their paths are in ``self.light``.
        """
        self._same_parser()
        files = self._files
        wanted = [(path, file_signature(path) if only is None or path in only or path not in files
                   else files[path][0]) for path in paths]
        misses = [path for path, signature in wanted
                  if signature is None or files.get(path, (None,))[0] != signature]
        parsed = dict(zip(misses, parse_all(misses, self.limits), strict=True))
        self.parsed += len(misses)
        self.changed = frozenset(misses)
        kept: dict[Path, Stored] = {}
        out: list[LoadedFile] = []
        lights: set[Path] = set()
        for path, signature in wanted:
            if path in parsed:
                loaded = parsed[path]
                out.append(replace(loaded, diagnostics=list(loaded.diagnostics)))
                if signature is not None:
                    kept[path] = _store(signature, loaded)
            else:
                stored = self._files[path]
                if light:
                    out.append(replace(stored[1], diagnostics=list(stored[1].diagnostics)))
                    lights.add(path)
                else:
                    out.append(_fresh(stored))
                if signature is not None:
                    kept[path] = stored
        self._files = kept
        self.light = frozenset(lights)
        return out

    def cached(self, path: Path) -> LoadedFile | None:
        """The parse of ``path`` as cached (diagnostics of the file alone, no position tables): to read
        its model and whether it is ok, never to be diagnosed further."""
        hit = self._files.get(path)
        return hit[1] if hit is not None else None

    def reread(self, paths: Collection[Path]) -> dict[Path, LoadedFile] | None:
        """Fresh LoadedFiles of ``paths`` (parsed again when their signature moved), the rest of the cache
        untouched; None, and nothing changed, when one of them is gone or was never cached."""
        signatures = {path: file_signature(path) for path in paths}
        if not self._same_parser() or any(sig is None or path not in self._files for path, sig in signatures.items()):
            return None
        misses = [path for path, sig in signatures.items() if self._files[path][0] != sig]
        for path, loaded in zip(misses, parse_all(misses, self.limits), strict=True):
            self._files[path] = _store(signatures[path], loaded)  # type: ignore[arg-type]
        self.parsed += len(misses)
        self.changed = frozenset(misses)
        return {path: self.fresh(path) for path in paths}

    def fresh(self, path: Path) -> LoadedFile:
        """A copy of the cached parse that a build may add diagnostics to."""
        return _fresh(self._files[path])

    def save(self, file: Path, catalog: Catalog | None = None) -> None:
        """Write the cache atomically (a reader never sees half a file); small folders are not cached.

        ``catalog``: the one the last :meth:`load` built (and nothing else), stored beside the parses.
        """
        if len(self._files) < CACHE_AT:
            return
        file.parent.mkdir(parents=True, exist_ok=True)
        # Display paths are relative to the working directory: a cache from another one is not used.
        stored = (catalog_version(), catalog) if catalog is not None else None
        value = (parser_version(), str(Path.cwd()), self._files, stored)
        # A full disk keeps no half-written cache; processes saving at once never share a temporary file.
        write_atomic(file, lambda out: pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL))

    def restore(self, file: Path) -> bool:
        """Read a saved cache; a missing, damaged or foreign one is ignored (files are parsed again): one made
        by other code or with other school-year frameworks at the first load (see :meth:`_same_parser`)."""
        try:
            with file.open("rb") as src:
                version, cwd, files, stored = pickle.load(src)
        except FileNotFoundError:
            return False
        except Exception:  # any damage: start from an empty cache
            return False
        # Made by another parser, or with other school-year frameworks: dropped by the first load, once
        # the calendars folder's own frameworks are read (they are not yet when a command restores).
        if not isinstance(version, str) or cwd != str(Path.cwd()) or not isinstance(files, dict):
            return False
        self._files, self._version = files, version
        if isinstance(stored, tuple) and stored[0] == catalog_version() and isinstance(stored[1], Catalog):
            self._restored_catalog = stored[1]
        return True


def load_catalog(root: Path, extra: Iterable[Path] = (), limits: Limits = DEFAULT_LIMITS, *,
                 cache: ParseCache | None = None,
                 previous: Catalog | None = None,
                 files: list[Path] | None = None,
                 only: Collection[Path] | None = None) -> Catalog:
    """Load every calendar under `root` (plus `extra` files); never raises for bad content.

    With ``cache``, unchanged files are not parsed again (see :class:`ParseCache`);
    with ``previous`` too (the catalog the cache last loaded), calendars that
    neither changed nor extend a changed one are not merged again either.
    ``files`` (the folder's calendar files, when the caller keeps the list) and
    ``only`` (the files that may have changed) spare walking the folder and
    looking at every file: the live set passes them after an edit.
    """
    if files is None:
        files = calendar_files([root]) if root.is_dir() else []
    else:
        files = list(files)
    data_errors = configure_data_folders(root)
    extra = list(extra)
    known = {f.resolve() for f in files} if extra else set()
    for path in extra:
        if (resolved := path.resolve()) not in known:
            known.add(resolved)
            files.append(path)
    if cache is None:
        catalog = build_catalog(root, parse_all(files, limits))
    else:
        previous = previous or cache.take_restored_catalog()
        loaded_files = cache.load(files, only, light=previous is not None)
        catalog = build_catalog(root, loaded_files, previous=previous, changed=cache.changed,
                                light=cache.light, refresh=cache.fresh)
    for error in data_errors:
        catalog.diagnostics[error.file] = (error,)
    return catalog


def _reusable(by_id: Mapping[str, LoadedFile], loaded_files: list[LoadedFile], previous: Catalog | None,
              changed: Collection[Path]) -> set[str]:
    """Calendars whose file and ancestors' files did not change: their previous result stands.

    Only when the folder holds the same files as before (an added or removed
    file can change what an ``extends`` or a duplicate id resolves to).
    """
    if previous is None or previous.files != {cid: loaded.path for cid, loaded in by_id.items()}:
        return set()
    if set(previous.diagnostics) != {loaded.display for loaded in loaded_files}:
        return set()
    children: dict[str, list[str]] = {}
    for cid, loaded in by_id.items():
        for parent in loaded.model.extends if loaded.model else ():
            children.setdefault(parent, []).append(cid)
    dirty: set[str] = set()
    todo = [cid for cid, loaded in by_id.items() if loaded.path in changed]
    while todo:
        cid = todo.pop()
        if cid not in dirty:
            dirty.add(cid)
            todo.extend(children.get(cid, ()))
    return set(by_id) - dirty


def _children(by_id: Mapping[str, LoadedFile]) -> dict[str, tuple[str, ...]]:
    children: dict[str, list[str]] = {}
    for cid, loaded in by_id.items():
        for parent in dict.fromkeys(loaded.model.extends if loaded.model else ()):
            children.setdefault(parent, []).append(cid)
    return {parent: tuple(sorted(ids)) for parent, ids in children.items()}


def load_catalog_cached(root: Path, cache_file: Path, limits: Limits = DEFAULT_LIMITS) -> Catalog:
    """``load_catalog`` with the parses kept in ``cache_file``: a command run by cron parses only what changed."""
    cache = ParseCache(limits)
    cache.restore(cache_file)
    catalog = load_catalog(root, cache=cache)
    if cache.parsed:
        try:
            cache.save(cache_file, catalog)
        except OSError:  # a cache: the next run parses again
            pass
    return catalog


def build_catalog(root: Path, loaded_files: list[LoadedFile], *, previous: Catalog | None = None,
                  changed: Collection[Path] = (), light: Collection[Path] = (),
                  refresh: Callable[[Path], LoadedFile] | None = None) -> Catalog:
    """Resolve ``extends`` and merge; with ``previous`` (the catalog before ``changed`` files
    were re-read), calendars untouched by the change are taken from it as they are.

    ``light``: files given without position tables; ``refresh`` gives them whole, for those
    that are diagnosed or merged again (the others' diagnostics are the previous catalog's)."""
    catalog = Catalog(root=root)
    by_id: dict[str, LoadedFile] = {}
    for index, loaded in enumerate(loaded_files):
        cid = loaded.stem
        if cid in by_id:
            if loaded.path in light and refresh is not None:
                loaded = loaded_files[index] = refresh(loaded.path)
            loaded.diagnose("calendar.duplicate", ("id",), value=cid, other=by_id[cid].display)
            continue
        by_id[cid] = loaded
        catalog.files[cid] = loaded.path
        catalog.display[cid] = loaded.display

    clean = _reusable(by_id, loaded_files, previous, changed)
    if light and refresh is not None:  # merged again: whole, positions included
        for index, loaded in enumerate(loaded_files):
            if loaded.path in light and by_id.get(loaded.stem) is loaded and loaded.stem not in clean:
                loaded_files[index] = by_id[loaded.stem] = refresh(loaded.path)
    catalog.reused = frozenset(clean)
    catalog.merged = frozenset(by_id.keys() - clean)
    catalog.children = _children(by_id)
    report_cycles(by_id)
    resolved: dict[str, Calendar | None] = {}
    if previous is not None:
        resolved.update((cid, previous.calendars.get(cid)) for cid in clean)
    for cid in by_id:
        resolve(cid, by_id, resolved, stack=())
    for loaded in loaded_files:
        reused = previous is not None and loaded.stem in clean and by_id[loaded.stem] is loaded
        catalog.diagnostics[loaded.display] = (
            previous.diagnostics[loaded.display] if reused and previous else loaded.sorted_diagnostics()
        )
    catalog.calendars = {cid: cal for cid, cal in resolved.items()
                         if cal is not None and (cid in clean or by_id[cid].ok)}
    return catalog


def load_calendar(ref: str, root: Path, limits: Limits = DEFAULT_LIMITS) -> Calendar:
    """A calendar by id (under `root`) or by path; raises CalendarError with every diagnostic."""
    path = Path(ref)
    if path.suffix in CALENDAR_SUFFIXES or path.exists():
        if not path.is_file():
            raise CalendarNotFound(f"Không tìm thấy tệp lịch {ref}")
        catalog = load_catalog(root, extra=[path], limits=limits)
        cid = path.stem
    else:
        catalog = load_catalog(root, limits=limits)
        cid = ref
    if cid in catalog.files and catalog.has_errors(cid):
        raise CalendarError(list(catalog.errors_for(cid)))
    return catalog.get(cid)
