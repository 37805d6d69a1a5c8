"""The one palette: every design colour and its anti-aliasing steps fit in 8 bits, map to
(nearly) themselves, and write a palette PNG without varying metadata."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from backend.imaging import palette
from backend.imaging.fonts import Face, font

DESIGN = (
    palette.PAPER,
    palette.INK,
    palette.JADE,
    palette.MIST,
    palette.GOLD,
    palette.GOLD_PALE,
    palette.MUTED,
    palette.WHITE,
    palette.RED,
    palette.AMBER,
    palette.INDIGO,
)


def test_every_design_colour_and_ramp_step_maps_to_a_near_palette_colour() -> None:
    """Pillow looks colours up in a cube of 64 levels a channel, so a colour may come out a
    step away (PAPER as 248, 246, 238), and GOLD_PALE, in no ramp, as its nearest (215, 198,
    163): near, and the same every time."""
    steps = [palette.blend(a, b, k / palette.STEPS) for a, b in palette.RAMPS for k in range(17)]
    assert set(steps) == _palette_colours()
    colours = list(dict.fromkeys([*DESIGN, *steps]))
    img = Image.new("RGB", (len(colours), 1))
    img.putdata(colours)
    mapped = palette.quantize(img).convert("RGB")
    for x, colour in enumerate(colours):
        got = mapped.getpixel((x, 0))
        assert isinstance(got, tuple)
        assert got in _palette_colours()
        assert max(abs(a - b) for a, b in zip(got, colour, strict=True)) <= 8, (colour, got)


def test_png_is_an_8_bit_palette_image_and_the_same_bytes_each_time() -> None:
    img = Image.new("RGB", (300, 80), palette.PAPER)
    ImageDraw.Draw(img).text((10, 10), "碳中和 CO2e", font=font(Face.sans, 40), fill=palette.JADE)
    first = palette.png(img, dpi=150)
    assert palette.png(img, dpi=150) == first
    with Image.open(io.BytesIO(first)) as im:
        assert im.mode == "P"
        assert round(im.info["dpi"][0]) == 150
        used = {c for _, c in im.convert("RGB").getcolors() or []}
        assert used <= _palette_colours()
        assert len(used) > 2  # paper, jade and the steps between them


def _palette_colours() -> set[tuple[int, int, int]]:
    flat = palette.palette_image().getpalette() or []
    return {(flat[i], flat[i + 1], flat[i + 2]) for i in range(0, len(flat), 3)}  # PAPER pads
