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
"""

from __future__ import annotations

import re

# What a round is of, when it is no campaign phase.
_ACTIVITY = (r"khám|tập\s+huấn|bồi\s+dưỡng|lớp\s+học|khóa\s+học|kiểm\s+tra|giám\s+sát|chi\s+trả|thanh\s+toán|"
             r"giải\s+ngân|nghỉ|hiến\s+máu|trao(?!\s+giải)|tặng|nhận\s+hồ\s+sơ|xét\s+hỗ\s+trợ|tiêm")
# Right before the label ("Tập huấn đợt 1", "chi trả đợt 2", "nghỉ đợt 1").
_ACTIVITY_BEFORE = re.compile(rf"(?<!\w)(?:{_ACTIVITY})\s+$", re.I)
# Right after the label, before its time ("Đợt 1 khám cho …", "đợt 1 đã trao …", "đợt 1 nhận hồ sơ từ …"); after a
# colon the words say what a campaign's phase does ("Giai đoạn 3: kiểm tra, đánh giá, tổng kết").
_ACTIVITY_AFTER = re.compile(rf"\s+(?:đã\s+|sẽ\s+|dự\s+kiến\s+)?(?:{_ACTIVITY})(?!\w)", re.I)
# In the words that lead to the series ("Lớp học tập trung theo 3 đợt: đợt 1 …"), unless a campaign is named after it.
_ACTIVITY_LEAD = re.compile(rf"(?<!\w)(?:{_ACTIVITY})(?!\w)", re.I)
_ROUNDS = re.compile(r"(?<!\w)(?:theo|thành|làm|qua)\s+(?:từng|\d+|hai|ba|bốn|năm)\s+đợt(?!\w)", re.I)
_CAMPAIGN = re.compile(r"(?<!\w)(?:thi\s+đua|phong\s+trào|cuộc\s+thi|hội\s+thi|cao\s+điểm)(?!\w)", re.I)
# A finished phase: reviewed, or its rounds already over.
_PAST_LEAD = re.compile(r"(?<!\w)đã\s+(?:diễn\s+ra|kết\s+thúc|hoàn\s+thành|qua)(?!\w)", re.I)
_BEFORE_WORD = re.compile(r"(?<!\w)(?:qua|sau|kết\s+thúc|hết|cuối)\s+$", re.I)
_REVIEW = re.compile(r"(?<!\w)(?:sơ\s+kết|tổng\s+kết|bình\s+xét|đánh\s+giá|chấm\s+điểm)\s+(?:các\s+)?$", re.I)
_SENTENCE_END = re.compile(r"\.(?=\s)(?!\s\d{4}\b)")
_REPORT = re.compile(r"(?<!\w)báo\s+cáo(?!\w)", re.I)
_REPORTS = re.compile(r"(?<!\w)(?:báo\s+cáo|gửi|nộp)(?!\w)", re.I)


def sentence_start(text: str, at: int) -> int:
    """Where the sentence holding offset `at` starts."""
    ends = [m.end() for m in _SENTENCE_END.finditer(text, 0, at)]
    return ends[-1] if ends else 0


def activity_round(text: str, label_start: int, label_end: int, first_label: int) -> bool:
    """A numbered label naming a round of something that is no campaign (see the module's doc)."""
    if _ACTIVITY_BEFORE.search(text[max(0, label_start - 24):label_start]):
        return True
    if _ACTIVITY_AFTER.match(text, label_end):
        return True
    return activity_lead(text, first_label)


def activity_lead(text: str, at: int) -> bool:
    """The sentence up to `at` names an activity that is no campaign ("Lớp học tập trung theo 3 đợt: đợt 1 …"),
    or the sentence before it does while introducing the rounds ("Chương trình khám … thực hiện theo từng đợt.")."""
    s0 = sentence_start(text, at)
    leads = [text[s0:at]]
    if s0:
        before = text[sentence_start(text, s0 - 1):s0]
        if _ROUNDS.search(before):
            leads.append(before)
    for lead in leads:
        found = list(_ACTIVITY_LEAD.finditer(lead))
        if found and not _CAMPAIGN.search(lead, found[-1].end()):
            return True
    return False


def finished_or_after(text: str, label_start: int, first_label: int, bracketed: bool, report: str) -> bool:
    """A label in a review of a finished phase, or naming what follows a phase (see the module's doc);
    `report`: the words before the label in its paragraph and the paragraph above (a report's heading)."""
    near = text[max(0, label_start - 24):label_start]
    if _BEFORE_WORD.search(near):
        return True
    if _REVIEW.search(near) and bracketed and _REPORT.search(report):  # a report's "Sơ kết đợt 1 (từ … đến …)"
        return True
    return bool(_PAST_LEAD.search(text, sentence_start(text, first_label), first_label))


def reporting_quarters(text: str, by_quarter: re.Match[str]) -> bool:
    """"báo cáo kết quả … theo quý": the quarters of a reporting schedule."""
    start = max(sentence_start(text, by_quarter.start()), by_quarter.start() - 80)
    return bool(_REPORTS.search(text, start, by_quarter.start()))
