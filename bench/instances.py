"""Two ``serve`` instances on one PostgreSQL database watching one calendars folder: an edit reaches both feeds.

The deployment of docs/van-hanh.md ("Nhiều phiên bản"): each instance watches the shared folder itself (as a
folder synchronised by ``git pull`` or a shared mount) and the feed ledger is shared in the database, so an
edited deadline is published by both, with the same SEQUENCE, whichever instance nginx sends a client to.
Each instance is asked directly (nginx would send a poll to one or the other): the figure is the time from the
file's save until **both** serve the edited deadline, for ``edits`` edits, at ``--calendars`` calendars beside the same
at ``--baseline-calendars``, measured in one run.

    .venv/bin/python -m bench.scale --calendars 10000 --baseline-calendars 1000 --only instances
"""

from __future__ import annotations

import os
import re
import statistics
import time
from contextlib import ExitStack
from pathlib import Path

import httpx

GOAL_S = 2.0
_TITLE = re.compile(r"(deadlines:\n(?:.*\n)*?\s+title: )([^\n]+)")


def _edited(text: str, step: int) -> tuple[str, str]:
    """The calendar with its first deadline's title marked ``(sửa lần N)``, and that mark."""
    m = _TITLE.search(text)
    if m is None:
        raise RuntimeError("the edited calendar has no deadline")
    mark = f"(sửa lần {step})"
    return text[:m.start(2)] + f"{m[2]} {mark}" + text[m.end(2):], mark


def bench_instances_edit(work: Path, folder: Path, label: str, edits: int = 5, timeout: float = 60) -> dict[str, object]:
    """Both instances healthy on ``folder``, then ``edits`` saves of one calendar: seconds until both feeds have it."""
    from bench.scale import _pg_database, serve

    cid = "kon-tum-2024-0042" if (folder / "kon-tum-2024-0042.yaml").exists() else "kon-tum-2024"
    path = folder / f"{cid}.yaml"
    feed = f"/feeds/{cid}.ics"
    took: list[float] = []
    out: dict[str, object] = {"calendars": len(list(folder.glob("*.yaml"))), "edited": cid}
    with _pg_database() as url, ExitStack() as stack:
        bases = []
        for name in ("a", "b"):
            data = work / f"instances-{label}" / name
            data.mkdir(parents=True, exist_ok=True)
            server = stack.enter_context(serve(folder, data, env={"LICHTHIDUA_DATABASE_URL": url}))
            bases.append(server.base)
            out[f"start_{name}_s"] = round(server.started_in, 1)
        for base in bases:
            httpx.get(base + feed, timeout=60).raise_for_status()
        original = path.read_text(encoding="utf-8")
        try:
            for step in range(1, edits + 1):
                text, mark = _edited(original, step)
                time.sleep(1.5)  # a save now and then, as an admin makes them; never two within a watcher tick
                saved = time.perf_counter()
                path.write_text(text, encoding="utf-8")
                waiting = set(bases)
                while waiting:
                    for base in list(waiting):
                        if mark in httpx.get(base + feed, timeout=60).text.replace("\r\n ", ""):  # lines unfolded
                            waiting.discard(base)
                    if time.perf_counter() - saved > timeout:
                        raise RuntimeError(f"edit {step}: not in {sorted(waiting)} after {timeout} s")
                    time.sleep(0.02)
                took.append(time.perf_counter() - saved)
        finally:
            path.write_text(original, encoding="utf-8")
    out["both_feeds_s"] = [round(t, 3) for t in took]
    out["both_feeds_median_s"] = round(statistics.median(took), 3)
    out["both_feeds_max_s"] = round(max(took), 3)
    out["load"] = round(os.getloadavg()[0], 1)
    return out


def report(scale: dict[str, object], baseline: dict[str, object] | None) -> str:
    """One line: the figure beside the baseline's and the goal."""
    ok = float(scale["both_feeds_max_s"]) < GOAL_S  # type: ignore[arg-type]
    beside = (f"; at {baseline['calendars']} calendars median {baseline['both_feeds_median_s']} s, "
              f"max {baseline['both_feeds_max_s']} s" if baseline else "")
    return (f"two instances, one PostgreSQL, one folder of {scale['calendars']} calendars: an edit in both feeds after "
            f"median {scale['both_feeds_median_s']} s, max {scale['both_feeds_max_s']} s "
            f"({', '.join(str(t) for t in scale['both_feeds_s'])}; instances healthy after "  # type: ignore[attr-defined]
            f"{scale['start_a_s']} s and {scale['start_b_s']} s){beside}; goal < {GOAL_S:g} s {'✓' if ok else '✗'}")
