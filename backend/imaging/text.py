"""CJK text layout: measuring, line breaking, wrapping, ellipsizing, fitting, letter spacing.

Chinese may break between any two characters (never before closing punctuation), Latin after
spaces and punctuation, and a word longer than the line (a URL) anywhere. Widths are Pillow's
advances, cached per font and string: labels, statuses and names recur on every image.
"""

from __future__ import annotations

import bisect
import itertools
from functools import lru_cache

from PIL import ImageDraw, ImageFont

from backend.imaging.fonts import Face, font
from backend.imaging.palette import Color

ELLIPSIS = "…"

_BREAK_AFTER = frozenset(" -–—/·，。、；：）】》」』,.;:!?)&=?")
_NO_BREAK_BEFORE = frozenset("，。、；：）】》」』,.;:!?)")


@lru_cache(maxsize=8192)
def text_width(f: ImageFont.FreeTypeFont, text: str) -> float:
    """The advance width of `text` in `f`."""
    return float(f.getlength(text))


@lru_cache(maxsize=8192)
def _advance(f: ImageFont.FreeTypeFont, ch: str) -> float:
    return float(f.getlength(ch))


def line_gap(size: int, leading: float = 1.38) -> int:
    """The distance between baselines for type of `size` px."""
    return round(size * leading)


def is_cjk(ch: str) -> bool:
    """A CJK ideograph, radical, symbol or full-width form: a line may break around it."""
    o = ord(ch)
    return 0x2E80 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0xFF00 <= o <= 0xFFEF or o > 0x20000


def break_points(text: str, upto: int) -> list[int]:
    """Indices (up to `upto`) where a line may end: after spaces and punctuation, and
    between CJK characters (never before closing punctuation, nor inside a number such as
    4.000 or 1,234)."""
    points = []
    for i in range(1, min(len(text), upto + 1)):
        prev, ch = text[i - 1], text[i]
        if ch in _NO_BREAK_BEFORE or (prev in ".," and ch.isdigit()):
            continue
        if prev in _BREAK_AFTER or is_cjk(prev) or is_cjk(ch):
            points.append(i)
    return points


def ellipsize(f: ImageFont.FreeTypeFont, text: str, max_w: float, middle: bool = False) -> str:
    """`text` cut with an ellipsis (at the end, or in the middle) so that it fits in `max_w`."""
    if text_width(f, text) <= max_w:
        return text
    lo, hi = 0, len(text)
    while lo < hi:  # the most characters kept that still fit
        mid = (lo + hi + 1) // 2
        if text_width(f, _cut(text, mid, middle)) <= max_w:
            lo = mid
        else:
            hi = mid - 1
    return _cut(text, lo, middle)


def _cut(text: str, keep: int, middle: bool) -> str:
    """`text` with `keep` of its characters and an ellipsis, at the end or in the middle."""
    if middle:
        head, tail = text[: (keep + 1) // 2], text[len(text) - keep // 2 :]
        return head.rstrip() + ELLIPSIS + tail.lstrip()
    return text[:keep].rstrip() + ELLIPSIS


def wrap(f: ImageFont.FreeTypeFont, text: str, max_w: float, max_lines: int) -> list[str]:
    """Greedy line breaking (CJK anywhere, Latin after spaces and punctuation or, for a word
    longer than the line, anywhere); the last line is ellipsized if the text does not fit in
    `max_lines`. Candidate breaks come from summed character advances, and each line is then
    checked with its real width."""
    text = " ".join(text.split())
    lines: list[str] = []
    while text:
        if text_width(f, text) <= max_w:
            lines.append(text)
            break
        if len(lines) == max_lines - 1:
            lines.append(ellipsize(f, text, max_w))
            break
        end = _line_end(f, text, max_w)
        lines.append(text[:end].rstrip())
        text = text[end:].lstrip()
    return lines


def _line_end(f: ImageFont.FreeTypeFont, text: str, max_w: float) -> int:
    """Where the first line of `text` ends when it is broken to fit `max_w`."""
    widths = list(itertools.accumulate(_advance(f, ch) for ch in text))
    fits = max(1, bisect.bisect_right(widths, max_w))  # characters that fit, estimated
    candidates = break_points(text, fits)
    if not candidates or widths[candidates[-1] - 1] < 0.6 * max_w:
        candidates.append(fits)  # a long word or URL: break inside it, not before it
    best = candidates.pop()
    while best > 1 and text_width(f, text[:best].rstrip()) > max_w:
        best = candidates.pop() if candidates else best - 1
    return best


def fit_size(face: Face, text: str, start: int, minimum: int, max_w: float) -> int:
    """The largest size from `start` down to `minimum` at which `text` fits on one line."""
    size = start
    while size > minimum:
        if text_width(font(face, size), text) <= max_w:
            return size
        size = max(minimum, int(size * 0.92))
    return minimum


def tracked_width(f: ImageFont.FreeTypeFont, text: str, tracking: float) -> float:
    """The width of `text` drawn with `tracking` px between its characters."""
    return sum(text_width(f, ch) for ch in text) + tracking * (len(text) - 1)


def tracked(
    draw: ImageDraw.ImageDraw,
    xy: tuple[float, float],
    text: str,
    f: ImageFont.FreeTypeFont,
    fill: Color | int,
    tracking: float,
    anchor: str = "ms",
) -> None:
    """Text with extra letter spacing (`tracking` px between characters), anchored at the
    baseline: "ls" left, "ms" centre, "rs" right."""
    widths = [text_width(f, ch) for ch in text]
    total = sum(widths) + tracking * (len(text) - 1)
    x, y = xy
    if anchor[0] == "m":
        x -= total / 2
    elif anchor[0] == "r":
        x -= total
    for ch, w in zip(text, widths, strict=True):
        draw.text((x, y), ch, font=f, fill=fill, anchor="ls")
        x += w + tracking
