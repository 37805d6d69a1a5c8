"""What partners do when the domains below them change: each domain event an organisation can
subscribe to becomes a webhook event for it, with its deliveries.

Subscribed as deferred handlers on the `webhooks` queue (backend/wiring.py), so they never delay
their cause. Each is idempotent: the webhook event records the domain event's id under a unique
constraint, once per organisation, however often the handler runs.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.certificates import issuers
from backend.certificates.events import CertificateIssued
from backend.certificates.models import Certificate
from backend.courts.events import CertificateVerified
from backend.orders.events import OrderPaid, OrderRetired
from backend.partners.webhooks import events, payloads


class NotYet(LookupError):
    """What the handler needs is not there (yet): the job is retried with backoff."""


def _certificate(s: Session, number: str) -> Certificate:
    cert = s.scalar(select(Certificate).where(Certificate.number == number))
    if cert is None:
        raise NotYet(f"no certificate {number}")
    return cert


def order_paid(s: Session, event: OrderPaid) -> None:
    """`order.paid` for the order's organisation."""
    data = payloads.of_order(event, None)
    events.record(s, event.organisation_id, "order.paid", data, cause=event.id, at=event.at)


def order_retired(s: Session, event: OrderRetired) -> None:
    """`order.retired` for the order's organisation, with its certificate's number."""
    number = s.scalar(select(Certificate.number).where(Certificate.order_id == event.order_id))
    if number is None:
        raise NotYet(f"order {event.order_id} has no certificate")
    data = payloads.of_order(event, number)
    events.record(s, event.organisation_id, "order.retired", data, cause=event.id, at=event.at)


def certificate_issued(s: Session, event: CertificateIssued) -> None:
    """`certificate.issued` for the organisation that bought it."""
    data = payloads.of_issued(event, _certificate(s, event.number), issuers.current())
    org = event.organisation_id
    events.record(s, org, "certificate.issued", data, cause=event.id, at=event.at)


def certificate_verified(s: Session, event: CertificateVerified) -> None:
    """`certificate.verified` for the buyer's organisation (if any) and for the court."""
    data = payloads.of_verified(event, _certificate(s, event.number), issuers.current())
    for org in dict.fromkeys([event.buyer_organisation_id, event.court_id]):
        events.record(s, org, "certificate.verified", data, cause=event.id, at=event.at)
