"""Findings → calendar YAML for review (pure): every item with a comment quoting its sentence.

The draft uses the calendar format of `scheduler.core.model`, including the
"plans as written" constructs: `span`, undated items with `as_written`, named
ends and `events:`. Items the extractor was unsure of carry a
"# KIỂM TRA: ..." comment; `uncertain` lists them for the command's summary.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from scheduler.core.draft_yaml import mark_draft
from scheduler.plans.findings import Findings, Where

CHECK = "KIỂM TRA"


@dataclass(frozen=True)
class Draft:
    yaml: str
    uncertain: tuple[str, ...]  # "dòng 52: Đợt I1 …": what the reviewer must look at
    counts: dict[str, int]


def _said(where: Where) -> str:
    q = where.quote.replace("\n", " ")
    return f'Văn bản ({where.label()}): "{q}"'


def _comment(target: CommentedMap, lines: list[str], indent: int) -> None:
    target.yaml_set_start_comment("\n".join(lines), indent=indent)


def _flow(items: list[str]) -> CommentedSeq:
    seq = CommentedSeq(items)
    seq.fa.set_flow_style()
    return seq


def render(f: Findings, source_name: str, how: str, draft_id: str | None = None) -> Draft:
    uncertain: list[str] = []

    def flag(where: Where | None, text: str) -> str:
        uncertain.append(f"{where.label() + ': ' if where else ''}{text}")
        return f"{CHECK}: {text}"

    root = CommentedMap()
    head = [
        f"Bản nháp do `lichthidua import` soạn từ {source_name} ({how}).",
        "Người duyệt: đối chiếu từng mục với câu văn bản trích trong chú thích,",
        f'sửa các chỗ "{CHECK}", rồi chạy `lichthidua check` trước khi commit.',
    ]
    for text, where in f.notes:
        head.append(flag(where, text))
    root["id"] = draft_id or f.suggested_id or "ke-hoach-moi"
    if draft_id and f.suggested_id and draft_id != f.suggested_id:
        head.append(f"Mã lịch {draft_id} theo tên tệp người soạn chọn (văn bản gợi ý {f.suggested_id}).")
    elif not draft_id and not f.suggested_id:
        head.append(flag(None, "không đoán được mã lịch (địa danh và năm): đặt id trùng tên tệp"))
    root["title"] = f.title or "Kế hoạch thi đua"
    if not f.title:
        head.append(flag(None, "không tìm thấy trích yếu văn bản: điền title"))
    if f.issuer:
        root["issuer"] = f.issuer
    else:
        head.append(flag(None, "không tìm thấy cơ quan ban hành: điền issuer"))
    derived = f.time_derived and _format_derives_the_same(f)
    if f.year is not None and not derived:
        root["year"] = f.year
    elif f.span is not None and not derived:
        root["span"] = f.span
    elif derived and f.time_reason is not None:
        what = f"năm {f.year}" if f.year is not None else f"{f.span_start:%d/%m/%Y} – {f.span_end:%d/%m/%Y}"
        head.append(f"Văn bản không ghi năm của phong trào: lịch suy ra {what} từ các mục có ngày, như bộ đọc "
                    f"({f.time_reason[0]}); không ghi year hay span.")
    elif _has_full_dates(f):
        head.append("Văn bản không ghi năm của phong trào: `lichthidua` suy ra từ các mục có ngày "
                    "(không cần thêm year hay span; `check` ghi chú thời gian suy ra).")
    else:
        head.append(flag(None, "không tìm thấy năm hay thời gian của phong trào: thêm year hoặc span"))
    if not derived and f.time_reason is not None and (f.year is not None or f.span is not None) and f.time_reason[1] is not None \
            and not f.time_reason[0].startswith("theo tiêu đề"):  # a year the title states speaks for itself
        reason, where = f.time_reason
        head.append(f"Thời gian phong trào ({'year' if f.year is not None else 'span'}): {reason}"
                    + (f" [{where.label()}]" if where and where.label() not in reason else "") + ".")
    root["extends"] = _flow([f.extends])
    if f.omit:
        root["omit"] = _flow(list(f.omit))
    mark_draft(root)  # not published until an admin reviews it and removes the line
    doc = CommentedMap()
    if f.kind:
        doc["kind"] = f.kind
    if f.number:
        doc["number"] = f.number
    if f.place:
        doc["place"] = f.place
    if f.doc_date:
        doc["date"] = f.doc_date
    if f.implements:
        doc["implements"] = f.implements
    if doc:
        root["document"] = doc
    if f.theme:
        root["theme"] = f.theme
    root.yaml_set_start_comment("\n".join(head))

    if f.local_commemorations:
        seq = CommentedSeq()
        for ref in f.local_commemorations:
            item = CommentedMap(id=ref.id, name=ref.name, date=f"{ref.base.day:02d}/{ref.base.month:02d}/{ref.base.year}")
            mention = next((m for m in f.mentions if ref.id in m.ids and m.base == ref.base), None)
            lines = [_said(mention.where)] if mention else []
            if ref.id in {"-".join(m.ids) for m in f.mentions if len(m.ids) == 1 and "-" in m.ids[0]} and any(o for o in f.omit):
                lines.append("Một ngoặc cho hai ngày lễ: một ngày kỷ niệm vào ngày trong ngoặc, "
                             "thay ngày cùng ngày của lịch quốc gia (omit).")
            else:
                lines.append("Ngày kỷ niệm riêng của văn bản (không có trong lịch quốc gia).")
            _comment(item, lines, 2)
            seq.append(item)
        root["commemorations"] = seq

    if f.phases:
        seq = CommentedSeq()
        used: set[str] = set()
        for p in f.phases:
            pid = f"dot-{p.number}"
            while pid in used:
                pid += "-b"
            used.add(pid)
            item = CommentedMap()
            item["id"] = pid
            item["name"] = p.name
            if p.start is not None:
                item["start"] = p.start
            if p.end is not None:
                item["end"] = p.end
            item["as_written"] = p.as_written
            if p.theme:
                item["theme"] = p.theme
            if p.celebrates:
                cel = CommentedSeq()
                for cid, ordinal in p.celebrates:
                    cel.append(cid if ordinal is None else CommentedMap([(cid, ordinal)]))
                item["celebrates"] = cel
            lines = [_said(p.where)] + [flag(p.where, f"{p.name}: {note}") for note in p.notes]
            if p.start is None and p.end is None:
                lines.append(f"{p.name}: văn bản nêu tên đợt mà không ghi ngày; lịch liệt kê ở mục chưa có ngày.")
            elif p.start is None:
                lines.append(flag(p.where, f"{p.name}: văn bản không ghi ngày bắt đầu"))
            _comment(item, lines, 2)
            seq.append(item)
        root["phases"] = seq
    else:
        root.yaml_set_comment_before_after_key("extends", after=flag(None, "không tìm thấy đợt thi đua nào"))

    if f.deadlines:
        seq = CommentedSeq()
        for d in f.deadlines:
            item = CommentedMap()
            item["id"] = d.id
            item["title"] = d.title
            if d.date or d.tet:
                item["date"] = d.date or d.tet
            if d.after_phase:
                item["after_phase"] = d.after_phase
            item["due"] = d.due
            if d.as_written:
                item["as_written"] = d.as_written
            for key in ("submitted_by", "submit_to", "via"):
                value = getattr(d, key)
                if value:
                    item[key] = value
            wording = {"before": '"trước": hạn là hết ngày hôm trước ngày ghi',
                       "no_later_than": '"chậm nhất": tính cả ngày ghi'}[d.due]
            lines = [_said(d.where)]
            if d.date or d.tet:
                lines.append(f"Cách đọc: {wording}.")
            lines += [flag(d.where, f"{d.title}: {note}") for note in d.notes if "không ghi" in note or "hằng năm" not in note]
            lines += [note for note in d.notes if "hằng năm" in note]
            _comment(item, lines, 2)
            seq.append(item)
        root["deadlines"] = seq

    if f.events:
        seq = CommentedSeq()
        for e in f.events:
            item = CommentedMap()
            item["id"] = e.id
            item["title"] = e.title
            if e.date and e.end:
                item["start"] = e.date
                item["end"] = e.end
            elif e.date or e.tet:
                item["date"] = e.date or e.tet
            if e.time:
                item["time"] = DoubleQuotedScalarString(e.time)  # unquoted 08:00 is a YAML 1.1 number
            if e.end_time:
                item["end_time"] = DoubleQuotedScalarString(e.end_time)
            if e.place:
                item["place"] = e.place
            if e.as_written:
                item["as_written"] = e.as_written
            lines = [_said(e.where)] + [flag(e.where, f"{e.title}: {note}") for note in e.notes]
            _comment(item, lines, 2)
            seq.append(item)
        root["events"] = seq
    unbounded = _activities(root, f, flag) if f.activities else []

    yaml = YAML()
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    yaml.allow_unicode = True
    buf = io.StringIO()
    yaml.dump(root, buf)
    text = buf.getvalue()
    if unbounded:
        text += "\n" + "".join(f"# {line}\n" for line in unbounded)
    outside = _mentions_outside_phases(f)
    if outside:
        tail = ["Văn bản còn nhắc (đã có trong lịch kế thừa hoặc ở trên; thêm vào celebrates của đợt nếu cần):"] + outside
        text += "\n" + "".join(f"# {line}\n" for line in tail)
    return Draft(text, tuple(uncertain), f.counts())


_FULL_DATE = re.compile(r"\b\d{1,2}/\d{4}\b|\b\d{1,2}/\d{1,2}/\d{4}\b")


_PHASE_DATE = re.compile(r"(?:sau )?\d{1,2}/\d{1,2}/\d{4}$|tháng \d{1,2}/\d{4}$")


def _format_derives_the_same(f: Findings) -> bool:
    """Whether the format's own rule (the phases' dates, else the deadlines', events' and activities') gives the
    time the reader derived: then the draft leaves year/span out, as the format allows, instead of writing it."""
    days = [day for p in f.phases for value, day in ((p.start, p.start_date), (p.end, p.end_date))
            if isinstance(value, str) and _PHASE_DATE.match(value) and day is not None]
    if not days:
        days = [d.day for d in f.deadlines if d.day and d.date and d.date.count("/") == 2 and not d.yearly]
        days += [e.day for e in f.events if e.day is not None]
    if not days or f.span_start is None or f.span_end is None:
        return False
    first, last = min(days), max(days)
    if f.year is not None:
        return first.year == last.year == f.year
    return (first, last) == (f.span_start, f.span_end)


def _has_full_dates(f: Findings) -> bool:
    """Whether the calendar's span can be derived: a phase, deadline, event or activity date with its year."""
    values = [v for p in f.phases for v in (p.start, p.end)] + [d.date for d in f.deadlines]
    values += [v for e in f.events for v in (e.date, e.end)] + [v for a in f.activities for v in (a.start, a.end)]
    return any(isinstance(v, str) and _FULL_DATE.search(v) for v in values)


