"""Certificates API: JSON, PNG, public keys, revocation; plus the public ledger and stats."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, request
from flask.views import MethodView

from backend.accounts.auth import BEARER_AUTH, current_principal
from backend.certificates import issuers, issuing, services
from backend.certificates.images import ImageCache
from backend.certificates.models import Certificate
from backend.certificates.render import render_png
from backend.certificates.schemas import (
    CertificatePageSchema,
    CertificateQuerySchema,
    CertificateSchema,
    KeysSchema,
    LedgerPageSchema,
    LedgerQuerySchema,
    PngQuerySchema,
    RevocationSchema,
    StatsSchema,
)
from backend.certificates.signing import b64url, canonical
from backend.core import db
from backend.web.blueprint import Blueprint

blp = Blueprint(
    "certificates",
    __name__,
    url_prefix="/api/v1",
    description="Certificates, their public keys, the public ledger and statistics",
)
PNG_CACHE = "public, max-age=60"


def images() -> ImageCache:
    cache: ImageCache = current_app.extensions["certificate_images"]
    return cache


def represent(cert: Certificate) -> dict[str, Any]:
    issuer = issuers.current()
    view = services.view(db.session(), issuer, cert)
    claim = issuing.claim(cert)
    return {
        "number": cert.number,
        "status": cert.status.value,
        "beneficiary": cert.beneficiary,
        "purpose": cert.purpose,
        "footprint_mass_g": cert.footprint_mass_g,
        "mass_g": cert.mass_g,
        "issued_at": cert.issued_at,
        "issuer": view.issuer,
        "sandbox": view.sandbox,
        "judicial": cert.judicial,
        "credits": view.credits,
        "verify_url": view.verify_url,
        "png_url": f"/api/v1/certificates/{cert.number}.png",
        "key_id": cert.key_id,
        "claim": {**claim, "encoded": b64url(canonical(claim))},
        "signature": cert.signature,
        "revoked_at": cert.revoked_at,
        "revoked_reason": cert.revoked_reason,
    }


@blp.route("/certificates")
class Certificates(MethodView):
    @blp.arguments(CertificateQuerySchema(), location="query")
    @blp.response(200, CertificatePageSchema)
    @blp.doc(security=BEARER_AUTH)
    def get(self, q: dict[str, Any]) -> dict[str, Any]:
        """My certificates, or an organisation's (its admins and API keys); newest first."""
        certs, cursor = services.listing(
            db.session(),
            current_principal(),
            organisation_id=q.get("organisation_id"),
            limit=q["limit"],
            cursor=q.get("cursor"),
        )
        issuer = issuers.current()
        items = [
            {
                "number": c.number,
                "status": c.status.value,
                "beneficiary": c.beneficiary,
                "purpose": c.purpose,
                "mass_g": c.mass_g,
                "issued_at": c.issued_at,
                "judicial": c.judicial,
                "order_id": c.order_id,
                "verify_url": issuing.verify_url(issuer, c),
                "png_url": f"/api/v1/certificates/{c.number}.png",
            }
            for c in certs
        ]
        return {"items": items, "next_cursor": cursor}


@blp.route("/certificates/keys")
class Keys(MethodView):
    @blp.response(200, KeysSchema)
    def get(self) -> dict[str, Any]:
        """The Ed25519 public keys (JWK) that sign certificates, by key id, for offline checks."""
        return {"keys": issuers.current().keyring.jwks()}


@blp.route("/certificates/<string:number>")
class CertificateByNumber(MethodView):
    @blp.response(200, CertificateSchema)
    def get(self, number: str) -> dict[str, Any]:
        """A certificate as JSON, with live registry status (public: anyone may verify)."""
        return represent(services.get(db.session(), number))


@blp.route("/certificates/<string:number>.png")
class CertificatePng(MethodView):
    @blp.arguments(PngQuerySchema(), location="query")
    @blp.response(200, content_type="image/png", description="The certificate, A4 portrait")
    @blp.alt_response(304, description="Not modified (If-None-Match)")
    def get(self, query: dict[str, Any], number: str) -> Response:
        """The certificate as a PNG; `size` is the width (600-2480 px). Cached, with an ETag."""
        width = query["size"]
        cache = images()
        png = cache.recent(number, width)
        if png is None:
            s = db.session()
            view = services.view(s, issuers.current(), services.get(s, number))
            png = cache.get(view, width, lambda: render_png(view, width))
        if png.etag in request.if_none_match:
            return Response(
                status=304, headers={"ETag": f'"{png.etag}"', "Cache-Control": PNG_CACHE}
            )
        return Response(
            png.body,
            mimetype="image/png",
            headers={"ETag": f'"{png.etag}"', "Cache-Control": PNG_CACHE},
        )


@blp.route("/certificates/<string:number>/revocation", methods=["POST"])
@blp.arguments(RevocationSchema())
@blp.response(200, CertificateSchema)
@blp.alt_response(409, description="Its credits are retired at the registry (`registry-retired`)")
@blp.doc(security=BEARER_AUTH)
def revoke(body: dict[str, Any], number: str) -> dict[str, Any]:
    """Revoke a certificate, with a reason (operators), while no unit is registry-retired."""
    operator = current_principal().require_operator()
    s = db.session()
    cert = services.revoke(s, number, body["reason"], operator.id)
    s.commit()
    images().forget(number)
    return represent(cert)


@blp.route("/ledger")
class Ledger(MethodView):
    @blp.arguments(LedgerQuerySchema(), location="query")
    @blp.response(200, LedgerPageSchema)
    def get(self, q: dict[str, Any]) -> dict[str, Any]:
        """Every retirement, newest first: certificate number, serial units and grams."""
        items, cursor = services.ledger(db.session(), q["limit"], q.get("cursor"))
        return {"items": items, "next_cursor": cursor}


@blp.route("/stats")
class Stats(MethodView):
    @blp.response(200, StatsSchema)
    def get(self) -> dict[str, Any]:
        """Public figures: neutralisations, and mass by standard, project type, province, month."""
        return services.stats(db.session())
