"""Seconds per plan for `lichthidua import` (.txt, .docx, text PDF, scanned PDF), and what it finds.

Reading: recall and precision per kind (phases, anniversaries, deadlines, events,
year/span, lunar dates) on the corpus of plan passages in tests/plans/corpus/,
separately on its dev part (the rules are tuned on it) and its held-out part
(only measured); see `bench/corpus_score.py`.

Speed: 
The Kon Tum seed plan (5 pages as a PDF) is converted in the run to each
format the way tests do, then drafted (read + extract + YAML). Goals: a text
plan in under a second; OCR of the 5-page scan in under a minute on this
2-core machine. Each line also shows the ratio to the bare reading of the
same file measured in the same run (how much the drafting adds on top).

Run: `.venv/bin/python -m bench.import` (or `./run bench`); `--corpus-only` measures the reading
only (no hostile lines, no timing of the formats), `-v` lists the dev misses.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# bench/email.py must not shadow the stdlib email
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

from bench.corpus_score import part_report, report, score  # noqa: E402
from scheduler.plans.extract import extract  # noqa: E402
from scheduler.plans.reading import read_plan  # noqa: E402
from scheduler.plans.service import import_plan, reference_from  # noqa: E402
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


# Lines no regular expression of the reader may take more than linear time on (seconds printed, no goal).
HOSTILE_LINES = {
    "1.600 chữ số": "1" * 1600,
    "800 lần '1/'": "1/" * 800,
    "320 lần 'ngày '": "ngày " * 320,
    "200 lần 'tháng 1 '": "tháng 1 " * 200,
    "400 lần 'Đợt '": "Đợt " * 400,
    "100 lần 'kỷ niệm 1 năm '": "kỷ niệm 1 năm " * 100,
    "300 lần 'các công đoàn, '": "các công đoàn, " * 300 + "trước ngày 1/1/2020",
    "100 lần 'Hội thi khai mạc ngày 1/1, '": "Hội thi khai mạc ngày 1/1, " * 100,
    "100 lần 'các đơn vị gửi chậm nhất ngày 1/1 '": "các đơn vị gửi chậm nhất ngày 1/1 " * 100,
    "400 lần 'Hưởng ứng đợt 1 … (từ … đến …), '": "Hưởng ứng đợt 1 do Tổng Liên đoàn phát động (từ 1/1 đến 2/1/2020), " * 400,
    "400 lần 'Vòng sơ khảo đợt 1 ngày 1/1/2020, '": "Vòng sơ khảo đợt 1 ngày 1/1/2020, " * 400,
}


def main() -> None:
    ref = reference_from(ROOT / "calendars")
    t0 = time.perf_counter()
    result = score(ref)
    corpus_s = time.perf_counter() - t0
    print(f"Đọc kế hoạch: corpus tests/plans/corpus ({sum(result.passages.values())} đoạn, {corpus_s:.2f} s)")
    for line in report(result, show_misses="-v" in sys.argv):
        print(line)
    print("  heldout theo từng lượt đọc (recall, precision):")
    for line in part_report(ref):
        print(line)
    if "--corpus-only" in sys.argv:  # the reading only: no hostile lines, no timing of the formats (OCR)
        return
    print("Dòng khó (mỗi dòng một lần đọc; không regex nào được chậm hơn tuyến tính):")
    for label, line in HOSTILE_LINES.items():
        secs = _best(lambda line=line: extract([line], False, ref), 1)
        print(f"  {label:28s} {secs:8.3f} s   ratio to the {TEXT_GOAL_SECONDS:g} s text goal: {secs / TEXT_GOAL_SECONDS:.3f}")
    results = run()
    print(f"lichthidua import, seed {SEED} (5 trang A4), best of {ROUNDS} (OCR: 1 run)")
    for label, r in results.items():
        goal = OCR_GOAL_SECONDS if "OCR" in label else TEXT_GOAL_SECONDS
        verdict = "OK" if r["vs_goal"] < 1 else "SLOWER THAN GOAL"
        print(f"  {label:16s} {r['seconds']:8.3f} s   ratio to the {goal:g} s goal: {r['vs_goal']:.3f} ({verdict})"
              f"   ratio to reading alone ({r['read_seconds']:.3f} s): {r['vs_read']:.2f}")


if __name__ == "__main__":
    main()
