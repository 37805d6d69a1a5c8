"""QR codes: the very symbol `qrcode` makes with our fixed mask, the strongest correction that
fits a box, and a mask that a real decoder (zxing) reads."""

from __future__ import annotations

import pytest
import qrcode  # type: ignore[import-untyped]
import zxingcpp
from PIL import Image

from backend.imaging import qr

URL = "https://diandian.example/verify/DD-2026-000123?c=" + "eyJiIjoi5byg5LiJ" * 12


@pytest.mark.parametrize("length", [1, 40, 120, 300, 450])
@pytest.mark.parametrize(("level", "ec"), qr.EC_LEVELS)
def test_symbol_is_the_one_qrcode_makes(length: int, level: str, ec: int) -> None:
    data = (URL * 3)[:length]
    q = qrcode.QRCode(error_correction=ec, border=0, mask_pattern=qr.MASK)
    q.add_data(data)
    q.make(fit=True)
    ours = qr.symbol(data, ec)
    assert ours.level == level
    assert ours.version == q.version
    assert ours.rows == tuple("".join("1" if v else "0" for v in row) for row in q.modules)


def test_choose_takes_the_strongest_correction_that_fits() -> None:
    short = "https://diandian.example/verify/DD-2026-000123"
    assert qr.choose(short, 270, 3).level == "H"
    long = qr.choose(URL * 2, 270, 3)
    assert long.level in {"Q", "M"}
    n = qr.version(URL * 2, long.ec) * 4 + 17
    assert long.module * (n + 2 * qr.QUIET) <= 270
    # nothing fits at 3 px a module: M at the floor, and the caller grows the box
    assert qr.choose(URL * 3, 100, 3, floor=2) == qr.Choice(
        "M", qrcode.constants.ERROR_CORRECT_M, 2
    )


@pytest.mark.parametrize("module", [2, 3, 6])
def test_module_mask_decodes(module: int) -> None:
    choice = qr.choose(URL, 400, module)
    symbol = qr.symbol(URL, choice.ec)
    mask = qr.module_mask(symbol, choice.module)
    assert mask.size == (symbol.modules * choice.module,) * 2
    quiet = qr.QUIET * choice.module
    page = Image.new("L", (mask.size[0] + 2 * quiet,) * 2, 255)
    page.paste(0, (quiet, quiet), mask)
    (found,) = zxingcpp.read_barcodes(page)
    assert (found.text, found.ec_level) == (URL, choice.level)


def test_choose_keeps_the_symbol_at_version_10_or_less_when_it_can() -> None:
    """A 190-character URL fits a 560 px box at H (version 12), but a weaker correction keeps
    it at version 10, which scans from a 2.5 cm print; M when nothing else does."""
    url = "https://diandian.example/verify/" + "A" * 157
    assert qr.version(url, qrcode.constants.ERROR_CORRECT_H) > qr.MAX_VERSION
    choice = qr.choose(url, 560, 3)
    assert choice.level == "Q"
    assert qr.version(url, choice.ec) <= qr.MAX_VERSION
    long = qr.choose(URL * 2, 2000, 3)  # nothing is version 10 or less: M, the smallest
    assert long.level == "M"
    n = qr.version(URL * 2, long.ec) * 4 + 17
    assert long.module == 2000 // (n + 2 * qr.QUIET)
