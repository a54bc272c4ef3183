"""Database work off the event loop, in threads of its own.

``asyncio.to_thread`` shares the loop's default executor (a handful of
threads on a small machine) with rendering feeds and pages. When the database
stops answering, every call waiting on it holds a thread for up to
database_timeout_seconds; on the shared executor a few such calls would make a
feed that is not cached yet wait for a free thread. Database calls therefore
go to this executor, and rendering keeps the default one to itself.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")
DATABASE_THREADS = 16
_executor = ThreadPoolExecutor(max_workers=DATABASE_THREADS, thread_name_prefix="lichthidua-db")


async def in_database_thread(work: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """``await asyncio.to_thread(work, ...)``, on the database's own threads."""
    context = contextvars.copy_context()
    call = functools.partial(context.run, work, *args, **kwargs)
    return await asyncio.get_running_loop().run_in_executor(_executor, call)  # type: ignore[arg-type]
