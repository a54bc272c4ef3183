"""Data shipped with the program that an admin extends with files: days off, school-year frameworks.

Both follow one pattern: a file in ``scheduler/core/data/``, then the admin's files (a folder beside the
calendars, or paths named in an environment variable), read in order, a later file's entry replacing
an earlier one. :class:`AdminData` holds what was read and reads again when the files change; a bad
file raises a :class:`DataFileError` that names the file, the line and the fix, and the previous data
stays. Parsing stays pure (text in, data out); reading the files happens here, in one place.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any, Generic, TypeVar

import yaml  # type: ignore[import-untyped]

DATA_SUFFIXES = (".yaml", ".yml")
T = TypeVar("T")


class _Loader(yaml.SafeLoader):
    """Safe YAML that leaves dates as text: :func:`parse_day` reads them and says which is wrong
    (libyaml's own reading of 2027-02-30 fails without saying where)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
# libyaml's parser with the same constructor and resolvers: the same data, several times faster. A file it
# refuses, or one with a character the pure reader refuses, is read by the pure loader, which says why.
_CLoader: Any = None
if hasattr(yaml, "CSafeLoader"):
    class _CLoader(yaml.CSafeLoader):  # type: ignore[no-redef]
        yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers


def _fast(text: str) -> bool:
    return _CLoader is not None and not yaml.reader.Reader.NON_PRINTABLE.search(text)


class DataFileError(ValueError):
    """A data file that cannot be read: the message names the file, the entry and the fix.

    ``file`` and ``line`` locate it when known (a diagnostic points there)."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.file, self.line = file, line


def data_paths(shipped: Path, extra: Iterable[Path]) -> list[Path]:
    """The shipped file, then each extra file (a folder: its *.yaml files in name order)."""
    paths = [shipped]
    for path in extra:
        if path.is_dir():
            paths.extend(sorted(p for p in path.iterdir() if p.suffix in DATA_SUFFIXES and p.is_file()))
        elif path.is_file():
            paths.append(path)
    return paths


def read_sources(shipped: Path, shipped_name: str, extra: Iterable[Path]) -> list[tuple[str, str]]:
    """(name, text) of :func:`data_paths`: the shipped file under ``shipped_name``, the others by path."""
    return [(shipped_name if p == shipped else str(p), p.read_text(encoding="utf-8"))
            for p in data_paths(shipped, extra)]


def load_yaml(name: str, text: str, error: type[DataFileError]) -> Any:
    """The document of one file; a syntax error says where."""
    if _fast(text):
        try:
            return yaml.load(text, Loader=_CLoader)  # noqa: S506 - a SafeLoader
        except yaml.YAMLError:
            pass  # the pure loader says where
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        where = f", dòng {line}" if line is not None else ""
        raise error(f"{name}{where}: không đọc được YAML ({exc.__class__.__name__}); "
                    "kiểm tra thụt lề và dấu hai chấm", file=name, line=line) from None


def parse_day(raw: Any, where: str, error: type[DataFileError], *, file: str | None = None,
              line: int | None = None) -> date:
    """A date written 2027-02-05 (YAML reads it as a date) or as text of that form."""
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        raise error(f"{where}: ngày {raw!r} không hợp lệ; viết theo dạng 2027-02-05 (năm-tháng-ngày)",
                    file=file, line=line) from None


def env_paths(variable: str) -> tuple[Path, ...]:
    """Files or folders named in ``variable``, separated by os.pathsep."""
    raw = os.environ.get(variable, "")
    return tuple(Path(p) for p in raw.split(os.pathsep) if p.strip())


class AdminData(Generic[T]):
    """The shipped data plus the admin's files, read once and again when :meth:`configure` is called.

    ``read(paths)`` reads the shipped file and ``paths``; ``digest(data)`` changes whenever the data
    does; ``changed()`` is called after new data replaced different data (caches to clear).
    """

    def __init__(self, variable: str, read: Callable[[Sequence[Path]], T], digest: Callable[[T], str],
                 changed: Callable[[], None] = lambda: None) -> None:
        self.variable, self._read, self._digest, self._changed = variable, read, digest, changed
        self.extra: tuple[Path, ...] = ()  # what configure was last given (not the environment's)
        self._data: T | None = None

    def get(self) -> T:
        if self._data is None:
            try:
                self._data = self._read(env_paths(self.variable) + self.extra)
            except DataFileError:  # never read well yet: the shipped data, and configure() says what is wrong
                self._data = self._read(())
        return self._data

    def digest(self) -> str:
        return self._digest(self.get())

    def adopt(self, data: T) -> None:
        """Take data read elsewhere (another process's): a worker sees what its parent sees."""
        self._data = data

    def configure(self, extra: Sequence[Path]) -> bool:
        """Read the shipped data plus `extra` (files or folders); True when the data changed.

        A bad file raises :class:`DataFileError` and the previous data is kept."""
        before = self.digest()
        fresh = self._read(env_paths(self.variable) + tuple(extra))
        self.extra, self._data = tuple(extra), fresh
        if self._digest(fresh) != before:
            self._changed()
            return True
        return False


def key_lines(text: str) -> dict[tuple[str, ...], int]:
    """The line (from 1) of every mapping key and list item, by its path (a list item's index as text)."""
    lines: dict[tuple[str, ...], int] = {}

    def walk(node: yaml.Node, path: tuple[str, ...]) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                here = (*path, str(key.value))
                lines.setdefault(here, key.start_mark.line + 1)
                walk(value, here)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                lines.setdefault((*path, str(index)), item.start_mark.line + 1)
                walk(item, (*path, str(index)))

    try:
        root = yaml.compose(text, Loader=yaml.CSafeLoader if _fast(text) else yaml.SafeLoader)
    except yaml.YAMLError:
        try:  # libyaml refused it: what the pure loader reads before the error
            root = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.YAMLError:
            return lines
    if root is not None:
        walk(root, ())
    return lines


class DataFile:
    """One data file being read: every error names the file, the line of the entry and what it is.

    ``path`` is the entry's place as keys (a list item's index as text): the line is that of the
    deepest part of it the file has; ``detail`` words the entry (", năm học 2026-2027")."""

    def __init__(self, name: str, text: str, error: type[DataFileError]) -> None:
        self.name, self.error, self.lines = name, error, key_lines(text)

    def line(self, path: tuple[str, ...]) -> int | None:
        return next((self.lines[path[:n]] for n in range(len(path), 0, -1) if path[:n] in self.lines), None)

    def where(self, path: tuple[str, ...], detail: str = "") -> str:
        line = self.line(path)
        return self.name + (f", dòng {line}" if line is not None else "") + detail

    def fail(self, path: tuple[str, ...], what: str, detail: str = "") -> DataFileError:
        return self.error(f"{self.where(path, detail)}: {what}", file=self.name, line=self.line(path))

    def unknown(self, raw: Mapping[Any, Any], allowed: Sequence[str], path: tuple[str, ...], detail: str = "") -> None:
        """A key not in ``allowed`` (a typo, most often) is an error that suggests the nearest one."""
        for key in raw:
            if str(key) not in allowed:
                close = difflib.get_close_matches(str(key), allowed, n=1)
                hint = f"có phải ý bạn là '{close[0]}'? " if close else ""
                raise self.fail((*path, str(key)), f"khóa '{key}' không dùng ở đây; {hint}các khóa dùng được: "
                                + ", ".join(allowed), detail)

    def day(self, raw: Any, path: tuple[str, ...], detail: str = "") -> date:
        try:
            return parse_day(raw, f"'{path[-1]}'", self.error)
        except DataFileError as exc:
            raise self.fail(path, str(exc), detail) from None
