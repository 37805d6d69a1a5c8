"""The PNG endpoint: a QR that decodes to a verifying URL, bounded sizes, ETags, caching."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import pytest
import zxingcpp
from PIL import Image

from backend.certificates import render
from backend.imaging.processes import PoolFull
from tests import factories as f
from tests.certificates.test_render import make_view

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


def test_only_preset_sizes_are_offered_and_others_named_in_the_error(client, certify):
    cert = certify()
    for bad in ("599", "601", "1000", "1200", "2479", "2481", "big"):
        resp = client.get(f"{cert['png_url']}&size={bad}")
        assert resp.status_code == 422
        assert resp.get_json()["errors"][0]["field"] == "size"
    for width, height in ((600, 849), (1240, 1754), (2480, 3507)):
        ok = client.get(f"{cert['png_url']}&size={width}")
        assert Image.open(io.BytesIO(ok.get_data())).size == (width, height)
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


def test_a_full_render_pool_is_a_503_with_retry_after(client, certify, monkeypatch):
    """One slot (no child process, no backlog), taken: a render is refused at once, in the
    request's language, and served once the slot is free."""
    monkeypatch.setenv(render.RENDER_PROCESSES_ENV, "0")
    monkeypatch.setenv(render.RENDER_BACKLOG_ENV, "0")
    cert = certify()
    assert render.POOL.limit() == 1
    with render.POOL.slot():
        for lang, words in (("en", "try again in 1 s"), ("zh", "请 1 秒后重试")):
            resp = client.get(f"{cert['png_url']}&size=600", headers={"Accept-Language": lang})
            assert resp.status_code == 503
            assert resp.mimetype == "application/problem+json"
            assert resp.headers["Retry-After"] == "1"
            body = resp.get_json()
            assert body["type"].endswith("/temporarily-unavailable")
            assert body["code"] == "certificates.renders_busy"
            assert words in body["detail"]
    resp = client.get(f"{cert['png_url']}&size=600")
    assert resp.status_code == 200
    assert resp.mimetype == "image/png"


def test_a_backlog_adds_slots(monkeypatch):
    monkeypatch.setenv(render.RENDER_PROCESSES_ENV, "2")
    monkeypatch.setenv(render.RENDER_BACKLOG_ENV, "1")
    assert render.POOL.limit() == 3
    with render.POOL.slot(), render.POOL.slot(), render.POOL.slot(), pytest.raises(PoolFull):
        render.render_png(make_view(), 600)
