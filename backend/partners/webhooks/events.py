"""Recording webhook events: an outbox written in the caller's transaction, each with a
delivery and a job on the `webhooks` queue for every endpoint subscribed to it."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, delete, insert, select
from sqlalchemy.orm import Session

from backend.core.clock import utcnow
from backend.core.db import random_id, upsert
from backend.core.jobs import queue
from backend.partners.webhooks.models import (
    DeliveryStatus,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)

EVENT_TYPES = ("order.paid", "order.retired", "certificate.issued", "certificate.verified")
API_VERSION = "2026-12-07"  # 2026-12-07: purpose_detail; purpose in Chinese
DELIVER_JOB = "webhook.deliver"
QUEUE = "webhooks"  # the worker's lane for deliveries, apart from settlement and expiry
KEEP = timedelta(days=30)  # how long the delivery log shows a settled event
JOB_MAX_ATTEMPTS = 3  # a job is one delivery attempt; these retries only cover crashes
EVENTS = cast(Table, WebhookEvent.__table__)
DELIVERIES = cast(Table, WebhookDelivery.__table__)


MANUAL = "manual"  # the attempt part of a manual redelivery's job


def job_ref(delivery_id: str, attempt: int | None) -> str:
    """The job of a delivery's `attempt`-th automatic attempt, or of a manual one (None)."""
    return f"{delivery_id}/{MANUAL if attempt is None else attempt}"


def emit(s: Session, organisation_id: int | None, type: str, data: dict[str, Any]) -> None:
    """Record event `type` for the organisation, with a delivery and a job for each enabled
    endpoint subscribed to it, in the caller's transaction (they exist iff it commits).

    No effect when `organisation_id` is None or nobody subscribes. `data` must be plain JSON.
    """
    record(s, organisation_id, type, data)


def record(
    s: Session,
    organisation_id: int | None,
    type: str,
    data: dict[str, Any],
    *,
    cause: str | None = None,
    at: datetime | None = None,
) -> str | None:
    """`emit`, for the domain event `cause` (its id) when there is one: once per cause and
    organisation, however often it is handled. Returns the webhook event's id, or None when
    nothing was written (nobody subscribes, or the cause was recorded already)."""
    if type not in EVENT_TYPES:
        raise ValueError(f"unknown webhook event type {type!r}")
    if organisation_id is None:
        return None
    json.dumps(data, allow_nan=False)  # fail in the caller, not later in the worker
    rows = s.execute(
        select(WebhookEndpoint.id, WebhookEndpoint.events).where(
            WebhookEndpoint.organisation_id == organisation_id, WebhookEndpoint.enabled
        )
    ).all()
    targets = sorted(endpoint_id for endpoint_id, events in rows if type in events)
    if not targets:
        return None
    now, event_id = utcnow(), random_id("evt_")
    row = dict(
        id=event_id,
        organisation_id=organisation_id,
        type=type,
        api_version=API_VERSION,
        data=data,
        cause_id=cause,
        created_at=at or now,
    )
    written = s.execute(
        upsert(s, EVENTS)
        .values(**row)
        .on_conflict_do_nothing(index_elements=["cause_id", "organisation_id"])
        .returning(EVENTS.c.id)
    ).first()
    if written is None:
        return None  # this cause was recorded for the organisation already
    for endpoint_id in targets:
        _deliver(s, event_id, endpoint_id, now)
    return event_id


def _deliver(s: Session, event_id: str, endpoint_id: str, now: datetime) -> None:
    delivery_id = random_id("whd_")
    s.execute(
        insert(DELIVERIES).values(
            id=delivery_id,
            event_id=event_id,
            endpoint_id=endpoint_id,
            status="pending",
            attempts=0,
            next_attempt_at=now,
            last_error="",
            created_at=now,
            updated_at=now,
        )
    )
    queue.enqueue(
        s,
        DELIVER_JOB,
        job_ref(delivery_id, 1),
        run_at=now,
        max_attempts=JOB_MAX_ATTEMPTS,
        queue_name=QUEUE,
    )


def purge(s: Session, now: datetime | None = None) -> int:
    """Forget events older than `KEEP` whose deliveries are all settled (succeeded or failed);
    their deliveries and attempt logs go with them. Returns how many events."""
    cutoff = (now or utcnow()) - KEEP
    unsettled = select(DELIVERIES.c.event_id).where(DELIVERIES.c.status == DeliveryStatus.pending)
    gone = s.execute(
        delete(EVENTS).where(EVENTS.c.created_at < cutoff, EVENTS.c.id.not_in(unsettled))
    ).rowcount  # type: ignore[attr-defined]
    return int(gone)
