"""The one palette: the design's colours, and the 8-bit palette every image is written with.

Each colour we draw is one of these, or an anti-aliasing blend of a pair of them that meet on a
page (`RAMPS`). Mapping an image to this fixed palette (`quantize`) is fast and deterministic
(Pillow looks colours up at 6 bits a channel, so PAPER is written as 248, 246, 238), and a
palette PNG is smaller than an RGB one and needs no adaptive row filtering to write.
"""

from __future__ import annotations

import io
from functools import lru_cache

from PIL import Image

Color = tuple[int, int, int]

PAPER: Color = (250, 247, 239)
INK: Color = (27, 38, 33)
JADE: Color = (16, 82, 64)
MIST: Color = (232, 240, 233)
GOLD: Color = (171, 135, 66)
GOLD_PALE: Color = (222, 204, 160)
MUTED: Color = (104, 113, 108)
WHITE: Color = (255, 255, 255)
RED: Color = (196, 32, 44)
AMBER: Color = (168, 98, 8)
INDIGO: Color = (36, 52, 92)

# The pairs of colours that meet at an anti-aliased edge; 16 steps are kept between each.
RAMPS: tuple[tuple[Color, Color], ...] = (
    (PAPER, INK),
    (PAPER, JADE),
    (PAPER, GOLD),
    (PAPER, MUTED),
    (PAPER, RED),
    (PAPER, AMBER),
    (PAPER, INDIGO),
    (PAPER, WHITE),
    (PAPER, MIST),
    (JADE, WHITE),
    (JADE, GOLD),
    (INDIGO, WHITE),
    (WHITE, INK),
    (MIST, INK),
    (MIST, JADE),
)
STEPS = 16


def blend(a: Color, b: Color, k: float) -> Color:
    """The colour `k` of the way from `a` to `b`."""
    return (
        round(a[0] + (b[0] - a[0]) * k),
        round(a[1] + (b[1] - a[1]) * k),
        round(a[2] + (b[2] - a[2]) * k),
    )


@lru_cache(maxsize=1)
def palette_image() -> Image.Image:
    """A 'P' image whose palette is the design's colours and `STEPS` steps between each ramp's
    pair (what `Image.quantize(palette=...)` maps to)."""
    colors: list[Color] = []
    for a, b in RAMPS:
        for k in range(STEPS + 1):
            c = blend(a, b, k / STEPS)
            if c not in colors:
                colors.append(c)
    if len(colors) > 256:
        raise AssertionError(f"palette has {len(colors)} colours")
    flat = [v for c in colors for v in c]
    flat += list(PAPER) * (256 - len(colors))
    img = Image.new("P", (1, 1))
    img.putpalette(flat)
    return img


def quantize(img: Image.Image) -> Image.Image:
    """`img` (RGB) mapped to the palette, each pixel to a near colour, without dithering."""
    return img.quantize(palette=palette_image(), dither=Image.Dither.NONE)


def png(img: Image.Image, compress_level: int = 6, dpi: int | None = None) -> bytes:
    """`img` as an 8-bit palette PNG (mapped to the palette unless it already is), without
    metadata other than its physical size when `dpi` is given: the same image, the same bytes."""
    out = io.BytesIO()
    options: dict[str, object] = {"compress_level": compress_level}
    if dpi is not None:
        options["dpi"] = (dpi, dpi)
    (img if img.mode == "P" else quantize(img)).save(out, "PNG", **options)
    return out.getvalue()
