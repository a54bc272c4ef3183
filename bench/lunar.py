"""Lunar conversions per second: scheduler.core.lunar against lunardate, in the same run.

The same 100,000 seeded random solar dates (1900-02-01 .. 2099-12-31, the
range both cover) are converted to lunar dates, and the resulting lunar dates
back to solar, by each library. lunardate reads a packed table; ours computes
its table once (``build_ms``, measured cold) and then bisects. Target:
``ratio_* >= 1`` (ours no slower).

    .venv/bin/python bench/lunar.py
"""

from __future__ import annotations

import json
import random
import sys
import time as clock
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# bench/email.py must not shadow the stdlib email
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

from lunardate import LunarDate as ChineseLunarDate  # noqa: E402

from scheduler.core import lunar  # noqa: E402

N_DATES = 100_000
ROUNDS = 3
SEED = 20240210  # Tết Giáp Thìn


def sample_dates(n: int = N_DATES, seed: int = SEED) -> list[date]:
    rng = random.Random(seed)
    lo, hi = date(1900, 2, 1).toordinal(), date(2099, 12, 31).toordinal()
    return [date.fromordinal(rng.randint(lo, hi)) for _ in range(n)]


def _best(fn: Callable[[], object], rounds: int = ROUNDS) -> float:
    """Fastest of a few rounds, in seconds: the least disturbed by the machine's other work."""
    best = float("inf")
    for _ in range(rounds):
        t = clock.perf_counter()
        fn()
        best = min(best, clock.perf_counter() - t)
    return best


def build_time() -> float:
    """Seconds to compute the whole 1800–2199 table from astronomy, cold."""
    def build() -> None:
        lunar._table.cache_clear()
        lunar._table()

    return _best(build, rounds=5)


def run(n: int = N_DATES) -> dict[str, float | int]:
    dates = sample_dates(n)
    build_s = build_time()

    ours = [lunar.to_lunar(d) for d in dates]
    theirs = [ChineseLunarDate.from_solar_date(d.year, d.month, d.day) for d in dates]
    ours_tuples = [(x.year, x.month, x.day, x.leap) for x in ours]

    to_lunar, to_solar = lunar.to_lunar, lunar.to_solar
    from_solar = ChineseLunarDate.from_solar_date
    t_ours_lunar = _best(lambda: [to_lunar(d) for d in dates])
    t_theirs_lunar = _best(lambda: [from_solar(d.year, d.month, d.day) for d in dates])
    t_ours_solar = _best(lambda: [to_solar(y, m, dd, lp) for y, m, dd, lp in ours_tuples])
    t_theirs_solar = _best(lambda: [x.to_solar_date() for x in theirs])

    differ = sum(
        1 for a, b in zip(ours, theirs, strict=True)
        if (a.year, a.month, a.day, a.leap) != (b.year, b.month, b.day, b.is_leap_month)
    )
    return {
        "dates": n,
        "build_ms": round(build_s * 1000, 1),
        "table_months": len(lunar._table().years),
        "to_lunar_per_s": round(n / t_ours_lunar),
        "lunardate_from_solar_per_s": round(n / t_theirs_lunar),
        "ratio_to_lunar": round(t_theirs_lunar / t_ours_lunar, 2),
        "to_solar_per_s": round(n / t_ours_solar),
        "lunardate_to_solar_per_s": round(n / t_theirs_solar),
        "ratio_to_solar": round(t_theirs_solar / t_ours_solar, 2),
        "days_where_china_differs": differ,
    }


def main() -> None:
    r = run()
    print(f"table build (lunar years 1800–2199, {r['table_months']} months): {r['build_ms']} ms")
    print(f"to_lunar : ours {r['to_lunar_per_s']:>10,}/s   lunardate {r['lunardate_from_solar_per_s']:>10,}/s"
          f"   ratio ours/lunardate {r['ratio_to_lunar']}x")
    print(f"to_solar : ours {r['to_solar_per_s']:>10,}/s   lunardate {r['lunardate_to_solar_per_s']:>10,}/s"
          f"   ratio ours/lunardate {r['ratio_to_solar']}x")
    print(f"{r['days_where_china_differs']} of {r['dates']} sampled days have a different lunar date in China (lunardate)")
    print(json.dumps(r))


if __name__ == "__main__":
    main()
