"""The typer app every command registers on, and how usage errors end (exit 64)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import typer

from scheduler.cli.language import UsageError, WordedGroup, choose, current, usage_message, use


class VietnameseGroup(WordedGroup):
    """Usage errors exit 64 (EX_USAGE) with a message in the run's language, not click's 2."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, windows_expand_args: bool = True, **extra: Any) -> Any:
        use(choose(sys.argv[1:] if args is None else args))
        try:
            # Not standalone, so usage errors reach us; click then returns exit codes.
            result = super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        except UsageError as exc:
            if type(exc).__name__ == "NoArgsIsHelpError":
                sys.exit(0)  # the help was shown, as asked
            print(usage_message(exc), file=sys.stderr)
            sys.exit(64)
        except typer.Abort:
            print("Đã dừng." if current() == "vi" else "Aborted.", file=sys.stderr)
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
