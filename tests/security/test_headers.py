"""The headers the app sends, exactly as SECURITY.md documents them."""

from __future__ import annotations

import pytest
from flask import Flask

from backend.certificates.pages import CSP as VERIFY_CSP
from backend.web.security_headers import PWA_CSP
from tests.security.world import World


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/stats",
        "/api/v1/nope",  # a 404 problem+json
        "/healthz",
        "/api/v1/openapi.json",
        "/api/v1/docs",
        "/",
        "/neutralise/meeting",
    ],
)
def test_every_response_says_nosniff_and_a_referrer_policy(app: Flask, path: str) -> None:
    resp = app.test_client().get(path)
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in resp.headers  # plain http here


def test_the_pwa_index_has_its_csp_and_cannot_be_framed(app: Flask) -> None:
    for path in ("/", "/neutralise/meeting?attendees=50", "/court-purchase/abc"):
        resp = app.test_client().get(path)
        assert resp.status_code == 200
        assert resp.mimetype == "text/html"
        assert resp.headers["Content-Security-Policy"] == PWA_CSP
        assert resp.headers["X-Frame-Options"] == "DENY"
    directives = dict(d.split(" ", 1) for d in PWA_CSP.split("; "))
    # no inline script, no eval; WeChat's JS-SDK for scanning inside WeChat
    assert directives["script-src"] == "'self' https://js.stripe.com https://res.wx.qq.com"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"


def test_the_verify_page_keeps_its_stricter_csp(app: Flask, world: World) -> None:
    resp = app.test_client().get(f"/verify/{world['acme_cert']}?k={world['acme_cert_code']}")
    assert resp.status_code == 200
    assert resp.headers["Content-Security-Policy"] == VERIFY_CSP
    assert VERIFY_CSP == (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
    assert resp.headers["Referrer-Policy"] == "no-referrer"
    assert resp.headers["Cache-Control"] == "no-store"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["X-Frame-Options"] == "DENY"
    assert "<script" not in resp.get_data(as_text=True)


def test_json_and_images_get_no_page_policy(app: Flask, world: World) -> None:
    """A CSP is for documents; API answers carry nosniff, which stops them being run."""
    png = f"/api/v1/certificates/{world['acme_cert']}.png?k={world['acme_cert_code']}"
    for path in ("/api/v1/stats", png):
        resp = app.test_client().get(path)
        assert resp.status_code == 200
        assert "Content-Security-Policy" not in resp.headers
        assert "X-Frame-Options" not in resp.headers


def test_https_requests_get_hsts(app: Flask) -> None:
    resp = app.test_client().get("/healthz", base_url="https://localhost")
    assert resp.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_the_swagger_page_is_not_frameable_and_has_no_pwa_csp(app: Flask) -> None:
    """Swagger UI's page runs an inline script, so it gets no CSP (a known gap), but it cannot
    be framed."""
    resp = app.test_client().get("/api/v1/docs")
    assert resp.status_code == 200
    assert resp.headers["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" not in resp.headers


def test_no_cross_origin_reads_are_granted(app: Flask, world: World) -> None:
    """No CORS: another site's script cannot read our answers, even with a token it stole
    nothing to send (bearer tokens are not cookies, so there is no ambient credential)."""
    client = app.test_client()
    origin = {"Origin": "https://evil.example"}
    pre = client.options(
        "/api/v1/me",
        headers={
            **origin,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization",
        },
    )
    got = client.get("/api/v1/me", headers={**origin, **world.auth("citizen")})
    for resp in (pre, got):
        assert not [k for k, _ in resp.headers.items() if k.lower().startswith("access-control-")]
    assert got.status_code == 200
    assert "Set-Cookie" not in got.headers
