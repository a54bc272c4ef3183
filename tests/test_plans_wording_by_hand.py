"""Titles cut from a sentence keep the quotes of the name inside them (passages written for these tests)."""

from __future__ import annotations

import pytest

from scheduler.plans.text import cap
from tests.plan_reading import read


@pytest.mark.parametrize(("text", "title"), [
    ('Liên hoan văn nghệ "Sắc màu áo trắng" ', 'Liên hoan văn nghệ "Sắc màu áo trắng"'),
    ("Hội thi “Tìm hiểu pháp luật lao động”.", "Hội thi “Tìm hiểu pháp luật lao động”"),
    ('"Tết sum vầy"', "Tết sum vầy"),  # wholly quoted: the quotes go, as before
    ("- tổng kết phong trào;", "Tổng kết phong trào"),
])
def test_a_cut_title_keeps_its_names_quotes(text: str, title: str) -> None:
    assert cap(text) == title


def test_an_events_name_in_quotes_keeps_its_closing_quote() -> None:
    f = read('KẾ HOẠCH\nHoạt động năm 2027\n\nLiên hoan văn nghệ "Giai điệu công nhân" tổ chức vào ngày 24/4/2027 '
             "tại Nhà văn hóa Lao động tỉnh.")
    (event,) = f.events
    assert event.title == 'Liên hoan văn nghệ "Giai điệu công nhân"'
