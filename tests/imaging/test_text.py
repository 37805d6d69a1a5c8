"""CJK text layout: line breaking, ellipsizing, fitting and letter spacing, measured with the
real fonts."""

from __future__ import annotations

import itertools

from PIL import Image, ImageDraw

from backend.imaging import text
from backend.imaging.fonts import Face, font

LONG_URL = "https://diandian.example/verify/DD-2026-000123?c=" + "eyJiIjoi5byg5LiJ" * 18


def test_wrap_breaks_cjk_anywhere_and_urls_inside_long_words() -> None:
    f = font(Face.sans, 20)
    lines = text.wrap(f, "川西林盘" * 20, 200, 3)
    assert len(lines) == 3
    assert lines[-1].endswith(text.ELLIPSIS)
    assert all(f.getlength(line) <= 200 for line in lines)
    lines = text.wrap(f, LONG_URL, 600, 10)
    assert "".join(lines) == LONG_URL
    assert all(f.getlength(line) <= 600 for line in lines)
    assert f.getlength(lines[0]) > 0.6 * 600  # not broken before the long query string


def test_wrap_never_starts_a_line_with_closing_punctuation() -> None:
    f = font(Face.sans, 20)
    for width in range(120, 260, 7):
        for line in text.wrap(f, "已注销经核证的碳信用，用于会议。再见，朋友。" * 2, width, 9):
            assert line[0] not in "，。"


def test_numbers_are_never_broken() -> None:
    f = font(Face.sans, 20)
    line = "CCER 2021 · 川西林盘生态碳汇项目 · 四川省 · 4.000 t · 1,234 次"
    for width in range(150, 700, 3):
        lines = text.wrap(f, line * 2, width, 20)
        assert not any(a[-1] in ".," and b[:1].isdigit() for a, b in itertools.pairwise(lines))


def test_latin_breaks_after_spaces() -> None:
    f = font(Face.sans, 20)
    lines = text.wrap(f, "has retired verified carbon credits for the meeting", 200, 5)
    assert " ".join(lines) == "has retired verified carbon credits for the meeting"


def test_ellipsize_at_the_end_or_in_the_middle() -> None:
    f = font(Face.sans, 16)
    serials = "CCER-2021-000000100234–CCER-2021-000000100236"
    end = text.ellipsize(f, serials, 150)
    middle = text.ellipsize(f, serials, 150, middle=True)
    assert end.endswith(text.ELLIPSIS)
    assert serials.startswith(end[:-1])
    head, tail = middle.split(text.ELLIPSIS)
    assert serials.startswith(head)
    assert serials.endswith(tail)
    assert tail
    assert max(text.text_width(f, end), text.text_width(f, middle)) <= 150
    assert text.ellipsize(f, "短", 150) == "短"


def test_fit_size_is_the_largest_that_fits_down_to_the_minimum() -> None:
    name = "欧阳娜娜·成都环交所（测试）"
    size = text.fit_size(Face.serif_bold, name, 64, 40, 700)
    assert text.text_width(font(Face.serif_bold, size), name) <= 700
    assert 40 <= size < 64
    assert text.fit_size(Face.serif_bold, name * 4, 64, 40, 700) == 40


def test_tracked_text_is_as_wide_as_measured() -> None:
    f = font(Face.serif_bold, 40)
    img = Image.new("L", (800, 100), 0)
    text.tracked(ImageDraw.Draw(img), (400, 70), "碳中和证书", f, 255, 8)
    left, _, right, _ = img.getbbox() or (0, 0, 0, 0)
    width = text.tracked_width(f, "碳中和证书", 8)
    assert abs((right - left) - width) < 8  # ink is a little narrower than the advances
    assert abs((left + right) / 2 - 400) < 4  # centred on x
