"""The `lichthidua` command line: one typer app, one module per command group.

Commands only parse options, call one service function and print its result;
domain logic lives in the core modules. Errors map to exit codes through
`scheduler.errors`, in `run_command`.
"""

from __future__ import annotations

import sys
from typing import Any

import typer

# Typer vendors its own click; its usage errors are these classes, not click's.
from typer._click import exceptions as click
from typer.core import TyperGroup


def _param_name(exc: Any) -> str:
    param = getattr(exc, "param", None)
    opts = getattr(param, "opts", None)
    return "/".join(opts) if opts else (getattr(param, "name", None) or "tham số").upper()


def _usage_message(exc: click.UsageError) -> str:
    """click's usage errors, said in Vietnamese (its English text is kept for searching)."""
    if isinstance(exc, click.NoSuchOption):
        what = f"không có tùy chọn {exc.option_name}"
    elif isinstance(exc, click.MissingParameter):
        what = f"thiếu {_param_name(exc)}"
    elif isinstance(exc, click.BadParameter):
        what = f"giá trị không hợp lệ cho {_param_name(exc)}"
    else:
        what = "lệnh hoặc tham số không hợp lệ"
    command = exc.ctx.command_path if exc.ctx else "lichthidua"
    return f"Lỗi: {what} ({exc.format_message()}).\nXem: {command} --help"


class VietnameseGroup(TyperGroup):
    """Usage errors exit 64 (EX_USAGE) with a Vietnamese message, not click's 2."""

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        try:
            # Not standalone, so usage errors reach us; click then returns exit codes.
            result = super().main(*args, standalone_mode=False, **kwargs)
        except click.NoArgsIsHelpError:
            sys.exit(0)  # the help was shown, as asked
        except click.UsageError as exc:
            print(_usage_message(exc), file=sys.stderr)
            sys.exit(64)
        except typer.Abort:
            print("Đã dừng.", file=sys.stderr)
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
