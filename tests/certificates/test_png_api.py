"""The PNG endpoint: a QR that decodes to a verifying URL, bounded sizes, ETags, caching."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import zxingcpp
from PIL import Image

from tests import factories as f

ZH = {"Accept-Language": "zh-CN"}  # the verify page as a phone in China asks for it


def png(client, cert: dict, **headers: str):
    """The image as anyone holding its link (with the check code) gets it."""
    return client.get(cert["png_url"], headers=headers)


def test_the_served_png_carries_a_qr_whose_url_verifies(client, certify):
    cert = certify(beneficiary="宝兴县 熊猫栖息地修复")
    assert cert["png_url"] == f"/api/v1/certificates/{cert['number']}.png?k={cert['check_code']}"
    resp = png(client, cert)
    assert resp.status_code == 200
    assert resp.mimetype == "image/png"
    image = Image.open(io.BytesIO(resp.get_data()))
    assert image.size == (1240, 1754)
    (code,) = zxingcpp.read_barcodes(image)
    assert code.text == cert["verify_url"]
    target = urlsplit(code.text)
    page = client.get(f"{target.path}?{target.query}", headers=ZH)
    assert "有效证书" in page.get_data(as_text=True)


def test_sizes_are_bounded_and_named_in_the_error(client, certify):
    cert = certify()
    for bad in ("599", "2481", "big"):
        resp = client.get(f"{cert['png_url']}&size={bad}")
        assert resp.status_code == 422
        assert resp.get_json()["errors"][0]["field"] == "size"
    small = client.get(f"{cert['png_url']}&size=600")
    assert Image.open(io.BytesIO(small.get_data())).size == (600, 849)
    assert client.get("/api/v1/certificates/DD-2099-000001.png").status_code == 404


def test_the_same_certificate_gives_the_same_bytes_and_etag(client, certify):
    cert = certify()
    first, again = png(client, cert), png(client, cert)
    assert first.get_data() == again.get_data()
    etag = first.headers["ETag"]
    assert etag == again.headers["ETag"]
    assert png(client, cert, **{"If-None-Match": etag}).status_code == 304


def test_revoking_changes_the_image(app, client, db_session, certify):
    cert = certify()
    number = cert["number"]
    before = png(client, cert)
    op = f.bearer(f.operator_token(client, db_session))
    client.post(
        f"/api/v1/certificates/{number}/revocation", json={"reason": "测试撤销"}, headers=op
    )
    after = png(client, cert)
    assert after.headers["ETag"] != before.headers["ETag"]
    assert after.get_data() != before.get_data()
