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

import os
import pickle
import weakref
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import IO

from scheduler.code_version import code_version
from scheduler.core.bounds import DEFAULT_LIMITS, Limits
from scheduler.core.campaign import Calendar
from scheduler.core.loaded import LoadedFile, forget_folders, resolved
from scheduler.errors import CalendarError, CalendarNotFound
from scheduler.files import write_atomic
from scheduler.live.building import Catalog as Catalog
from scheduler.live.building import build_catalog as build_catalog
from scheduler.live.compact import Compact, compact, outline, whole
from scheduler.live.data_folders import DATA_FOLDERS, configure_data_folders
from scheduler.live.parsing import map_files, parse_all, parser_version, read_calendar

CALENDAR_SUFFIXES = (".yaml", ".yml")
# Sub-folders of the calendars folder that hold other YAML (recipient lists, the admin's data).
NOT_CALENDARS = frozenset({"recipients", *DATA_FOLDERS})


def is_calendar_path(path: Path, root: Path) -> bool:
    """A calendar file's name under ``root``: a YAML suffix, not hidden, not a recipients file."""
    return path.suffix in CALENDAR_SUFFIXES and not any(map(_not_calendar, path.relative_to(root).parts))


def _not_calendar(name: str) -> bool:
    """A hidden name, or a sub-folder of other YAML: nothing under it is a calendar."""
    return name.startswith(".") or name in NOT_CALENDARS


def calendar_files(paths: Iterable[Path]) -> list[Path]:
    forget_folders()  # a new look at the folders: links may have moved since the last
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(sorted(path / name for name, entry in walk(path, skip=_not_calendar)
                              if not _not_calendar(name.rpartition("/")[2]) and entry.is_file()))
        else:
            out.append(path)
    return out


def walk(root: Path, skip: Callable[[str], bool] = lambda folder: False) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """Every calendar-suffixed name under ``root`` (relative, with "/") and its directory entry, as
    ``root.rglob("*")`` finds them (links to folders not followed), without a ``Path`` and a ``stat``
    per file: listing a folder of 10,000 calendars that way took a third of a second. ``skip``: the
    names of sub-folders not to look into."""
    todo = [("", str(root))]
    while todo:
        prefix, folder = todo.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            if name.endswith(CALENDAR_SUFFIXES) and name not in CALENDAR_SUFFIXES:  # as Path.suffix says
                yield prefix + name, entry
            try:
                if entry.is_dir(follow_symlinks=False) and not skip(name):
                    todo.append((prefix + name + "/", entry.path))
            except OSError:
                continue


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


def read_compact(path: Path, limits: Limits = DEFAULT_LIMITS) -> Compact:
    """:func:`read_calendar`, as the parse cache keeps it (made in the worker that parsed it)."""
    return compact(read_calendar(path, limits))


Stored = tuple[FileSignature, Compact]


