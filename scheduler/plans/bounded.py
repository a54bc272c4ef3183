"""Read a received document in a child process with fixed memory, CPU and wall-clock limits (imperative shell).

Parsing a hostile file can cost any amount of memory inside a library (lxml, pypdf)
before any check of ours sees it; so `lichthidua import` and `lint-plan` (and any
later upload) do the whole reading, and the extraction after it, in a fresh Python
process (`python -m scheduler.plans.bounded`) that first sets on itself:

- RLIMIT_AS = ``plan_max_memory_bytes``: an allocation past it fails (MemoryError in Python);
- RLIMIT_CPU = ``plan_max_seconds`` (SIGXCPU, then SIGKILL one second later);
- no core files.

The parent waits ``plan_max_seconds`` (plus a moment to start Python) and then kills
the child's whole process group. Converters the child starts get the same limits
(see :mod:`scheduler.plans.tools`). The parent's own memory never holds more than
the child's answer. Whatever happens in the child, the parent raises one of our
errors with a Vietnamese message: never a traceback.

The request (a module-level function and its arguments) and the answer travel as
pickles over the child's stdin and stdout: the child is this program, and code that
could write a hostile answer could already do anything this user may.
"""

from __future__ import annotations

import importlib
import os
import pickle
import resource
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from scheduler.document_limits import DocumentLimits, beyond, rejected
from scheduler.errors import DocumentRejected, LichThiDuaError

T = TypeVar("T")

# Seconds the child may take to start Python and import the reader, beyond the reading's own time.
START_GRACE = 5.0


def run_bounded(function: Callable[..., T], args: tuple[Any, ...], path: Path, limits: DocumentLimits) -> T:
    """`function(*args)` in a bounded child process; `path` is the document named in messages."""
    request = pickle.dumps((function.__module__, function.__qualname__, args, limits))
    env = dict(os.environ, MALLOC_ARENA_MAX="2")  # a thread's malloc arena reserves 64 MB of address space
    child = subprocess.Popen(
        [sys.executable, "-m", "scheduler.plans.bounded"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, start_new_session=True, env=env,
    )
    try:
        out, err = child.communicate(request, timeout=limits.seconds + START_GRACE)
    except subprocess.TimeoutExpired:
        _kill(child)
        child.communicate()
        raise beyond(path, "seconds", limits) from None
    finally:
        _kill(child)  # converters left in the child's group
    if child.returncode == 0 and out:
        try:
            status, value = pickle.loads(out)
        except Exception:  # noqa: BLE001 - an answer cut short: said below as a broken reading
            status, value = "broken", None
        if status == "ok":
            return value  # type: ignore[no-any-return]
        if status == "error" and isinstance(value, LichThiDuaError):
            raise value
        if status == "error":
            raise DocumentRejected(str(value))
    raise _died(path, limits, child.returncode, err.decode(errors="replace"))


def _kill(child: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _died(path: Path, limits: DocumentLimits, returncode: int, stderr: str) -> LichThiDuaError:
    """The error for a child that ended without an answer: which limit stopped it, if one did."""
    if returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        return beyond(path, "seconds", limits, "thời gian CPU")
    if "MemoryError" in stderr or returncode in (-signal.SIGSEGV, -signal.SIGABRT, -signal.SIGBUS):
        return beyond(path, "memory_bytes", limits, "tiến trình đọc dừng khi không cấp phát được bộ nhớ")
    last = stderr.strip().splitlines()[-1][:200] if stderr.strip() else f"mã thoát {returncode}"
    return rejected(path, f"tiến trình đọc tệp dừng bất thường ({last})",
                    "Hãy mở tệp gốc và lưu lại thành .docx hoặc PDF rồi nhập lại")


def _limit_self(limits: DocumentLimits) -> None:
    cpu = max(1, int(limits.seconds + 0.999))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = limits.memory_bytes if hard == resource.RLIM_INFINITY else min(limits.memory_bytes, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def _document(args: tuple[Any, ...]) -> Path | str:
    return next((a for a in args if isinstance(a, Path)), "tệp")


def main() -> None:
    """The child: read the request, bound itself, run, answer on the original stdout."""
    answer = os.dup(1)
    os.dup2(2, 1)  # a library's print() goes to stderr, never into the answer
    module, qualname, args, limits = pickle.loads(sys.stdin.buffer.read())
    _limit_self(limits)
    try:
        function: Any = importlib.import_module(module)
        for part in qualname.split("."):
            function = getattr(function, part)
        result: tuple[str, Any] = ("ok", function(*args))
    except MemoryError:
        result = ("error", beyond(_document(args), "memory_bytes", limits))
    except LichThiDuaError as exc:
        result = ("error", exc)
    except RecursionError:
        result = ("error", rejected(_document(args), "cấu trúc tệp lồng nhau quá sâu nên không đọc được",
                                    "Hãy mở tệp gốc và lưu lại thành .docx hoặc PDF rồi nhập lại"))
    except Exception as exc:  # noqa: BLE001 - a library's own error on a broken file: said, never a traceback
        result = ("error", rejected(_document(args), f"không đọc được tệp ({type(exc).__name__}: {str(exc)[:200]})",
                                    "Hãy mở tệp gốc và lưu lại thành .docx hoặc PDF rồi nhập lại"))
    try:
        data = pickle.dumps(result)
    except Exception as exc:  # noqa: BLE001 - an exception that does not pickle: its message does
        data = pickle.dumps(("error", str(result[1]) if result[0] == "error" else f"{type(exc).__name__}: {exc}"))
    view = memoryview(data)
    while view:
        view = view[os.write(answer, view):]
    os.close(answer)


if __name__ == "__main__":
    main()
