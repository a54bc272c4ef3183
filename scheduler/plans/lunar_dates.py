"""Dates named by the lunar calendar: "mùng 10 tháng 3 âm lịch", "mùng 7 Tết", "Rằm tháng Giêng",
"20 tháng Chạp", Tết with its year's name, with or without digits ("Xuân Giáp Thìn") (pure).

Each mention keeps its lunar day and month; its Gregorian year is fixed once the
campaign's time is known (`resolve_lunar_years`): the Tết the plan names, or the
campaign's year. A year named only by its can-chi is the nearest one to the plan's dates.
"""

from __future__ import annotations

import re

from scheduler.core.lunar import can_chi, to_solar
from scheduler.plans import notation as n
from scheduler.plans.context import Context
from scheduler.plans.findings import Block, LunarMention
from scheduler.plans.mentions import CAN_CHI
from scheduler.plans.text import quote

_CC = (r"(?:Giáp|Ất|Bính|Đinh|Mậu|Kỷ|Canh|Tân|Nhâm|Quý)\s+(?:Tý|Sửu|Dần|Mão|Mẹo|Thìn|Tỵ|Ngọ|Mùi|Thân|Dậu|Tuất|Hợi)")
# "Xuân Giáp Thìn", "Tết Tân Sửu": the year by its name only.
CAN_CHI_ONLY = re.compile(rf"(?P<what>Tết(?:\s+Nguyên\s+[Đđ]án)?|[Xx]uân)\s+(?P<cc>{_CC})(?!\s+\d)")
_NUMBER = {"một": 1, "hai": 2, "ba": 3, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9, "mười": 10}
TET_DAY = re.compile(r"(?:mùng|mồng)\s+(?P<d>\d{1,2}|một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười)\s+Tết", re.I)
_MONTH_NAME = {"giêng": 1, "chạp": 12}
LUNAR_DAY = re.compile(
    rf"(?:ngày\s+|mùng\s+|mồng\s+)?(?P<d>\d{{1,2}})(?:\s*(?:đến|-|–)\s*(?:ngày\s+|mùng\s+|mồng\s+)?(?P<d2>\d{{1,2}}))?\s+"
    rf"tháng\s+(?:(?P<m>\d{{1,2}})(?:\s+năm\s+(?P<cc1>{_CC}))?\s+âm\s+lịch|(?P<named>Giêng|Chạp)(?:\s+năm\s+(?P<cc2>{_CC}))?)",
    re.I,
)
# Tết Trung thu named without "Tết": a festival word before "trung thu" ("lễ trung thu", "mùa trung thu", "vui trung
# thu"), or its night "rằm tháng Tám"; a programme named after it ("Trung thu yêu thương", "Đêm hội trăng rằm") is not.
_MID_AUTUMN = re.compile(r"(?<!\w)(?:lễ|mùa|dịp|đêm|vui|đón|phá\s+cỗ)\s+trung\s+thu(?!\s+(?:yêu|ấm|nghĩa|sẻ))"
                         r"|(?<!\w)rằm\s+tháng\s+(?:Tám|8)(?!\s*(?:năm|âm|\d))", re.I)
CATALOG_DAYS = {"tet-nguyen-dan": "1/1", "ram-thang-gieng": "15/1", "gio-to-hung-vuong": "10/3", "tet-doan-ngo": "5/5",
                "tet-trung-thu": "15/8", "ong-cong-ong-tao": "23/12"}
_SOLAR_AFTER = re.compile(r"(?:\s+năm\s+(?P<ly>\d{4}))?(?:\s*\(\s*(?:tức\s+)?(?:từ\s+)?(?:ngày\s+)?"
                          r"(?P<d>\d{1,2})[/.\-](?P<m>\d{1,2})[/.\-](?P<y>\d{4}))?")


# A theme or a slogan in quotes ("với chủ đề “Trăng rằm tháng Giêng”", "hướng tới “Mừng Đảng quang vinh - Mừng Xuân
# Giáp Thìn 2024”"): the feast it names is words of the theme, no day of the plan.
_THEME_QUOTE = re.compile(r"(?:chủ\s+đề|khẩu\s+hiệu|thông\s+điệp|hướng\s+tới)\s*:?\s*[“\"]([^”\"]{1,160})[”\"]", re.I)
# A sentence about the year before ("Năm trước, buổi gặp mặt … sáng mùng 8 Tết Giáp Thìn …", "Năm ngoái, … ngày 25
# tháng Chạp …"): its Tết and lunar days are the past year's, no days of this plan.
_PAST = re.compile(r"(?:^|(?<=[.;!?]))[\s\-–•+*]*(?:năm\s+(?:trước|ngoái)|tết\s+năm\s+(?:trước|ngoái))\s*[,:][^.;!?\n]*",
                   re.I | re.M)
