"""Commands answered before typer loads: `lichthidua lunar DATE` in its plain forms.

Building the typer app costs more than the conversion itself (click, typer's
pydantic parameter adapters: about 0.1 s), and an admin checking a lunar date
should get the answer at once. So :func:`run` recognises only the exact plain
forms of a command, ``lunar VALUE`` and ``lunar --to-solar VALUE`` (either
order), and answers them here. Anything else (help, ``--lang``, an unknown
option, a value typer would read differently, an error) returns ``None`` and
the full typer app runs instead, so help, usage errors and error messages have
one home: the typer commands, which call the same :func:`lunar_text`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from scheduler.core import lunar
from scheduler.core.dates import parse_day, vn_weekday
from scheduler.errors import LichThiDuaError


def lunar_text(value: str, to_solar: bool) -> str:
    """What `lichthidua lunar` prints: the lunar date of a solar one, or the solar date of a lunar one."""
    if to_solar:
        y, m, d, leap = lunar.parse_lunar_date(value)
        solar = lunar.to_solar(y, m, d, leap)
        return f"{solar.isoformat()} ({vn_weekday(solar)} {solar:%d/%m/%Y})"
    return str(lunar.to_lunar(parse_day(value, "ngày")))


def _lunar(args: Sequence[str]) -> str | None:
    flags = [a for a in args if a == "--to-solar"]
    values = [a for a in args if a != "--to-solar"]
    if len(flags) > 1 or len(values) != 1 or values[0].startswith("-"):
        return None
    try:
        return lunar_text(values[0], bool(flags))
    except LichThiDuaError:
        return None  # the typer command words the error, and chooses the exit code


def run(argv: Sequence[str]) -> int | None:
    """Answer ``argv`` here and return the exit code, or ``None`` for the full CLI to handle it."""
    if len(argv) < 2 or argv[0] != "lunar":
        return None
    text = _lunar(argv[1:])
    if text is None:
        return None
    sys.stdout.write(text + "\n")
    return 0
