"""Console output shared by every command: one rich Console, errors to stderr."""

from __future__ import annotations

import sys
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import typer
from rich.console import Console

from scheduler.errors import LichThiDuaError

T = TypeVar("T")

console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


def run_command(fn: Callable[[], T]) -> T:
    """Call a service function; turn our errors into a message and an exit code."""
    try:
        return fn()
    except LichThiDuaError as exc:
        err_console.print(f"[bold red]Lỗi:[/] {exc}", markup=True) if sys.stderr.isatty() else print(f"Lỗi: {exc}", file=sys.stderr)
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
