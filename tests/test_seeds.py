"""Each seed calendar expands to what its document says.

The expectations below are the documents' own words (quoted from the plans in
the project's seed set: 000 Lào Cai, 001 Kon Tum, 002 Cao Bằng, 003 Ninh
Thuận, 004 Long Biên). An anniversary quote carries its ordinal and both dates
("95 năm Ngày thành lập Công đoàn Việt Nam (28/7/1929 - 28/7/2024)"); the test
reads them out of the quote, so a calendar and its document cannot drift
apart without a failure naming the sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from scheduler.core.events import DateOrigin, Due, Event, EventKind
from scheduler.core.expand import Window, expand, undated_items
from scheduler.live.catalog import Catalog, load_catalog
from tests.conftest import CALENDARS, MODEL_IDS, SEED_IDS, TODAY, find, one

ICT = timezone(timedelta(hours=7))
# The source documents, byte for byte as the project's seed set has them (000 … 004).
SEEDS_DIR = Path(__file__).parent / "plans"


@dataclass(frozen=True)
class Phase:
    id: str
    name: str
    start: date
    end: date
    as_written: str  # the document's words
    provisional: bool = False  # a bound the document does not give


@dataclass(frozen=True)
class Ann:
    """An anniversary the document names: `quote` starts with the ordinal and, unless
    `base` is given, ends with "(base – date)" as the document writes it."""

    item: str
    phase: str
    quote: str
    base: date | None = None

    @property
    def ordinal(self) -> int:
        m = re.match(r"(\d+) ", self.quote)
        assert m, self.quote
        return int(m[1])

    @property
    def base_date(self) -> date:
        if self.base is not None:
            return self.base
        m = re.search(r"\((\d{1,2})/(\d{1,2})/(\d{4}) ?[-–] ?(\d{1,2})/(\d{1,2})/(\d{4})\)$", self.quote)
        assert m, self.quote
        return date(int(m[3]), int(m[2]), int(m[1]))

    @property
    def day(self) -> date:
        m = re.search(r"[-–] ?(\d{1,2})/(\d{1,2})/(\d{4})\)$", self.quote)
        if m:
            return date(int(m[3]), int(m[2]), int(m[1]))
        return self.base_date.replace(year=self.base_date.year + self.ordinal)


@dataclass(frozen=True)
class Seed:
    year: int
    seed_file: str
    phases: tuple[Phase, ...]
    anniversaries: tuple[Ann, ...]
    tet: tuple[date, str]  # Tết of the campaign year: date and sexagenary name
    workers_month_phase: str | None  # "tổ chức các hoạt động Tháng Công nhân" in this phase
    document: dict[str, object] = field(default_factory=dict)
    verbatim: tuple[str, ...] = ()  # event titles that must appear exactly


SEEDS: dict[str, Seed] = {
    "lao-cai-2024": Seed(
        year=2024,
        seed_file="lao-cai-2024.txt",
        phases=(
            Phase("dot-1", "Đợt 1", date(2024, 1, 1), date(2024, 7, 31), "Từ tháng 01/2024 đến 31/7/2024"),
            Phase("dot-2", "Đợt 2", date(2024, 8, 1), date(2024, 12, 31), "Từ 01/8/2024 đến 31/12/2024"),
        ),
        anniversaries=(Ann("cong-doan-viet-nam", "dot-1", "95 năm Ngày thành lập Công đoàn Việt Nam (28/7/1929 - 28/7/2024)"),),
        tet=(date(2024, 2, 10), "Tết Nguyên đán Giáp Thìn 2024"),
        workers_month_phase=None,
        document={"kind": "PĐTĐ", "number": "/PĐTĐ-LĐLĐ", "place": "Lào Cai", "date": "tháng 01/2024"},
        verbatim=("Kỷ niệm 95 năm Ngày thành lập Công đoàn Việt Nam (28/7/1929 – 28/7/2024)",),
    ),
    "kon-tum-2024": Seed(
        year=2024,
        seed_file="kon-tum-2024.txt",
        phases=(
            Phase("dot-1", "Đợt 1", date(2024, 1, 1), date(2024, 7, 31), "Từ tháng 01/2024 đến 31/7/2024"),
            Phase("dot-2", "Đợt 2", date(2024, 8, 1), date(2024, 12, 31), "Từ 01/8/2024 đến 31/12/2024"),
        ),
        anniversaries=(
            Ann("thanh-lap-dang", "dot-1", "94 năm ngày thành lập Đảng Cộng sản Việt Nam (03/02/1930 - 03/02/2024)"),
            Ann("giai-phong-mien-nam", "dot-1",
                "49 năm Ngày Giải phóng hoàn toàn miền Nam, thống nhất đất nước (30/4/1975 - 30/4/2024)"),
            Ann("sinh-nhat-bac", "dot-1", "134 năm Ngày sinh Chủ tịch Hồ Chí Minh (19/5/1890 - 19/5/2024)"),
            Ann("dien-bien-phu", "dot-1", "70 năm ngày Chiến thắng lịch sử Điện Biên Phủ (07/5/1954-07/5/2024)"),
            Ann("thi-dua-ai-quoc", "dot-1", "76 năm Ngày truyền thống Thi đua yêu nước (11/6/1948 - 11/6/2024)"),
            Ann("cong-doan-viet-nam", "dot-1", "95 năm Ngày thành lập Công đoàn Việt Nam (28/7/1929 - 28/7/2024)"),
            # One bracket, one date: one commemoration on 2/9, not two.
            Ann("cmt8-quoc-khanh", "dot-2",
                "79 năm Cách mạng tháng Tám và Quốc khánh nước CHXHCN Việt Nam (2/9/1945 - 2/9/2024)"),
        ),
        tet=(date(2024, 2, 10), "Tết Nguyên đán Giáp Thìn 2024"),
        workers_month_phase="dot-1",
        document={"kind": "HD", "number": "15/HD-LĐLĐ", "place": "Kon Tum", "date": "21/2/2024"},
        verbatim=(
            "Kỷ niệm 95 năm Ngày thành lập Công đoàn Việt Nam (28/7/1929 – 28/7/2024)",
            "Kỷ niệm 94 năm Ngày thành lập Đảng Cộng sản Việt Nam (3/2/1930 – 3/2/2024)",
            "Tháng Công nhân năm 2024",
            "Hạn chót: Báo cáo kết quả triển khai thực hiện 6 tháng đầu năm (trước 25/6/2024)",
        ),
    ),
    "cao-bang-2017": Seed(
        year=2017,
        seed_file="cao-bang-2017.txt",
        phases=(
            Phase("dot-1", "Đợt 1", date(2017, 1, 1), date(2017, 6, 30), "Từ tháng 01/2017 - 30/6/2017"),
            Phase("dot-2", "Đợt 2", date(2017, 7, 1), date(2017, 12, 31), "Từ 01/7/2017 đến hết năm 2017"),
        ),
        anniversaries=(
            Ann("thanh-lap-dang", "dot-1", "87 năm ngày thành lập Đảng Cộng sản Việt Nam (03/02/1930-03/02/2017)"),
            Ann("cong-doan-cao-bang", "dot-1", "70 năm ngày thành lập Công đoàn tỉnh Cao Bằng (04/4/1947-04/4/2017)"),
            Ann("cong-doan-viet-nam", "dot-2", "88 năm Ngày thành lập Công đoàn Việt Nam (28/7/1929 - 28/7/2017)"),
            Ann("cach-mang-thang-tam", "dot-2", "72 năm cách mạng Tháng Tám (19/8/1945 - 19/8/2017)"),
            Ann("quoc-khanh", "dot-2",
                "72 năm cách mạng Tháng Tám (19/8/1945 - 19/8/2017) và Quốc khánh nước Cộng hoà xã hội chủ nghĩa "
                "Việt Nam (02/9/1945 - 02/9/2017)"),
            Ann("quan-doi-nhan-dan", "dot-2",
                "73 năm Ngày thành lập Quân đội nhân dân Việt Nam (22/12/1944 - 22/12/2017)"),
            Ann("quoc-phong-toan-dan", "dot-2", "28 năm Ngày hội Quốc phòng toàn dân (22/12/1989 - 22/12/2017)"),
        ),
        tet=(date(2017, 1, 28), "Tết Nguyên đán Đinh Dậu 2017"),
        workers_month_phase="dot-1",
        document={"kind": "PĐTĐ", "place": "Cao Bằng", "date": "năm 2017"},
        verbatim=("Kỷ niệm 70 năm Ngày thành lập Công đoàn tỉnh Cao Bằng (4/4/1947 – 4/4/2017)",),
    ),
    "ninh-thuan-2023": Seed(
        year=2023,
        seed_file="ninh-thuan-2023.txt",
        phases=(
            # "Từ ngày phát động": the launch date is not in the plan, so the phase runs from the
            # campaign's start (1/1/2023) and is marked provisional.
            Phase("dot-1", "Đợt I", date(2023, 1, 1), date(2023, 6, 30), "Từ ngày phát động đến hết 30/6/2023",
                  provisional=True),
            Phase("dot-2", "Đợt II", date(2023, 7, 1), date(2023, 12, 31), "Từ 01/7 đến hết 31/12/2023"),
        ),
        anniversaries=(
            Ann("thi-dua-ai-quoc", "dot-1",
                "75 năm Ngày Chủ tịch Hồ Chí Minh ra Lời kêu gọi thi đua ái quốc – Ngày truyền thống thi đua yêu "
                "nước (11/6/1948 – 11/6/2023)"),
            Ann("sinh-nhat-bac", "dot-1", "133 năm Ngày sinh Chủ tịch Hồ Chí Minh (19/5/1890 - 19/5/2023)"),
            Ann("cong-doan-viet-nam", "dot-2", "94 năm Ngày thành lập Công đoàn Việt Nam (28/7/1929 - 28/7/2023)"),
            Ann("cmt8-quoc-khanh", "dot-2",
                "78 năm Cách mạng tháng Tám và Quốc khánh nước CHXHCN Việt Nam (2/9/1945- 2/9/2023)"),
        ),
        tet=(date(2023, 1, 22), "Tết Nguyên đán Quý Mão 2023"),
        workers_month_phase="dot-1",
        document={"kind": "KH", "number": "/KH-LĐLĐ", "place": "Ninh Thuận", "date": "năm 2023"},
        verbatim=(
            "Kỷ niệm 75 năm Ngày Chủ tịch Hồ Chí Minh ra Lời kêu gọi thi đua ái quốc (Ngày truyền thống thi đua yêu "
            "nước) (11/6/1948 – 11/6/2023)",
        ),
    ),
    "ha-noi-2024": Seed(
        year=2024,
        seed_file="long-bien-2024.txt",  # known only through Long Biên's plan, which cites it
        phases=(),
        anniversaries=(),
        tet=(date(2024, 2, 10), "Tết Nguyên đán Giáp Thìn 2024"),
        workers_month_phase=None,
        document={"kind": "KH", "number": "12/KH-LĐLĐ", "place": "Hà Nội", "date": "25/12/2023"},
    ),
    "long-bien-2024": Seed(
        year=2024,
        seed_file="long-bien-2024.txt",
        phases=(
            Phase("dot-1", "Đợt 1", date(2024, 1, 1), date(2024, 7, 31), "Từ tháng 01/01/2024 đến 31/7/2024"),
            Phase("dot-2", "Đợt 2", date(2024, 8, 1), date(2024, 12, 31), "Từ 01/8/2024 đến 31/12/2024"),
        ),
        anniversaries=(
            Ann("thanh-lap-dang", "dot-1", "94 năm Ngày thành lập Đảng Cộng sản Việt Nam (03/02/1930 - 03/02/2024)"),
            Ann("dien-bien-phu", "dot-1", "70 chiến thắng Điện Biên Phủ (07/5/1954 - 07/5/2024)"),
            Ann("cong-doan-viet-nam", "dot-1", "95 năm ngày thành lập Công đoàn Việt Nam (28/7/1929-28/7/2024)"),
            Ann("sinh-nhat-bac", "dot-1", "134 năm Ngày sinh Chủ tịch Hồ Chí Minh (19/5/1890 - 19/5/2024)"),
            Ann("cmt8-quoc-khanh", "dot-2",
                "79 năm Cách mạng tháng Tám và Quốc khánh nước CHXHCN Việt Nam (2/9/1945-2/9/2024)"),
            Ann("giai-phong-thu-do", "dot-2", "70 năm ngày giải phóng Thủ đô (10/10/1954-10/10/2024)"),
            Ann("quan-doi-nhan-dan", "dot-2",
                "80 năm ngày thành lập Quân đội nhân dân Việt Nam (22/12/1944 - 22/12/2024)"),
        ),
        tet=(date(2024, 2, 10), "Tết Nguyên đán Giáp Thìn 2024"),
        workers_month_phase=None,
        document={"kind": "KH", "number": "46/KH-LĐLĐ", "place": "Long Biên", "date": "29/12/2023"},
        verbatim=(
            "Kỷ niệm 95 năm Ngày thành lập Công đoàn Việt Nam (28/7/1929 – 28/7/2024)",
            "Kỷ niệm 70 năm Ngày Giải phóng Thủ đô (10/10/1954 – 10/10/2024)",
            "Kỷ niệm 80 năm Ngày thành lập Quân đội nhân dân Việt Nam (22/12/1944 – 22/12/2024)",
        ),
    ),
}

ANNIVERSARY_CASES = [(cid, a) for cid, seed in SEEDS.items() for a in seed.anniversaries]


def _ids(case: tuple[str, Ann]) -> str:
    return f"{case[0]}:{case[1].item}"


def test_every_seed_is_described() -> None:
    assert set(SEEDS) == set(SEED_IDS)
    assert {p.stem for p in CALENDARS.glob("*.yaml")} == set(SEED_IDS) | set(MODEL_IDS) | {"viet-nam"}


def test_the_seed_calendars_check_clean(seed_catalog: Catalog) -> None:
    errors = [d.format() for d in seed_catalog.all_diagnostics() if d.severity == "error"]
    assert errors == []
    assert set(seed_catalog.calendars) == set(SEED_IDS) | set(MODEL_IDS) | {"viet-nam"}


@pytest.mark.parametrize("calendar_id", SEED_IDS)
def test_year_and_document(seed_catalog: Catalog, calendar_id: str) -> None:
    seed = SEEDS[calendar_id]
    cal = seed_catalog.get(calendar_id)
    assert cal.year == seed.year
    assert cal.document is not None
    for key, value in seed.document.items():
        assert str(getattr(cal.document, key)) == value, key


@pytest.mark.parametrize("calendar_id", SEED_IDS)
def test_phases_have_the_documents_dates(
    seed_catalog: Catalog, seed_events, calendar_id: str  # type: ignore[no-untyped-def]
) -> None:
    seed = SEEDS[calendar_id]
    phases = [e for e in seed_events(calendar_id) if e.kind is EventKind.PHASE]
    got = [(e.item_id, e.start, e.end) for e in phases]
    assert got == [(p.id, p.start, p.end) for p in seed.phases]
    for event, expected in zip(phases, seed.phases, strict=True):
        suffix = " (thời gian tạm tính)" if expected.provisional else ""
        assert event.title == f"{expected.name} phong trào thi đua năm {seed.year}{suffix}"
        assert event.provenance is not None
        assert f"“{expected.as_written}”" in event.provenance or expected.provisional
        assert event.origin is (DateOrigin.PROVISIONAL if expected.provisional else DateOrigin.DOCUMENT)
        assert event.inherited is False
    resolved = seed_catalog.get(calendar_id).phases
    assert [p.as_written for p in resolved] == [p.as_written for p in seed.phases]


@pytest.mark.parametrize("case", ANNIVERSARY_CASES, ids=_ids)
def test_every_named_anniversary(seed_events, case: tuple[str, Ann]) -> None:  # type: ignore[no-untyped-def]
    calendar_id, ann = case
    event = one(seed_events(calendar_id), EventKind.ANNIVERSARY, ann.item, year=SEEDS[calendar_id].year)
    assert event.anniversary is not None
    assert event.anniversary.ordinal == ann.ordinal
    assert event.anniversary.base_date == ann.base_date
    assert event.start == event.end == ann.day
    assert event.anniversary.ordinal == ann.day.year - ann.base_date.year  # "N is always year − base year"
    assert event.anniversary.milestone is (ann.ordinal % 5 == 0)
    assert event.milestone is (ann.ordinal % 5 == 0)
    assert event.anniversary.celebrated_in == (ann.phase,)
    assert event.inherited is False  # the campaign celebrates it: feeds keep it
    b, d = ann.base_date, ann.day
    assert f"Kỷ niệm {ann.ordinal} năm " in event.title
    assert event.title.endswith(f"({b.day}/{b.month}/{b.year} – {d.day}/{d.month}/{d.year})")


@pytest.mark.parametrize("calendar_id", SEED_IDS)
def test_the_calendar_celebrates_nothing_the_document_does_not_name(seed_catalog: Catalog, calendar_id: str) -> None:
    cal = seed_catalog.get(calendar_id)
    commemorations = {s.item.id for s in cal.commemorations}
    claimed = {(item, phase) for item, phases in cal.celebrated.items() if item in commemorations for phase in phases}
    assert claimed == {(a.item, a.phase) for a in SEEDS[calendar_id].anniversaries}


@pytest.mark.parametrize("calendar_id", SEED_IDS)
def test_national_anniversaries_the_campaign_does_not_celebrate_are_inherited(
    seed_events, calendar_id: str  # type: ignore[no-untyped-def]
) -> None:
    named = {a.item for a in SEEDS[calendar_id].anniversaries}
    for event in seed_events(calendar_id):
        if event.kind is EventKind.ANNIVERSARY and event.item_id not in named:
            assert event.inherited is True, event.title
            assert event.anniversary is not None and event.anniversary.celebrated_in == ()


@pytest.mark.parametrize("calendar_id", SEED_IDS)
def test_tet_with_its_sexagenary_year(seed_events, calendar_id: str) -> None:  # type: ignore[no-untyped-def]
    day, title = SEEDS[calendar_id].tet
    tet = one(seed_events(calendar_id), EventKind.LUNAR, "tet-nguyen-dan", year=day.year)
    assert (tet.start, tet.end, tet.title) == (day, day, title)
    assert tet.lunar is not None and (tet.lunar.year, tet.lunar.month, tet.lunar.day, tet.lunar.leap) == (
        day.year, 1, 1, False
    )
    assert tet.can_chi == title.removeprefix("Tết Nguyên đán ").rsplit(" ", 1)[0]  # "Giáp Thìn"


@pytest.mark.parametrize("calendar_id", SEED_IDS)
def test_workers_month_is_all_of_may(
    seed_catalog: Catalog, seed_events, calendar_id: str  # type: ignore[no-untyped-def]
) -> None:
    seed = SEEDS[calendar_id]
    month = one(seed_events(calendar_id), EventKind.OBSERVANCE, "thang-cong-nhan")
    assert (month.start, month.end) == (date(seed.year, 5, 1), date(seed.year, 5, 31))
    assert month.title == f"Tháng Công nhân năm {seed.year}"
    celebrated = seed_catalog.get(calendar_id).celebrated.get("thang-cong-nhan", ())
    assert celebrated == ((seed.workers_month_phase,) if seed.workers_month_phase else ())
    assert month.inherited is (seed.workers_month_phase is None)


@pytest.mark.parametrize("calendar_id", SEED_IDS)
def test_verbatim_titles(seed_events, calendar_id: str) -> None:  # type: ignore[no-untyped-def]
    titles = {e.title for e in seed_events(calendar_id)}
    for title in SEEDS[calendar_id].verbatim:
        assert title in titles


@pytest.mark.parametrize("case", ANNIVERSARY_CASES, ids=_ids)
def test_quotes_are_the_documents_words(case: tuple[str, Ann]) -> None:
    calendar_id, ann = case
    text = " ".join((SEEDS_DIR / SEEDS[calendar_id].seed_file).read_text(encoding="utf-8").split())
    assert ann.quote in text


# --- deadlines -------------------------------------------------------------------------


def _deadlines(events: list[Event]) -> list[Event]:
    return [e for e in events if e.kind is EventKind.DEADLINE]


def test_kon_tum_reports_before_25_6_and_before_25_11(seed_events) -> None:  # type: ignore[no-untyped-def]
    """"6 tháng đầu năm báo cáo trước 25/6, báo cáo một năm trước 25/11": the 25th is already late."""
    events = seed_events("kon-tum-2024")
    half = one(events, EventKind.DEADLINE, "bao-cao-6-thang")
    assert half.deadline is not None
    assert half.start == date(2024, 6, 25)
    assert half.deadline.due is Due.BEFORE
    assert half.deadline.due_at == datetime(2024, 6, 25, 0, 0, tzinfo=ICT)
    assert half.deadline.due_at.isoformat() == "2024-06-25T00:00:00+07:00"
    assert half.deadline.as_written == "trước 25/6/2024"
    assert half.deadline.warnings == ()  # the last day, Monday 24/6, is a working day
    assert half.deadline.submitted_by == "Công đoàn cấp trên trực tiếp cơ sở"
    assert half.deadline.submit_to is not None and "Ban Chính sách pháp luật và Quan hệ Lao động" in half.deadline.submit_to

    year = one(events, EventKind.DEADLINE, "bao-cao-nam")
    assert year.deadline is not None
    assert year.deadline.due_at.isoformat() == "2024-11-25T00:00:00+07:00"
    assert year.deadline.as_written == "trước 25/11/2024"
    # The last day to submit, 24/11/2024, is a Sunday (and 23/11 a Saturday).
    assert date(2024, 11, 24).weekday() == 6
    (warning,) = year.deadline.warnings
    assert "Chủ nhật 24/11/2024" in warning
    assert "Thứ Sáu 22/11/2024" in warning
    assert year.warnings == year.deadline.warnings


def _undated(catalog: Catalog, calendar_id: str) -> dict[str, object]:
    return {u.item_id: u for u in undated_items(catalog.get(calendar_id))}


def _document(calendar_id: str) -> str:
    return " ".join((SEEDS_DIR / SEEDS[calendar_id].seed_file).read_text(encoding="utf-8").split())


def test_kon_tum_review_after_each_phase_is_undated(seed_catalog: Catalog, seed_events) -> None:  # type: ignore[no-untyped-def]
    """"Sau mỗi đợt thi đua ... tổ chức sơ, tổng kết": the plan gives no date, so lichthidua gives none."""
    assert find(seed_events("kon-tum-2024"), EventKind.DEADLINE, "so-ket-dot") == []
    review = _undated(seed_catalog, "kon-tum-2024")["so-ket-dot"]
    assert review.kind is EventKind.DEADLINE  # type: ignore[attr-defined]
    assert review.wording.startswith("Sau mỗi đợt thi đua")  # type: ignore[attr-defined]
    assert review.context == "Đợt 1 kết thúc 31/7/2024; Đợt 2 kết thúc 31/12/2024"  # type: ignore[attr-defined]


def test_ninh_thuan_no_later_than_15_3_2023(seed_events) -> None:  # type: ignore[no-untyped-def]
    """"gửi về LĐLĐ tỉnh chậm nhất ngày 15/3/2023": the 15th still counts."""
    events = seed_events("ninh-thuan-2023")
    deadline = one(events, EventKind.DEADLINE, "dang-ky-cong-trinh")
    assert deadline.deadline is not None
    assert deadline.start == date(2023, 3, 15)
    assert deadline.deadline.due is Due.NO_LATER_THAN
    assert deadline.deadline.due_at.isoformat() == "2023-03-15T23:59:59+07:00"
    assert deadline.deadline.as_written == "chậm nhất ngày 15/3/2023"
    assert deadline.title == (
        "Hạn chót: Đăng ký công trình, phần việc, chỉ tiêu thi đua chào mừng 75 năm Ngày truyền thống thi đua "
        "yêu nước (chậm nhất ngày 15/3/2023)"
    )
    assert deadline.deadline.warnings == ()  # a Wednesday
    assert deadline.origin is DateOrigin.DOCUMENT
    assert find(events, EventKind.DEADLINE, "so-ket-dot") == []  # "sau mỗi đợt": no date in the plan


def test_long_bien_registers_by_email_and_reports_after_each_phase_undated(
    seed_catalog: Catalog, seed_events  # type: ignore[no-untyped-def]
) -> None:
    """The plan asks to register "qua địa chỉ mail" and report "sau mỗi đợt", with no date for either."""
    assert _deadlines(seed_events("long-bien-2024")) == []
    undated = _undated(seed_catalog, "long-bien-2024")
    register = undated["dang-ky-phat-dong"]
    assert register.via == "ldldlongbien@gmail.com"  # type: ignore[attr-defined]
    assert register.submit_to == "LĐLĐ quận Long Biên"  # type: ignore[attr-defined]
    assert register.submitted_by == "Ban Chấp hành công đoàn cơ sở"  # type: ignore[attr-defined]
    assert "qua địa chỉ mail" in register.wording  # type: ignore[attr-defined]
    assert undated["bao-cao-sau-dot"].wording == "báo cáo kết quả về LĐLĐ quận sau mỗi đợt thi đua"  # type: ignore[attr-defined]


@pytest.mark.parametrize("calendar_id", SEED_IDS)
def test_nothing_invented_every_deadline_date_is_written_in_the_document(
    seed_catalog: Catalog, seed_events, calendar_id: str  # type: ignore[no-untyped-def]
) -> None:
    """Every dated deadline's day/month stands in the plan; every undated item quotes the plan's words."""
    text = _document(calendar_id)
    for event in _deadlines(seed_events(calendar_id)):
        d = event.start
        assert re.search(rf"\b0?{d.day}/0?{d.month}\b", text), event.title
        assert event.origin is DateOrigin.DOCUMENT
    cal = seed_catalog.get(calendar_id)
    for item in undated_items(cal):
        if item.defined_in == calendar_id:
            words = item.wording.removesuffix(" (văn bản không ghi hạn)")
            assert words.lower() in text.lower(), words
    for sourced in cal.deadlines:
        assert sourced.item.dated_by == "document", sourced.item.id  # no admin-set date in a seed


@pytest.mark.parametrize("calendar_id", ["kon-tum-2024", "ninh-thuan-2023", "long-bien-2024"])
def test_one_bracket_for_two_events_is_one_commemoration_on_the_date_written(
    seed_events, calendar_id: str  # type: ignore[no-untyped-def]
) -> None:
    """"79 năm Cách mạng tháng Tám và Quốc khánh (2/9/1945 – 2/9/2024)": one event, on 2/9."""
    year = SEEDS[calendar_id].year
    own = [e for e in seed_events(calendar_id) if e.kind is EventKind.ANNIVERSARY and not e.inherited]
    september = [e for e in own if e.start.month in (8, 9)]
    assert [(e.item_id, e.start) for e in september] == [("cmt8-quoc-khanh", date(year, 9, 2))]
    assert "Cách mạng tháng Tám và Quốc khánh" in september[0].title
    # The national 19/8 stays a national day, not the plan's; the national 2/9 is replaced.
    august = one(seed_events(calendar_id), EventKind.ANNIVERSARY, "cach-mang-thang-tam")
    assert august.inherited is True
    assert find(seed_events(calendar_id), EventKind.ANNIVERSARY, "quoc-khanh") == []


def test_cao_bang_gives_both_dates_so_there_are_two(seed_events) -> None:  # type: ignore[no-untyped-def]
    events = seed_events("cao-bang-2017")
    assert one(events, EventKind.ANNIVERSARY, "cach-mang-thang-tam").start == date(2017, 8, 19)
    assert one(events, EventKind.ANNIVERSARY, "quoc-khanh").start == date(2017, 9, 2)


@pytest.mark.parametrize("calendar_id", SEED_IDS)
def test_descriptions_show_names_never_ids(seed_catalog: Catalog, seed_events, calendar_id: str) -> None:  # type: ignore[no-untyped-def]
    ids = {s.item.id for s in seed_catalog.get(calendar_id).commemorations}
    ids |= {s.item.id for s in seed_catalog.get(calendar_id).observances}
    ids |= {s.item.id for s in seed_catalog.get(calendar_id).lunar_dates}
    for event in seed_events(calendar_id):
        shown = " ".join(filter(None, (event.title, event.description, event.provenance)))
        assert not any(re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", shown) for i in ids), shown


@pytest.mark.parametrize("calendar_id", ["lao-cai-2024", "cao-bang-2017", "ha-noi-2024"])
def test_plans_without_deadlines_have_none(seed_events, calendar_id: str) -> None:  # type: ignore[no-untyped-def]
    assert _deadlines(seed_events(calendar_id)) == []


def test_every_deadline_has_json_fields(seed_events) -> None:  # type: ignore[no-untyped-def]
    for calendar_id in SEED_IDS:
        for event in _deadlines(seed_events(calendar_id)):
            data = event.to_json()
            assert {"due", "due_at", "warnings", "as_written"} <= data.keys()
            assert datetime.fromisoformat(data["due_at"]).utcoffset() == timedelta(hours=7)


# --- "từ ngày phát động" ---------------------------------------------------------------


def test_ninh_thuan_launch_unknown_is_provisional_and_warns(seed_catalog: Catalog, seed_events) -> None:  # type: ignore[no-untyped-def]
    phase = one(seed_events("ninh-thuan-2023"), EventKind.PHASE, "dot-1")
    assert phase.start == date(2023, 1, 1)  # the campaign's own start, not a guessed launch day
    assert phase.origin is DateOrigin.PROVISIONAL
    assert phase.title == "Đợt I phong trào thi đua năm 2023 (thời gian tạm tính)"
    assert phase.provenance is not None
    assert "“từ ngày phát động”, chưa có ngày phát động" in phase.provenance
    (warning,) = [d for d in seed_catalog.all_diagnostics() if d.code == "phase.launch_unknown"]
    assert warning.severity == "warning"
    assert warning.file.endswith("ninh-thuan-2023.yaml")
    assert (warning.line, warning.column, warning.path) == (28, 12, "phases[0].start")
    assert warning.message["vi"] == "Ngày phát động chưa biết: Đợt I tạm tính từ đầu phong trào (1/1/2023)"


def _ninh_thuan_with(calendars_dir: Path, old: str, new: str) -> list[Event]:
    path = calendars_dir / "ninh-thuan-2023.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    catalog = load_catalog(calendars_dir)
    assert catalog.ok, [d.format() for d in catalog.all_diagnostics()]
    return expand(catalog.get("ninh-thuan-2023"), Window.year(2023))


def test_launch_date_once_known_starts_the_phase(calendars_dir: Path) -> None:
    events = _ninh_thuan_with(calendars_dir, "theme: Đoàn kết", "launch_date: 14/02/2023\ntheme: Đoàn kết")
    phase = one(events, EventKind.PHASE, "dot-1")
    assert phase.start == date(2023, 2, 14)
    assert phase.origin is DateOrigin.DOCUMENT
    assert phase.title == "Đợt I phong trào thi đua năm 2023"


def test_an_unknown_launch_never_borrows_the_signing_date(calendars_dir: Path) -> None:
    """Signing is not launching: with the plan dated 9/2/2023, the phase still runs from the span's start."""
    events = _ninh_thuan_with(calendars_dir, "  date: 2023\n", "  date: 09/02/2023\n")
    phase = one(events, EventKind.PHASE, "dot-1")
    assert phase.start == date(2023, 1, 1)
    assert phase.origin is DateOrigin.PROVISIONAL


