"""An organisation's name from a heading in capitals, written the way Vietnamese writes names (pure).

"CÔNG ĐOÀN TRƯỜNG THPT NGUYỄN DU" is "Công đoàn Trường THPT Nguyễn Du": in a name, the first syllable of
each word takes a capital ("Công ty Cổ phần", "Bệnh viện Đa khoa"), a proper name takes one on every
syllable ("Nguyễn Du", "Hướng Hóa"), an abbreviation stays in capitals, and the generic words of the
union's structure ("cơ sở", "ngành", a place's level) stay in lower case. Without a dictionary the words
of a name cannot be told apart, so the common words of organisation names are listed here; any other
syllable is taken as part of a proper name.
"""

from __future__ import annotations

import re

# Words of two or three syllables common in the names of workplaces and bodies: a capital on the first only.
_WORDS = (
    "công ty", "tổng công ty", "cổ phần", "trách nhiệm", "hữu hạn", "một thành viên", "liên doanh", "tập đoàn",
    "bệnh viện", "đa khoa", "trung tâm", "y tế", "giáo dục", "đào tạo", "viên chức", "công chức", "đại học",
    "cao đẳng", "trung cấp", "trung học", "tiểu học", "mầm non", "mẫu giáo", "phổ thông", "cơ sở", "dân tộc",
    "nội trú", "bán trú", "chuyên nghiệp", "dạy nghề", "giáo dục thường xuyên", "điện lực", "cao su", "xây dựng",
    "giao thông", "vận tải", "nông nghiệp", "lâm nghiệp", "phát triển", "nông thôn", "tài nguyên", "môi trường",
    "văn hóa", "thể thao", "du lịch", "thông tin", "truyền thông", "tài chính", "kế hoạch", "đầu tư", "công thương",
    "nội vụ", "tư pháp", "lao động", "thương binh", "xã hội", "khoa học", "công nghệ", "ngân hàng", "bảo hiểm",
    "hải quan", "kho bạc", "bưu điện", "viễn thông", "cấp nước", "thoát nước", "môi trường đô thị",
    "khai thác", "chế biến", "thương mại", "dịch vụ", "sản xuất", "may mặc", "dệt may", "thủy lợi", "thủy điện",
    "hàng không", "đường sắt", "xăng dầu", "dược phẩm", "thực phẩm", "lương thực", "cơ khí", "khoáng sản",
    "chi cục", "ủy ban", "hội đồng", "văn phòng",
)
_WORD_SET = frozenset(_WORDS)
_KEEP_LOWER = frozenset({"và", "của", "cho", "tại", "thuộc", "trực thuộc", "số", "cơ sở", "bộ phận", "thành viên"})
_LEVELS = frozenset({"tỉnh", "thành phố", "huyện", "quận", "thị xã", "xã", "phường", "thị trấn", "ngành"})
_VOWELS = re.compile(r"[aăâeêioôơuưyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ]", re.I)
_LONGEST = max(len(w.split()) for w in _WORDS)


def organisation_case(heading: str) -> str:
    """``heading`` in capitals (``CÔNG ĐOÀN CÔNG TY CỔ PHẦN CAO SU HƯỚNG HÓA``) as a name is written
    (``Công đoàn Công ty Cổ phần Cao su Hướng Hóa``)."""
    syllables = heading.split()
    low = [s.lower() for s in syllables]
    out: list[str] = []
    k = 0
    if low[:2] == ["công", "đoàn"]:
        out, k = ["Công", "đoàn"], 2
    while k < len(syllables):
        raw = syllables[k]
        if any(ch.isdigit() for ch in raw) or not _VOWELS.search(raw):
            out.append(raw)  # a number, an abbreviation (THPT, CĐCS)
            k += 1
            continue
        for size in range(_LONGEST, 0, -1):
            phrase = " ".join(low[k:k + size])
            if len(low[k:k + size]) == size and (phrase in _KEEP_LOWER or phrase in _LEVELS or phrase in _WORD_SET):
                break
        else:
            size, phrase = 1, low[k]
        if phrase in _KEEP_LOWER or phrase in _LEVELS:
            out.extend(low[k:k + size])
        elif phrase in _WORD_SET:
            first, *rest = low[k:k + size]
            out.extend([first[:1].upper() + first[1:], *rest])
        else:  # a syllable of a proper name
            out.append(low[k][:1].upper() + low[k][1:])
        k += size
    return " ".join(out)