def _activities(root: CommentedMap, f: Findings, flag: Callable[[Where | None, str], str]) -> list[str]:
    """`activities:`: repeats with their period. One without a period is not an item (check refuses an
    unbounded repeat): it comes back as a comment line for the end of the draft."""
    phase_ids: dict[int, str] = {}
    for p in f.phases:
        phase_ids.setdefault(p.number, f"dot-{p.number}")
    seq = CommentedSeq()
    unbounded: list[str] = []
    for a in f.activities:
        within = phase_ids.get(a.within_phase) if a.within_phase is not None else None
        if within is None and not (a.start and a.end):
            unbounded.append(flag(a.where, f"{a.title}: lặp lại ({a.as_written or a.every}) mà văn bản không nêu "
                                  f"khoảng thời gian; không đưa vào lịch (lịch không lặp lại mãi mãi). {_said(a.where)}"))
            continue
        item = CommentedMap(id=a.id, title=a.title)
        repeat = CommentedMap(every=a.every, on=a.on)
        if a.at:
            repeat["at"] = DoubleQuotedScalarString(a.at)
        if a.end_at:
            repeat["end_at"] = DoubleQuotedScalarString(a.end_at)
        repeat.fa.set_flow_style()
        item["repeat"] = repeat
        if within is not None:
            item["within"] = within
        else:
            item["start"], item["end"] = a.start, a.end
        if a.as_written:
            item["as_written"] = a.as_written
        _comment(item, [_said(a.where)] + [flag(a.where, f"{a.title}: {note}") for note in a.notes], 2)
        seq.append(item)
    if seq:
        root["activities"] = seq
    return unbounded


def _mentions_outside_phases(f: Findings) -> list[str]:
    inside = {(cid) for p in f.phases for cid, _ in p.celebrates}
    out: list[str] = []
    seen: set[str] = set()
    for m in f.mentions:
        for cid in m.ids:
            if cid not in inside and cid not in seen:
                seen.add(cid)
                out.append(f"- {cid}: {m.where.label()}: \"{_short(m.where.quote)}\"")
    for lm in f.lunar:
        if lm.id not in inside and lm.id not in seen:
            seen.add(lm.id)
            out.append(f"- {lm.id}: {lm.where.label()}: \"{_short(lm.where.quote)}\"")
    return out


def _short(text: str, width: int = 120) -> str:
    return text if len(text) <= width else text[:width].rsplit(" ", 1)[0] + "…"
