"""The public verification page, `/verify/{number}`: server-rendered HTML, no JavaScript, so it
works in any browser, WeChat's in-app one included."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request

from backend.certificates import issuers, services
from backend.certificates.view import mass_label
from backend.core import db
from backend.core.clock import china_date

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
    "unknown": ("查无此证书", "No certificate with this number"),
}


@blp.route("/verify/<string:number>")
def verify_page(number: str) -> Response:
    """Validity, beneficiary, mass, credits, their registry status, and the court
    verification (court, case number, date) if the certificate has one."""
    s = db.session()
    issuer = issuers.current()
    verdict = services.verify(s, issuer, number[:40], request.args.get("c"), request.args.get("s"))
    view = services.view(s, issuer, verdict.certificate) if verdict.certificate else None
    cert = verdict.certificate
    verified = (
        {"by": cert.verified_by, "reference": cert.verified_for, "on": china_date(cert.verified_at)}
        if cert is not None and cert.verified_at is not None
        else None
    )
    html = render_template(
        "verify.html",
        number=number[:40],
        outcome=verdict.outcome,
        message=MESSAGES[verdict.outcome],
        cert=verdict.certificate,
        view=view,
        verified=verified,
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
