"""TEMPORARY (issue 16, until partners' deferred handlers land): today's webhooks, emitted
inline from the domain events, with today's payloads."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.certificates import issuers
from backend.certificates.events import CertificateIssued
from backend.certificates.models import Certificate
from backend.courts.events import CertificateVerified
from backend.orders.events import OrderPaid, OrderRetired
from backend.partners.webhooks import payloads
from backend.partners.webhooks.events import emit


def order_paid(s: Session, e: OrderPaid) -> None:
    emit(s, e.organisation_id, "order.paid", payloads.order(s, e.order_id))


def order_retired(s: Session, e: OrderRetired) -> None:
    number = s.scalar(select(Certificate.number).where(Certificate.order_id == e.order_id))
    emit(s, e.organisation_id, "order.retired", payloads.order(s, e.order_id, number))


def certificate_issued(s: Session, e: CertificateIssued) -> None:
    if e.organisation_id is None:
        return
    cert = s.scalars(select(Certificate).where(Certificate.number == e.number)).one()
    emit(s, e.organisation_id, "certificate.issued", payloads.certificate(cert, issuers.current()))


def certificate_verified(s: Session, e: CertificateVerified) -> None:
    from backend.certificates import issuing

    cert = s.scalars(select(Certificate).where(Certificate.number == e.number)).one()
    data = {
        "number": e.number,
        "mass_g": e.mass_g,
        "verified_at": e.verified_at,
        "court": e.court_name,
        "case_number": e.case_number,
        "verify_url": issuing.verify_url(issuers.current(), cert),
    }
    for org_id in dict.fromkeys([e.buyer_organisation_id, e.court_id]):
        emit(s, org_id, "certificate.verified", data)
