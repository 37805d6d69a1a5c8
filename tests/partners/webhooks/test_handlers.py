"""Partners subscribe to the domain events below them: OrderPaid, OrderRetired,
CertificateIssued and CertificateVerified each become the webhook event companies know (the same
types and payloads as before), through a deferred job on the webhooks lane, once per domain
event and organisation however often the job runs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select

from backend.certificates import issuing
from backend.certificates.events import CertificateIssued
from backend.certificates.models import Certificate
from backend.core.events import bus
from backend.core.jobs import queue
from backend.core.jobs.models import Job
from backend.courts.events import CertificateVerified
from backend.orders.events import OrderChanged, OrderPaid, OrderRetired
from backend.orders.models import Order
from backend.partners.webhooks import events, payloads
from backend.partners.webhooks import handlers as webhooks
from backend.partners.webhooks.events import EVENT_TYPES
from backend.partners.webhooks.models import WebhookEvent
from tests import factories as f
from tests.partners.webhooks.conftest import create_endpoint
from tests.partners.webhooks.receiver import Receiver, validate


def iso(at: datetime | None) -> str | None:
    return at.isoformat() if at is not None else None


def snapshot(cls: type[OrderChanged], o: Order, **changes: Any) -> Any:
    """The order as its domain event carries it."""
    fields: dict[str, Any] = {
        "order_id": o.id,
        "status": o.status.value,
        "user_id": o.user_id,
        "organisation_id": o.organisation_id,
        "footprint_id": o.footprint_id,
        "mass_g": o.mass_g,
        "amount": o.amount,
        "currency": o.currency,
        "beneficiary": o.beneficiary,
        "purpose": o.purpose_of.as_dict(),
        "judicial": False,
        "reservation_id": o.reservation_id,
        "paid_at": iso(o.paid_at),
        "retired_at": iso(o.retired_at),
    }
    return cls(**(fields | changes))


PURPOSE = {
    "purpose": "碳中和",
    "purpose_detail": {
        "kind": "custom",
        "name": "",
        "route": [],
        "round_trip": False,
        "text": {"zh": "碳中和", "en": "Carbon neutrality"},
    },
}


def order_data(o: Order, certificate_number: str | None) -> dict[str, Any]:
    """An order's webhook data, read from its row as it stands."""
    return {
        "id": o.id,
        "status": o.status.value,
        "mass_g": o.mass_g,
        "amount": o.amount,
        "currency": o.currency,
        "beneficiary": o.beneficiary,
        **PURPOSE,
        "footprint_id": o.footprint_id,
        "certificate_number": certificate_number,
        "paid_at": iso(o.paid_at),
        "retired_at": iso(o.retired_at),
    }


def certificate_data(cert: Certificate, issuer: Any) -> dict[str, Any]:
    """A certificate's webhook data, read from its row."""
    return {
        "number": cert.number,
        "order_id": cert.order_id,
        "mass_g": cert.mass_g,
        "beneficiary": cert.beneficiary,
        **PURPOSE,
        "issued_at": cert.issued_at.isoformat(),
        "issued_on": issuing.issued_on(cert).isoformat(),
        "verify_url": issuing.verify_url(issuer, cert),
        "png_url": payloads.png_url(issuer, cert),
        "judicial": cert.judicial,
    }


def domain_events(s, order_id: str, court_id: int, buyer_id: int) -> list[Any]:
    o = s.get_one(Order, order_id)
    cert = s.scalar(select(Certificate).where(Certificate.order_id == order_id))
    return [
        snapshot(OrderPaid, o, status="paid", retired_at=None),
        snapshot(OrderRetired, o),
        CertificateIssued(
            number=cert.number,
            order_id=o.id,
            user_id=o.user_id,
            organisation_id=o.organisation_id,
            mass_g=cert.mass_g,
            beneficiary=cert.beneficiary,
            purpose=issuing.purpose_of(cert).as_dict(),
            judicial=cert.judicial,
            issued_at=cert.issued_at.isoformat(),
        ),
        CertificateVerified(
            number=cert.number,
            mass_g=cert.mass_g,
            court_id=court_id,
            court_name="成都市锦江区人民法院",
            case_id="cc_handlers",
            case_number="(2026)川0104刑初42号",
            buyer_organisation_id=buyer_id,
            verified_at="2026-11-24T08:00:00+00:00",
        ),
    ]


