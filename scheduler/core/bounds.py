"""How much work one file may cost: bytes, nesting depth, list items, parents.

Every file in the calendars folder is read by the service and by `check`;
these bounds keep one hostile or mistaken file (a 7 MB list, 3,000 levels of
brackets, 50,000 `extends` ids) from taking seconds of CPU, megabytes of
memory or the interpreter's stack. Each bound is a setting (see
:mod:`scheduler.settings`, built by :meth:`Settings.limits`); past one, the file gets a located error and is
not read further.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Limits:
    """The defaults here are the settings' defaults (scheduler.settings reads them from here)."""

    file_bytes: int = 524288  # 512 KiB: the largest shipped calendar is under 4 KiB
    depth: int = 16  # a calendar needs 5 levels (deadlines → item → celebrates → item → key)
    items: int = 2000  # list entries of one file (a campaign has tens; each costs about 1 ms to read)
    extends: int = 16  # parents named in `extends`
    recipients_file_bytes: int = 16 * 1024 * 1024  # a province's list: about 180 bytes a unit, 20,000 units ≈ 3.6 MB


DEFAULT_LIMITS = Limits()
