"""Drawing shared by certificates, court reports and charts: fonts, CJK text, one palette, QR.

- `fonts`: the Noto CJK faces (Simplified Chinese) from the system, cached per size;
- `text`: measuring, line breaking, wrapping, ellipsizing, fitting and letter spacing;
- `palette`: the design's colours, the fixed 8-bit palette and palette PNGs;
- `qr`: QR symbols from `qrcode` with a fixed mask, cached per text;
- `pen`: drawing on a part of a page, pasting cached text masks;
- `processes`: drawing in child processes at a lower priority.

It sits below every domain and imports nothing from `backend` but `core`.
"""
