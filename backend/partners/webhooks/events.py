"""Emitting webhook events: an outbox written in the caller's transaction."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, delete, insert, select
from sqlalchemy.orm import Session

from backend.core.clock import utcnow
from backend.core.db import random_id
from backend.core.jobs import queue
from backend.partners.webhooks.models import (
    DeliveryStatus,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)

EVENT_TYPES = ("order.paid", "order.retired", "certificate.issued", "certificate.verified")
API_VERSION = "2026-11-24"
DELIVER_JOB = "webhook.deliver"
QUEUE = "webhooks"  # the worker's lane for deliveries, apart from settlement and expiry
KEEP = timedelta(days=30)  # how long the delivery log shows a settled event
JOB_MAX_ATTEMPTS = 3  # a job is one delivery attempt; these retries only cover crashes
EVENTS = cast(Table, WebhookEvent.__table__)
DELIVERIES = cast(Table, WebhookDelivery.__table__)


def job_ref(delivery_id: str, attempt: int) -> str:
    """The job of a delivery's `attempt`-th automatic attempt."""
    return f"{delivery_id}/{attempt}"


def emit(s: Session, organisation_id: int | None, type: str, data: dict[str, Any]) -> None:
    """Record event `type` for the organisation, with a delivery and a job for each enabled
    endpoint subscribed to it, in the caller's transaction (they exist iff it commits).

    No effect when `organisation_id` is None or nobody subscribes. `data` must be plain JSON.
    """
    if type not in EVENT_TYPES:
        raise ValueError(f"unknown webhook event type {type!r}")
    if organisation_id is None:
        return
    json.dumps(data, allow_nan=False)  # fail in the caller, not later in the worker
    rows = s.execute(
        select(WebhookEndpoint.id, WebhookEndpoint.events).where(
            WebhookEndpoint.organisation_id == organisation_id, WebhookEndpoint.enabled
        )
    ).all()
    targets = sorted(endpoint_id for endpoint_id, events in rows if type in events)
    if not targets:
        return
    now, event_id = utcnow(), random_id("evt_")
    s.execute(
        insert(EVENTS).values(
            id=event_id,
            organisation_id=organisation_id,
            type=type,
            api_version=API_VERSION,
            data=data,
            created_at=now,
        )
    )
    for endpoint_id in targets:
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
    s.commit()
    return int(gone)
