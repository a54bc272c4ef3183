"""The breaker's state of each endpoint, kept in a small JSON file in the data folder.

Cron runs and ``serve`` share it, and ``remind status`` and ``/admin`` show the
endpoints it holds back (:func:`paused_endpoints`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from scheduler.files import write_atomic

log = logging.getLogger("lichthidua.channels")
HEALTH_FILE = "channel-health.json"


@dataclass
class EndpointState:
    failures: int = 0  # give-ups in a row
    open_until: datetime | None = None  # not tried before this (UTC)
    reason: str = ""  # the last failure
    since: datetime | None = None  # first failure of this run of failures

    def to_json(self) -> dict[str, Any]:
        return {"failures": self.failures, "reason": self.reason,
                "open_until": self.open_until.isoformat() if self.open_until else None,
                "since": self.since.isoformat() if self.since else None}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> EndpointState:
        def when(key: str) -> datetime | None:
            raw = data.get(key)
            return datetime.fromisoformat(raw) if isinstance(raw, str) else None

        return cls(int(data.get("failures", 0)), when("open_until"), str(data.get("reason", "")), when("since"))


@dataclass
class Health:
    """Breaker states by endpoint ("webhook:don-vi-a"), read from and written to ``file`` (None: memory only)."""

    file: Path | None = None
    states: dict[str, EndpointState] = field(default_factory=dict)

    @classmethod
    def load(cls, file: Path | None) -> Health:
        health = cls(file)
        if file is None:
            return health
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
            health.states = {k: EndpointState.from_json(v) for k, v in data.get("endpoints", {}).items()}
        except (OSError, ValueError, TypeError, AttributeError):
            pass  # none yet, or damaged: every endpoint starts closed
        return health

    def save(self, keys: Iterable[str]) -> None:
        """Write the states of ``keys`` (others' states as the file has them: processes share it)."""
        if self.file is None:
            return
        current = Health.load(self.file).states
        for key in keys:
            state = self.states.get(key)
            if state is None or not state.failures:
                current.pop(key, None)
            else:
                current[key] = state
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(self.file, json.dumps({"endpoints": {k: v.to_json() for k, v in sorted(current.items())}},
                                               ensure_ascii=False, indent=1).encode("utf-8"))
        except OSError as exc:
            log.warning("Không ghi được trạng thái kênh gửi %s: %s", self.file, exc.strerror or exc)


@dataclass(frozen=True, slots=True)
class Paused:
    """An endpoint the breaker holds, for ``remind status`` and ``/admin``."""

    endpoint: str  # "webhook:don-vi-a"
    until: datetime | None  # None: failing, not paused
    failures: int
    reason: str

    def describe(self, zone: Any = None) -> str:
        """One Vietnamese line; times in ``zone`` (the admin's), else UTC."""
        until = self.until.astimezone(zone) if self.until and zone else self.until
        when = (f"tạm ngừng gửi đến {until:%H:%M} ngày {until:%d/%m/%Y}{'' if zone else ' (UTC)'}" if until
                else "đang lỗi, sẽ thử lại ở lượt gửi sau")
        return f"{self.endpoint}: {when}, sau {self.failures} lần thất bại liên tiếp: {self.reason}"


def paused_endpoints(data_dir: Path, now: datetime) -> list[Paused]:
    """Endpoints whose breaker is open (or that keep failing), from the shared state file."""
    health = Health.load(data_dir / HEALTH_FILE)
    return [Paused(key, s.open_until if s.open_until and s.open_until > now else None, s.failures, s.reason)
            for key, s in sorted(health.states.items()) if s.failures]
