"""Deadlines and one-off events, and weekday names written next to dates (pure)."""

from __future__ import annotations

import re

from scheduler.plans import notation as n
from scheduler.plans.events import EventPass
from scheduler.plans.findings import Block, Deadline, Event, WeekdayMention
from scheduler.plans.text import EMAIL, cap, mask_references, quote
from scheduler.plans.wording import deadline_title, email_of, subject_of, submit_to_of

# "chậm nhất (là) ngày 15/3/2023", "trước 20/6", "hạn cuối nộp bài là 17 giờ ngày 15.7.2017",
# "trước ngày 25 tháng 1 hằng năm".

_VERB = re.compile(r"(đăng ký|gửi|nộp|báo cáo)\s+", re.I)
_ABOUT = re.compile(r"\s+về\s+", re.I)
_BY_MAIL = re.compile(r"\s+qua\s+(?:địa chỉ\s+)?(?:e-?mail|thư điện tử|mail)", re.I)


def registration(clause: str) -> dict[int | str, str] | None:
    """"nộp <what> về <to> qua email": what one regex, `(verb)\\s+(?P<what>.+?)\\s+về\\s+(?P<to>.+?)\\s+qua …`,
    found, in three linear searches (that regex took cubic time on "nộp 1 về 1 nộp 1 về 1 …" with no email word).

    The first verb with a "về" after it and "qua email" after that is the regex's leftmost match; its lazy
    groups end at the first "về" and the first "qua email" after it.
    """
    verb = _VERB.search(clause)
    about = _ABOUT.search(clause, verb.end() + 1) if verb else None
    mail = _BY_MAIL.search(clause, about.end() + 1) if about else None
    if not (verb and about and mail):
        return None
    return {0: clause[verb.start():mail.end()], 1: verb[1], "what": clause[verb.end():about.start()],
            "to": clause[about.end():mail.start()]}

# Who submits: "Các công đoàn cơ sở gửi …", "đề nghị các đơn vị báo cáo …", "do Ban Chấp hành công đoàn cơ sở lập, gửi …",
# "khối giáo dục gửi chậm nhất …"; the phrase ends where its verb starts.
_ASKS = re.compile(r"(?<!\w)(?:đề\s+nghị|yêu\s+cầu|lưu\s+ý|hướng\s+dẫn|giao(?:\s+cho)?|do)\s+", re.I)
_ACTOR = re.compile(
    r"(?<!\w)(?:(?:[Cc]ác|[Mm]ỗi)\s+)?(?:cấp công đoàn|[Cc]ông đoàn|CĐCS|LĐLĐ|Liên đoàn Lao động|[Tt]rường|[Đđ]ơn vị|[Kk]hoa|"
    r"[Pp]hòng|[Tt]ổ công đoàn|[Cc]ụm|[Kk]hối|Ban Chấp hành|BCH|(?:[Cc]ông\s+nhân|[Nn]gười\s+lao\s+động|[Đđ]oàn\s+viên)"
    r"(?=\s+(?:có|nào|muốn)\s))(?!\w)[^,.;:()]{0,70}?(?:,\s+[^,.;:()]{1,40}?){0,3}"
    r"(?=\s*:?\s+(?:đăng\s+ký|gửi|nộp|báo\s+cáo|tổng\s+hợp|lập|hoàn\s+thành|rà\s+soát|họp|tổ\s+chức|phải|chọn)(?!\w))")
# To whom, without "về": "gửi Liên đoàn Lao động quận trước ngày …".
# "đăng ký với tổ trưởng công đoàn trước …": the person who takes the names.
_SEND_TO = re.compile(r"(?<!\w)(?:gửi|nộp|đăng\s+ký\s+với|báo\s+cáo\s+với)\s+(?:cho\s+|đến\s+|lên\s+)?"
                      r"(?P<to>(?:Tổng Liên đoàn|Liên đoàn|LĐLĐ|Công đoàn|Ban|Văn phòng|Phòng|[Tt]ổ\s+trưởng|[Cc]hủ\s+tịch|"
                      r"[Tt]hường\s+trực)\b[^.;,()]{0,80}?)(?:\s+(?:trước|chậm\s+nhất)|\s*$)")
_QUOTED = re.compile(r"\"[^\"]{0,120}\"|“[^”]{0,120}”")
_TO_ABOUT = re.compile(r"(?<!\w)(?:gửi|nộp|báo\s+cáo|đăng\s+ký)(?:[^.;]{0,80}?)?\s+về\s+(?P<to>[^.;]+?)"
                       r"(?=\s+(?:trước|chậm\s+nhất|hạn|trong\s+thời\s+hạn|qua\s+(?:e-?mail|mail|thư))\b|[.;]|$)")


