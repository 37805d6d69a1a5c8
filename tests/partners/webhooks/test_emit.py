"""emit(): an outbox written in the caller's transaction, only for subscribed, enabled
endpoints of the organisation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from backend.core.clock import utcnow
from backend.core.jobs.models import Job
from backend.partners.webhooks.events import DELIVER_JOB, emit, purge
from backend.partners.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEvent
from tests import factories as f
from tests.partners.webhooks.conftest import create_endpoint

URL = "https://hooks.example.com/in"


def count(s, model) -> int:
    return s.scalar(select(func.count()).select_from(model))


def test_only_enabled_subscribed_endpoints_of_the_organisation_get_a_delivery(
    client, db_session, company
):
    wanted = create_endpoint(client, company.token, URL, ["order.paid", "order.retired"])
    create_endpoint(client, company.token, URL, ["certificate.issued"])
    off = create_endpoint(client, company.token, URL, ["order.paid"])
    client.patch(
        f"/api/v1/webhook-endpoints/{off['id']}", json={"enabled": False}, headers=company.headers
    )
    other_admin = f.user(db_session)
    f.organisation(db_session, name="别家", admin=other_admin)
    create_endpoint(client, f.sign_in(client, other_admin.phone), URL, ["order.paid"])

    emit(db_session, company.org.id, "order.paid", {"id": "ord_1"})
    db_session.commit()
    delivery = db_session.execute(select(WebhookDelivery)).scalar_one()
    assert delivery.endpoint_id == wanted["id"]
    event = db_session.get_one(WebhookEvent, delivery.event_id)
    assert (event.organisation_id, event.type, event.data) == (
        company.org.id,
        "order.paid",
        {"id": "ord_1"},
    )
    job = db_session.execute(select(Job).where(Job.kind == DELIVER_JOB)).scalar_one()
    assert job.ref == f"{delivery.id}/1"


def test_no_organisation_or_no_subscriber_writes_nothing(client, db_session, company):
    create_endpoint(client, company.token, URL, ["certificate.verified"])
    emit(db_session, None, "order.paid", {"id": "ord_1"})
    emit(db_session, company.org.id, "order.paid", {"id": "ord_1"})
    db_session.commit()
    assert count(db_session, WebhookEvent) == 0
    assert count(db_session, Job) == 0


def test_the_event_exists_only_if_its_cause_commits(client, db_session, company):
    create_endpoint(client, company.token, URL, ["order.paid"])
    emit(db_session, company.org.id, "order.paid", {"id": "ord_1"})
    db_session.rollback()
    assert count(db_session, WebhookEvent) == 0
    assert count(db_session, WebhookDelivery) == 0
    assert count(db_session, Job) == 0


def test_unknown_types_and_data_that_is_not_json_fail_in_the_caller(db_session, company):
    with pytest.raises(ValueError, match="unknown webhook event type"):
        emit(db_session, company.org.id, "order.lost", {})
    with pytest.raises(TypeError):
        emit(db_session, company.org.id, "order.paid", {"at": object()})


def test_settled_events_are_forgotten_after_30_days_with_their_deliveries(
    client, db_session, company
):
    create_endpoint(client, company.token, URL, ["order.paid"])
    emit(db_session, company.org.id, "order.paid", {"id": "ord_1"})
    emit(db_session, company.org.id, "order.paid", {"id": "ord_2"})
    db_session.commit()
    settled, pending = db_session.scalars(
        select(WebhookDelivery).order_by(WebhookDelivery.created_at, WebhookDelivery.id)
    ).all()
    settled.status = DeliveryStatus.succeeded
    db_session.commit()
    assert purge(db_session, utcnow() + timedelta(days=29)) == 0
    assert purge(db_session, utcnow() + timedelta(days=31)) == 1
    assert db_session.scalars(select(WebhookDelivery.id)).all() == [pending.id]
    assert count(db_session, WebhookEvent) == 1
