"""At-least-once delivery, on the worker's `webhooks` lane: a job makes one automatic attempt
and schedules the next (`retry_delay`) until a 2xx or the last attempt; a manual redelivery is
one more attempt, queued by the API and made by the same lane (never inside a request).

An attempt is two transactions (docs/architecture.md): the delivery is read and that transaction
ended before the HTTP request, so no lock (on SQLite: the database's write lock) is held while
someone else's server answers; the queue then commits the attempt's record with the job."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.core import secretbox, uow
from backend.core.clock import utcnow
from backend.core.jobs import queue
from backend.core.jobs.models import Job
from backend.partners.webhooks import signing, transport
from backend.partners.webhooks.events import (
    DELIVER_JOB,
    JOB_MAX_ATTEMPTS,
    MANUAL,
    QUEUE,
    job_ref,
)
from backend.partners.webhooks.models import (
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)

SEAL_PURPOSE = "webhook-endpoint-secret"
USER_AGENT = "Diandian-Webhooks/1"
FIRST_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(hours=8)


@dataclass(frozen=True)
class Settings:
    """What delivering needs from the app config."""

    secret_key: str
    timeout_s: float
    max_attempts: int
    allow_private: bool

    @classmethod
    def from_config(cls, cfg: Mapping[str, Any]) -> Settings:
        return cls(
            secret_key=cfg["SECRET_KEY"],
            timeout_s=cfg["WEBHOOK_TIMEOUT_SECONDS"],
            max_attempts=cfg["WEBHOOK_MAX_ATTEMPTS"],
            allow_private=cfg["WEBHOOK_ALLOW_PRIVATE_TARGETS"],
        )


def retry_delay(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt: 30 s × 5^(n-1), at most 8 h, so
    30 s, 2.5 min, 12.5 min, 62.5 min, 5.2 h, 8 h, 8 h: eight attempts span about 22.5 h."""
    return min(FIRST_DELAY * 5 ** max(attempts - 1, 0), MAX_DELAY)


def secrets_of(endpoint: WebhookEndpoint, secret_key: str, now: datetime) -> list[str]:
    """The endpoint's valid signing secrets, the current one first."""
    sealed = [endpoint.secret_sealed]
    expires = endpoint.previous_secret_expires_at
    if endpoint.previous_secret_sealed and expires is not None and expires > now:
        sealed.append(endpoint.previous_secret_sealed)
    return [secretbox.unseal(secret_key, SEAL_PURPOSE, token) for token in sealed]


def body_of(event: WebhookEvent) -> bytes:
    """The envelope every delivery of the event sends, byte for byte."""
    envelope = {
        "id": event.id,
        "type": event.type,
        "created_at": event.created_at.isoformat(),
        "api_version": event.api_version,
        "data": event.data,
    }
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode()


@dataclass(frozen=True)
class Target:
    """A delivery with everything its HTTP request needs, read before the request is made."""

    delivery_id: str
    status: DeliveryStatus
    attempts: int
    enabled: bool
    url: str
    secrets: list[str]
    event_id: str
    event_type: str
    body: bytes


def load(s: Session, delivery_id: str, settings: Settings, now: datetime) -> Target | None:
    row = s.execute(
        select(WebhookDelivery, WebhookEndpoint, WebhookEvent)
        .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
        .join(WebhookEvent, WebhookEvent.id == WebhookDelivery.event_id)
        .where(WebhookDelivery.id == delivery_id)
        .execution_options(populate_existing=True)
    ).one_or_none()
    if row is None:
        return None
    delivery, endpoint, event = row
    return Target(
        delivery_id=delivery.id,
        status=delivery.status,
        attempts=delivery.attempts,
        enabled=endpoint.enabled,
        url=endpoint.url,
        secrets=secrets_of(endpoint, settings.secret_key, now),
        event_id=event.id,
        event_type=event.type,
        body=body_of(event),
    )


