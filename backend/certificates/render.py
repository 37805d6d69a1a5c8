"""The certificate as a PNG: A4 portrait, Chinese first and English second, with a QR to verify.

`render_png(view, width)` draws a `CertificateView` at `width` pixels (600 to 2480; 1240 is A4 at
150 dpi, 2480 at 300 dpi) and `round(width * √2)` high. Small widths are a phone's share image:
small type is relatively larger there (`Metrics.size`), the body's spacing stretches to fill the
page when the credit table is short, and the table shows what fits, then "+k more".

How a first render at 1240 px stays around 20 ms (docs/benchmarks.md, "Certificates", has figures):

- What does not depend on the view (paper, frame, watermark, brand, title, footer labels, QR
  caption) is drawn once per width into a cached layer (`layer`); a render crops the part it
  draws on (`dirty_box`) and draws only the view's parts there.
- Fonts are loaded once (`imaging.fonts.font`), and each string is rasterised once per font and
  then only pasted (`imaging.pen.Pen.text`), except one-off strings (the name, the number, the
  URL).
- The QR symbol comes from `qrcode` with a fixed mask (`imaging.qr.MASK`): about 4 ms instead of
  20 ms for `qrcode` to score all eight masks; it is cached per URL.
- The page is mapped to the fixed palette (`imaging.palette`: the design's colours and 16
  anti-aliasing steps between each pair that meet) and written as an 8-bit palette PNG at zlib
  level 3: Pillow filters every row of an RGB PNG adaptively, about 30 ms at 1240 px, and a
  palette image is smaller too.

The fonts, text layout, palette and QR are the shared `backend.imaging`; this module is the
certificate's own layout.

Output is deterministic: the same view and width give the same bytes (no time, no metadata other
than the physical size, which makes 1240 px print at 150 dpi and 2480 px at 300 dpi).
Renders run in a bounded pool of child processes (CERTIFICATE_RENDER_PROCESSES, see `render_png`).
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from backend.certificates.view import (
    POOLED_RETIREMENT,
    CertificateStatus,
    CertificateView,
    CreditLine,
    RegistryStatus,
    mass_label,
)
from backend.imaging import palette, qr
from backend.imaging.fonts import Face, font
from backend.imaging.palette import (
    AMBER,
    GOLD,
    GOLD_PALE,
    INDIGO,
    INK,
    JADE,
    MIST,
    MUTED,
    PAPER,
    RED,
    WHITE,
    blend,
)
from backend.imaging.pen import Pen
from backend.imaging.processes import RenderPool
from backend.imaging.text import (
    ELLIPSIS,
    ellipsize,
    fit_size,
    line_gap,
    text_width,
    tracked,
    tracked_width,
    wrap,
)

MIN_WIDTH = 600
MAX_WIDTH = 2480
DEFAULT_WIDTH = 1240  # A4 at 150 dpi; MAX_WIDTH is A4 at 300 dpi
A4_WIDTH_IN = 210 / 25.4
PNG_COMPRESS_LEVEL = 3  # palette image, unfiltered; docs/benchmarks.md weighs the trade-off

MAX_CREDIT_ROWS = 8  # rows (blocks of units) shown before "+k more", if the page has room

EN_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# Fixed labels drawn on every certificate (the tests check each has a glyph in its font).
TITLE_ZH = "碳中和证书"
TITLE_EN = "CARBON NEUTRALITY CERTIFICATE"
BRAND_ZH = "点点"
BRAND_EN = "DIANDIAN"
CERTIFY_ZH = "兹证明"
CERTIFY_EN = "This is to certify that"
RETIRED_ZH = "已注销经核证的碳信用，用于"
RETIRED_EN = "has retired verified carbon credits for"
STAT_RETIRED = ("注销量", "Retired")
STAT_FOOTPRINT = ("碳足迹", "Footprint")
CO2E = "CO2e"
COLUMNS = (
    ("标准 · 年份", "Standard · Vintage"),
    ("项目 · 序列号", "Project · Serials"),
    ("数量 · 登记状态", "Mass · Registry status"),
)
STATUS_TEXT = {
    RegistryStatus.retired: ("已在登记簿注销", "Retired at registry"),
    RegistryStatus.pending: ("已分配，登记注销待办", "Allocated, registry retirement pending"),
}
REF_LABEL = "注销编号 Ref"  # before a registry batch reference
DUE_LABEL = "截止 Due"  # before the date a pending unit must be retired at the registry by
MORE_ZH = "另有 {k} 项，扫码查看全部"
MORE_EN = "+{k} more, scan to see all"
FOOTER_LABELS = (
    ("证书编号", "Certificate No."),
    ("签发日期", "Date of issue"),
    ("签发机构", "Issuer"),
)
SCAN_ZH = "扫码验证"
SCAN_EN = "Scan to verify"
CODE_ZH = "校验码"
CODE_EN = "Check code"
JUDICIAL_ZH = "司法修复 · 不可转让"
JUDICIAL_EN = "Judicial restoration · non-transferable"
REVOKED_ZH = "已撤销"
REVOKED_EN = "REVOKED"
SANDBOX_ZH = "测试 · 非真实抵消"
SANDBOX_EN = "SANDBOX · not a real offset"
FIXED_TEXT = (
    TITLE_ZH,
    TITLE_EN,
    BRAND_ZH,
    BRAND_EN,
    CERTIFY_ZH,
    CERTIFY_EN,
    RETIRED_ZH,
    RETIRED_EN,
    *STAT_RETIRED,
    *STAT_FOOTPRINT,
    CO2E,
    *(label for pair in COLUMNS for label in pair),
    *(label for pair in STATUS_TEXT.values() for label in pair),
    REF_LABEL,
    DUE_LABEL,
    MORE_ZH,
    MORE_EN,
    *POOLED_RETIREMENT,
    *(label for pair in FOOTER_LABELS for label in pair),
    SCAN_ZH,
    SCAN_EN,
    CODE_ZH,
    CODE_EN,
    JUDICIAL_ZH,
    JUDICIAL_EN,
    REVOKED_ZH,
    REVOKED_EN,
    SANDBOX_ZH,
    SANDBOX_EN,
    ELLIPSIS,
    "年月日–—·",
)


def page_size(width: int) -> tuple[int, int]:
    """(width, height) of the certificate at `width` pixels; ValueError outside 600-2480."""
    if isinstance(width, bool) or not isinstance(width, int):
        raise ValueError(f"width must be an integer, not {width!r}")
    if not MIN_WIDTH <= width <= MAX_WIDTH:
        raise ValueError(f"width must be between {MIN_WIDTH} and {MAX_WIDTH} pixels, not {width}")
    return width, round(width * math.sqrt(2))


def date_zh(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def date_en(d: date) -> str:
    return f"{d.day} {EN_MONTHS[d.month - 1]} {d.year}"


# --------------------------------------------------------------------------------------------
# Geometry: one set of measures per width


@dataclass(frozen=True)
class Metrics:
    width: int
    height: int
    s: float  # geometry scale: 1.0 at 1240 px
    boost: float  # how much larger small type is, relative to the page, than at 1240 px

    def px(self, v: float) -> int:
        """A length in design pixels (1240 wide) at this width, at least 1."""
        return max(1, round(v * self.s))

    def size(self, v: float, minimum: int = 11) -> int:
        """A font size given in design pixels, at this width, never under `minimum` px.

        Small type gets the whole boost (readable on a phone), display type (60 px and more)
        none: a title that is large at 1240 px is still large at 600."""
        fade = min(1.0, max(0.0, (60 - v) / 44))
        return max(minimum, round(v * self.s * self.boost**fade))

    def gap(self, v: float) -> int:
        """A vertical space in design pixels: between the page's scale and the type's."""
        return max(1, round(v * self.s * math.sqrt(self.boost)))

    @property
    def frame(self) -> int:
        """Distance from the page edge to the outer edge of the frame."""
        return self.px(30)

    @property
    def left(self) -> int:
        """Left edge of the content."""
        return self.px(108)

    @property
    def right(self) -> int:
        return self.width - self.left

    @property
    def content(self) -> int:
        return self.right - self.left


@lru_cache(maxsize=32)
def metrics(width: int) -> Metrics:
    w, h = page_size(width)
    s = w / DEFAULT_WIDTH
    # Small type shrinks more slowly than the page: at 600 px (a phone's share image) it is
    # about 1.5 times larger relative to the page than at 1240; at 2480 it is twice 1240.
    boost = (DEFAULT_WIDTH / w) ** 0.55 if w < DEFAULT_WIDTH else 1.0
    return Metrics(w, h, s, boost)


# --------------------------------------------------------------------------------------------
# The cached layer: everything that does not depend on the view


@dataclass(frozen=True)
class Layout:
    """Positions shared by the cached layer and the per-view drawing, for one width."""

    m: Metrics
    body_top: int  # first y below the title block
    footer_top: int  # the rule above the footer: nothing of the body goes below it
    qr_box: tuple[int, int, int, int]  # the white card holding the QR and its quiet zone
    # (drawn per view: a very long URL makes it larger, growing up and to the left)
    qr_min_module: int  # px a module below which a weaker error correction is used
    values_x: int  # where the footer values start
    values_right: int  # right limit of the footer values
    value_rows: tuple[int, int, int]  # baselines of the footer values
    url_top: int  # top of the URL lines at the bottom
    url_width: int  # their width, clear of the corner frets


@lru_cache(maxsize=4)
def layer(width: int) -> tuple[Image.Image, Layout]:
    """The background for `width`: paper, frame, watermark, brand, title, footer labels and
    QR card. Cached (6.5 MB at 1240 px, 26 MB at 2480); never drawn on, only copied."""
    m = metrics(width)
    img = Image.new("RGB", (m.width, m.height), PAPER)
    d = ImageDraw.Draw(img)
    _watermark(img, m)
    _frame(d, m)
    body_top = _header(d, m)
    lay = _footer_static(d, m, body_top)
    return img, lay


def _frame(d: ImageDraw.ImageDraw, m: Metrics) -> None:
    """A jade band, a gold double rule inside it, and a gold fret (回纹) in each corner."""
    w, h = m.width, m.height
    o = m.frame
    band = m.px(9)
    d.rectangle((o, o, w - 1 - o, h - 1 - o), outline=JADE, width=band)
    g1 = o + band + m.px(7)
    d.rectangle((g1, g1, w - 1 - g1, h - 1 - g1), outline=GOLD, width=m.px(2.4))
    g2 = g1 + m.px(6)
    d.rectangle((g2, g2, w - 1 - g2, h - 1 - g2), outline=GOLD_PALE, width=m.px(1))
    unit = 8 * m.s
    lw = m.px(2.2)
    inset = g2 + m.px(14)
    r = max(2, round(unit * 0.5))
    for cx, cy, sx, sy in (
        (inset, inset, 1, 1),
        (w - 1 - inset, inset, -1, 1),
        (inset, h - 1 - inset, 1, -1),
        (w - 1 - inset, h - 1 - inset, -1, -1),
    ):

        def at(
            x: float, y: float, cx: int = cx, cy: int = cy, sx: int = sx, sy: int = sy
        ) -> tuple[float, float]:
            return cx + sx * x * unit, cy + sy * y * unit

        for path in (
            [(0, 26), (0, 0), (26, 0)],
            [(0, 9), (9, 9), (9, 3), (3, 3), (3, 6), (6, 6)],
            [(9, 0), (9, 3)],
        ):
            d.line([at(x, y) for x, y in path], fill=GOLD, width=lw, joint="curve")
        for x, y in ((0, 28.5), (28.5, 0)):
            px_, py_ = at(x, y)
            d.polygon([(px_ - r, py_), (px_, py_ - r), (px_ + r, py_), (px_, py_ + r)], fill=GOLD)


def _watermark(img: Image.Image, m: Metrics) -> None:
    """A faint guilloche rosette behind the body, the way diplomas and banknotes have one."""
    cx, cy = m.width / 2, m.height * 0.56
    radius = m.width * 0.31
    mask = Image.new("L", (m.width, m.height), 0)
    d = ImageDraw.Draw(mask)
    lw = max(1, round(m.s * 1.1))
    # One hypotrochoid that closes after `small` turns: each line drawn here costs PNG bytes
    # on every certificate (two such curves made the 1240 px PNG 104 KiB instead of 87).
    big, small, depth = 30, 7, 0.9
    span = 2 * math.pi * small / math.gcd(big, small)
    reach = (big - small) + depth * small
    steps = 2400
    pts = []
    for i in range(steps + 1):
        a = span * i / steps
        x = (big - small) * math.cos(a) + depth * small * math.cos((big - small) / small * a)
        y = (big - small) * math.sin(a) - depth * small * math.sin((big - small) / small * a)
        pts.append((cx + x / reach * radius, cy + y / reach * radius))
    d.line(pts, fill=255, width=lw)
    img.paste(blend(PAPER, JADE, 0.09), (0, 0), mask)


def _header(d: ImageDraw.ImageDraw, m: Metrics) -> int:
    """Brand, title, subtitle and the ornament rule; returns the y where the body starts."""
    cx = m.width / 2
    y = m.px(104) + m.size(30)
    # the brand: two dots, jade and gold, then 点点 | DIANDIAN
    brand = font(Face.serif_bold, m.size(30))
    brand_en = font(Face.sans, m.size(13, 9))
    track_en = m.size(4, 1)
    r = round(m.size(30) * 0.36)
    w_zh = text_width(brand, BRAND_ZH)
    w_en = tracked_width(brand_en, BRAND_EN, track_en)
    gap = round(m.size(30) * 0.4)
    total = 3.4 * r + gap + w_zh + 2 * gap + w_en
    x = cx - total / 2
    dot_y = y - round(m.size(30) * 0.36)
    d.ellipse((x, dot_y - r, x + 2 * r, dot_y + r), fill=JADE)
    d.ellipse((x + 1.4 * r, dot_y - r, x + 3.4 * r, dot_y + r), fill=GOLD)
    x += 3.4 * r + gap
    d.text((x, y), BRAND_ZH, font=brand, fill=JADE, anchor="ls")
    x += w_zh + gap
    d.line(
        (x, y - round(m.size(30) * 0.82), x, y + round(m.size(30) * 0.08)),
        fill=GOLD_PALE,
        width=m.px(1.5),
    )
    x += gap
    tracked(d, (x, y - round(m.size(30) * 0.12)), BRAND_EN, brand_en, GOLD, track_en, "ls")
    # the title, and its English under it
    title_size = m.size(94)
    y += m.px(40) + title_size
    tracked(d, (cx, y), TITLE_ZH, font(Face.serif_bold, title_size), JADE, round(title_size * 0.2))
    sub_size = m.size(21)
    y += m.px(22) + sub_size
    sub = font(Face.serif, sub_size)
    track = round(sub_size * 0.34)
    while tracked_width(sub, TITLE_EN, track) > m.content and track > 1:
        track -= 1
    tracked(d, (cx, y), TITLE_EN, sub, GOLD, track)
    y += m.px(32)
    _ornament(d, m, cx, y, m.content * 0.42)
    return y + m.gap(8)


def _ornament(d: ImageDraw.ImageDraw, m: Metrics, cx: float, y: float, span: float) -> None:
    r = m.size(6, 3)
    lw = m.px(1.6)
    d.line((cx - span / 2, y, cx - r * 2.2, y), fill=GOLD, width=lw)
    d.line((cx + r * 2.2, y, cx + span / 2, y), fill=GOLD, width=lw)
    d.polygon([(cx - r, y), (cx, y - r), (cx + r, y), (cx, y + r)], fill=GOLD)
    rr = max(1, r // 2)
    for sx in (-1, 1):
        px_ = cx + sx * r * 2.2
        d.polygon([(px_ - rr, y), (px_, y - rr), (px_ + rr, y), (px_, y + rr)], fill=GOLD_PALE)


URL_LINES = 2


def url_font(m: Metrics) -> ImageFont.FreeTypeFont:
    return font(Face.sans, m.size(11.5, 9))


def corner_reach(m: Metrics) -> int:
    """How far the corner frets reach in from the page's edge, horizontally and vertically,
    where the URL lines run (the fret's square spiral)."""
    return m.frame + m.px(9 + 7 + 6 + 14) + round(9 * 8 * m.s)


def _footer_static(d: ImageDraw.ImageDraw, m: Metrics, body_top: int) -> Layout:
    """The footer, bottom up: URL lines, the QR card with its caption on the right, the labels
    on the left, and a rule above it all."""
    url_size = m.size(11.5, 9)
    bottom = m.height - m.px(70) - m.gap(6)
    url_top = bottom - URL_LINES * line_gap(url_size, 1.3)
    # the QR card, right-aligned with the content; its caption under it, on one line if it fits
    # 22 % of the width: a 300-character URL at Q from 1240 px on; never under 160 px (a
    # 300-character URL at M, 2 px a module). The card grows per view for longer URLs.
    box = max(round(m.width * 0.22), 160)
    cz, ce = m.size(16), m.size(12.5)
    f_cz, f_ce = font(Face.sans_bold, cz), font(Face.sans, ce)
    gap = round(cz * 0.5)
    one_line = text_width(f_cz, SCAN_ZH) + gap + text_width(f_ce, SCAN_EN) <= box
    caption_h = line_gap(cz, 1.25) + (0 if one_line else line_gap(ce, 1.25))
    card_bottom = url_top - m.gap(10) - caption_h
    card = (m.right - box, card_bottom - box, m.right, card_bottom)
    qcx = (card[0] + card[2]) / 2
    y = card_bottom + m.gap(6) + cz
    if one_line:
        x = qcx - (text_width(f_cz, SCAN_ZH) + gap + text_width(f_ce, SCAN_EN)) / 2
        d.text((x, y), SCAN_ZH, font=f_cz, fill=JADE, anchor="ls")
        d.text(
            (x + text_width(f_cz, SCAN_ZH) + gap, y), SCAN_EN, font=f_ce, fill=MUTED, anchor="ls"
        )
    else:
        d.text((qcx, y), SCAN_ZH, font=f_cz, fill=JADE, anchor="ms")
        d.text((qcx, y + line_gap(ce, 1.35)), SCAN_EN, font=f_ce, fill=MUTED, anchor="ms")
    # the labels, in three rows on the left, within the card's height
    lz, le = m.size(15), m.size(12)
    label_zh = font(Face.sans_bold, lz)
    label_en = font(Face.sans, le)
    row_h = round((box - m.gap(8)) / 3)
    first = card[1] + m.gap(8) + lz
    label_w = max(
        max(text_width(label_zh, zh) for zh, _ in FOOTER_LABELS),
        max(text_width(label_en, en) for _, en in FOOTER_LABELS),
    )
    rows = []
    for i, (zh, en) in enumerate(FOOTER_LABELS):
        base = first + i * row_h
        d.text((m.left, base), zh, font=label_zh, fill=MUTED, anchor="ls")
        d.text((m.left, base + line_gap(le, 1.45)), en, font=label_en, fill=MUTED, anchor="ls")
        rows.append(base)
    rule = card[1] - m.gap(22)  # drawn per view: a long URL's larger QR card moves it up
    reach = corner_reach(m) + m.px(24)
    return Layout(
        m=m,
        body_top=body_top,
        footer_top=rule,
        qr_box=card,
        qr_min_module=max(3, round(3 * m.s)),
        values_x=round(m.left + label_w + m.size(18)),
        values_right=card[0] - m.size(20),
        value_rows=(rows[0], rows[1], rows[2]),
        url_top=url_top,
        url_width=m.width - 2 * reach,
    )


# --------------------------------------------------------------------------------------------
# Per view


class _DryPen(Pen):
    """Measures without drawing: the body is laid out once dry to see what room it leaves."""

    def __init__(self) -> None:
        pass

    def text(self, *args: object, **kwargs: object) -> None:
        pass

    def line(self, *args: object, **kwargs: object) -> None:
        pass


_DRY = _DryPen()


@dataclass(frozen=True)
class Composition:
    """Where the per-view parts ended up (the tests check that nothing overlaps)."""

    body_bottom: int  # below the figures
    table_top: int
    table_bottom: int
    footer_top: int
    rows_shown: int
    rows_hidden: int
    pooled_note: bool  # the pooled-retirement statement is drawn under the table
    qr_level: str
    qr_version: int
    qr_module: int


RENDER_PROCESSES_ENV = "CERTIFICATE_RENDER_PROCESSES"
RENDER_BACKLOG_ENV = "CERTIFICATE_RENDER_BACKLOG"
RENDER_NICE = 10  # the children's niceness: requests served by the parent come first
# The widths the API offers: a phone's share image and WeChat's news thumbnail (600), the PWA's
# screen and A4 at 150 dpi (1240), A4 at 300 dpi for print (2480). Each has its cached layer.
PRESET_WIDTHS = (MIN_WIDTH, DEFAULT_WIDTH, MAX_WIDTH)


def _setting(value: str | None, default: int) -> int:
    try:
        return max(0, int(value or default))
    except ValueError:
        return default


def render_processes() -> int:
    """CERTIFICATE_RENDER_PROCESSES, read at each render: child processes per web worker
    (default 1; 0: renders run in the serving process, as the tests do)."""
    return _setting(os.environ.get(RENDER_PROCESSES_ENV), 1)


def render_backlog() -> int:
    """CERTIFICATE_RENDER_BACKLOG, read at each render: renders that may wait for a busy child
    (default 1); one more is refused (`imaging.processes.PoolFull`, 503 at the API)."""
    return _setting(os.environ.get(RENDER_BACKLOG_ENV), 1)


def warm_presets() -> None:
    """Build the preset widths' layers: what a render child does as it starts."""
    warm(PRESET_WIDTHS)


POOL = RenderPool(render_processes, render_backlog, nice=RENDER_NICE, warm=warm_presets)


def render_png(view: CertificateView, width: int = DEFAULT_WIDTH) -> bytes:
    """The certificate as PNG bytes, `width` × round(width·√2) px (width 600-2480).

    By default the render runs in a child process of this process (CERTIFICATE_RENDER_PROCESSES
    of them, 1 unless set), at a lower CPU priority: the serving process only waits, so a burst
    of renders neither holds its GIL nor takes the CPU from other requests. 0: here. Either way
    at most processes (at least 1) + CERTIFICATE_RENDER_BACKLOG renders run or wait at once in
    this process; beyond that `PoolFull` is raised at once."""
    page_size(width)  # validates, here, whatever process renders
    return POOL.run(_render_png, view, width)


def _render_png(view: CertificateView, width: int) -> bytes:
    return palette.png(page(view, width), PNG_COMPRESS_LEVEL, dpi=round(width / A4_WIDTH_IN))


def page(view: CertificateView, width: int = DEFAULT_WIDTH) -> Image.Image:
    """The certificate as a palette image, before it is encoded."""
    part, box, _ = _compose(view, width)
    # Only the part drawn per view is mapped to the palette; the rest of the page comes from
    # the cached layer, already mapped.
    out = layer_p(width).copy()
    out.paste(palette.quantize(part), box[:2])
    return out


def warm(widths: Sequence[int] = (DEFAULT_WIDTH,)) -> None:
    """Load the fonts and build the cached layers for `widths` now rather than on the first
    request (about 30 ms at 1240 px), e.g. from gunicorn's `post_worker_init`."""
    for width in widths:
        layer(width)
        layer_p(width)


def compose(view: CertificateView, width: int = DEFAULT_WIDTH) -> Composition:
    """Where the parts of the certificate go (drawing it, as `render_png` does)."""
    return _compose(view, width)[2]


@lru_cache(maxsize=4)
def layer_p(width: int) -> Image.Image:
    """The cached layer, mapped to the palette."""
    return palette.quantize(layer(width)[0])


def dirty_box(lay: Layout, view: CertificateView) -> tuple[int, int, int, int]:
    """The part of the page a view draws on: between the content's edges, from the body (or
    the sandbox tag) down to the URL lines."""
    m = lay.m
    top = m.px(60) if view.sandbox else lay.body_top
    bottom = lay.url_top + URL_LINES * line_gap(round(url_font(m).size), 1.3) + m.px(6)
    return m.left - m.px(4), top, m.right + m.px(4), min(m.height, bottom)


def _compose(
    view: CertificateView, width: int
) -> tuple[Image.Image, tuple[int, int, int, int], Composition]:
    page_size(width)  # validates
    base, lay = layer(width)
    m = lay.m
    box = dirty_box(lay, view)
    part = base.crop(box)
    d = Pen(part, box[:2])
    if view.sandbox:
        _sandbox_tag(d, m)
    symbol, choice, card_top = _qr(d, lay, view.verify_url)
    # the rule above the footer; higher than usual when a long URL made the QR card larger
    footer_top = min(lay.footer_top, card_top - (lay.qr_box[1] - lay.footer_top))
    d.line((m.left, footer_top, m.right, footer_top), fill=GOLD_PALE, width=m.px(1.2))
    _footer(d, lay, view)
    y = lay.body_top
    if view.judicial:
        y = _judicial_band(d, m, y + m.gap(16))
    # Measure the body with its tightest spacing, see how many credit rows fit under it, then
    # spread what room is left over the body's gaps (up to twice as wide), so that a
    # certificate with one credit line fills its page as well as one with eight.
    bottom = footer_top - m.gap(14)
    table_gap = m.gap(16)
    compact = False
    tight_end, gaps = _body(_DRY, m, view, y, 1.0, compact)
    plan = _plan_table(m, view.credits, bottom - tight_end - table_gap)
    if view.credits and not (plan.shown and plan.note):  # a long name and purpose, small page
        compact = True
        tight_end, gaps = _body(_DRY, m, view, y, 1.0, compact)
        plan = _plan_table(m, view.credits, bottom - tight_end - table_gap)
    spare = bottom - tight_end - table_gap - plan.height - m.px(4)
    stretch = 1.0 + min(1.0, max(0.0, spare / (gaps + 2 * table_gap)))
    # what is still left (few credit lines) goes half above the body, half below the table
    y += max(0, round((spare - (stretch - 1) * (gaps + 2 * table_gap)) / 2))
    body_bottom, _ = _body(d, m, view, y, stretch, compact)
    table_top = body_bottom + round(table_gap * stretch)
    table_bottom = _draw_table(d, m, plan, table_top)
    if view.status is CertificateStatus.revoked:
        _revoked(d, m)
    return (
        part,
        box,
        Composition(
            body_bottom=body_bottom,
            table_top=table_top,
            table_bottom=table_bottom,
            footer_top=footer_top,
            rows_shown=plan.shown,
            rows_hidden=len(plan.rows) - plan.shown,
            pooled_note=bool(plan.note),
            qr_level=choice.level,
            qr_version=symbol.version,
            qr_module=choice.module,
        ),
    )


def _sandbox_tag(d: Pen, m: Metrics) -> None:
    """A small amber pill above the brand: a sandbox certificate is not a real offset."""
    size = m.size(12.5, 10)
    f = font(Face.sans_bold, size)
    text = f"{SANDBOX_ZH}  {SANDBOX_EN}"
    pad = round(size * 0.7)
    w = text_width(f, text) + 2 * pad
    h = size + 2 * round(size * 0.45)
    cx, cy = m.width / 2, m.px(82)
    box = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
    d.rounded_rectangle(box, radius=h // 2, fill=PAPER, outline=AMBER, width=m.px(1.6))
    d.text((cx, cy), text, font=f, fill=AMBER, anchor="mm")


def _judicial_band(d: Pen, m: Metrics, y: int) -> int:
    """The indigo band of a court-ordered restoration; returns the y below it."""
    sz, se = m.size(19), m.size(15)
    zh = font(Face.sans_bold, sz)
    en = font(Face.serif, se)
    gap = m.size(24)
    pad = m.gap(11)
    wz, we = text_width(zh, JUDICIAL_ZH), text_width(en, JUDICIAL_EN)
    one_line = wz + gap + we <= m.content - 2 * pad
    h = 2 * pad + (line_gap(sz, 1.2) if one_line else line_gap(sz, 1.2) + line_gap(se, 1.25))
    d.rectangle((m.left, y, m.right, y + h), fill=INDIGO)
    inner = m.px(4)
    d.rectangle((m.left + inner, y + inner, m.right - inner, y + h - inner), outline=GOLD_PALE)
    cx = m.width / 2
    if one_line:
        x = cx - (wz + gap + we) / 2
        d.text((x, y + h / 2), JUDICIAL_ZH, font=zh, fill=WHITE, anchor="lm")
        d.text((x + wz + gap, y + h / 2), JUDICIAL_EN, font=en, fill=GOLD_PALE, anchor="lm")
    else:
        base = y + pad + round(sz * 0.95)
        d.text((cx, base), JUDICIAL_ZH, font=zh, fill=WHITE, anchor="ms")
        d.text((cx, base + line_gap(se, 1.3)), JUDICIAL_EN, font=en, fill=GOLD_PALE, anchor="ms")
    return y + h


def _body(
    d: Pen,
    m: Metrics,
    view: CertificateView,
    y: int,
    stretch: float,
    compact: bool = False,
) -> tuple[int, int]:
    """The certifying line, the name, what was retired and for what, and the figures, from
    `y` down, with the gaps between them multiplied by `stretch`. Returns the y below them and
    the sum of the (unstretched) gaps. `compact` draws the name smaller and the purpose on
    one line, in Chinese only, to leave the credit table some room."""
    gaps = 0

    def gap(v: float) -> int:
        nonlocal gaps
        g = m.gap(v)
        gaps += g
        return round(g * stretch)

    cx = m.width / 2
    sz, se = m.size(22), m.size(15)
    y += gap(26) + sz
    d.text((cx, y), CERTIFY_ZH, font=font(Face.serif, sz), fill=MUTED, anchor="ms")
    y += line_gap(se, 1.5)
    d.text((cx, y), CERTIFY_EN, font=font(Face.serif, se), fill=MUTED, anchor="ms")
    # the beneficiary: as large as fits on one line, else on two lines, else ellipsized
    name = " ".join(view.beneficiary.split())
    top, low = (m.size(40), m.size(32)) if compact else (m.size(64), m.size(40))
    size = fit_size(Face.serif_bold, name, top, low, m.content)
    f = font(Face.serif_bold, size)
    lines = [name] if text_width(f, name) <= m.content else wrap(f, name, m.content, 2)
    y += gap(10)
    widest = 0.0
    for line in lines:
        y += round(size * 1.2)
        d.text((cx, y), line, font=f, fill=INK, anchor="ms", cache=False)
        widest = max(widest, text_width(f, line))
    y += m.gap(18)
    half = min(m.content, max(widest, m.content * 0.36) + m.size(40)) / 2
    d.line((cx - half, y, cx + half, y), fill=GOLD, width=m.px(1.6))
    # what was retired, and for what
    sr = m.size(18)
    y += gap(18) + sr
    d.text((cx, y), RETIRED_ZH, font=font(Face.sans, sr), fill=INK, anchor="ms")
    y += line_gap(se, 1.45)
    d.text((cx, y), RETIRED_EN, font=font(Face.serif, se), fill=MUTED, anchor="ms")
    limit = m.content * 0.94
    purpose = " ".join(view.purpose.text("zh").split())
    psize = fit_size(Face.sans_bold, purpose, m.size(25), m.size(19), limit)
    fp = font(Face.sans_bold, psize)
    y += gap(3)
    for line in wrap(fp, purpose, limit, 1 if compact else 2):
        y += line_gap(psize, 1.3)
        d.text((cx, y), line, font=fp, fill=JADE, anchor="ms")
    english = " ".join(view.purpose.text("en").split())
    if english != purpose and not compact:  # a purpose the buyer wrote reads the same in both
        fe = font(Face.serif, se)
        y += line_gap(se, 1.45)
        d.text((cx, y), ellipsize(fe, english, limit), font=fe, fill=MUTED, anchor="ms")
    return _figures(d, m, view, y + gap(24)), gaps


def _figures(d: Pen, m: Metrics, view: CertificateView, y: int) -> int:
    """The mass retired and, when known, the footprint, side by side; returns the y below."""
    stats = [(STAT_RETIRED, view.mass_g)]
    if view.footprint_mass_g is not None:
        stats.append((STAT_FOOTPRINT, view.footprint_mass_g))
    lz, le = m.size(15), m.size(12)
    label_zh = font(Face.sans_bold, lz)
    label_en = font(Face.sans, le)
    cell = m.content / len(stats)
    value_size = m.size(46)
    for _, grams in stats:
        value_size = min(
            value_size,
            fit_size(
                Face.serif_bold, mass_label(grams) + " CO2e", value_size, m.size(24), cell * 0.9
            ),
        )
    fv = font(Face.serif_bold, value_size)
    fu = font(Face.sans, round(value_size * 0.44))
    fs = font(Face.sans, max(9, round(value_size * 0.3)))
    label_y = y + lz
    value_y = label_y + m.gap(6) + round(value_size * 1.05)
    for i, ((zh, en), grams) in enumerate(stats):
        cx = m.left + cell * (i + 0.5)
        wz = text_width(label_zh, zh)
        gap = round(lz * 0.5)
        total = wz + gap + text_width(label_en, en)
        d.text((cx - total / 2, label_y), zh, font=label_zh, fill=MUTED, anchor="ls")
        d.text((cx - total / 2 + wz + gap, label_y), en, font=label_en, fill=MUTED, anchor="ls")
        number, _, unit = mass_label(grams).rpartition(" ")
        parts = (
            (number, fv, 0),
            (f" {unit} CO", fu, 0),
            ("2", fs, round(value_size * 0.1)),
            ("e", fu, 0),
        )
        x = cx - sum(text_width(f, t) for t, f, _ in parts) / 2
        for text, f, drop in parts:
            d.text((x, value_y + drop), text, font=f, fill=JADE, anchor="ls")
            x += text_width(f, text)
    if len(stats) == 2:
        x = m.left + cell
        d.line((x, label_y - lz, x, value_y + m.gap(6)), fill=GOLD_PALE, width=m.px(1.2))
    return value_y + round(value_size * 0.3)


@dataclass(frozen=True)
class _Table:
    """The credit table's measures at one width."""

    cols: tuple[int, int, int]  # x of the three columns (the third is right-aligned)
    widths: tuple[int, int, int]
    sizes: tuple[int, int, int]  # the three lines of a row
    lines: tuple[int, int, int]  # their line heights
    pad: int
    header_h: int
    more_h: int


@lru_cache(maxsize=8)
def _table(width: int) -> _Table:
    m = metrics(width)
    x0, x1 = m.left, m.right
    inset = m.size(14, 6)
    gutter = m.size(16)
    hz, he = font(Face.sans_bold, m.size(14)), font(Face.sans, m.size(11, 10))
    first = max(max(text_width(hz, COLUMNS[0][0]), text_width(he, COLUMNS[0][1])), m.content * 0.12)
    col1 = x0 + inset
    col2 = round(col1 + first + gutter)
    col3 = x1 - inset
    w2 = round(m.content * 0.45)
    w3 = col3 - (col2 + w2 + gutter)
    sizes = (m.size(16), m.size(13), m.size(12, 10))
    lines = (line_gap(sizes[0], 1.35), line_gap(sizes[1], 1.38), line_gap(sizes[2], 1.38))
    header_h = line_gap(m.size(14), 1.3) + line_gap(m.size(11, 10), 1.3) + m.gap(10)
    more_h = m.gap(8) + line_gap(sizes[1], 1.4)
    return _Table(
        (col1, col2, col3),
        (col2 - col1 - gutter, w2, w3),
        sizes,
        lines,
        m.gap(10),
        header_h,
        more_h,
    )


@dataclass(frozen=True)
class _Row:
    """A row of the credit table: consecutive units of one lot in one registry state, written
    as the registry writes the block."""

    line: CreditLine
    serial: str
    mass_g: int
    status: RegistryStatus
    ref: str | None
    due_on: date | None


def table_rows(credits: tuple[CreditLine, ...]) -> tuple[_Row, ...]:
    """The credit table's rows: each line's blocks (a line without blocks is one row)."""
    rows: list[_Row] = []
    for c in credits:
        if not c.blocks:
            rows.append(
                _Row(c, c.serials, c.mass_g, c.registry_status, c.registry_ref, c.registry_due_on)
            )
        for b in c.blocks:
            rows.append(_Row(c, b.serial, b.mass_g, b.registry_status, b.registry_ref, b.due_on))
    return tuple(rows)


@dataclass(frozen=True)
class _Plan:
    rows: tuple[_Row, ...]  # every row, shown or not
    shown: int
    heights: tuple[int, ...]  # of the rows shown
    serials: tuple[tuple[str, ...], ...]  # the serial's lines, per row shown
    status_en: tuple[tuple[str, ...], ...]  # the status's English lines and its ref or due date
    note: tuple[str, ...]  # the pooled-retirement statement's lines (none: no room, no credits)
    note_h: int
    height: int  # the whole table, header, "+k more" and the statement included


def _status_lines(f: ImageFont.FreeTypeFont, row: _Row, w: int) -> tuple[str, ...]:
    """The status in English, then the registry's batch reference or the due date."""
    lines = wrap(f, STATUS_TEXT[row.status][1], w, 2)
    label, value = (
        (REF_LABEL, row.ref)
        if row.status is RegistryStatus.retired
        else (DUE_LABEL, row.due_on and row.due_on.isoformat())
    )
    if value:  # the label goes first when there is no room for both
        labelled = f"{label} {value}"
        fits = text_width(f, labelled) <= w
        lines.append(labelled if fits else ellipsize(f, value, w, middle=True))
    return tuple(lines)


def _note(m: Metrics) -> tuple[str, ...]:
    f = font(Face.sans, _table(m.width).sizes[2])
    zh, en = POOLED_RETIREMENT
    return (*wrap(f, zh, m.content, 2), *wrap(f, en, m.content, 3))


def _plan_table(m: Metrics, credits: tuple[CreditLine, ...], room: int) -> _Plan:
    """How many rows fit in `room` px (at most MAX_CREDIT_ROWS), leaving a line for "+k more"
    when some do not, and room under them for the pooled-retirement statement. The statement
    comes before all but the first row: on a page too small for both (a phone's share image
    with a long name), the first row is shown and the statement is left to the verify page."""
    rows = table_rows(credits)
    if not rows:
        return _Plan(rows, 0, (), (), (), (), 0, 0)
    stated = _fit(m, rows, room, _note(m))
    if stated.shown == 0:
        unstated = _fit(m, rows, room, ())
        if unstated.shown > 0:
            return unstated
    return stated


def _fit(m: Metrics, rows: tuple[_Row, ...], room: int, note: tuple[str, ...]) -> _Plan:
    t = _table(m.width)
    f_small = font(Face.sans, t.sizes[2])
    l1, l2, l3 = t.lines
    note_h = t.pad + l3 * len(note) if note else 0
    if note_h > room:
        note, note_h = (), 0
    heights: list[int] = []
    serial_lines: list[tuple[str, ...]] = []
    statuses: list[tuple[str, ...]] = []
    used = t.header_h + note_h
    for i, row in enumerate(rows[:MAX_CREDIT_ROWS]):
        serial = tuple(wrap(f_small, row.serial, t.widths[1], 2))
        status = _status_lines(f_small, row, t.widths[2])
        h = 2 * t.pad + l1 + l2 + l3 * max(len(serial), len(status))
        more = t.more_h if i + 1 < len(rows) else 0
        if used + h + more > room:
            break
        heights.append(h)
        serial_lines.append(serial)
        statuses.append(status)
        used += h
    shown = len(heights)
    if shown == 0:
        used = note_h  # no header without rows: only "+k more" and the statement, if they fit
        if used + t.more_h > room:
            return _Plan(rows, 0, (), (), (), note, note_h, note_h)
    if shown < len(rows):
        used += t.more_h
    return _Plan(
        rows, shown, tuple(heights), tuple(serial_lines), tuple(statuses), note, note_h, used
    )


def _draw_row(d: Pen, m: Metrics, plan: _Plan, i: int, y: int) -> None:
    """Row `i` of the plan, its top at `y`: standard and vintage; the project, its registry id
    and the serial block; the mass, the registry status and its reference or due date."""
    t = _table(m.width)
    s1, s2, s3 = t.sizes
    _, l2, l3 = t.lines
    f_bold, f_mid, f_small = font(Face.sans_bold, s1), font(Face.sans, s2), font(Face.sans, s3)
    col1, col2, col3 = t.cols
    w1, w2, _ = t.widths
    row = plan.rows[i]
    c = row.line
    b1 = y + t.pad + round(s1 * 1.02)
    b2 = b1 + l2
    b3 = b2 + l3
    d.text((col1, b1), ellipsize(f_bold, c.standard, w1), font=f_bold, fill=JADE, anchor="ls")
    d.text((col1, b2), str(c.vintage), font=f_mid, fill=MUTED, anchor="ls")
    zh_name = ellipsize(f_bold, c.project_name_zh, w2)
    d.text((col2, b1), zh_name, font=f_bold, fill=INK, anchor="ls")
    project = f"{c.project_registry_id} · {c.project_name_en}" if c.project_registry_id else ""
    en_name = ellipsize(f_mid, project or c.project_name_en, w2)
    d.text((col2, b2), en_name, font=f_mid, fill=MUTED, anchor="ls")
    for k, line in enumerate(plan.serials[i]):
        d.text((col2, b3 + k * l3), line, font=f_small, fill=INK, anchor="ls", cache=False)
    d.text((col3, b1), mass_label(row.mass_g), font=f_bold, fill=INK, anchor="rs")
    zh = STATUS_TEXT[row.status][0]
    color = JADE if row.status is RegistryStatus.retired else AMBER
    d.text((col3, b2), zh, font=f_mid, fill=color, anchor="rs")
    dot = max(2, round(s2 * 0.2))
    dx = col3 - text_width(f_mid, zh) - dot - round(s2 * 0.4)
    dy = b2 - round(s2 * 0.36)
    d.ellipse((dx - dot, dy - dot, dx + dot, dy + dot), fill=color)
    for k, line in enumerate(plan.status_en[i]):
        d.text((col3, b3 + k * l3), line, font=f_small, fill=color, anchor="rs", cache=False)


def _draw_table(d: Pen, m: Metrics, plan: _Plan, y: int) -> int:
    """The rows the plan has room for, under a header, then "+k more" and the pooled-retirement
    statement; returns the y below the table."""
    t = _table(m.width)
    s2, s3 = t.sizes[1], t.sizes[2]
    l3 = t.lines[2]
    f_mid = font(Face.sans, s2)
    x0, x1 = m.left, m.right
    if plan.shown:
        d.rectangle((x0, y, x1, y + t.header_h), fill=JADE)
        hz, he = m.size(14), m.size(11, 10)
        zh_base = y + round(t.header_h * 0.5) - round(hz * 0.12)
        en_base = zh_base + line_gap(he, 1.4)
        for (zh, en), x, anchor in zip(COLUMNS, t.cols, ("ls", "ls", "rs"), strict=True):
            d.text((x, zh_base), zh, font=font(Face.sans_bold, hz), fill=WHITE, anchor=anchor)
            d.text((x, en_base), en, font=font(Face.sans, he), fill=GOLD_PALE, anchor=anchor)
        y += t.header_h
    for i in range(plan.shown):
        h = plan.heights[i]
        if i % 2 == 1:
            d.rectangle((x0, y, x1, y + h - 1), fill=MIST)
        _draw_row(d, m, plan, i, y)
        y += h
        d.line((x0, y - 1, x1, y - 1), fill=GOLD_PALE, width=m.px(1))
    hidden = len(plan.rows) - plan.shown
    if hidden and plan.height > plan.note_h:
        y += t.more_h
        text = ellipsize(
            f_mid, f"{MORE_ZH.format(k=hidden)} · {MORE_EN.format(k=hidden)}", m.content
        )
        d.text((m.width / 2, y - round(s2 * 0.4)), text, font=f_mid, fill=MUTED, anchor="ms")
    if plan.note:
        y += t.pad
        f_small = font(Face.sans, s3)
        for line in plan.note:
            y += l3
            d.text((m.width / 2, y - round(s3 * 0.3)), line, font=f_small, fill=MUTED, anchor="ms")
    return y


def _footer(d: Pen, lay: Layout, view: CertificateView) -> None:
    """The number and its check code, the date and the issuer beside their labels; the link
    a person types (the verify page by number and check code) at the bottom."""
    m = lay.m
    x = lay.values_x
    w = lay.values_right - x
    sb, ss = m.size(19), m.size(12)
    big = font(Face.sans_bold, sb)
    small = font(Face.sans, ss)
    r0, r1, r2 = lay.value_rows
    d.text((x, r0), ellipsize(big, view.number, w), font=big, fill=INK, anchor="ls", cache=False)
    if view.check_code:
        code = ellipsize(small, f"{CODE_ZH} {CODE_EN}  {view.check_code}", w)
        d.text((x, r0 + line_gap(ss, 1.45)), code, font=small, fill=MUTED, anchor="ls", cache=False)
    d.text((x, r1), date_zh(view.issued_on), font=big, fill=INK, anchor="ls")
    d.text(
        (x, r1 + line_gap(ss, 1.45)), date_en(view.issued_on), font=small, fill=MUTED, anchor="ls"
    )
    si = m.size(15)
    issuer = font(Face.sans_bold, si)
    for i, line in enumerate(wrap(issuer, view.issuer, w, 2)):
        d.text((x, r2 + i * line_gap(si, 1.3)), line, font=issuer, fill=INK, anchor="ls")
    f = url_font(m)
    size = int(f.size)
    y = lay.url_top + size
    for line in wrap(f, view.lookup_url or view.verify_url, lay.url_width, URL_LINES):
        d.text((m.width / 2, y), line, font=f, fill=MUTED, anchor="ms", cache=False)
        y += line_gap(size, 1.3)


def _qr(d: Pen, lay: Layout, url: str) -> tuple[qr.Qr, qr.Choice, int]:
    """The QR in its white card; returns (symbol, its correction and module size, top of the
    card)."""
    m = lay.m
    x0, y0, x1, y1 = lay.qr_box
    margin = m.px(2)
    floor = max(2, round(3 * m.s))  # 2 px a module at 600, 3 at 1240, 6 at 2480
    choice = qr.choose(url, x1 - x0 - 2 * margin, lay.qr_min_module, floor)
    symbol = qr.symbol(url, choice.ec)
    side = max(x1 - x0, choice.module * (symbol.modules + 2 * qr.QUIET) + 2 * margin)
    x0, y0 = x1 - side, y1 - side
    d.rounded_rectangle(
        (x0, y0, x1, y1), radius=m.px(10), fill=WHITE, outline=GOLD_PALE, width=m.px(1.5)
    )
    mask = qr.module_mask(symbol, choice.module)
    n = mask.size[0]
    x = round((x0 + x1 - n) / 2)
    y = round((y0 + y1 - n) / 2)
    d.paste(INK, (x, y), mask)
    return symbol, choice, y0


@lru_cache(maxsize=4)
def _stamp(width: int) -> Image.Image:
    """The red "已撤销 REVOKED" stamp as an 'L' mask, already rotated."""
    m = metrics(width)
    w = round(m.width * 0.6)
    h = round(w * 0.38)
    pad = round(h * 0.12)
    mask = Image.new("L", (w + 2 * pad, h + 2 * pad), 0)
    d = ImageDraw.Draw(mask)
    ink = 235
    d.rounded_rectangle(
        (pad, pad, pad + w, pad + h),
        radius=round(h * 0.1),
        outline=ink,
        width=max(3, round(h * 0.045)),
    )
    inset = round(h * 0.085)
    d.rounded_rectangle(
        (pad + inset, pad + inset, pad + w - inset, pad + h - inset),
        radius=round(h * 0.06),
        outline=ink,
        width=max(1, round(h * 0.015)),
    )
    cx = pad + w / 2
    tracked(
        d, (cx, pad + h * 0.58), REVOKED_ZH, font(Face.serif_bold, round(h * 0.4)), ink, h * 0.1
    )
    tracked(
        d, (cx, pad + h * 0.82), REVOKED_EN, font(Face.sans_bold, round(h * 0.15)), ink, h * 0.07
    )
    return mask.rotate(12, resample=Image.Resampling.BICUBIC, expand=True)


def _revoked(d: Pen, m: Metrics) -> None:
    mask = _stamp(m.width)
    d.paste(RED, ((m.width - mask.size[0]) // 2, round(m.height * 0.47) - mask.size[1] // 2), mask)
