"""Vietnamese byte encodings older than Unicode: TCVN3 (ABC), VNI and Windows-1258.

Plans written on old Word installs still arrive as plain text in these
encodings. Each decoder is a small table written here (Python has cp1258 but
neither TCVN3 nor VNI). `decode_vietnamese` tries every candidate and keeps
the one whose result reads most like Vietnamese: most letters of the
Vietnamese alphabet, fewest stray Latin-1 symbols. TCVN3 loses the case of
capitals with tone marks; `recase_tcvn3` puts it back where the text around
them is written in capitals. Pure functions.
"""

from __future__ import annotations

import re
import unicodedata

# TCVN3 (ABC): one byte per precomposed lowercase letter; capitals with tone
# marks used a separate "H" font with the same bytes, so they decode to lowercase
# (`recase_tcvn3` restores them from the letters around them).
_TCVN3 = {
    0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ",
    0xA8: "ă", 0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xC6: "ặ",
    0xA9: "â", 0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ",
    0xA7: "Đ", 0xAE: "đ",
    0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ",
    0xAA: "ê", 0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ",
    0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị",
    0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ",
    0xAB: "ô", 0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
    0xAC: "ơ", 0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
    0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ",
    0xAD: "ư", 0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự",
    0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ",
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư",
}

# VNI: a base letter followed by mark bytes (read through cp1252). Tone marks:
_VNI_TONES = {"ù": "\u0301", "ø": "\u0300", "û": "\u0309", "õ": "\u0303", "ï": "\u0323"}
# circumflex + tone in one byte (after a, e, o), breve + tone (after a):
_VNI_CIRCUMFLEX = {"â": "", "á": "\u0301", "à": "\u0300", "å": "\u0309", "ã": "\u0303", "ä": "\u0323"}
_VNI_BREVE = {"ê": "", "é": "\u0301", "è": "\u0300", "ú": "\u0309", "ü": "\u0303", "ë": "\u0323"}
# single bytes that are letters on their own:
_VNI_LETTERS = {"ô": "ơ", "Ô": "Ơ", "ö": "ư", "Ö": "Ư", "ñ": "đ", "Ñ": "Đ",
                "ì": "ì", "Ì": "Ì", "í": "í", "Í": "Í", "æ": "ỉ", "Æ": "Ỉ", "ó": "ĩ", "Ó": "Ĩ", "ò": "ị", "Ò": "Ị"}

VIETNAMESE_LETTERS = frozenset(
    "aàảãáạăằẳẵắặâầẩẫấậbcdđeèẻẽéẹêềểễếệghiìỉĩíịklmnoòỏõóọôồổỗốộơờởỡớợpqrstuùủũúụưừửữứựvxyỳỷỹýỵ"
)


# The table's lowercase letters: in the capitals font the same bytes showed capitals.
_CASE_LOST = frozenset(v for v in _TCVN3.values() if v.islower())
_WORD = re.compile(r"[^\W\d_]+")


def _shouted(word: str) -> bool:
    """A word in capitals whose toned letters came out lowercase: "HOạCH", "ĐOàN" (not "Đà", "Hà")."""
    capitals = sum(1 for ch in word if ch.isupper())
    return (capitals >= 2 and any(ch in _CASE_LOST for ch in word)
            and not any(ch.islower() and ch not in _CASE_LOST for ch in word))


def _recase_line(line: str) -> str:
    words = list(_WORD.finditer(line))
    if not any(_shouted(m.group()) for m in words):
        return line
    if not any(ch.islower() and ch not in _CASE_LOST for ch in line):
        # The whole line is in capitals ("Kế HOạCH" is "KẾ HOẠCH"): short words too.
        return "".join(ch.upper() if ch in _CASE_LOST else ch for ch in line)
    out = list(line)
    for m in words:
        if _shouted(m.group()):
            out[m.start():m.end()] = m.group().upper()
    return "".join(out)


def recase_tcvn3(text: str) -> str:
    """Capitals back where TCVN3 lost them: a word whose other letters are all capitals (at least two)
    gets its lowercase-decoded letters in capitals ("HOạCH" → "HOẠCH", "CÔNG ĐOàN" → "CÔNG ĐOÀN");
    on a line that has such a word and no other lowercase letter, every word does ("Kế HOạCH" → "KẾ HOẠCH").
    Words in ordinary case ("Công", "Đoàn", "Hà Nội", "Đà") are left as they are."""
    return "".join(_recase_line(line) for line in text.splitlines(keepends=True))


def decode_tcvn3(raw: bytes) -> str:
    return recase_tcvn3("".join(_TCVN3.get(b, chr(b)) if b >= 0x80 else chr(b) for b in raw))


