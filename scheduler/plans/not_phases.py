"""When "đợt", "giai đoạn" or "theo quý" with a time does not name a phase of the plan (pure).

A numbered label names a round of something else when the words around it say what:
a health check, a training course, an inspection, leave, blood donation, payments,
gifts or support handed out in instalments ("Đợt 1 khám cho 800 công nhân từ …",
"Tập huấn đợt 2 từ …", "Chi trả đợt 1 …", "Đợt 1 đã trao 300 suất quà …", "nghỉ Tết
… theo hai đợt: đợt 1 từ …"); the rounds of one series share that nature ("đợt 2"
after such a "đợt 1"). "Đợt thi đua" and "đợt cao điểm" always name a campaign.

A label names a past or finished phase, not one the plan sets, in a review: "Qua
đợt 1 (từ … đến …), các tổ đã …", "Hội thi đã diễn ra qua 2 đợt: đợt 1 từ …",
"BÁO CÁO / Sơ kết đợt thi đua cao điểm (từ … đến …)" (in a plan, "Sơ kết đợt 1 (từ … đến …)
vào tháng 7" still dates phase 1), "Trong 6 tháng đầu năm, … đã tổ chức đợt
thi đua …"; and what follows a phase is no phase: "sau đợt thi đua, … tổng kết vào
tháng 01/2026", "Kết thúc đợt 1, … trong tháng 7/2026".

"Báo cáo … theo quý: quý I/2026 gửi trước …": the quarters of a reporting schedule,
not a campaign run by quarter.

Also no phase of the plan: visits, grants or cards handed out in rounds ("thăm, chúc Tết … theo
2 đợt", "học bổng … được cấp theo 2 đợt"), the rounds of a congress schedule ("Lịch tổ chức đại
hội công đoàn cơ sở …: đợt 1 …"), the stages of a building ("Công trình Nhà văn hóa … được xây
dựng theo hai giai đoạn"); a campaign another body runs that the plan answers ("Hưởng ứng đợt
thi đua cao điểm do Tổng Liên đoàn phát động (từ …)") or that a cited plan sets ("Thực hiện Kế hoạch … về đợt thi
đua từ …, Công đoàn trường phát động …"); and the phases under a review heading
("I. KẾT QUẢ NĂM 2025").
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable

from scheduler.plans.wording import MAIN_CLAUSE

# What a round is of, when it is no campaign phase.
_ACTIVITY = (r"khám|tập\s+huấn|bồi\s+dưỡng|lớp\s+học|khóa\s+học|"
             r"(?:khóa|lớp)\s+(?:đào\s+tạo|bồi\s+dưỡng|tập\s+huấn)|kiểm\s+tra|giám\s+sát|chi\s+trả|thanh\s+toán|"
             r"giải\s+ngân|nghỉ|hiến\s+máu|trao(?!\s+giải)|tặng|nhận\s+hồ\s+sơ|xét\s+hỗ\s+trợ|tiêm|thăm|"
             # support or grants handed out ("cấp tiền hỗ trợ theo hai đợt", "học bổng … được cấp theo 2 đợt")
             r"được\s+cấp|cấp\s+(?:tiền|kinh\s+phí|học\s+bổng|thẻ|quà)|"
             # a congress schedule ("Lịch tổ chức đại hội công đoàn cơ sở …: đợt 1 …"), not a campaign greeting one
             r"(?<!mừng\s)(?<!tới\s)đại\s+hội(?!\s+thi\s+đua)|"
             # the stages of a building ("Công trình Nhà văn hóa … được xây dựng theo hai giai đoạn")
             r"được\s+xây\s+dựng|khởi\s+công|thi\s+công|công\s+trình\s+(?:nhà|trụ\s+sở|thiết\s+chế)|"
             # a project's stages ("giai đoạn 1 của dự án …"); windows for filing or selection ("đợt 1 nộp hồ sơ từ …",
             # "đợt xét tuyển", "đợt tuyển sinh"), a trainee's placement ("đợt thực tập")
             r"(?:của\s+)?dự\s+án|nộp\s+hồ\s+sơ|đăng\s+ký(?!\s+(?:thi\s+đua|giao\s+ước))|"
             r"xét\s+(?:tuyển|duyệt|chọn|nâng)|tuyển\s+sinh|thực\s+tập|"
             # a survey's rounds ("Khảo sát ý kiến đoàn viên đợt 1 từ …", "điều tra … đợt 2 …")
             r"khảo\s+sát|điều\s+tra")
# Right before the label ("Tập huấn đợt 1", "chi trả đợt 2", "nghỉ đợt 1").
_ACTIVITY_BEFORE = re.compile(rf"(?<!\w)(?:{_ACTIVITY})\s+$", re.I)
# Right after the label, before its time ("Đợt 1 khám cho …", "đợt 1 đã trao …", "Đợt 2 của khóa đào tạo …"); after a
# colon the words say what a campaign's phase does ("Giai đoạn 3: kiểm tra, đánh giá, tổng kết").
_ACTIVITY_AFTER = re.compile(rf"\s+(?:đã\s+|sẽ\s+|dự\s+kiến\s+|của\s+)?(?:{_ACTIVITY})(?!\w)", re.I)
# In the words that lead to the series ("Lớp học tập trung theo 3 đợt: đợt 1 …"), unless a campaign is named after it.
_ACTIVITY_LEAD = re.compile(rf"(?<!\w)(?:{_ACTIVITY})(?!\w)", re.I)
_ROUNDS = re.compile(r"(?<!\w)(?:theo|thành|làm|qua)\s+(?:từng|\d+|hai|ba|bốn|năm)\s+đợt(?!\w)", re.I)
_CAMPAIGN = re.compile(r"(?<!\w)(?:thi\s+đua|phong\s+trào|cuộc\s+thi|hội\s+thi|cao\s+điểm)(?!\w)", re.I)
# A finished phase: reviewed, or its rounds already over.
# … or the sentence opens on the year gone by ("Năm qua, đợt thi đua cao điểm từ … thu hút …").
_PAST_LEAD = re.compile(r"(?<!\w)đã\s+(?:diễn\s+ra|kết\s+thúc|hoàn\s+thành|qua)(?!\w)"
                        r"|^\s*(?:[Nn]ăm\s+(?:qua|trước|ngoái)|[Tt]hời\s+gian\s+qua|[Vv]ừa\s+qua)\s*,")
_BEFORE_WORD = re.compile(r"(?<!\w)(?:qua|sau|kết\s+thúc|hết|cuối)\s+$", re.I)
_REVIEW = re.compile(r"(?<!\w)(?:sơ\s+kết|tổng\s+kết|bình\s+xét|đánh\s+giá|chấm\s+điểm|kết\s+quả)\s+(?:các\s+)?$", re.I)
_FINISHED = re.compile(r"\s*\)?\s*,?\s*(?:đã\s+(?:kết\s+thúc|hoàn\s+thành|diễn\s+ra|khép\s+lại)"
                       r"|(?:kết\s+thúc|khép\s+lại)\s+(?:thắng\s+lợi|tốt\s+đẹp|thành\s+công))(?!\w)", re.I)
_SENTENCE_END = re.compile(r"\.(?=\s)(?!\s\d{4}\b)")
_REPORT = re.compile(r"(?<!\w)báo\s+cáo(?!\w)", re.I)
# A campaign another body runs, which the plan answers: "Hưởng ứng đợt thi đua cao điểm do Tổng Liên đoàn phát động
# (từ … đến …), Công đoàn trường phát động đợt thi đua từ …", "giai đoạn 2 của phong trào … do Trung ương phát động".
_ANSWERS = re.compile(r"(?<!\w)hưởng\s+ứng\s+(?:các\s+|những\s+)?$", re.I)
# A campaign of the document the sentence opens by citing, named before the plan's own clause: "Thực hiện Kế hoạch số
# 12/KH-CĐN … về đợt thi đua từ 01/02 đến 31/5/2025, Công đoàn trường phát động đợt thi đua từ …".
_CITES = re.compile(r"\W*(?:Thực\s+hiện|Căn\s+cứ|Theo)\s+(?:Kế\s+hoạch|Hướng\s+dẫn|Công\s+văn|Chỉ\s+thị|Nghị\s+quyết"
                    r"|Quyết\s+định|Thông\s+báo|Văn\s+bản)(?!\w)")
_OTHERS_RUN = re.compile(r"(?<!\w)do\s+[^.;()]{2,100}?\s+phát\s+động(?!\w)", re.I)
# A section heading ("I. KẾT QUẢ NĂM 2025", "II. KẾ HOẠCH THI ĐUA"): under a review heading, the phases are past ones.
_HEADING = re.compile(r"^\s*(?:[IVX]+|\d+|[A-Z])[.)]\s+(?P<t>.{3,80})$")
_REVIEW_HEADING = re.compile(r"KẾT\s+QUẢ|ĐÁNH\s+GIÁ|TÌNH\s+HÌNH|NHÌN\s+LẠI")


# A numbered heading in sentence case, short and unpunctuated: "1. Kết quả thực hiện năm 2026", "2. Phương hướng năm 2027".
_REVIEW_WORDS = re.compile(r"(?:Kết\s+quả|Đánh\s+giá|Tình\s+hình|Nhìn\s+lại)(?!\w)")
_PLAN_WORDS = re.compile(r"(?:Phương\s+hướng|Nhiệm\s+vụ|Kế\s+hoạch|Mục\s+tiêu|Nội\s+dung|Giải\s+pháp|Tổ\s+chức\s+thực\s+hiện"
                         r"|Thời\s+gian|Chỉ\s+tiêu)(?!\w)")


def review_heading(text: str) -> bool | None:
    """True under a heading of a review ("I. KẾT QUẢ NĂM 2025"), False under another heading, None for no heading."""
    m = _HEADING.match(text)
    return None if m is None or not m["t"].isupper() else bool(_REVIEW_HEADING.search(m["t"]))


def _review_subheading(text: str) -> bool | None:
    """The same for a short numbered heading in sentence case: "1. Kết quả thực hiện năm 2026" (True), "2. Phương
    hướng năm 2027" (False); None for anything else."""
    m = _HEADING.match(text)
    if m is None or m["t"].isupper() or len(m["t"]) > 60 or re.search(r"[.;:,]", m["t"]):
        return None
    return True if _REVIEW_WORDS.match(m["t"]) else False if _PLAN_WORDS.match(m["t"]) else None