# --- extends ------------------------------------------------------------------------------


def test_long_bien_extends_ha_noi_which_extends_viet_nam(seed_catalog: Catalog, seed_events) -> None:  # type: ignore[no-untyped-def]
    long_bien = seed_catalog.get("long-bien-2024")
    assert long_bien.extends == ("ha-noi-2024",)
    assert long_bien.lineage == ("ha-noi-2024", "viet-nam")
    assert seed_catalog.get("ha-noi-2024").lineage == ("viet-nam",)
    assert long_bien.document is not None and long_bien.document.implements is not None
    assert "12/KH-LĐLĐ ngày 25/12/2023" in long_bien.document.implements
    events = seed_events("long-bien-2024")
    assert {e.defined_in for e in events} == {"long-bien-2024", "viet-nam"}
    capital = one(events, EventKind.ANNIVERSARY, "giai-phong-thu-do")
    assert capital.defined_in == "viet-nam" and capital.source.endswith("viet-nam.yaml:53")
    assert long_bien.public_holidays and long_bien.public_holidays_from == "viet-nam"
    assert any(e.kind is EventKind.HOLIDAY for e in events)


def test_ha_noi_alone_has_the_national_days_of_2024(seed_events) -> None:  # type: ignore[no-untyped-def]
    events = seed_events("ha-noi-2024")
    assert [e for e in events if e.kind is EventKind.PHASE] == []
    assert all(e.inherited for e in events)  # it celebrates nothing itself
    assert one(events, EventKind.ANNIVERSARY, "giai-phong-thu-do").anniversary.ordinal == 70  # type: ignore[union-attr]


def test_default_window_is_the_campaign_span_whatever_today_is(seed_catalog: Catalog) -> None:
    from scheduler.core.expand import default_window

    for today in (TODAY, date(2026, 12, 6), date(2030, 6, 1)):  # a campaign's window is its own, whatever today is
        assert default_window(seed_catalog.get("lao-cai-2024"), today) == Window.year(2024)
        assert default_window(seed_catalog.get("kon-tum-2024"), today) == Window.year(2024)
        assert default_window(seed_catalog.get("cao-bang-2017"), today) == Window.year(2017)
    # The national calendar: this year and the next.
    assert default_window(seed_catalog.get("viet-nam"), date(2026, 12, 6)) == Window.year(2026, 2027)
