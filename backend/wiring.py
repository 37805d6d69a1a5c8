"""The composition root's other half: each domain subscribes its handlers to the events of the
domains below it. Called once by `create_app`; subscribing twice is harmless.

The order matters for inline handlers of one event: they run as subscribed (certificates before
the domains above them, so a retired order's certificate exists when they run).
"""

from __future__ import annotations

from backend.certificates import handlers as certificates
from backend.certificates.events import CertificateIssued
from backend.core.events import bus
from backend.courts import counting
from backend.courts.events import CertificateVerified
from backend.orders.events import OrderClosed, OrderPaid, OrderRefunded, OrderRetired
from backend.partners.webhooks import bridge


def _judicial(event: OrderPaid | OrderClosed | OrderRefunded) -> bool:
    return event.judicial


def subscribe_handlers() -> None:
    """Register every domain's event handlers with the bus."""
    bus.subscribe(OrderRetired, certificates.issue_for_order)
    bus.subscribe(OrderRefunded, certificates.revoke_for_refund)
    bus.subscribe(OrderPaid, counting.recount_revived, when=_judicial)
    bus.subscribe(OrderClosed, counting.uncount, when=_judicial)
    bus.subscribe(OrderRefunded, counting.uncount, when=_judicial)
    bus.subscribe(OrderPaid, bridge.order_paid)
    bus.subscribe(OrderRetired, bridge.order_retired)
    bus.subscribe(CertificateIssued, bridge.certificate_issued)
    bus.subscribe(CertificateVerified, bridge.certificate_verified)