def under_review(texts: Iterable[str]) -> list[bool]:
    """For each paragraph, whether it lies under a review heading ("I. KẾT QUẢ NĂM 2025" until the next heading), or
    under a review subheading ("1. Kết quả thực hiện năm 2026" until the next heading of either kind): what is dated
    there is the past period's, not the plan's."""
    out: list[bool] = []
    inside = sub = False
    for text in texts:
        heading = review_heading(text)
        if heading is not None:
            inside, sub = heading, False
        else:
            sub_heading = _review_subheading(text)
            sub = sub if sub_heading is None else sub_heading
        out.append(inside or sub)
    return out
_REPORTS = re.compile(r"(?<!\w)(?:báo\s+cáo|gửi|nộp)(?!\w)", re.I)


class Block:
    """One paragraph's text, its sentences indexed once, and what its sentence leads say (each read once:
    a line of thousands of labels stays linear)."""

    def __init__(self, text: str, report_above: bool) -> None:
        self.text = text
        self.ends = [m.end() for m in _SENTENCE_END.finditer(text)]
        report = _REPORT.search(text)
        self.report_at = 0 if report_above else report.start() if report else len(text) + 1
        self._leads: dict[int, tuple[bool, bool]] = {}
        self._read: str | None = None

    def read_case(self) -> str:
        """The paragraph as its periods are read: a heading in capitals in lower case (same offsets); found once."""
        if self._read is None:
            lowered = self.text.lower()
            caps = sum(c.isupper() for c in self.text) > sum(c.islower() for c in self.text)
            self._read = lowered if len(lowered) == len(self.text) and caps else self.text
        return self._read

    def sentence_start(self, at: int) -> int:
        """Where the sentence holding offset `at` starts."""
        k = bisect.bisect_left(self.ends, at)
        return self.ends[k - 1] if k else 0

    def sentence_at(self, at: int) -> tuple[int, int]:
        """The sentence holding offset `at`: its start and end."""
        k = bisect.bisect_left(self.ends, at)
        return (self.ends[k - 1] if k else 0), (self.ends[k] if k < len(self.ends) else len(self.text))

    def lead(self, first_label: int) -> tuple[bool, bool]:
        """(an activity that is no campaign, a past review) said by the words leading to a sentence's first label."""
        if first_label not in self._leads:
            s0 = self.sentence_start(first_label)
            self._leads[first_label] = (self.activity_lead(first_label), bool(_PAST_LEAD.search(self.text, s0, first_label)))
        return self._leads[first_label]

    def activity_lead(self, at: int) -> bool:
        """The sentence up to `at` names an activity that is no campaign ("Lớp học tập trung theo 3 đợt: đợt 1 …"),
        or the sentence before it does while introducing the rounds ("Chương trình khám … thực hiện theo từng đợt.")."""
        s0 = self.sentence_start(at)
        leads = [self.text[s0:at]]
        if s0:
            before = self.text[self.sentence_start(s0 - 1):s0]
            if _ROUNDS.search(before):
                leads.append(before)
        for lead in leads:
            found = list(_ACTIVITY_LEAD.finditer(lead))
            if found and not _CAMPAIGN.search(lead, found[-1].end()):
                return True
        return False

    def activity_round(self, label_start: int, label_end: int, first_label: int) -> bool:
        """A numbered label naming a round of something that is no campaign (see the module's doc)."""
        text = self.text
        if _ACTIVITY_BEFORE.search(text[max(0, label_start - 24):label_start]):
            return True
        if _ACTIVITY_AFTER.match(text, label_end):
            return True
        return self.lead(first_label)[0]

    def finished_or_after(self, label_start: int, first_label: int, bracketed: bool) -> bool:
        """A label in a review of a finished phase, or naming what follows a phase (see the module's doc)."""
        near = self.text[max(0, label_start - 24):label_start]
        if _BEFORE_WORD.search(near):
            return True
        # a report's "Sơ kết đợt 1 (từ … đến …)": "báo cáo" before it in its paragraph or in the one above
        if _REVIEW.search(near) and bracketed and self.report_at < label_start:
            return True
        return self.lead(first_label)[1]

    def finished_after(self, time_end: int) -> bool:
        """The words right after a phase's time say it is over: "Đợt thi đua thứ nhất (từ … đến …) kết thúc thắng
        lợi; …", "đợt 1 từ … đến … đã kết thúc"."""
        return bool(_FINISHED.match(self.text, time_end))

    def run_by_others(self, label_start: int, label_end: int, time_at: int) -> bool:
        """A phase of a campaign another body runs, which the plan only answers (see `_ANSWERS`)."""
        if _ANSWERS.search(self.text[max(0, label_start - 30):label_start]):
            return True
        s0 = self.sentence_start(label_start)  # "Thực hiện Kế hoạch … về đợt thi đua từ …, Công đoàn trường …"
        if _CITES.match(self.text, s0, label_start) and not MAIN_CLAUSE.search(self.text, s0, label_start):
            return True
        return bool(_OTHERS_RUN.search(self.text, label_end, max(label_end, time_at)))

    def reporting_quarters(self, by_quarter: re.Match[str]) -> bool:
        """"báo cáo kết quả … theo quý": the quarters of a reporting schedule."""
        start = max(self.sentence_start(by_quarter.start()), by_quarter.start() - 80)
        return bool(_REPORTS.search(self.text, start, by_quarter.start()))
