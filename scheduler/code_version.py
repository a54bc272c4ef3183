"""Which code made a stored result: a digest of the Python version and of source files.

A parse cache, a restored catalog and a plan stamp are only trusted when the
code that would make them again is the code that made them: each names the
modules it depends on and compares this digest (read once per process).
"""

from __future__ import annotations

import hashlib
import sys
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


@cache
def code_version(modules: tuple[str, ...] | None = None, extra: str = "") -> str:
    """The digest of ``scheduler/<module>.py`` for each of ``modules`` (a path below the package without
    its suffix, e.g. ``core/loader``; every module of the package when None), the Python version and
    ``extra`` (e.g. a library's version)."""
    digest = hashlib.sha256(f"{sys.version}\x1f{extra}".encode())
    paths = sorted(PACKAGE.rglob("*.py")) if modules is None else [PACKAGE / f"{m}.py" for m in modules]
    for path in paths:
        digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\x1f")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
