"""Run a document converter (LibreOffice, Tesseract, pdftoppm) inside the reading's bounds (imperative shell).

Each converter runs in its own process group with the memory and CPU limits of the
reading (`prlimit`, else the limits the reading process already has, which children
inherit), a private temporary folder as HOME and TMPDIR, standard input closed, and
a timeout of what is left of the reading's time; on expiry the whole group is
killed (LibreOffice is a launcher and a worker), and the reading stops with the
time limit's message. LibreOffice may also be asked to run without network
(`network=False`): in a new network namespace (`unshare -n`) where the kernel
allows one, and always with a profile whose proxy settings point nowhere (see
:func:`offline_profile`), so an HTML page or a linked picture in a document
makes it fetch nothing.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from scheduler.document_limits import DocumentLimits, beyond


@dataclass(frozen=True, slots=True)
class Budget:
    """The limits of one reading and the monotonic time it must end by."""

    limits: DocumentLimits
    deadline: float

    @classmethod
    def start(cls, limits: DocumentLimits) -> Budget:
        return cls(limits, time.monotonic() + limits.seconds)

    def left(self) -> float:
        return self.deadline - time.monotonic()


@dataclass(frozen=True, slots=True)
class Done:
    returncode: int
    stdout: bytes
    stderr: bytes


class Expired(Exception):
    """A converter ran out of the reading's time and was killed."""


@cache
def _offline_wrapper() -> tuple[str, ...]:
    """`unshare` into a new network namespace (only loopback, down) when this kernel lets us, else nothing."""
    unshare = shutil.which("unshare")
    if not unshare:
        return ()
    for flags in (("-n",), ("-r", "-n")):  # root may unshare directly; others need a user namespace
        try:
            probe = subprocess.run([unshare, *flags, "true"], capture_output=True, timeout=10, check=False)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if probe.returncode == 0:
            return (unshare, *flags)
    return ()


def _limits_wrapper(budget: Budget) -> tuple[str, ...]:
    prlimit = shutil.which("prlimit")
    if not prlimit:
        return ()  # the reading process's own limits still apply: children inherit them
    cpu = max(1, int(budget.limits.seconds))
    return (prlimit, f"--as={budget.limits.memory_bytes}", f"--cpu={cpu}:{cpu + 1}", "--core=0", "--")


def run_tool(argv: list[str], budget: Budget, workdir: Path, *, network: bool = True,
             env: dict[str, str] | None = None) -> Done:
    """Run one converter within the budget; `workdir` is its private HOME and TMPDIR (made by the caller)."""
    left = budget.left()
    if left <= 0:
        raise Expired
    prefix = _limits_wrapper(budget) + (() if network else _offline_wrapper())
    tool_env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "HOME": str(workdir),
        "TMPDIR": str(workdir),
        "OMP_THREAD_LIMIT": "1",  # one page per process; Tesseract's own threads only contend
        **(env or {}),
    }
    for name in ("TESSDATA_PREFIX", "LD_LIBRARY_PATH"):
        if name in os.environ and name not in tool_env:
            tool_env[name] = os.environ[name]
    process = subprocess.Popen(
        [*prefix, *argv], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        cwd=workdir, env=tool_env, process_group=0,
    )
    try:
        out, err = process.communicate(timeout=left)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        raise Expired from None
    finally:
        _kill_group(process)  # a launcher's worker left behind (LibreOffice) goes with it
    return Done(process.returncode, out, err)


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    if process.returncode is None:
        process.kill()
        process.communicate()


def expired(path: Path | str, budget: Budget) -> Exception:
    return beyond(path, "seconds", budget.limits)


def offline_profile(profile: Path) -> None:
    """A LibreOffice user profile whose proxies point at a closed port: no document makes it fetch a URL.

    Used with or without a network namespace; HTTP, HTTPS and FTP go to 0.0.0.0:9 with no exceptions.
    """
    user = profile / "user"
    user.mkdir(parents=True, exist_ok=True)
    items = [("ooInetProxyType", "2"), ("ooInetNoProxy", "")]
    for scheme in ("HTTP", "HTTPS", "FTP"):
        items += [(f"ooInet{scheme}ProxyName", "0.0.0.0"), (f"ooInet{scheme}ProxyPort", "9")]
    props = "\n".join(
        f'<item oor:path="/org.openoffice.Inet/Settings"><prop oor:name="{name}" oor:op="fuse">'
        f"<value>{value}</value></prop></item>"
        for name, value in items
    )
    (user / "registrymodifications.xcu").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n' + props + "\n</oor:items>\n",
        encoding="utf-8",
    )


def stopped_by_limit(returncode: int, budget: Budget) -> str:
    """Why a converter ended without output, when a limit stopped it."""
    if returncode in (-9, -24, 137, 152):  # SIGKILL / SIGXCPU (by prlimit's CPU limit)
        return f" (dừng vì vượt giới hạn thời gian CPU {budget.limits.seconds:g} giây hoặc bộ nhớ)"
    if returncode < 0 or returncode > 128:
        return f" (dừng bất thường, có thể vì vượt giới hạn bộ nhớ {budget.limits.memory_bytes // (1024 * 1024)} MB)"
    return ""