def submitter_of(clause: str) -> str | None:
    """Who the clause of a deadline says submits, or None."""
    clause = _QUOTED.sub(lambda q: " " * len(q[0]), clause)  # a name in quotes ("Chuyến xe Công đoàn") names no one
    asks = list(_ASKS.finditer(clause))
    m = (_ACTOR.search(clause, asks[-1].end()) if asks else None) or _ACTOR.search(clause)
    # the words before a blanked name end on its preposition ("… về quê bằng \"…\"")
    return cap(re.sub(r"\s+(?:bằng|qua|với|theo|của)$", "", m[0].strip(" ,:-–+•"))) if m else None


def recipient_of(clause: str) -> str | None:
    """To whom: "… về Ban Tổ chức trước …", "gửi Liên đoàn Lao động quận trước …"."""
    m = _TO_ABOUT.search(clause) or _SEND_TO.search(clause)
    return m["to"].strip(" ,:")[:160] if m else None


# How far around a deadline its sentence is looked for: a block of a thousand deadlines stays linear.
_NEAR = 600


def _clause_of(text: str, start: int, end: int) -> str:
    """The clause of a deadline ("; " and ". " bound it); after its date when nothing is written before it."""
    near = max(0, start - _NEAR)
    first = max(text.rfind(". ", near, start) + 1, text.rfind(";", near, start) + 1, near)
    before = text[first:start]
    if not re.search(r"\w", re.sub(r"^[\s\-–+•]*(?:Thời\s+hạn|Hạn)?\s*:?", "", before, flags=re.I)):
        far = min(len(text), end + _NEAR)
        stop = min([i for i in (text.find(". ", end, far), text.find(";", end, far)) if i >= 0] + [far])
        return text[end:stop].lstrip(" :")
    return before


def _sentence_of(text: str, start: int) -> str:
    """From the sentence's start to at most _NEAR characters after the deadline."""
    near = max(0, start - _NEAR)
    return text[max(text.rfind(".", near, start) + 1, near):start + _NEAR]


DEADLINE = re.compile(
    r"(?P<kw>(?:chậm|muộn)\s+nhất(?:\s+là)?(?:\s+(?:vào|đến(?:\s+hết)?))?|không\s+muộn\s+hơn"
    r"|hạn\s+(?:chót|cuối)(?:\s+là|\s*:)?"
    r"|hạn\s+(?:chót|cuối)[^.;:\d]{0,60}?\blà|trước"
    r"|(?:thời\s+)?hạn(?:\s+(?:chót|cuối))?\s+(?:nộp|gửi|nhận|đăng\s+ký|hoàn\s+thành)[^.;:\d]{0,50}?(?::|\blà)\s*"
    r"(?:đến\s+(?:hết\s+)?|trước\s+)?)\s*"
    r"(?:(?:lúc\s+)?\d{1,2}\s*(?:giờ|h)(?:\s*\d{2})?\s*,?\s+)?"
    # a weekday before the date: "chậm nhất là thứ Hai, ngày 04/11/2024", "muộn nhất vào Chủ nhật 10/3/2019"
    r"(?:(?:thứ\s+(?:hai|ba|tư|năm|sáu|bảy|[2-7])|chủ\s+nhật)\s*,?\s*)?(?:ngày\s+)?"
    r"(?:(?P<d>\d{1,2})(?P<s>[/.\-])(?P<m>\d{1,2})(?:(?P=s)(?P<y>\d{4}))?(?![\d])"
    r"|(?P<vd>\d{1,2})\s+tháng\s+(?P<vm>\d{1,2})(?:\s+năm\s+(?P<vy>\d{4}))?(?!\s+âm\s+lịch))"
    r"(?P<yearly>\s+(?:hằng|hàng)\s+năm)?",
    re.I,
)


# A timetable's line, date first, that asks for a submission: "- 10/12/2024: các tổ công đoàn gửi biên bản về …".
_SCHEDULED = re.compile(r"^[-+–•]\s*(?P<d>\d{1,2})(?P<s>[/.\-])(?P<m>\d{1,2})(?P=s)(?P<y>\d{4})\s*:\s*(?P<rest>\S.*)$")
_SENDS = re.compile(r"(?<!\w)(?:gửi|nộp)\s")


