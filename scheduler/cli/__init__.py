"""The `lichthidua` command line: one typer app, one module per command group.

Commands only parse options, call one service function and print its result;
domain logic lives in the core modules. Errors map to exit codes through
`scheduler.errors`, in `run_command`.
"""

from __future__ import annotations

import typer

app = typer.Typer(
    name="lichthidua",
    help="Lịch thi đua: lịch, hạn chót và email nhắc cho các phong trào thi đua Công đoàn.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)

# Command modules register themselves on `app` when imported.
from scheduler.cli import calendars as _calendars  # noqa: E402,F401
from scheduler.cli import serve as _serve  # noqa: E402,F401
from scheduler.cli import remind as _remind  # noqa: E402,F401


def main() -> None:
    app()
