"""The Telex composer: keys typed for one word -> the Vietnamese word (table)."""

from __future__ import annotations

import pytest

from kiosk.ui.telex import compose_word


@pytest.mark.parametrize(("keys", "word"), [
    ("Nguyeenx", "Nguyễn"), ("Vawn", "Văn"), ("Aan", "Ân"), ("Thij", "Thị"),
    ("Hoaf", "Hòa"), ("Thuyr", "Thủy"), ("Hoafng", "Hoàng"), ("Trinhj", "Trịnh"),
    ("Phuowng", "Phương"), ("Huwowng", "Hương"), ("dduwowngf", "đường"), ("Ngocj", "Ngọc"),
    ("Ddaji", "Đại"), ("Ddoox", "Đỗ"), ("Leex", "Lễ"), ("Lowij", "Lợi"), ("Thaor", "Thảo"),
    ("Hieeus", "Hiếu"), ("Tuaans", "Tuấn"), ("Khuyeens", "Khuyến"), ("Yeens", "Yến"),
    ("quoocs", "quốc"), ("gias", "giá"), ("gif", "gì"), ("ngoaif", "ngoài"),
    ("Muaf", "Mùa"), ("Nguwowcj", "Ngược"), ("uyeen", "uyên"), ("khuya", "khuya"),
    ("Bichs", "Bích"), ("Hoongf", "Hồng"), ("Trang", "Trang"), ("Lan", "Lan"),
])
def test_words(keys: str, word: str) -> None:
    assert compose_word(keys) == word


@pytest.mark.parametrize(("keys", "word"), [
    ("aaa", "aa"),  # a third a undoes the hat
    ("ddd", "dd"),
    ("Lyss", "Lys"),  # the same tone twice: no tone, the letter stays
    ("Hoafz", "Hoa"),  # z removes the tone
    ("Hoafs", "Hóa"),  # another tone replaces it
    ("s", "s"), ("Sown", "Sơn"),  # a tone key before any vowel is a letter
    ("w", "ư"), ("", ""),
    ("NGUYEENX", "NGUYỄN"),  # capitals kept
])
def test_undo_replace_and_letters(keys: str, word: str) -> None:
    assert compose_word(keys) == word
