"""The composition root's other half: each domain subscribes its handlers to the events of the
domains below it. Called once by `create_app`; subscribing twice is harmless.

The order matters for inline handlers of one event: they run as subscribed (certificates before
the domains above them, so a retired order's certificate exists when they run).
"""

from __future__ import annotations

from backend.certificates import access as certificate_access
from backend.certificates import handlers as certificates
from backend.certificates.events import CertificateIssued
from backend.core.events import bus
from backend.courts import counting
from backend.courts.certificate_access import reads_certificate
from backend.courts.events import CertificateVerified
from backend.orders.events import OrderChanged, OrderClosed, OrderPaid, OrderRefunded, OrderRetired
from backend.partners.webhooks import events as webhook_events
from backend.partners.webhooks import handlers as webhooks


def _judicial(event: OrderChanged) -> bool:
    return event.judicial


def _for_an_organisation(event: OrderChanged | CertificateIssued) -> bool:
    """Only organisations subscribe to webhooks: a person's order needs no job."""
    return event.organisation_id is not None


def subscribe_handlers() -> None:
    """Register every domain's event handlers with the bus."""
    # certificates and courts: inline, what must hold with the change itself
    bus.subscribe(OrderRetired, certificates.issue_for_order)
    bus.subscribe(OrderRefunded, certificates.revoke_for_refund)
    bus.subscribe(OrderPaid, counting.recount_revived, when=_judicial)
    bus.subscribe(OrderClosed, counting.uncount, when=_judicial)
    bus.subscribe(OrderRefunded, counting.uncount, when=_judicial)
    # a court's staff read its cases' certificates in full (the public sees them masked)
    certificate_access.allow(reads_certificate)
    # partners: the webhooks companies subscribe to, made later on the webhooks lane
    lane, org = webhook_events.QUEUE, _for_an_organisation
    bus.subscribe(OrderPaid, webhooks.order_paid, deferred=True, queue_name=lane, when=org)
    bus.subscribe(OrderRetired, webhooks.order_retired, deferred=True, queue_name=lane, when=org)
    bus.subscribe(
        CertificateIssued, webhooks.certificate_issued, deferred=True, queue_name=lane, when=org
    )
    bus.subscribe(
        CertificateVerified, webhooks.certificate_verified, deferred=True, queue_name=lane
    )
