"""A pen that draws on a part of a page in page coordinates, pasting text from cached masks.

Rasterising a string is most of what drawing text costs, and most strings recur (a label, a
status, a project's name, a date): `text_mask` renders each (font, string, anchor) once per
process, and `Pen.text` only pastes it in the colour asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from backend.imaging.palette import Color


@lru_cache(maxsize=1024)  # small masks; at most a few MB
def text_mask(font: ImageFont.FreeTypeFont, text: str, anchor: str) -> tuple[Image.Image, int, int]:
    """`text` rendered as an 'L' mask, and its offset from the anchor point."""
    left, top, right, bottom = (round(v) for v in font.getbbox(text, anchor=anchor))
    mask = Image.new("L", (max(1, right - left), max(1, bottom - top)), 0)
    ImageDraw.Draw(mask).text((-left, -top), text, font=font, fill=255, anchor=anchor)
    return mask, left, top


class Pen:
    """Draws on `img`, the part of a page whose top-left corner is at `origin` on the page,
    taking every coordinate in page pixels."""

    def __init__(self, img: Image.Image, origin: tuple[int, int] = (0, 0)) -> None:
        self.img = img
        self.ox, self.oy = origin
        self.draw = ImageDraw.Draw(img)

    def _at(self, xy: Sequence[float]) -> list[float]:
        return [v - (self.oy if i % 2 else self.ox) for i, v in enumerate(xy)]

    def text(
        self,
        xy: tuple[float, float],
        text: str,
        *,
        font: ImageFont.FreeTypeFont,
        fill: Color,
        anchor: str = "ls",
        cache: bool = True,
    ) -> None:
        """`text` at `xy` (rounded to whole pixels); `cache=False` for one-off strings (a URL,
        a number), whose masks are not worth keeping."""
        x, y = round(xy[0]) - self.ox, round(xy[1]) - self.oy
        if not text:
            return
        if not cache:
            self.draw.text((x, y), text, font=font, fill=fill, anchor=anchor)
            return
        mask, dx, dy = text_mask(font, text, anchor)
        self.img.paste(fill, (x + dx, y + dy), mask)

    def line(self, xy: Sequence[float], fill: Color, width: int = 1) -> None:
        self.draw.line(self._at(xy), fill=fill, width=width)

    def rectangle(
        self,
        xy: Sequence[float],
        fill: Color | None = None,
        outline: Color | None = None,
        width: int = 1,
    ) -> None:
        self.draw.rectangle(self._at(xy), fill=fill, outline=outline, width=width)

    def rounded_rectangle(
        self,
        xy: Sequence[float],
        radius: float,
        fill: Color | None = None,
        outline: Color | None = None,
        width: int = 1,
    ) -> None:
        self.draw.rounded_rectangle(
            self._at(xy), radius=radius, fill=fill, outline=outline, width=width
        )

    def ellipse(self, xy: Sequence[float], fill: Color) -> None:
        self.draw.ellipse(self._at(xy), fill=fill)

    def paste(self, color: Color, xy: tuple[int, int], mask: Image.Image) -> None:
        """`color` through `mask` (an 'L' image), its top-left at `xy`."""
        self.img.paste(color, (xy[0] - self.ox, xy[1] - self.oy), mask)
