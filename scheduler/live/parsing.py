"""Parsing calendar files: one through libyaml when it needs no judging, many on every core.

What a parse depends on is :func:`parser_version`: the parsing code and the school-year
frameworks (spans take the end of a school year at parse time), so a cached parse made with
other code or other frameworks is not trusted.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

from scheduler.code_version import code_version
from scheduler.core import fast_yaml
from scheduler.core.bounds import DEFAULT_LIMITS, Limits
from scheduler.core.loaded import LoadedFile, display_path
from scheduler.core.loader import from_data, load_file, review_marks

PARALLEL_AT = 48  # parse in worker processes when at least this many files changed (start-up)
CHUNK = 128  # files a worker is given at a time: no worker idles long at the end while another finishes
# The modules whose code shapes a LoadedFile: a stored cache from other code is ignored.
_PARSE_MODULES = (
    "core/loader", "core/loaded", "core/yaml_syntax", "core/model", "core/format_fields", "core/checks",
    "core/messages", "core/message_text", "core/messages_file", "core/messages_schema", "core/messages_rules",
    "core/messages_recipients", "core/dates", "core/events", "errors", "live/catalog", "live/positions", "core/fast_yaml",
    "core/derived_span", "core/repeats", "core/campaign", "core/spans", "live/parsing", "live/compact",
)
T = TypeVar("T")


def parser_version() -> str:
    """Identifies the parsing code, so a cache written by another version is not trusted."""
    from scheduler.core.school_years import data_digest  # spans take the school-year framework at parse time

    return code_version(_PARSE_MODULES + ("core/school_years", "core/school_years_data"), extra=data_digest())


def read_calendar(path: Path, limits: Limits = DEFAULT_LIMITS) -> LoadedFile:
    """``loader.load_file``, through libyaml when the file needs no judging (see :mod:`scheduler.core.fast_yaml`).

    Anything else (a read error, a bound passed, a YAML trap) goes to ``load_file``, which says why.
    """
    try:
        with path.open("rb") as f:
            raw = f.read(limits.file_bytes + 1)
    except OSError:
        return load_file(path, limits=limits)
    if len(raw) > limits.file_bytes:
        return load_file(path, limits=limits)
    loaded = LoadedFile(path=path, display=display_path(path))
    try:
        text = raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
        if "\t" in text:
            return load_file(path, limits=limits)  # the careful reader says where
        from_data(fast_yaml.plain(text, loaded, limits), loaded, limits)
        review_marks(text, loaded)
    except Exception:  # noqa: BLE001 - Unusual, or anything else: the careful reader reports it
        return load_file(path, limits=limits)
    return loaded


def parse_all(paths: list[Path], limits: Limits = DEFAULT_LIMITS) -> list[LoadedFile]:
    """Parse many files on every core (start-up, a fresh checkout); one by one when few."""
    return map_files(read_calendar, paths, limits)


def map_files(read: Callable[..., T], paths: list[Path], limits: Limits) -> list[T]:
    """``read(path, limits)`` for every path: in worker processes when many (``read`` must be importable)."""
    workers = min(os.cpu_count() or 1, 8)
    if len(paths) < PARALLEL_AT or workers < 2:
        return [read(p, limits) for p in paths]
    import multiprocessing
    import threading
    from concurrent.futures import ProcessPoolExecutor

    from scheduler.core.school_years import adopt_school_years, school_years_data

    # A process with one thread (`check`, a command) forks: its workers start with the parsing code imported
    # (a second of imports each otherwise). The server has threads, and a forked child would inherit their
    # locks: it spawns. Spans take the school-year frameworks at parse time: each worker gets the ones read
    # here (the admin's included).
    method = "fork" if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method),
                             initializer=adopt_school_years, initargs=(school_years_data(),)) as pool:
        return list(pool.map(partial(read, limits=limits), paths, chunksize=max(1, min(CHUNK, len(paths) // (workers * 4)))))
