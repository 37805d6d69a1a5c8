"""QR codes: symbols from the `qrcode` package with a fixed mask, cached per text.

`choose` picks the strongest error correction whose symbol fits a square at a readable module
size without growing past `MAX_VERSION`, `symbol` makes it, and `module_mask` draws it as an 'L'
mask to paste in any colour.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import qrcode  # type: ignore[import-untyped]
import qrcode.constants  # type: ignore[import-untyped]
from PIL import Image

EC_LEVELS: tuple[tuple[str, int], ...] = (
    ("H", qrcode.constants.ERROR_CORRECT_H),
    ("Q", qrcode.constants.ERROR_CORRECT_Q),
    ("M", qrcode.constants.ERROR_CORRECT_M),
)
QUIET = 4  # modules of light margin around the symbol, as the standard asks
# Stronger correction makes a symbol larger: past version 10 (57 modules) a symbol printed
# 2.5 cm wide has modules under 0.4 mm, which phone cameras read poorly from paper.
MAX_VERSION = 10

# Any of the eight masks makes a valid symbol; `qrcode` picks the best by scoring all eight in
# pure Python (about 20 ms for a 300-character URL). A fixed mask costs about 4 ms, and the
# decoding tests (zxing) show it reads at every width.
MASK = 2


@dataclass(frozen=True)
class Qr:
    level: str  # "H", "Q" or "M"
    version: int
    rows: tuple[str, ...]  # "1" dark, "0" light, without the quiet zone

    @property
    def modules(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class Choice:
    level: str  # "H", "Q" or "M"
    ec: int  # the `qrcode` error-correction constant
    module: int  # px a module


@lru_cache(maxsize=256)
def version(text: str, ec: int) -> int:
    """The smallest version that holds `text` at error correction `ec` (qrcode's best fit)."""
    q = qrcode.QRCode(error_correction=ec, border=0)
    q.add_data(text)
    best: int = q.best_fit()
    return best


def choose(text: str, box: int, min_module: int, floor: int = 2) -> Choice:
    """The error correction and module size for `text` in a `box` px square.

    The strongest correction (H, then Q, then M) whose symbol is at most `MAX_VERSION` and,
    with its quiet zone, fits the box at `min_module` px a module or more. When none does, M
    (the smallest symbol) at the largest module that fits, or at `floor` px a module: the
    caller then makes the box larger."""
    module = 0
    for name, ec in EC_LEVELS:
        v = version(text, ec)
        module = box // (v * 4 + 17 + 2 * QUIET)
        if module >= min_module and v <= MAX_VERSION:
            return Choice(name, ec, module)
    return Choice("M", qrcode.constants.ERROR_CORRECT_M, max(floor, module))


@lru_cache(maxsize=256)
def symbol(text: str, ec: int) -> Qr:
    """The QR symbol for `text`, made by the `qrcode` package (mask `MASK`)."""
    q = qrcode.QRCode(error_correction=ec, border=0, mask_pattern=MASK)
    q.add_data(text)
    q.make(fit=True)
    level = {ec_: name for name, ec_ in EC_LEVELS}.get(ec, "L")
    rows = tuple("".join("1" if v else "0" for v in row) for row in q.modules)
    return Qr(level, q.version, rows)


_DARK = str.maketrans({"1": "\xff", "0": "\x00"})


def module_mask(qr: Qr, module: int) -> Image.Image:
    """An 'L' mask of the symbol (255 = dark), `module` px a module, without the quiet zone."""
    n = qr.modules
    raw = "".join(qr.rows).translate(_DARK).encode("latin-1")
    small = Image.frombytes("L", (n, n), raw)
    return small.resize((n * module, n * module), Image.Resampling.NEAREST)