def send(target: Target, settings: Settings, now: datetime) -> transport.Outcome:
    """One signed POST of the event to the endpoint."""
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Diandian-Event-Id": target.event_id,
        "Diandian-Event-Type": target.event_type,
        signing.HEADER: signing.sign(target.secrets, target.body, int(now.timestamp())),
    }
    return transport.post(
        target.url, target.body, headers, settings.timeout_s, settings.allow_private
    )


def deliver(s: Session, ref: str, settings: Settings, now: datetime | None = None) -> None:
    """The worker's job `ref` (delivery id / attempt number, or `manual`): make that attempt
    unless the delivery moved on, and record it; an automatic one schedules the next one or
    gives up."""
    now = now or utcnow()
    delivery_id, _, number = ref.rpartition("/")
    automatic = None if number == MANUAL else int(number)
    target = load(s, delivery_id, settings, now)
    uow.step(s)  # no transaction stays open during the HTTP request
    if target is None:
        return
    if automatic is not None:
        if target.status != DeliveryStatus.pending or target.attempts != automatic - 1:
            return  # settled meanwhile, or a duplicate of an attempt already made
        if not target.enabled:
            _close(s, delivery_id, "partners.webhooks.endpoint_disabled", now)
            return
    record(s, delivery_id, send(target, settings, now), now, settings, automatic=automatic)


def request_manual(s: Session, delivery_id: str) -> None:
    """Queue a manual attempt of the delivery on the webhooks lane, unless one is waiting."""
    ref = job_ref(delivery_id, None)
    waiting = select(Job.id).where(
        Job.kind == DELIVER_JOB,
        Job.ref == ref,
        Job.done_at.is_(None),
        Job.attempts < Job.max_attempts,
    )
    if s.scalar(waiting.limit(1)) is None:
        queue.enqueue(s, DELIVER_JOB, ref, max_attempts=JOB_MAX_ATTEMPTS, queue_name=QUEUE)


def record(
    s: Session,
    delivery_id: str,
    outcome: transport.Outcome,
    now: datetime,
    settings: Settings,
    *,
    automatic: int | None,
) -> None:
    """Log the attempt and move the delivery on, in one transaction. `automatic` is the
    attempt's number in the schedule, None for a manual one."""
    delivery = _locked(s, delivery_id)
    if delivery is None:
        return  # the endpoint was deleted meanwhile
    s.add(
        WebhookAttempt(
            delivery_id=delivery_id,
            attempted_at=now,
            manual=automatic is None,
            status_code=outcome.status_code,
            duration_ms=outcome.duration_ms,
            error=outcome.error,
            error_params=outcome.error_params,
            response_excerpt=transport.excerpt(outcome.excerpt),
        )
    )
    delivery.last_status_code, delivery.last_error = outcome.status_code, outcome.error
    delivery.last_error_params = outcome.error_params
    delivery.updated_at = now
    if outcome.ok and delivery.status != DeliveryStatus.succeeded:
        delivery.status, delivery.succeeded_at = DeliveryStatus.succeeded, now
        delivery.next_attempt_at = None
    if automatic is not None and delivery.attempts == automatic - 1:
        delivery.attempts = automatic
        failing = delivery.status == DeliveryStatus.pending  # not succeeded, now or manually
        if failing and automatic >= settings.max_attempts:
            delivery.status, delivery.next_attempt_at = DeliveryStatus.failed, None
        elif failing:
            delivery.next_attempt_at = now + retry_delay(automatic)
            queue.enqueue(
                s,
                DELIVER_JOB,
                job_ref(delivery_id, automatic + 1),
                run_at=delivery.next_attempt_at,
                max_attempts=JOB_MAX_ATTEMPTS,
                queue_name=QUEUE,
            )


def _close(s: Session, delivery_id: str, reason: str, now: datetime) -> None:
    """Give up a delivery for `reason` (a code)."""
    delivery = _locked(s, delivery_id)
    if delivery is not None and delivery.status == DeliveryStatus.pending:
        delivery.status, delivery.updated_at = DeliveryStatus.failed, now
        delivery.last_error, delivery.last_error_params = reason, {}
        delivery.next_attempt_at = None


def _locked(s: Session, delivery_id: str) -> WebhookDelivery | None:
    return s.execute(
        select(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
