"""The admin's days-off decisions, a folder beside the calendars: read with every whole load of the folder."""

from __future__ import annotations

from pathlib import Path

from scheduler.core.days_off import configure_days_off
from scheduler.core.days_off_data import DaysOffDataError
from scheduler.core.loaded import display_path
from scheduler.errors import Diagnostic


def configure_days_off_folder(folder: Path) -> Diagnostic | None:
    """The admin's days-off decisions in ``<root>/ngay-nghi/`` join the shipped ones (see
    docs/ngay-nghi-va-mac-dinh.md); a bad file is reported like a calendar error and ignored."""
    try:
        configure_days_off([folder] if folder.is_dir() else [])
    except DaysOffDataError as exc:
        return Diagnostic(file=display_path(folder) if folder.exists() else str(folder), line=1, column=1,
                          path="", code="days_off.file", message={"vi": str(exc), "en": str(exc)})
    return None
