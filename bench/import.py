"""Seconds per plan for `lichthidua import`: .txt, .docx, text PDF and scanned PDF (OCR).

The Kon Tum seed plan (5 pages as a PDF) is converted in the run to each
format the way tests do, then drafted (read + extract + YAML). Goals: a text
plan in under a second; OCR of the 5-page scan in under a minute on this
2-core machine. Each line also shows the ratio to the bare reading of the
same file measured in the same run (how much the drafting adds on top).

Run: `.venv/bin/python -m bench.import` (or `./run bench`).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# bench/email.py must not shadow the stdlib email
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

from scheduler.plans.reading import read_plan  # noqa: E402
from scheduler.plans.service import import_plan  # noqa: E402
from tests.plan_files import ocr_available, seed_text, to_docx, to_scanned_pdf, to_text_pdf  # noqa: E402

SEED = "kon-tum-2024"
TEXT_GOAL_SECONDS = 1.0
OCR_GOAL_SECONDS = 60.0
ROUNDS = 3


def _best(fn, rounds: int = ROUNDS) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def run() -> dict[str, dict[str, float]]:
    calendars = ROOT / "calendars"
    out: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        text = seed_text(SEED)
        txt = folder / "plan.txt"
        txt.write_text(text, encoding="utf-8")
        files = {
            ".txt": txt,
            ".docx": to_docx(text, folder / "plan.docx"),
            "PDF có chữ": to_text_pdf(text, folder / "plan.pdf"),
        }
        why = ocr_available()
        if why is None:
            files["PDF quét (OCR)"] = to_scanned_pdf(files["PDF có chữ"], folder / "scan.pdf")
        for label, path in files.items():
            ocr = "OCR" in label
            rounds = 1 if ocr else ROUNDS
            read_s = _best(lambda path=path: read_plan(path), rounds)
            total_s = _best(lambda path=path: import_plan(path, calendars), rounds)
            goal = OCR_GOAL_SECONDS if ocr else TEXT_GOAL_SECONDS
            out[label] = {"seconds": total_s, "read_seconds": read_s, "vs_goal": total_s / goal, "vs_read": total_s / read_s}
        if why is not None:
            print(f"(bỏ qua PDF quét: {why})")
    return out


def main() -> None:
    results = run()
    print(f"lichthidua import, seed {SEED} (5 trang A4), best of {ROUNDS} (OCR: 1 run)")
    for label, r in results.items():
        goal = OCR_GOAL_SECONDS if "OCR" in label else TEXT_GOAL_SECONDS
        verdict = "OK" if r["vs_goal"] < 1 else "SLOWER THAN GOAL"
        print(f"  {label:16s} {r['seconds']:8.3f} s   ratio to the {goal:g} s goal: {r['vs_goal']:.3f} ({verdict})"
              f"   ratio to reading alone ({r['read_seconds']:.3f} s): {r['vs_read']:.2f}")


if __name__ == "__main__":
    main()