# The year written right after a feast's name ("Tết Nguyên đán năm 2015", "Tết Trung thu 2016"), not a range's first year.
_FEAST_YEAR = re.compile(r"\s+(?:năm\s+)?((?:19|20)\d\d)(?!\s*[-–—/]\s*\d)(?!\d)")
# A custom told of every year ("Hằng năm, cứ đến mùng 10 tháng 3 âm lịch, người Việt … lại …"): the feast's day in a
# sentence about the feast, no day of the plan. Only with "cứ": "Hằng năm, vào ngày …, Công đoàn tổ chức …" is one.
_CUSTOM = re.compile(r"(?<!\w)(?:hằng|hàng)\s+năm\s*,?\s*cứ\s+(?:đến|vào|tới)\s+(?:ngày\s+)?[^.;:\n]{0,40}", re.I)


def unthemed(text: str) -> str:
    """The text with its quoted themes and its yearly customs blanked (same length: offsets stay the text's)."""
    text = _THEME_QUOTE.sub(lambda m: m[0][:m.start(1) - m.start()] + " " * len(m[1]) + m[0][m.end(1) - m.start():], text)
    return _CUSTOM.sub(lambda m: " " * len(m[0]), text)


def _solar_year(lunar_year: int, key: str) -> int | None:
    d, mo = (int(x) for x in key.split("/"))
    try:
        return to_solar(lunar_year, mo, d).year
    except ValueError:
        return None


def year_named(cc: str, near: int) -> int:
    """The lunar year called `cc` nearest to `near`."""
    cc = cc.replace("Mẹo", "Mão")
    return min((y for y in range(near - 31, near + 31) if can_chi(y) == cc), key=lambda y: abs(y - near))


