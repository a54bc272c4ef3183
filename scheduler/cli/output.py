"""Console output shared by every command: one rich Console, errors to stderr."""

from __future__ import annotations

import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.console import Console

from scheduler.errors import LichThiDuaError, OutputError
from scheduler.files import write_atomic

T = TypeVar("T")

console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


def run_command(fn: Callable[[], T]) -> T:
    """Call a service function; turn our errors into a message and an exit code."""
    try:
        return fn()
    except LichThiDuaError as exc:
        if sys.stderr.isatty():
            err_console.print(f"[bold red]Lỗi:[/] {exc}", markup=True)
        else:
            print(f"Lỗi: {exc}", file=sys.stderr)
        raise typer.Exit(exc.exit_code) from None


def run_async(main: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion on the event loop `serve` runs on: uvloop (uvicorn[standard] picks it),
    else asyncio's own. A wave sent by `remind send-due` then costs what one sent by the service does."""
    try:
        import uvloop
    except ImportError:  # a platform without uvloop
        import asyncio

        return asyncio.run(main)
    return uvloop.run(main)


def write_output(path: Path, data: bytes | str, *, option: str = "-o", example: str = "") -> None:
    """Write a command's output file whole or not at all (a temporary file renamed over it).

    A missing folder, a folder given as the file, or a write that fails is an OutputError
    (exit 73) naming the path, and no temporary file is left behind.
    """
    write_output_check(path, option=option, example=example)
    try:
        write_atomic(path, data)  # a reader (or `serve`) never sees half a file; no temporary file left behind
    except OSError as exc:
        raise OutputError(f"{option} {path}: không ghi được ({exc.strerror or exc})") from None


def write_output_check(path: Path, *, option: str = "-o", example: str = "") -> None:
    """The checks of :func:`write_output` alone, for a command to run before its work."""
    if path.is_dir():
        raise OutputError(f"{option} {path}: đây là một thư mục, không phải tệp. "
                          f"Ghi rõ tên tệp, ví dụ {option} {path / (example or 'ten-tep')}")
    folder = path.parent
    if not folder.is_dir():
        raise OutputError(f"{option} {path}: không có thư mục {folder}. Tạo thư mục đó trước, "
                          "hoặc chọn một tệp trong thư mục đã có")