class ParseCache:
    """Parsed calendar files, re-read only when a file's signature changes.

    Parsing (YAML with positions, then validation) is ~2-10 ms a file and is
    nearly all the cost of loading a folder; resolving ``extends`` and
    merging is ~0.05 ms. So a reload of 2,000 calendars after one edit parses
    the edited file only and re-resolves the rest from cached parses, which
    also re-derives the calendars that extend the edited one. Many changed
    files (the first load) are parsed on every core. The cache can be saved
    to a file and restored on the next start (:meth:`save`, :meth:`restore`).
    Parses are kept compact (:mod:`scheduler.live.compact`): a load gives outlines, and a build asks
    :meth:`whole` for the parse of a calendar it merges again, one at a time.
    """

    def __init__(self, limits: Limits = DEFAULT_LIMITS) -> None:
        self.limits = limits
        self._files: dict[Path, Stored] = {}
        self._loose: dict[Path, Compact] = {}  # parsed by the last load but not kept (no signature: gone)
        self._disk: IO[bytes] | None = None  # the cache file last saved or restored, open: compressed parses on disk
        self._closer: Callable[[], object] | None = None
        self.parsed = 0  # files parsed since creation (tests and benchmarks read it)
        self.changed: frozenset[Path] = frozenset()  # the files parsed by the last load
        self.light: frozenset[Path] = frozenset()  # the files the last load took from the cache as they were
        # The catalog built from exactly these parses, saved with them: the first load after a
        # restore re-merges only calendars whose file (or an ancestor's) changed meanwhile.
        self._restored_catalog: object = None
        self._version: str | None = None  # parser_version() of the parses in _files

    def _same_parser(self) -> bool:
        """False, and the parses dropped, when the parser or the school-year frameworks changed since."""
        version = parser_version()
        if version == self._version:
            return True
        self._files, self._loose, self._version, self._restored_catalog = {}, {}, version, None
        return False

    def take_restored_catalog(self) -> object:
        """The catalog restored with the parses, once (the next loads have their own ``previous``);
        None when they were made with another parser or other frameworks (the admin's are read by then)."""
        self._same_parser()
        catalog, self._restored_catalog = self._restored_catalog, None
        return catalog

    def load(self, paths: Iterable[Path], only: Collection[Path] | None = None) -> list[LoadedFile]:
        """One outline per path (see :mod:`scheduler.live.compact`; building a catalog adds diagnostics
        to it, and asks :meth:`whole` for the parse of what it merges again).

        ``only``: the paths that may have changed (the watcher says which); any other path
        already cached is taken as it is, without even a ``stat`` — an edit costs what it changes.
        """
        self._same_parser()
        files = self._files
        wanted = [(path, file_signature(path) if only is None or path in only or path not in files
                   else files[path][0]) for path in paths]
        misses = [path for path, signature in wanted
                  if signature is None or files.get(path, (None,))[0] != signature]
        parsed = dict(zip(misses, map_files(read_compact, misses, self.limits), strict=True))
        self.parsed += len(misses)
        self.changed = frozenset(misses)
        kept: dict[Path, Stored] = {}
        out: list[LoadedFile] = []
        self._loose = {}
        for path, signature in wanted:
            found = parsed.get(path)
            if found is None:
                found = files[path][1]
            if signature is not None:
                kept[path] = (signature, found)
            else:
                self._loose[path] = found
            out.append(outline(path, found))
        self._files = kept
        self.light = frozenset(wanted_path for wanted_path, _ in wanted) - self.changed
        return out

    def cached(self, path: Path) -> LoadedFile | None:
        """The outline of ``path`` as cached (diagnostics of the file alone): to read its parents and
        whether it is ok, never to be diagnosed further."""
        hit = self._files.get(path)
        return outline(path, hit[1]) if hit is not None else None

    def reread(self, paths: Collection[Path]) -> dict[Path, LoadedFile] | None:
        """Whole parses of ``paths`` (parsed again when their signature moved), the rest of the cache
        untouched; None, and nothing changed, when one of them is gone or was never cached."""
        signatures = {path: file_signature(path) for path in paths}
        if not self._same_parser() or any(sig is None or path not in self._files for path, sig in signatures.items()):
            return None
        misses = [path for path, sig in signatures.items() if self._files[path][0] != sig]
        for path, found in zip(misses, map_files(read_compact, misses, self.limits), strict=True):
            self._files[path] = (signatures[path], found)  # type: ignore[assignment]
        self.parsed += len(misses)
        self.changed = frozenset(misses)
        return {path: self.fresh(path) for path in paths}

    def fresh(self, path: Path) -> LoadedFile:
        """The whole cached parse, that a build may add diagnostics to."""
        found = self._compact(path)
        return whole(path, found, self._blob(found))

    def whole(self, light: LoadedFile) -> LoadedFile:
        """The whole parse of an outline :meth:`load` gave, adding to the outline's diagnostics."""
        found = self._compact(light.path)
        return whole(light.path, found, self._blob(found), light.diagnostics)

    def _compact(self, path: Path) -> Compact:
        hit = self._files.get(path)
        return hit[1] if hit is not None else self._loose[path]

    def _blob(self, found: Compact) -> bytes:
        """The compressed rest of a parse: in memory, or read from the cache file it was saved in."""
        blob = found[3]
        if isinstance(blob, bytes):
            return blob
        assert self._disk is not None
        offset, length = blob
        return os.pread(self._disk.fileno(), length, offset)

    def _on_disk(self, disk: IO[bytes], files: dict[Path, Stored]) -> None:
        """Serve the compressed parses from ``disk`` from now on (an atomic replace of the file by another
        process leaves this open one as it was)."""
        if self._closer is not None:
            self._closer()
        self._disk, self._closer = disk, weakref.finalize(self, disk.close)  # closed with the cache
        self._files = files

    def save(self, file: Path, catalog: object = None) -> None:
        """Write the cache atomically (a reader never sees half a file); small folders are not cached.

        ``catalog``: the one the last :meth:`load` built (and nothing else), stored beside the parses.
        The file is a pickle of everything but the compressed parses, then those: from then on they
        are read from it when needed, not kept in memory.
        """
        if len(self._files) < CACHE_AT:
            return
        file.parent.mkdir(parents=True, exist_ok=True)
        blobs: list[bytes] = []
        files: dict[Path, Stored] = {}
        at = 0
        for path, (signature, found) in self._files.items():
            blob = self._blob(found)
            blobs.append(blob)
            files[path] = (signature, (*found[:3], (at, len(blob))))
            at += len(blob)
        # Display paths are relative to the working directory: a cache from another one is not used.
        chunks = _calendar_chunks(catalog) if isinstance(catalog, Catalog) else []
        stored = (catalog_version(), replace(catalog, calendars={}), len(chunks)) if isinstance(catalog, Catalog) else None
        value = (parser_version(), str(Path.cwd()), files, stored)

        start = 0

        def write(out: IO[bytes]) -> None:
            nonlocal start
            out.write(bytes(8))  # then where the compressed parses start, once known
            pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)
            # The calendars a few hundred at a time, each its own pickle: pickling keeps every object it
            # wrote (and the state it wrote of it) until the end, a hundred MB for 10,000 calendars at once.
            pickler = pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)
            for chunk in chunks:
                pickler.dump(chunk)
                pickler.clear_memo()
            start = out.tell()
            out.writelines(blobs)
            out.seek(0)
            out.write(start.to_bytes(8, "big"))

        # A full disk keeps no half-written cache; processes saving at once never share a temporary file.
        write_atomic(file, write)
        self._on_disk(file.open("rb"), _shifted(files, start))

    def restore(self, file: Path) -> bool:
        """Read a saved cache; a missing, damaged or foreign one is ignored (files are parsed again): one made
        by other code or with other school-year frameworks at the first load (see :meth:`_same_parser`)."""
        try:
            disk = file.open("rb")
        except OSError:
            return False
        try:
            start = int.from_bytes(disk.read(8), "big")
            version, cwd, files, stored = pickle.load(disk)
        except Exception:  # any damage: start from an empty cache
            disk.close()
            return False
        # Made by another parser, or with other school-year frameworks: dropped by the first load, once
        # the calendars folder's own frameworks are read (they are not yet when a command restores).
        if not isinstance(version, str) or cwd != str(Path.cwd()) or not isinstance(files, dict):
            disk.close()
            return False
        self._on_disk(disk, _shifted(files, start))
        self._version = version
        if isinstance(stored, tuple) and len(stored) == 3 and stored[0] == catalog_version():
            try:
                self._restored_catalog = _with_calendars(stored[1], [pickle.load(disk) for _ in range(stored[2])])
            except Exception:  # any damage: the calendars are merged again from the parses
                self._restored_catalog = None
        return True


