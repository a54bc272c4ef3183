"""A province on disk for the deadline board: one campaign, deadlines naming every level, three levels of units.

Level 1: districts and sector unions (group ``cap-huyen``), each reporting to the province (the deployment).
Level 2: grassroots unions (CĐCS), one group per district, ``parent:`` the district.
Level 3: sections (công đoàn bộ phận) under some CĐCS, ``parent:`` the CĐCS (one group per district).
Every name and address is invented (example.org).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

VN = ZoneInfo("Asia/Ho_Chi_Minh")
CAMPAIGN = "tinh-vi-du-2026"
# Today is real: December 2026. The year's report was due "chậm nhất 30/11/2026" (a Monday).
REPORT = "bao-cao-tong-ket"
REPORT_LAST = date(2026, 11, 30)
REGISTRATION = "dang-ky-thi-dua"
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=VN).astimezone(UTC)  # a Monday, a week after the report's last day


def district(d: int) -> str:
    return f"huyen-{d:02d}"


def cdcs(d: int, c: int) -> str:
    return f"cdcs-{d:02d}-{c:03d}"


def section(d: int, c: int, s: int) -> str:
    return f"cdbp-{d:02d}-{c:03d}-{s}"


def email_of(unit: str) -> str:
    return f"{unit}@tinh.example.org"


def write_province(root: Path, *, districts: int = 3, per_district: int = 4, sections: int = 2,
                   with_sections_every: int = 2) -> Path:
    """calendars/ with the campaign and recipients/tinh.yaml; returns the folder.

    ``sections`` sections under every ``with_sections_every``-th CĐCS. Units: districts × (1 + per_district +
    sections × ceil(per_district / with_sections_every)).
    """
    calendars = root / "calendars"
    (calendars / "recipients").mkdir(parents=True, exist_ok=True)
    groups = ["cap-huyen", *(f"cdcs-{district(d)}" for d in range(districts)),
              *(f"cdbp-{district(d)}" for d in range(districts))]
    (calendars / f"{CAMPAIGN}.yaml").write_text(
        f"""id: {CAMPAIGN}
title: Phong trào thi đua năm 2026 của LĐLĐ tỉnh Ví Dụ
issuer: Liên đoàn Lao động tỉnh Ví Dụ
year: 2026
deadlines:
  - id: {REGISTRATION}
    title: Đăng ký thi đua năm 2026
    date: 16/3/2026
    due: no_later_than
    submit_to: Liên đoàn Lao động tỉnh Ví Dụ
    groups: [{", ".join(groups)}]
  - id: {REPORT}
    title: Báo cáo tổng kết phong trào thi đua năm 2026
    date: {REPORT_LAST.day}/{REPORT_LAST.month}/2026
    due: no_later_than
    submit_to: Liên đoàn Lao động tỉnh Ví Dụ
    groups: [{", ".join(groups)}]
""", encoding="utf-8")
    lines = ["# Hư cấu, để thử bảng theo dõi nộp báo cáo.", "groups:", "  - id: cap-huyen",
             "    name: LĐLĐ cấp huyện và công đoàn ngành (ví dụ)", "    units:"]
    for d in range(districts):
        lines += [f"      - id: {district(d)}", f'        name: "LĐLĐ huyện số {d}"',
                  f"        emails: [{email_of(district(d))}]"]
    for d in range(districts):
        lines += [f"  - id: cdcs-{district(d)}", f'    name: "CĐCS thuộc LĐLĐ huyện số {d}"',
                  f"    parent: {district(d)}", "    units:"]
        for c in range(per_district):
            lines += [f"      - id: {cdcs(d, c)}", f'        name: "CĐCS số {c} huyện {d}"',
                      f"        emails: [{email_of(cdcs(d, c))}]"]
        lines += [f"  - id: cdbp-{district(d)}", f'    name: "Công đoàn bộ phận, huyện số {d}"', "    units:"]
        for c in range(0, per_district, with_sections_every):
            for s in range(sections):
                lines += [f"      - id: {section(d, c, s)}", f'        name: "CĐBP {s} của CĐCS {c} huyện {d}"',
                          f"        parent: {cdcs(d, c)}", f"        emails: [{email_of(section(d, c, s))}]"]
        if not any(True for c in range(0, per_district, with_sections_every) for s in range(sections)):
            lines[-1:] = [lines[-1].replace("    units:", "    units: []")]
    (calendars / "recipients" / "tinh.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return calendars


def unit_count(districts: int, per_district: int, sections: int, with_sections_every: int = 2) -> int:
    with_sections = len(range(0, per_district, with_sections_every))
    return districts * (1 + per_district + sections * with_sections)
