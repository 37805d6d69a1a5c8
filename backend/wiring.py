"""The composition root's other half: each domain subscribes its handlers to the events of the
domains below it. Called once by `create_app`; subscribing twice is harmless."""

from __future__ import annotations

from backend.certificates.events import CertificateIssued
from backend.core.events import bus
from backend.courts.events import CertificateVerified
from backend.orders.events import OrderPaid, OrderRetired
from backend.partners.webhooks import events as webhook_events
from backend.partners.webhooks import handlers as webhooks


def subscribe_handlers() -> None:
    """Register every domain's event handlers with the bus."""
    # partners: the webhooks companies subscribe to, made on the webhooks lane
    lane = webhook_events.QUEUE
    bus.subscribe(OrderPaid, webhooks.order_paid, deferred=True, queue_name=lane)
    bus.subscribe(OrderRetired, webhooks.order_retired, deferred=True, queue_name=lane)
    bus.subscribe(CertificateIssued, webhooks.certificate_issued, deferred=True, queue_name=lane)
    bus.subscribe(
        CertificateVerified, webhooks.certificate_verified, deferred=True, queue_name=lane
    )
