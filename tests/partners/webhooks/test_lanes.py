"""On PostgreSQL, with the worker's lanes running in threads on really committing sessions: a
receiver trickling its answer holds only its own delivery, on the webhooks lane, and only until
the attempt's deadline; a job of the default lane (settlement, expiry, ...) runs meanwhile. The
lanes run inside the app, as the deferred handlers on them need."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from backend import worker
from backend.accounts.models import Organisation, OrgKind
from backend.certificates import issuers
from backend.core import secretbox
from backend.core.db import random_id
from backend.core.jobs import queue
from backend.core.jobs.models import Job
from backend.partners.webhooks import delivery, events
from backend.partners.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from backend.partners.webhooks.transport import TIMED_OUT
from tests.partners.webhooks.trickle import HEADERS, Trickler

DEADLINE_S = 3
DEFAULT_JOB = "test.default-lane"
NEEDS_APP_JOB = "test.needs-the-app"


@pytest.fixture
def organisation(committing: sessionmaker[Session]) -> Iterator[int]:
    with committing() as s:
        org = Organisation(name="慢接收方", kind=OrgKind.company)
        s.add(org)
        s.commit()
        org_id = org.id
    yield org_id
    with committing() as s:
        deliveries = (
            select(WebhookDelivery.id)
            .join(WebhookEndpoint)
            .where(WebhookEndpoint.organisation_id == org_id)
        )
        for delivery_id in s.scalars(deliveries).all():
            s.execute(delete(Job).where(Job.ref.startswith(f"{delivery_id}/")))
        s.execute(delete(Job).where(Job.kind.in_([DEFAULT_JOB, NEEDS_APP_JOB])))
        s.execute(delete(Organisation).where(Organisation.id == org_id))  # cascades the rest
        s.commit()


def test_a_trickling_receiver_cannot_delay_a_default_lane_job(
    app: Flask, committing: sessionmaker[Session], organisation: int, monkeypatch
):
    monkeypatch.setitem(app.config, "WEBHOOK_TIMEOUT_SECONDS", DEADLINE_S)
    ran: dict[str, object] = {}
    with Trickler(HEADERS, every_s=0.2) as slow, committing() as s:
        s.add(
            WebhookEndpoint(
                id=random_id("we_"),
                organisation_id=organisation,
                url=slow.url(),
                events=["order.paid"],
                secret_sealed=secretbox.seal(
                    app.config["SECRET_KEY"], delivery.SEAL_PURPOSE, "whsec_lanes"
                ),
            )
        )
        events.emit(s, organisation, "order.paid", {"id": "ord_lanes"})
        s.commit()
        queue.enqueue(s, NEEDS_APP_JOB, "after-the-delivery", queue_name=events.QUEUE)
        s.commit()
        with app.app_context():
            jobs = {
                **worker.handlers(),
                DEFAULT_JOB: lambda _s, ref: ran.setdefault(ref, time.monotonic()),
                # as deferred handlers do: read the app (its certificate issuer)
                NEEDS_APP_JOB: lambda _s, ref: ran.setdefault(ref, issuers.current().base_url),
            }
        stopping = threading.Event()
        lanes = [
            threading.Thread(
                target=worker.lane_in_app,
                args=(app, committing, jobs, [], name, 0.05, stopping),
                daemon=True,
            )
            for name in (events.QUEUE, queue.DEFAULT_QUEUE)
        ]
        try:
            lanes[0].start()
            assert slow.connected.wait(5), "the webhooks lane did not call the receiver"
            started = time.monotonic()
            queue.enqueue(s, DEFAULT_JOB, "settle-me")  # due now, while the receiver trickles
            s.commit()
            lanes[1].start()
            while "settle-me" not in ran and time.monotonic() - started < DEADLINE_S:
                time.sleep(0.02)
            default_took = time.monotonic() - started
            attempt = None
            while attempt is None and time.monotonic() - started < DEADLINE_S + 5:
                time.sleep(0.05)
                s.rollback()
                attempt = s.scalar(select(WebhookAttempt))
            while "after-the-delivery" not in ran and time.monotonic() - started < DEADLINE_S + 5:
                time.sleep(0.05)
        finally:
            stopping.set()
            for lane in lanes:
                lane.join(DEADLINE_S + 5)

    assert "settle-me" in ran
    assert default_took < 1.0  # the trickle went on for seconds more
    assert attempt is not None, "the attempt did not end at its deadline"
    assert (attempt.error, attempt.error_params) == (TIMED_OUT, {"seconds": f"{DEADLINE_S}"})
    assert DEADLINE_S * 1000 - 100 <= attempt.duration_ms < DEADLINE_S * 1000 + 1000
    assert ran["after-the-delivery"] == app.config["PUBLIC_BASE_URL"]  # lanes run in the app