def decode_vni(raw: bytes) -> str:
    text = raw.decode("cp1252", errors="replace")
    out: list[str] = []
    for ch in text:
        low = ch.lower()
        prev = out[-1] if out else ""
        base = prev[:1].lower()
        upper = prev[:1].isupper()
        if base in "aeiouyơư" and base and low in _VNI_TONES:
            out[-1] = unicodedata.normalize("NFC", prev + _VNI_TONES[low])
        elif base in "aeo" and base and low in _VNI_CIRCUMFLEX and len(prev) == 1:
            letter = unicodedata.normalize("NFC", prev + "\u0302" + _VNI_CIRCUMFLEX[low])
            out[-1] = letter.upper() if upper else letter
        elif base == "a" and low in _VNI_BREVE and len(prev) == 1:
            letter = unicodedata.normalize("NFC", prev + "\u0306" + _VNI_BREVE[low])
            out[-1] = letter.upper() if upper else letter
        elif ch in _VNI_LETTERS:
            out.append(_VNI_LETTERS[ch])
        else:
            out.append(ch)
    return "".join(out)


def decode_cp1258(raw: bytes) -> str:
    # cp1258 writes tones as combining marks after the letter: NFC composes them.
    return unicodedata.normalize("NFC", raw.decode("cp1258", errors="replace"))


# Words in nearly every Vietnamese paragraph: a wrong table turns them into nonsense.
COMMON_WORDS = frozenset(
    "và các của năm ngày được người trong với những không một có là cho động việt nam tháng đợt thực hiện "
    "công đoàn thi đua lao kỷ niệm thành lập chào mừng tổ chức về đến từ phát kế hoạch cấp tỉnh".split()
)


def vietnamese_score(text: str) -> int:
    """Higher when the text reads like Vietnamese: common words count most, stray symbols cost."""
    score = 10 * sum(1 for w in text.lower().split() if w.strip(",.;:()") in COMMON_WORDS)
    for ch in text:
        if ord(ch) < 0x80:
            continue
        if ch.lower() in VIETNAMESE_LETTERS:
            score += 2
        elif unicodedata.category(ch) in ("Pi", "Pf", "Pd", "Zs"):  # quotes and dashes are common
            continue
        else:
            score -= 3
    return score


DECODERS = {"windows-1258": decode_cp1258, "tcvn3": decode_tcvn3, "vni": decode_vni}


def decode_vietnamese(raw: bytes) -> tuple[str, str]:
    """Best decoding of legacy bytes: (text, encoding name)."""
    best = max(DECODERS.items(), key=lambda kv: vietnamese_score(kv[1](raw)))
    return best[1](raw), best[0]


def encode_tcvn3(text: str) -> bytes:
    """For tests and fixtures: Unicode to TCVN3. Capitals with tones are written with the bytes of
    their lowercase letter, as the separate capitals font did: the bytes of "KẾ HOẠCH" and of "Kế HOạCH"
    are the same; `decode_tcvn3` reads them back in capitals where the letters around them are
    capitals (see `recase_tcvn3`), in lowercase elsewhere ("Ủy" comes back as "ủy")."""
    reverse = {v: k for k, v in _TCVN3.items()}
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        if ord(ch) < 0x80:
            out.append(ord(ch))
        elif ch in reverse:
            out.append(reverse[ch])
        elif ch.lower() in reverse:
            out.append(reverse[ch.lower()])
        else:
            out += ch.encode("cp1252", errors="replace")
    return bytes(out)


def encode_vni(text: str) -> bytes:
    """For tests and fixtures: Unicode to VNI bytes."""
    tones = {v: k for k, v in _VNI_TONES.items()}
    circ = {v: k for k, v in _VNI_CIRCUMFLEX.items()}
    breve = {v: k for k, v in _VNI_BREVE.items()}
    letters = {v: k for k, v in _VNI_LETTERS.items() if v not in "ìÌíÍ"}
    out: list[str] = []
    for ch in unicodedata.normalize("NFC", text):
        if ch in letters:
            out.append(letters[ch])
            continue
        parts = unicodedata.normalize("NFD", ch)
        base, marks = parts[0], parts[1:]
        if ord(base) >= 0x80 or not marks:
            out.append(ch)
            continue
        tone = next((m for m in marks if m in tones or m in ("\u0301", "\u0300", "\u0309", "\u0303", "\u0323")), "")
        if "\u0302" in marks:
            code = circ[tone]
        elif "\u0306" in marks:
            code = breve[tone]
        elif "\u031b" in marks:  # horn: ơ/ư are letters of their own in VNI
            code = ((letters["ơ" if base.lower() == "o" else "ư"]).upper() if base.isupper()
                    else letters["ơ" if base == "o" else "ư"])
            out.append(code + (tones[tone] if tone else ""))
            continue
        else:
            code = tones.get(tone, "")
        out.append(base + (code.upper() if base.isupper() else code))
    return "".join(out).encode("cp1252")


def encode_cp1258(text: str) -> bytes:
    """For tests and fixtures: Unicode to Windows-1258 (letters with a tone become letter + tone mark)."""
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        tone = "".join(c for c in parts if c in tones)
        out += base.encode("cp1258") + tone.encode("cp1258")
    return bytes(out)
