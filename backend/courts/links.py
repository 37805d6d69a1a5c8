"""A defendant's purchase link and its QR code (a PNG the court prints or shows)."""

from __future__ import annotations

import io

import qrcode  # type: ignore[import-untyped]
import qrcode.constants  # type: ignore[import-untyped]


def purchase_url(base_url: str, token: str) -> str:
    """`{base}/court-purchase/{token}`: the page where the defendant buys (`base` from
    `core.public_url`: PUBLIC_BASE_URL, or where the app is served)."""
    return f"{base_url.rstrip('/')}/court-purchase/{token}"


def qr_png(url: str, box_size: int = 10) -> bytes:
    """The URL as a QR code PNG (error correction M, a 4-module quiet zone)."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box_size)
    qr.add_data(url)
    qr.make(fit=True)
    out = io.BytesIO()
    qr.make_image().save(out)
    return out.getvalue()
