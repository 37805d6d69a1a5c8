"""The public verification page: server-rendered HTML, no JavaScript, so it works in any
browser, WeChat's in-app one included.

`/verify/{number}?k={check code}` is the link a person types from a certificate;
`/verify/{payload}` is what a version-2 QR holds, and `/verify/{number}?c=…&s=…` a version-1
one. A number alone finds nothing (404, as for a number never issued). A judicial
certificate shows the defendant's name masked and no case number (`access`). The page is in
Chinese, or in English for `?lang=en` or an English Accept-Language, with a link to the other.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Response, render_template, request

from backend.certificates import issuers, services
from backend.certificates.view import POOLED_RETIREMENT, mass_label
from backend.core import db
from backend.core.clock import china_date
from backend.core.lang import Lang, request_lang
from backend.core.messages import text

MAX_REF = 200  # a number is 14 characters, a version-2 QR payload 157

blp = Blueprint("verify", __name__, template_folder="templates")
blp.add_app_template_filter(mass_label, "mass")

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
# The link to the other language, written in that language.
SWITCH = {"zh": "English", "en": "中文"}


@blp.route("/verify/<string:ref>")
def verify_page(ref: str) -> Response:
    """Validity, beneficiary, mass, credits, their registry status, and the court
    verification (court and date) if the certificate has one."""
    s = db.session()
    issuer = issuers.current()
    presented = services.Presented(
        code=request.args.get("k"), claim=request.args.get("c"), signature=request.args.get("s")
    )
    verdict = services.verify(s, issuer, ref[:MAX_REF], presented)
    cert = verdict.certificate
    view = services.view(s, issuer, cert) if cert is not None else None
    verified = (
        {"by": cert.verified_by, "on": china_date(cert.verified_at)}
        if cert is not None and cert.verified_at is not None
        else None
    )
    revoked_on = china_date(cert.revoked_at) if cert is not None and cert.revoked_at else None
    lang = request_lang(request.args.get("lang"))
    other: Lang = "en" if lang == "zh" else "zh"
    html = render_template(
        "verify.html",
        lang=lang,
        other=other,
        t=lambda key, **params: (
            SWITCH[lang] if key == "switch" else text(f"certificates.page.{key}", params, lang)
        ),
        switch_query=urlencode({**request.args, "lang": other}),
        number=cert.number if cert is not None else ref[:20],
        outcome=verdict.outcome,
        cert=verdict.certificate,
        view=view,
        verified=verified,
        revoked_on=revoked_on,
        revoked_reason=services.revoked_reason(cert, lang) if cert else "",
        pooled=POOLED_RETIREMENT[0 if lang == "zh" else 1],
    )
    status = 404 if verdict.outcome == "unknown" else 200
    return Response(
        html,
        status=status,
        mimetype="text/html",
        headers={
            "Content-Security-Policy": CSP,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            "Cache-Control": "no-store",
            "Content-Language": "zh-CN" if lang == "zh" else "en",
            "Vary": "Accept-Language",
        },
    )