CHUNK_CALENDARS = 500  # calendars pickled together: what a save holds at most besides the calendars themselves


def _calendar_chunks(catalog: Catalog) -> list[list[tuple[str, Calendar]]]:
    """The catalog's calendars, in order, a few hundred to a list. An item shared by calendars of two lists (one
    inherited from the national calendar) is restored once per list: equal, and a few copies in all."""
    items = list(catalog.calendars.items())
    return [items[i:i + CHUNK_CALENDARS] for i in range(0, len(items), CHUNK_CALENDARS)]


def _with_calendars(catalog: object, chunks: list[object]) -> Catalog | None:
    """The restored catalog with its calendars put back, in the order they were saved (None: not a catalog)."""
    if not isinstance(catalog, Catalog) or not all(isinstance(chunk, list) for chunk in chunks):
        return None
    catalog.calendars = {cid: calendar for chunk in chunks for cid, calendar in chunk}  # type: ignore[attr-defined]
    return catalog


def _shifted(files: dict[Path, Stored], start: int) -> dict[Path, Stored]:
    """Offsets from the start of the compressed parses made offsets in the file."""
    return {path: (signature, (*found[:3], (found[3][0] + start, found[3][1])))  # type: ignore[index]
            for path, (signature, found) in files.items()}


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
    listed = set(files)
    extra = [path for path in extra if path not in listed]  # `check` names the folder's own files again
    known = {resolved(f) for f in files} if extra else set()
    for path in extra:
        if (real := resolved(path)) not in known:
            known.add(real)
            files.append(path)
    if cache is None:
        catalog = build_catalog(root, parse_all(files, limits))
    else:
        if previous is None:
            restored = cache.take_restored_catalog()
            previous = restored if isinstance(restored, Catalog) else None
        catalog = build_catalog(root, cache.load(files, only), previous=previous, changed=cache.changed,
                                refresh=cache.whole)
    for error in data_errors:
        catalog.diagnostics[error.file] = (error,)
    return catalog


def prime(cache: ParseCache, root: Path) -> None:
    """Parse the folder into ``cache`` now, as the first :func:`load_catalog` with it would: called by a
    one-thread process before it starts threads, so its parsing workers are forked with the parsing
    code imported (see :func:`scheduler.live.parsing.map_files`). That load then finds every file parsed."""
    if root.is_dir():
        configure_data_folders(root)  # the school-year frameworks a parse takes, as the load reads them
        cache.load(calendar_files([root]))


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
