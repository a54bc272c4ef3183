"""The `lichthidua` command line: one typer app, one module per command group.

Commands only parse options, call one service function and print its result;
domain logic lives in the core modules. Errors map to exit codes through
`scheduler.errors`, in `run_command`. The app itself is in ``scheduler.cli.root``
(so command modules import it without importing this package's registrations).

Importing this package loads nothing else: :func:`main` first lets
``scheduler.cli.quick`` answer the plain forms of `lichthidua lunar`, and
builds the typer app (``app`` here, on first use) only for everything else.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from typer import Typer

    app: Typer


def _app() -> Any:
    from scheduler.cli import board as _board  # noqa: F401 - after remind: its commands go under `remind`

    # Command modules register themselves on `app` when imported.
    from scheduler.cli import calendars as _calendars  # noqa: F401
    from scheduler.cli import drafts as _drafts  # noqa: F401
    from scheduler.cli import plans as _plans  # noqa: F401
    from scheduler.cli import remind as _remind  # noqa: F401
    from scheduler.cli import serve as _serve  # noqa: F401
    from scheduler.cli.root import app

    return app


def __getattr__(name: str) -> Any:
    if name == "app":
        return _app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    from scheduler.cli import quick

    code = quick.run(sys.argv[1:])
    if code is not None:
        sys.exit(code)
    _app()()


__all__ = ["app", "main"]
