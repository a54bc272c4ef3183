"""A wave of reminders on disk: one campaign, one deadline, N units (real YAML files, loaded as admins' files are)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

VN = ZoneInfo("Asia/Ho_Chi_Minh")
# "chậm nhất 28/6/2024" (a Friday) with remind_days [7]: one reminder per address, Friday 21/6 at 08:00.
WAVE_DEADLINE = "28/6/2024"
WAVE_DUE = datetime(2024, 6, 21, 8, 5, tzinfo=VN)
WAVE_UID = "wave-2024.deadline.bao-cao-dot.0@lichthidua"


def address(i: int) -> str:
    return f"don-vi-{i:05d}@wave.example.org"


def write_wave(root: Path, n: int, *, extra_name: str = "", second_deadline: bool = False,
               calendar_remind_days: str = "") -> Path:
    """calendars/ with wave-2024.yaml and recipients/wave.yaml (units don-vi-00000...); returns the folder."""
    calendars = root / "calendars"
    (calendars / "recipients").mkdir(parents=True, exist_ok=True)
    (calendars / "wave-2024.yaml").write_text(
        f"""id: wave-2024
title: Phong trào thi đua năm 2024 (thử nghiệm)
issuer: Liên đoàn Lao động tỉnh Ví Dụ
year: 2024
deadlines:
  - id: bao-cao-dot
    title: Báo cáo kết quả phong trào thi đua đợt 1
    date: {WAVE_DEADLINE}
    due: no_later_than
    submitted_by: Công đoàn cấp trên trực tiếp cơ sở
    submit_to: Liên đoàn Lao động tỉnh Ví Dụ
    groups: [wave]
    remind_days: [7]
""" + ("""  - id: danh-sach-khen-thuong
    title: Gửi danh sách đề nghị khen thưởng đợt 1
    date: 28/6/2024
    due: no_later_than
    groups: [wave]
""" if second_deadline else "") + (f"remind_days: {calendar_remind_days}\n" if calendar_remind_days else ""),
        encoding="utf-8",
    )
    lines = ["groups:", "  - id: wave", "    name: Các đơn vị thử nghiệm", "    units:"]
    for i in range(n):
        name = f"Công đoàn cơ sở số {i}{extra_name if i == 0 else ''}"
        lines += [f"      - id: don-vi-{i:05d}", f'        name: "{name}"', f"        emails: [{address(i)}]"]
    (calendars / "recipients" / "wave.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return calendars


@dataclass
class Wall:
    """An injected clock the test moves by hand."""

    now: datetime = datetime(2030, 1, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


async def no_wait(_: float) -> None:
    """Retry back-off without sleeping: time is injected, never slept on."""
    return None
