"""The diagnostics collector of one calendar file: what was read, where each key and
value stands, and every problem found, each located at file:line:column.

The loader fills it; the checks (scheduler.core.checks) and the fast reader
(scheduler.core.fast_yaml) write into it. It knows nothing of YAML or of the
rules, so every module that reports a problem can import it without a circle.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scheduler.core import messages
from scheduler.core.model import CalendarFile
from scheduler.errors import Diagnostic, Severity

KeyPath = tuple[str | int, ...]


@dataclass
class LoadedFile:
    path: Path
    display: str  # path as shown in messages, relative to where the user works
    model: CalendarFile | None = None
    positions: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)  # value positions, 1-based
    key_positions: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # (section, index in model) -> index in the file, when invalid items were left out
    index_map: dict[tuple[str, int], int] = field(default_factory=dict)
    # Phases left out of the model for an error in one of their fields, read again without those fields
    # (model index past the file's items -> phase): checked for what they celebrate, so a wrong ordinal
    # is reported in the same run as the bad date beside it, never served.
    salvaged_phases: dict[int, Any] = field(default_factory=dict)

    @property
    def stem(self) -> str:
        return self.path.stem

    @property
    def ok(self) -> bool:
        return self.model is not None and not any(d.severity is Severity.ERROR for d in self.diagnostics)

    def sorted_diagnostics(self) -> tuple[Diagnostic, ...]:
        return tuple(sorted(self.diagnostics, key=lambda d: (d.line, d.column)))

    def where(self, path: KeyPath, *, key: bool = False) -> tuple[int, int]:
        """Best position for `path`: the key or value itself, else its nearest ancestor."""
        path = self.file_path(path)
        table = self.key_positions if key else self.positions
        for n in range(len(path), -1, -1):
            prefix = path[:n]
            if prefix in table:
                return table[prefix]
            if prefix in self.positions:
                return self.positions[prefix]
        # The document itself: where its first key is (line 1 may be a comment).
        return min(self.key_positions.values(), default=(1, 1))

    def file_path(self, path: KeyPath) -> KeyPath:
        """Translate a path in the (partial) model to the same place in the file."""
        if len(path) >= 2 and isinstance(path[1], int) and (path[0], path[1]) in self.index_map:
            return (path[0], self.index_map[(str(path[0]), path[1])]) + path[2:]
        return path

    def diagnose(
        self,
        code: str,
        path: KeyPath,
        *,
        value: object = None,
        severity: Severity = Severity.ERROR,
        key: bool = False,
        **context: Any,
    ) -> Diagnostic:
        line, column = self.where(path, key=key)
        path = self.file_path(path)
        ctx = {"value": value, **context}
        message, expected, hint = messages.render(code, ctx)
        diag = Diagnostic(
            file=self.display,
            line=line,
            column=column,
            path=format_path(path),
            code=code,
            message=message,  # type: ignore[arg-type]
            severity=severity,
            value=None if value is None else str(value),
            expected=expected,
            hint=hint,
        )
        self.diagnostics.append(diag)
        return diag


def format_path(path: KeyPath) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def display_path(path: Path) -> str:
    try:
        return str(resolved(path).relative_to(_working_directory()))
    except ValueError:
        return str(path)


_FOLDERS: dict[Path, Path] = {}  # folders as named -> resolved (see resolved)
_FOLDERS_AT = 4_096


def resolved(path: Path) -> Path:
    """``path.resolve()``, with the folder it is in resolved once: a folder of 10,000 files asks for
    each file, and resolving walks every part of the path (a system call each). A file that is itself
    a link is resolved whole. :func:`forget_folders` when links may have moved (a new scan of a folder)."""
    name = path.name
    if name in ("", ".", "..") or os.path.islink(path):
        return path.resolve()
    parent = path.parent
    folder = _FOLDERS.get(parent)
    if folder is None:
        if len(_FOLDERS) >= _FOLDERS_AT:
            _FOLDERS.clear()
        folder = _FOLDERS[parent] = parent.resolve()
    return folder / name


def forget_folders() -> None:
    _FOLDERS.clear()


_CWD: dict[str, Path] = {}  # the working directory as named -> resolved (links followed), the last one only


def _working_directory() -> Path:
    """``Path.cwd().resolve()``, resolved once per working directory (a folder of 10,000 files asks each time)."""
    named = os.getcwd()
    found = _CWD.get(named)
    if found is None:
        _CWD.clear()
        found = _CWD[named] = Path(named).resolve()
    return found
