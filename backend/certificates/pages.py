"""The public verification page: server-rendered HTML, no JavaScript, so it works in any
browser, WeChat's in-app one included.

`/verify/{number}?k={check code}` is the link a person types from a certificate;
`/verify/{payload}` is what a version-2 QR holds, and `/verify/{number}?c=…&s=…` a version-1
one. A number alone finds nothing (404, as for a number never issued). A judicial
certificate shows the defendant's name masked and no case number (`access`).
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request

from backend.certificates import issuers, services
from backend.certificates.view import mass_label
from backend.core import db
from backend.core.clock import china_date

MAX_REF = 200  # a number is 14 characters, a version-2 QR payload 157

blp = Blueprint("verify", __name__, template_folder="templates")
blp.add_app_template_filter(mass_label, "mass")

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
MESSAGES = {
    "valid": ("有效证书", "Valid certificate"),
    "revoked": ("此证书已撤销", "This certificate has been revoked"),
    "forged": (
        "验证失败：二维码或证书内容与登记记录不符，可能被篡改",
        "Verification failed: this QR or certificate does not match our record; it may be forged",
    ),
    "unknown": (
        "查无此证书：请核对证书编号和校验码，或扫描证书上的二维码",
        "No certificate with this number and check code; or scan the certificate's QR code",
    ),
}


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
    zh, en = (services.revoked_reason(cert, lang) for lang in ("zh", "en")) if cert else ("", "")
    html = render_template(
        "verify.html",
        number=cert.number if cert is not None else ref[:20],
        outcome=verdict.outcome,
        message=MESSAGES[verdict.outcome],
        cert=verdict.certificate,
        view=view,
        verified=verified,
        revoked_on=revoked_on,
        revoked_reason=zh if zh == en else f"{zh} {en}",  # an operator's words once
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
        },
    )
