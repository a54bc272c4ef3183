"""The `lichthidua` command line: one typer app, one module per command group.

Commands only parse options, call one service function and print its result;
domain logic lives in the core modules. Errors map to exit codes through
`scheduler.errors`, in `run_command`. The app itself is in ``scheduler.cli.app``
(so command modules import it without importing this package's registrations).
"""

from __future__ import annotations

from scheduler.cli.app import app

# Command modules register themselves on `app` when imported.
from scheduler.cli import calendars as _calendars  # noqa: F401
from scheduler.cli import drafts as _drafts  # noqa: F401
from scheduler.cli import plans as _plans  # noqa: F401
from scheduler.cli import remind as _remind  # noqa: F401
from scheduler.cli import serve as _serve  # noqa: F401


def main() -> None:
    app()


__all__ = ["app", "main"]
