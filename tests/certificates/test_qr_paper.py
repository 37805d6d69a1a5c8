"""The QR scans from paper (issue 17, finding 5): a compact signed claim in the alphanumeric
set, version 10 or less at error correction M, read back from a 2.5 cm print (300 px)."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import pytest
import qrcode  # type: ignore[import-untyped]
import zxingcpp
from PIL import Image, ImageFilter

from backend.certificates import claims, render, services
from backend.imaging import qr

M = qrcode.constants.ERROR_CORRECT_M
PRINT_PX = 295  # 2.5 cm at 300 dpi


def printed(url: str, ec: int, side: int = PRINT_PX) -> Image.Image:
    """The symbol with its quiet zone, `side` px wide: resampled (modules of a fractional
    pixel count, as a printer and a camera make them) and slightly blurred."""
    symbol = qr.symbol(url, ec)
    mask = qr.module_mask(symbol, 8)
    quiet = qr.QUIET * 8
    big = Image.new("L", (mask.size[0] + 2 * quiet,) * 2, 255)
    big.paste(0, (quiet, quiet), mask)
    small = big.resize((side, side), Image.Resampling.BILINEAR)
    return small.filter(ImageFilter.GaussianBlur(0.6))


def symbol_version(found: zxingcpp.Barcode) -> int:
    """The version zxing read off the symbol."""
    extra: dict[str, str] = found.extra  # type: ignore[assignment]
    return int(extra["Version"])


def only_qr(image: Image.Image) -> zxingcpp.Barcode:
    """The one QR symbol zxing finds: QR codes only (a blurred print can look like another
    format's symbol too), and the same symbol found twice (at two scales) counted once."""
    found = zxingcpp.read_barcodes(
        image, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
    )
    assert len({(b.text, b.ec_level) for b in found}) == 1, [b.text for b in found]
    return found[0]


def test_the_qr_is_compact_alphanumeric_and_reads_from_a_2_5_cm_print(client, certify):
    cert = certify(beneficiary="成都市生态环境学会")
    url = cert["verify_url"]
    payload = urlsplit(url).path.rsplit("/", 1)[1]
    assert claims.PAYLOAD.fullmatch(payload)  # upper-case base32: QR alphanumeric mode
    assert len(url) < 200
    assert qr.version(url, M) <= 10
    found = only_qr(printed(url, M))
    assert found.text == url
    assert (found.ec_level, symbol_version(found)) == ("M", qr.version(url, M))


@pytest.mark.parametrize("width", [600, 1240, 2480])
def test_the_certificate_draws_a_symbol_of_version_10_or_less(
    app, client, db_session, certify, width
):
    cert = certify()
    issuer = app.extensions["certificate_issuer"]
    view = services.view(db_session, issuer, services.get(db_session, cert["number"]))
    composed = render.compose(view, width)
    assert composed.qr_version <= qr.MAX_VERSION
    assert composed.qr_level in {"M", "Q"}
    png = client.get(f"{cert['png_url']}&size={width}").get_data()
    with Image.open(io.BytesIO(png)) as im:
        found = only_qr(im.convert("L"))
    assert found.text == cert["verify_url"]
    assert symbol_version(found) == composed.qr_version
