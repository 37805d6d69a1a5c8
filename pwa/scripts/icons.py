"""Draws the PNG app icons in pwa/public from the brand mark in pwa/public/icon.svg.

The mark is two dots, white and light jade, on jade (#1b5e20). "any" icons keep the SVG's
rounded square; the maskable and Apple icons are full-bleed squares (the platform cuts the
shape), with the mark inside the central 80% safe zone. Drawn at 4x and downsampled for smooth
edges. Run from the repository root: `.venv/bin/python pwa/scripts/icons.py`.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

PUBLIC = Path(__file__).resolve().parent.parent / "public"
JADE, WHITE, LIGHT = "#1b5e20", "#ffffff", "#a5d6a7"
SCALE = 4
# Geometry of icon.svg on its 512 grid: corner radius, and the two dots (cx, cy, r).
RADIUS, DOTS = 96, ((200, 256, 56, WHITE), (330, 256, 56, LIGHT))
ICONS = {  # file: (size, rounded corners)
    "icon-192.png": (192, True),
    "icon-512.png": (512, True),
    "icon-maskable-512.png": (512, False),
    "apple-touch-icon.png": (180, False),
}


def draw(size: int, rounded: bool) -> Image.Image:
    """The mark at `size` pixels; transparent outside the rounded square when `rounded`."""
    big = size * SCALE
    k = big / 512
    img = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(img)
    pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=RADIUS * k if rounded else 0, fill=JADE)
    for cx, cy, r, colour in DOTS:
        pen.ellipse(((cx - r) * k, (cy - r) * k, (cx + r) * k, (cy + r) * k), fill=colour)
    out = img.resize((size, size), Image.Resampling.LANCZOS)
    return out if rounded else out.convert("RGB")


def main() -> None:
    for name, (size, rounded) in ICONS.items():
        draw(size, rounded).save(PUBLIC / name, optimize=True)


if __name__ == "__main__":
    main()
