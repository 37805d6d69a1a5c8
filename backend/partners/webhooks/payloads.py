"""The `data` of each webhook event type (see shared/schemas/webhooks), built from the domain
event's snapshot, so a delivery tells what happened then, whenever its handler runs."""

from __future__ import annotations

from typing import Any

from backend.certificates import issuing
from backend.certificates.events import CertificateIssued
from backend.certificates.issuing import Issuer
from backend.certificates.models import Certificate
from backend.courts.events import CertificateVerified
from backend.footprint.purpose import Purpose
from backend.footprint.purpose_schema import PurposeSchema
from backend.orders.events import OrderChanged


def purpose(stored: str | dict[str, Any]) -> dict[str, Any]:
    """`purpose` as Chinese text (as before) and `purpose_detail`, structured with both texts."""
    parsed = Purpose.read(stored)
    return {"purpose": parsed.column_text(), "purpose_detail": PurposeSchema().dump(parsed)}


def of_order(event: OrderChanged, certificate_number: str | None) -> dict[str, Any]:
    """An order as `order.paid` and `order.retired` carry it."""
    return {
        "id": event.order_id,
        "status": event.status,
        "mass_g": event.mass_g,
        "amount": event.amount,
        "currency": event.currency,
        "beneficiary": event.beneficiary,
        **purpose(event.purpose),
        "footprint_id": event.footprint_id,
        "certificate_number": certificate_number,
        "paid_at": event.paid_at,
        "retired_at": event.retired_at,
    }


def png_url(issuer: Issuer, cert: Certificate) -> str:
    """The image, with the check code that opens it to anyone holding the link."""
    code = issuing.check_code(cert)
    return f"{issuer.base_url}/api/v1/certificates/{cert.number}.png?k={code}"


def of_issued(event: CertificateIssued, cert: Certificate, issuer: Issuer) -> dict[str, Any]:
    """A certificate as `certificate.issued` carries it, with absolute verify and PNG links
    (the verify link holds the certificate's signature, so `cert` is its row)."""
    return {
        "number": event.number,
        "order_id": event.order_id,
        "mass_g": event.mass_g,
        "beneficiary": event.beneficiary,
        **purpose(event.purpose),
        "issued_at": event.issued_at,
        "issued_on": issuing.issued_on(cert).isoformat(),
        "verify_url": issuing.verify_url(issuer, cert),
        "png_url": png_url(issuer, cert),
        "judicial": event.judicial,
    }


def of_verified(event: CertificateVerified, cert: Certificate, issuer: Issuer) -> dict[str, Any]:
    """A court's 核销 as `certificate.verified` carries it."""
    return {
        "number": event.number,
        "mass_g": event.mass_g,
        "verified_at": event.verified_at,
        "court": event.court_name,
        "case_number": event.case_number,
        "verify_url": issuing.verify_url(issuer, cert),
    }
