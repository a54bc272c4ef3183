"""The admin's data folders beside the calendars: read with every whole load of the folder.

``<root>/ngay-nghi/`` holds the government's decisions on days off, ``<root>/nam-hoc/`` the
Ministry of Education's school-year frameworks (see docs/ngay-nghi-va-mac-dinh.md). Neither
holds calendars; an edit in either may move events of every calendar, so it reloads the whole
folder. A bad file is reported like a calendar error and ignored: the last good data stays.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from scheduler.core.data_files import DataFileError
from scheduler.core.days_off import configure_days_off
from scheduler.core.loaded import display_path
from scheduler.core.school_years import configure_school_years
from scheduler.errors import Diagnostic

DAYS_OFF_FOLDER = "ngay-nghi"  # the admin's days-off decisions
SCHOOL_YEARS_FOLDER = "nam-hoc"  # the admin's school-year frameworks
# folder name -> (how it is read, the code of its diagnostic)
DATA_FOLDERS: dict[str, tuple[Callable[[Sequence[Path]], bool], str]] = {
    DAYS_OFF_FOLDER: (configure_days_off, "days_off.file"),
    SCHOOL_YEARS_FOLDER: (configure_school_years, "school_years.file"),
}

DATA_CODES = frozenset(code for _, code in DATA_FOLDERS.values())


def configure_data_folders(root: Path) -> list[Diagnostic]:
    """Read each data folder under ``root`` (an absent one: the shipped data alone); one diagnostic
    per folder that has a bad file, at the file and line the error names."""
    out: list[Diagnostic] = []
    for name, (configure, code) in DATA_FOLDERS.items():
        folder = root / name
        try:
            configure([folder] if folder.is_dir() else [])
        except DataFileError as exc:
            file = display_path(Path(exc.file)) if exc.file and Path(exc.file).is_file() else (
                display_path(folder) if folder.exists() else str(folder))
            out.append(Diagnostic(file=file, line=exc.line or 1, column=1, path="", code=code,
                                  message={"vi": str(exc), "en": str(exc)}))
    return out


def in_data_folder(path: Path, root: Path) -> bool:
    """Whether ``path`` is one of the data folders under ``root`` or inside one."""
    resolved = path.resolve()
    return any((folder := (root / name).resolve()) == resolved or folder in resolved.parents
               for name in DATA_FOLDERS)