class LunarPass(Context):
    def lunar_dates(self) -> None:
        f = self.f
        for b, reviewed in zip(self.blocks, self.reviewed, strict=True):
            if reviewed:  # "I. KẾT QUẢ NĂM 2025": the Tết and Trung thu of the year reviewed are no dates of this plan
                continue
            text = _PAST.sub(lambda m: " " * len(m[0]), unthemed(b.text))
            tet_here = False
            for m in CAN_CHI.finditer(text):
                if m["what"].lower() != "năm":
                    f.lunar.append(LunarMention("tet-nguyen-dan", "Tết Nguyên đán", quote(b, m.start(), m.end()), m["cc"],
                                                int(m["y"])))
                    tet_here = True
            for m in CAN_CHI_ONLY.finditer(text):
                f.lunar.append(LunarMention("tet-nguyen-dan", "Tết Nguyên đán", quote(b, m.start(), m.end()), m["cc"]))
                tet_here = True
            for lunar_ref in self.ref.lunar:
                for m in re.finditer(re.escape(lunar_ref.name), text, re.I):
                    if lunar_ref.name.lower() == "tết nguyên đán" and (tet_here or any(
                            x.where.line == b.line and x.where.page == b.page for x in f.lunar)):
                        continue
                    lm = LunarMention(lunar_ref.id, lunar_ref.name, quote(b, m.start(), m.end()))
                    said = _FEAST_YEAR.match(text, m.end())
                    key = CATALOG_DAYS.get(lunar_ref.id)
                    if said and key:  # "Tết Nguyên đán năm 2015", "Tết Trung thu 2016": the feast of that year
                        # ("ông Công ông Táo 2025": the Chạp before the Tết of 2025, in January or February 2025)
                        lm.year = _solar_year(int(said[1]) - (key.endswith("/12")), key)
                    f.lunar.append(lm)
            for m in _MID_AUTUMN.finditer(text):  # "lễ trung thu", "đêm rằm tháng Tám": the festival, by another name
                mid = next((r for r in self.ref.lunar if r.id == "tet-trung-thu"), None)
                if mid and not any(x.id == mid.id and (x.where.line, x.where.page) == (b.line, b.page) for x in f.lunar):
                    f.lunar.append(LunarMention(mid.id, mid.name, quote(b, m.start(), m.end())))
            for m in re.finditer(r"mừng\s+Xuân", text, re.I):
                tet = next((r for r in self.ref.lunar if r.name.lower().startswith("tết nguyên")), None)
                if tet and not tet_here:
                    f.lunar.append(LunarMention(tet.id, tet.name, quote(b, m.start(), m.end())))
            for m in TET_DAY.finditer(text):
                d = int(m["d"]) if m["d"].isdigit() else _NUMBER[m["d"].lower()]
                if 1 < d <= 10:
                    self._own(b, m, d, 1, None)
            for m in LUNAR_DAY.finditer(text):
                month = int(m["m"]) if m["m"] else _MONTH_NAME[m["named"].lower()]
                for day in (m["d"], m["d2"]):
                    if day and 1 <= int(day) <= 30 and 1 <= month <= 12 and (int(day), month) != (15, 1):
                        self._own(b, m, int(day), month, m["cc1"] or m["cc2"])
            for observance in self.ref.observances:
                for m in re.finditer(re.escape(observance.name), b.text, re.I):
                    f.observances.append((observance.id, quote(b, m.start(), m.end())))

    def _own(self, b: Block, m: re.Match[str], d: int, month: int, cc: str | None) -> None:
        key = f"{d}/{month}"
        catalog = next((i for i, k in CATALOG_DAYS.items() if k == key), None)
        if catalog and any(x.id == catalog and x.where.line == b.line for x in self.f.lunar):
            return
        lm = LunarMention(catalog or f"am-lich-{d}-{month}", f"ngày {d} tháng {month} âm lịch", quote(b, m.start(), m.end()), cc,
                          lunar=None if catalog else key)
        solar = _SOLAR_AFTER.match(b.text, m.end())
        if solar and solar["y"]:  # "(tức ngày 04/02/2025)": the Gregorian date the text gives beside it
            lm.solar = n.make_date(int(solar["d"]), int(solar["m"]), int(solar["y"]))
        elif solar and solar["ly"]:  # "mùng 10 tháng 3 âm lịch năm 2026"
            lm.year = _solar_year(int(solar["ly"]), key)
        self.f.lunar.append(lm)

    def resolve_lunar_years(self, near: int | None) -> None:
        """Give each lunar mention the Gregorian year it falls in; drop repeats of the same day and year."""
        f = self.f
        for lm in f.lunar:
            if lm.year is None and lm.id == "tet-nguyen-dan" and lm.lunar is None and not lm.can_chi:
                lm.year = _tet_near(lm.where.quote)  # "Ngày 30/1/2026, … quà Tết Nguyên đán": the Tết of that season
            if lm.year is None and lm.can_chi and lm.id == "tet-nguyen-dan" and near:
                lm.year = year_named(lm.can_chi, near)
        tet = next((lm.year for lm in f.lunar if lm.id == "tet-nguyen-dan" and lm.year), None)
        if tet is None and f.year:
            tet = f.year
        elif tet is None and f.span_start and f.span_end:
            years = [y for y in range(f.span_start.year, f.span_end.year + 1) if f.span_start <= to_solar(y, 1, 1) <= f.span_end]
            tet = years[0] if len(years) == 1 else None
        for lm in f.lunar:
            if lm.year is not None:
                continue
            if lm.solar is not None:
                lm.year = lm.solar.year
                continue
            key = lm.lunar or CATALOG_DAYS.get(lm.id)
            around = tet or near
            lunar_year = year_named(lm.can_chi, around) if lm.can_chi and around else tet
            if key is None or lunar_year is None:
                continue
            d, mo = (int(x) for x in key.split("/"))
            if lm.can_chi is None and mo == 12:
                lunar_year -= 1  # "29 tháng Chạp": the last month before the Tết of the campaign
            try:
                lm.year = to_solar(lunar_year, mo, d).year
            except ValueError:
                continue
        seen: set[tuple[str, int | None]] = set()
        kept: list[LunarMention] = []
        for lm in sorted(f.lunar, key=lambda x: x.year is None):
            k = (lm.lunar or CATALOG_DAYS.get(lm.id, lm.id), lm.year)
            if k in seen or (lm.year is None and any(s[0] == k[0] for s in seen)):
                continue
            seen.add(k)
            kept.append(lm)
        f.lunar = kept


def _tet_near(sentence: str) -> int | None:
    """A Tết named without its year in a sentence dated in full ("Ngày 30/1/2026, … trao quà Tết Nguyên đán …"): the
    Tết of that season, when one falls within 90 days of the date (the sentence's only date); else none."""
    days = {n.make_date(int(m["d"]), int(m["m"]), int(m["y"])) for m in n.DATE_RE.finditer(sentence) if m["y"]}
    days.discard(None)
    if len(days) != 1:
        return None
    (day,) = days
    assert day is not None
    near = [y for y in (day.year - 1, day.year, day.year + 1) if abs((to_solar(y, 1, 1) - day).days) <= 90]
    return near[0] if len(near) == 1 else None