class DatedPass(EventPass):
    # -- deadlines and events --------------------------------------------------------------
    def deadlines(self) -> None:
        f = self.f
        actor = None
        new_id = self.new_id
        for bi, b in enumerate(self.blocks):
            text = self.masked[bi]
            h = re.match(r"^\d+\.\s+((?:Công đoàn|Liên đoàn|Các cấp|Ban|LĐLĐ|CĐ)[^.;:]{0,70})$", text)
            if h:
                actor = cap(h[1])
                continue
            last_end = 0
            lead = text.split(":", 1)[0] if ":" in text[:120] else ""
            said: list[str | None] = []

            def block_subject(text: str = text, said: list[str | None] = said) -> str | None:
                """The block's subject ("đề nghị các cấp Công đoàn … gửi"), read once for all its deadlines."""
                if not said:
                    said.append(subject_of(text))
                return said[0]

            for m in DEADLINE.finditer(text):
                segment = text[last_end:m.start()]
                last_end = m.end()
                kw = re.sub(r"\s+", " ", m["kw"].lower()).strip()
                # "Thời hạn gửi: trước ngày …" is before, as "trước ngày …" is
                due = "before" if kw == "trước" or kw.endswith("trước") else "no_later_than"
                named = re.sub(r"^(?:thời hạn|hạn)\s*(?:cuối|chót)?\s*|\s*(?:là|:.*)$", "", kw) if "hạn" in kw else ""
                named = re.sub(r"\s*(?:là|:)\s*(?:đến(?: hết)?|trước)?$", "", named).strip(" :")
                title = deadline_title(named, "") if len(named.split()) >= 2 else ""
                title = title or deadline_title(segment, lead if last_end and segment is not text[:m.start()] else "")
                if not title and "hạn" in kw:  # "Hạn cuối: 30/9/2026": the deadline of the plan's own subject
                    title = cap(" ".join(kw.replace(":", " ").split()[:2]))
                clause = _clause_of(text, m.start(), m.end())
                if not title or not re.search(r"\w", re.sub(r"(?i)tr[ưu]ớc|ngày|\d|\W", "", title)):
                    title = deadline_title(clause, "") or title  # "+ Trước ngày 25/11/2017: các … báo cáo kết quả …"
                if not title:
                    continue
                d_, m_, y_ = (m["d"], m["m"], m["y"]) if m["d"] else (m["vd"], m["vm"], m["vy"])
                when = n.written(d_, m_, y_)
                year = int(y_) if y_ else f.year
                day = n.make_date(int(d_), int(m_), year) if year else None
                sentence = _sentence_of(text, m.start())
                keywords = tuple(sorted({re.sub(r"\s+", " ", k.lower()) for k in re.findall(
                    r"chậm nhất|muộn nhất|không muộn hơn|trước", text[max(0, m.start() - 40):m.end()], re.I)}))
                if kw.startswith(("hạn", "thời hạn")):
                    keywords = tuple(sorted(set(keywords) | {" ".join(kw.split()[:2])}))
                dl = Deadline(
                    id=new_id(title), title=title, due=due, where=quote(b, m.start(), m.end()), date=when, day=day,
                    as_written=re.sub(r"\s+", " ", m[0]).strip(),
                    submitted_by=block_subject() or submitter_of(clause) or actor,
                    submit_to=submit_to_of(sentence) or recipient_of(clause), via=email_of(sentence),
                    keywords=keywords,
                )
                if y_ and n.make_date(int(d_), int(m_), int(y_)) is None:
                    dl.notes.append(f'ngày "{when}" không có thật: sửa theo văn bản gốc')
                    dl.date, dl.day = None, None
                elif m["yearly"]:
                    dl.yearly = True
                    dl.notes.append(f'văn bản ghi "{m["yearly"].strip()}": hạn {when} lặp lại hằng năm')
                elif not y_:
                    dl.notes.append(f"văn bản ghi {when} không kèm năm: hạn lặp lại hằng năm")
                f.deadlines.append(dl)
            if last_end == 0:
                self._scheduled(b, text)
            for m in re.finditer(r"sau\s+mỗi\s+đợt(?:\s+thi\s+đua)?", text, re.I):
                clause_start = max(text.rfind(". ", 0, m.start()) + 1, 0)
                clause = text[clause_start:]
                report = re.search(r"báo cáo\s+kết quả(?:\s+về\s+(?P<to>[^.;]+?))?\s+sau\s+mỗi\s+đợt", clause, re.I)
                subject = subject_of(clause) or block_subject() or actor
                if report:
                    title = "Báo cáo kết quả sau mỗi đợt thi đua"
                    d = Deadline(new_id(title), title, "no_later_than", quote(b, m.start(), m.end()), after_phase="each",
                                 as_written=cap(report[0]), submitted_by=subject,
                                 submit_to=report["to"].strip() if report["to"] else None)
                    d.notes.append("văn bản không ghi ngày: mục chưa có ngày; quản trị có thể đặt days_after và dated_by: admin")
                    f.deadlines.append(d)
                    continue
                act = re.search(r"^[\s\-–•]*Sau\s+mỗi\s+đợt(?:\s+thi\s+đua)?\s*,\s*(?P<who>.+?)\s+tổ\s+chức\s+"
                                r"(?P<what>.+?)(?=\s+(?:các|cho|trong|kịp)\s|[;.]|$)", clause, re.I)
                if not act:
                    continue
                title = f"{cap(act['what'])} sau mỗi đợt thi đua"
                who = cap(act["who"])
                as_written = cap(m[0])
                if re.match(r"(LĐLĐ|Liên đoàn Lao động|Ban Thường vụ)", who):
                    ev = Event(new_id(title), title, quote(b, m.start(), m.end()), as_written=as_written)
                    ev.notes.append(f"{who} tự tổ chức, văn bản không ghi ngày: sự kiện chưa có ngày")
                    f.events.append(ev)
                else:
                    d = Deadline(new_id(title), title, "no_later_than", quote(b, m.start(), m.end()), after_phase="each",
                                 as_written=as_written, submitted_by=who)
                    d.notes.append("văn bản không ghi ngày: mục chưa có ngày; quản trị có thể đặt days_after và dated_by: admin")
                    f.deadlines.append(d)
            # Registrations by email with no date: "đăng ký ... qua địa chỉ mail: x@y"
            for m in EMAIL.finditer(b.text):
                clause_start = max(b.text.rfind(". ", 0, m.start()) + 1, 0)
                clause = b.text[clause_start:m.end()]
                verb = registration(clause)
                if not verb or n.DATE_RE.search(mask_references(clause)):
                    continue
                title = cap(f"{verb[1]} {verb['what']}")
                d = Deadline(new_id(title), title, "no_later_than", quote(b, m.start(), m.end()),
                             as_written=f"{cap(verb[0])} {m[0]} (văn bản không ghi ngày)",
                             submitted_by=subject_of(b.text) or actor, submit_to=verb["to"].strip(), via=m[0])
                d.notes.append("văn bản không ghi hạn: mục chưa có ngày; khi LĐLĐ đặt hạn, thêm date và dated_by: admin")
                f.deadlines.append(d)
            # One-off events: "LĐLĐ ... tổ chức phát động thi đua ... tại hội nghị ..."
            for m in re.finditer(r"tổ chức\s+(?P<what>[^.;]{3,80}?)\s+tại\s+(?P<ev>(?:hội nghị|lễ|hội thi)[^.;]+)", text, re.I):
                title = f"{cap(m['ev'])} ({m['what'].strip()})"
                date_m = n.DATE_RE.search(m[0])
                ev = Event(new_id(m["ev"]), title, quote(b, m.start(), m.end()), as_written=cap(m[0]))
                if date_m and date_m["y"]:
                    ev.date = n.written(date_m["d"], date_m["m"], date_m["y"])
                else:
                    ev.notes.append("văn bản không ghi ngày tổ chức: sự kiện chưa có ngày")
                f.events.append(ev)
            self.events_in(bi, b, text)

    def weekdays(self) -> None:
        for b in self.blocks:
            for m in re.finditer(
                r"(?P<w>thứ\s+(?:hai|ba|tư|năm|sáu|bảy)|chủ\s+nhật)\s*,?\s*(?:ngày\s+)?(?P<d>\d{1,2})(?P<s>[/.\-])(?P<m>\d{1,2})(?P=s)(?P<y>\d{4})",
                b.text, re.I,
            ):
                day = n.make_date(int(m["d"]), int(m["m"]), int(m["y"]))
                if day:
                    key = re.sub(r"\s+", " ", m["w"].lower())
                    self.f.weekdays.append(WeekdayMention(key, day, quote(b, m.start(), m.end())))

    def _scheduled(self, b: Block, text: str) -> None:
        """"- 10/12/2024: các tổ công đoàn … gửi biên bản về …": the line's date is the day the submission is due."""
        m = _SCHEDULED.match(text)
        if not m or not _SENDS.search(m["rest"], 0, 200):
            return
        rest = m["rest"]
        title = deadline_title(rest, "")
        day = n.make_date(int(m["d"]), int(m["m"]), int(m["y"]))
        if not title or day is None:
            return
        dl = Deadline(id=self.new_id(title), title=title, due="no_later_than", where=quote(b, m.start(), m.end()),
                      date=n.written(m["d"], m["m"], m["y"]), day=day, as_written=f"{m['d']}{m['s']}{m['m']}{m['s']}{m['y']}:",
                      submitted_by=submitter_of(rest), submit_to=recipient_of(rest), via=email_of(rest))
        dl.notes.append("dòng lịch ghi ngày trước việc: lấy ngày ấy làm hạn (chậm nhất ngày ấy)")
        self.f.deadlines.append(dl)
