"""The composition root's other half: each domain subscribes its handlers to the events of the
domains below it, and adds its part of a person's data export. Called once by `create_app`;
subscribing twice is harmless.

The order matters for inline handlers of one event: they run as subscribed (certificates before
the domains above them, so a retired order's certificate exists when they run).
"""

from __future__ import annotations

from backend.accounts import privacy
from backend.accounts.events import AccountDeleted
from backend.certificates import access as certificate_access
from backend.certificates import handlers as certificates
from backend.certificates import personal_data as certificate_data
from backend.certificates.events import CertificateIssued
from backend.core.events import bus
from backend.courts import counting
from backend.courts import personal_data as court_data
from backend.courts.certificate_access import reads_certificate
from backend.courts.events import CertificateVerified
from backend.footprint import personal_data as footprint_data
from backend.idempotency import personal_data as idempotency_data
from backend.orders import personal_data as order_data
from backend.orders.events import OrderChanged, OrderClosed, OrderPaid, OrderRefunded, OrderRetired
from backend.partners.webhooks import events as webhook_events
from backend.partners.webhooks import handlers as webhooks
from backend.partners.wechat import personal_data as follower_data
from backend.points import personal_data as points_data


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

    _personal_data()


def _personal_data() -> None:
    """Each domain's part of a person's export, and of deleting their account (inline, in the
    deletion's transaction; orders erase the person's footprints, keeping those behind an
    order)."""
    for name, section in (
        ("footprints", footprint_data.export),
        ("orders", order_data.export),
        ("certificates", certificate_data.export),
        ("points", points_data.export),
        ("court_actions", court_data.export),
        ("wechat_followers", follower_data.export),
    ):
        privacy.add_section(name, section)
    bus.subscribe(AccountDeleted, idempotency_data.erase)
    bus.subscribe(AccountDeleted, order_data.erase)
    bus.subscribe(AccountDeleted, certificate_data.erase)
    bus.subscribe(AccountDeleted, points_data.erase)
    bus.subscribe(AccountDeleted, follower_data.erase)
