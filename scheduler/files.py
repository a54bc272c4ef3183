"""Writing a file so that no reader ever sees half of it: a temporary file beside it, then a rename."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO


def write_atomic(path: Path, data: bytes | str | Callable[[IO[bytes]], object], *, encoding: str = "utf-8") -> None:
    """Write ``data`` to ``path`` in one step: a reader sees the old file or the new one, never a part.

    ``data`` is bytes, text (written in ``encoding``) or a function that writes into the open file
    (a pickle streamed without a copy in memory). The temporary file is unique (processes writing
    at once never share one) and removed on any failure, a full disk or ``path`` being a directory
    included; the error is raised as it came.
    """
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            if callable(data):
                data(handle)
            else:
                handle.write(data.encode(encoding) if isinstance(data, str) else data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
