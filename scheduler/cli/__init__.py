"""The `lichthidua` command line: one typer app, one module per command group.

Commands only parse options, call one service function and print its result;
domain logic lives in the core modules. Errors map to exit codes through
`scheduler.errors`, in `run_command`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import typer

from scheduler.cli import language
from scheduler.cli.language import UsageError, WordedGroup


class VietnameseGroup(WordedGroup):
    """Usage errors exit 64 (EX_USAGE) with a message in the run's language, not click's 2."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, windows_expand_args: bool = True, **extra: Any) -> Any:
        language.use(language.choose(sys.argv[1:] if args is None else args))
        try:
            # Not standalone, so usage errors reach us; click then returns exit codes.
            result = super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        except UsageError as exc:
            if type(exc).__name__ == "NoArgsIsHelpError":
                sys.exit(0)  # the help was shown, as asked
            print(language.usage_message(exc), file=sys.stderr)
            sys.exit(64)
        except typer.Abort:
            print("Đã dừng." if language.current() == "vi" else "Aborted.", file=sys.stderr)
            sys.exit(130)
        except typer.Exit as exc:
            sys.exit(exc.exit_code)
        if not standalone_mode:
            return result
        sys.exit(result if isinstance(result, int) else 0)


app = typer.Typer(
    cls=VietnameseGroup,
    name="lichthidua",
    help="Lịch thi đua: lịch, hạn chót và email nhắc cho các phong trào thi đua Công đoàn.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)

# Command modules register themselves on `app` when imported.
from scheduler.cli import calendars as _calendars  # noqa: E402,F401
from scheduler.cli import drafts as _drafts  # noqa: E402,F401
from scheduler.cli import serve as _serve  # noqa: E402,F401
from scheduler.cli import remind as _remind  # noqa: E402,F401
from scheduler.cli import plans as _plans  # noqa: E402,F401


def main() -> None:
    app()
