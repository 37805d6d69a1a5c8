"""ReportLab building blocks for the certificate's PDFs: the embedded CJK font, paragraph
styles, ruled tables, the QR, and a reproducible A4 document (same content, same bytes)."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from functools import cache
from xml.sax.saxutils import escape

from reportlab.graphics.shapes import Drawing, Rect
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table, TableStyle

from backend.imaging import qr
from backend.imaging.fonts import pdf_font

FONT = "DiandianCJK"
INK = colors.HexColor("#1f3a2e")
RULE = colors.HexColor("#9fb5a8")
SHADE = colors.HexColor("#eef3ef")
MARGIN = 18 * mm
WIDTH = A4[0] - 2 * MARGIN  # the text block
_CJK = re.compile(r"[\u2e80-\u9fff\uff00-\uffef]")


@cache
def font() -> str:
    """The embedded font's name, registered once (a subset is embedded in each PDF)."""
    f = pdf_font()
    pdfmetrics.registerFont(TTFont(FONT, f.path, subfontIndex=f.index))
    return FONT


def para(text: str, size: float = 9.5, *, color: colors.Color = INK) -> Paragraph:
    """Text as written (never markup); Chinese wraps between any two characters."""
    st = ParagraphStyle(
        f"dd-{size}", fontName=font(), fontSize=size, leading=size * 1.45, textColor=color
    )
    if _CJK.search(text) or " " not in text:
        st.wordWrap = "CJK"
    return Paragraph(escape(text).replace("\n", "<br/>"), st)


def heading(text: str, size: float = 12) -> list[Flowable]:
    """A heading kept on the page of what follows it."""
    h = para(text, size)
    h.style.spaceBefore, h.style.spaceAfter, h.style.keepWithNext = 3 * mm, 1.5 * mm, 1
    return [h]


def table(
    rows: Sequence[Sequence[str]], widths: Sequence[float], *, head: bool = True, size: float = 8
) -> Table:
    """A ruled table of text (`widths` as fractions of the text block); the first row shaded
    as its header when `head`."""
    cells = [[para(str(c), size) for c in row] for row in rows]
    t = Table(cells, colWidths=[w * WIDTH for w in widths], repeatRows=1 if head else 0)
    rules = [
        ("GRID", (0, 0), (-1, -1), 0.4, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if head:
        rules.append(("BACKGROUND", (0, 0), (-1, 0), SHADE))
    t.setStyle(TableStyle(rules))
    return t


def pairs(rows: Sequence[tuple[str, str]]) -> Table:
    """Label and value, two columns, the labels shaded."""
    t = table(rows, (0.3, 0.7), head=False, size=9)
    t.setStyle(TableStyle([("BACKGROUND", (0, 0), (0, -1), SHADE)]))
    return t


def qr_code(text: str, size: float = 30 * mm) -> Drawing:
    """The QR of `text` (imaging's symbol, error correction M) with its quiet zone, as vectors."""
    symbol = qr.symbol(text, dict(qr.EC_LEVELS)["M"])
    n = symbol.modules + 2 * qr.QUIET
    unit = size / n
    d = Drawing(size, size)
    for y, row in enumerate(symbol.rows):
        for x, dark in enumerate(row):
            if dark == "1":
                top = size - (y + qr.QUIET + 1) * unit
                left = (x + qr.QUIET) * unit
                d.add(Rect(left, top, unit, unit, fillColor=colors.black, strokeWidth=0))
    return d


def beside_qr(url: str, text: Flowable) -> Table:
    """The QR of `url`, and `text` to its right."""
    t = Table([[qr_code(url), text]], colWidths=[34 * mm, WIDTH - 34 * mm])
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    return t


def build(story: list[Flowable], *, title: str, author: str) -> bytes:
    """An A4 PDF of `story`, its metadata set; reproducible (no creation time, fixed ids)."""
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=title,
        author=author,
        creator="Diandian",
        invariant=True,
    )
    doc.build(story)
    return buf.getvalue()
