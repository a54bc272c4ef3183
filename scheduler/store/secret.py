"""The deployment's secret key: the setting, or a random key made once and kept in the data folder.

Signed links (:mod:`scheduler.reminders.links`) are keyed by it; every instance
of a deployment must read the same one (set ``secret_key``, or share data_dir).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from scheduler.settings import Settings


def load_or_create_secret(settings: Settings) -> bytes:
    """``settings.secret_key``, or a random key made once and kept (0600) in data_dir."""
    if settings.secret_key:
        return settings.secret_key.encode("utf-8")
    path = Path(settings.data_dir) / "secret_key"
    try:
        return path.read_text(encoding="ascii").strip().encode("ascii")
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return path.read_text(encoding="ascii").strip().encode("ascii")
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    return key.encode("ascii")