def test_domain_events_become_the_same_webhooks_once_however_often_handled(
    app, client, db_session, company, stock, clock, run_worker
):
    order = f.neutralise(
        client,
        company.token,
        mass_g=1_000_000,
        preferences=stock.prefs,
        organisation_id=company.org.id,
    )
    assert run_worker() == 3  # its own events, before any endpoint: no webhooks come of them
    court_admin = f.user(db_session, "法官")
    court = f.organisation(db_session, name="成都市锦江区人民法院", admin=court_admin)
    court_token = f.sign_in(client, court_admin.phone)
    with Receiver() as receiver:
        mine = create_endpoint(client, company.token, receiver.url, list(EVENT_TYPES))
        theirs = create_endpoint(client, court_token, receiver.url, ["certificate.verified"])
        published = domain_events(db_session, order["id"], court.id, company.org.id)
        for event in published:
            bus.publish(db_session, event)
        db_session.commit()
        ids = {event.id for event in published}
        jobs = db_session.scalars(select(Job).where(Job.kind == bus.JOB_KIND)).all()
        handled = [job for job in jobs if job.ref.split(" ", 1)[0] in ids]
        assert {job.queue for job in handled} == {events.QUEUE}
        assert run_worker() == 4  # the domain events' jobs, on the webhooks lane
        assert run_worker() == 5  # their deliveries: four to the company, one to the court

        with app.app_context():  # a crash after the commit: each job runs again
            for job in handled:
                bus.run_deferred(db_session, job.ref)
        db_session.commit()
        assert run_worker() == 0

    made = db_session.scalars(select(WebhookEvent).order_by(WebhookEvent.type)).all()
    assert len(made) == 5
    assert {(e.cause_id, e.organisation_id) for e in made} == {
        *((event.id, company.org.id) for event in published),
        (published[3].id, court.id),
    }
    got: dict[tuple[str, str], dict[str, Any]] = {}
    for r in receiver.received:
        validate(r.event)
        r.verify([mine["secret"], theirs["secret"]], clock.now.timestamp())
        got[(r.event["type"], r.event["id"])] = r.event["data"]
    assert len(got) == 5

    with app.app_context():
        issuer = app.extensions["certificate_issuer"]
        cert = db_session.scalar(select(Certificate).where(Certificate.order_id == order["id"]))
        retired = order_data(db_session.get_one(Order, order["id"]), cert.number)
        expected = {
            "order.paid": retired
            | {"status": "paid", "retired_at": None, "certificate_number": None},
            "order.retired": retired,
            "certificate.issued": certificate_data(cert, issuer),
            "certificate.verified": {
                "number": cert.number,
                "mass_g": cert.mass_g,
                "verified_at": "2026-11-24T08:00:00+00:00",
                "court": "成都市锦江区人民法院",
                "case_number": "(2026)川0104刑初42号",
                "verify_url": issuing.verify_url(issuer, cert),
            },
        }
    for (kind, _id), data in got.items():
        assert data == expected[kind], kind
    assert sorted(kind for kind, _ in got) == sorted([*EVENT_TYPES, "certificate.verified"])


def test_a_retirement_whose_certificate_is_missing_is_retried_not_lost(
    client, db_session, company, stock, clock, run_worker
):
    order = f.place_order(
        client,
        company.token,
        mass_g=1_000_000,
        preferences=stock.prefs,
        organisation_id=company.org.id,
    )
    create_endpoint(client, company.token, "http://127.0.0.1:9/hooks", ["order.retired"])
    o = db_session.get_one(Order, order["id"])
    # as if the retirement committed without its certificate (certificates issue it inline, so
    # only a fault could): the outbox row and the partners handler's job, nothing else
    event = snapshot(OrderRetired, o, status="retired")
    db_session.execute(
        insert(bus.OUTBOX).values(
            id=event.id, type=event.type, payload=event.payload(), created_at=event.at
        )
    )
    name = f"{webhooks.order_retired.__module__}.{webhooks.order_retired.__qualname__}"
    queue.enqueue(db_session, bus.JOB_KIND, bus.job_ref(name, event.id), queue_name=events.QUEUE)
    db_session.commit()
    assert run_worker() == 1
    job = db_session.scalars(select(Job).where(Job.kind == bus.JOB_KIND)).one()
    db_session.refresh(job)
    assert job.done_at is None
    assert "has no certificate" in job.last_error
    assert db_session.scalar(select(func.count()).select_from(WebhookEvent)) == 0
