"""Security headers on every response, and a Content-Security-Policy on the PWA's pages.

Every response: `X-Content-Type-Options: nosniff` (a JSON or PNG answer is never run as a
script) and `Referrer-Policy: strict-origin-when-cross-origin` (no path or query, such as a
purchase token or a signed claim, leaves for another site). HTML also gets
`X-Frame-Options: DENY` (no framing: clickjacking; older in-app browsers ignore
`frame-ancestors`). Over HTTPS, `Strict-Transport-Security` for a year.

The PWA's index.html (any text/html the `pwa` blueprint serves) gets PWA_CSP: scripts only from
us, Stripe.js and WeChat's JS-SDK (res.wx.qq.com, loaded inside WeChat when the scanner
opens); styles from us, inline allowed because Stripe's Payment Element injects them; images from
us, `data:` and `blob:` (certificate and report images are fetched with the bearer
token and shown as object URLs); API calls to us and Stripe; frames to Stripe only; no plugins,
no <base>, no framing of the app. A header a view sets itself (the verify page's stricter CSP)
is kept as it is.
"""

from __future__ import annotations

from flask import Flask, Response, request

PWA_CSP = (
    "default-src 'self'; "
    "script-src 'self' https://js.stripe.com https://res.wx.qq.com; "
    "style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; "
    "font-src 'self'; "
    "connect-src 'self' https://api.stripe.com; "
    "frame-src https://js.stripe.com https://hooks.stripe.com; "
    "worker-src 'self'; "
    "manifest-src 'self'; "
    "object-src 'none'; "
    "base-uri 'none'; "
    "form-action 'self'; "
    "frame-ancestors 'none'"
)
HSTS = "max-age=31536000"


def _headers(resp: Response) -> Response:
    h = resp.headers
    h.setdefault("X-Content-Type-Options", "nosniff")
    h.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    if resp.mimetype == "text/html":
        h.setdefault("X-Frame-Options", "DENY")
        if request.blueprint == "pwa":
            h.setdefault("Content-Security-Policy", PWA_CSP)
    if request.is_secure:
        h.setdefault("Strict-Transport-Security", HSTS)
    return resp


def init_app(app: Flask) -> None:
    app.after_request(_headers)
