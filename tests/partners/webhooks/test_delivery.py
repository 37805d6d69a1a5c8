"""At-least-once delivery by the worker: retries on the schedule until the receiver recovers,
signatures that verify across a secret rotation, the same event on every retry, giving up
after the last attempt, manual redelivery, and a connection pinned to the vetted address."""

from __future__ import annotations

import socket
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from backend.core.jobs.models import Job
from backend.partners.webhooks import signing
from backend.partners.webhooks.delivery import USER_AGENT, retry_delay
from backend.partners.webhooks.events import DELIVER_JOB, emit
from backend.partners.webhooks.models import DeliveryStatus, WebhookAttempt, WebhookDelivery
from backend.partners.webhooks.transport import FAILED
from tests.partners.webhooks.conftest import create_endpoint
from tests.partners.webhooks.receiver import HANG_UP, TIMEOUT, Receiver, validate
from tests.partners.webhooks.trickle import HEADERS, Trickler, elapsed

VERIFIED = {
    "number": "DD-2026-000042",
    "mass_g": 24_000_000,
    "verified_at": "2026-11-24T08:00:00+00:00",
    "court": "成都市锦江区人民法院",
    "case_number": "(2026)川0104刑初42号",
    "verify_url": "https://diandian.example/verify/DD-2026-000042",
}


def only_delivery(s) -> WebhookDelivery:
    s.expire_all()
    return s.execute(select(WebhookDelivery)).scalar_one()


def test_a_failing_receiver_gets_the_event_once_it_recovers_signed_across_a_rotation(
    client, db_session, company, clock, run_worker
):
    with Receiver([500, HANG_UP, TIMEOUT, 503]) as receiver:
        endpoint = create_endpoint(client, company.token, receiver.url, ["certificate.verified"])
        old = endpoint["secret"]
        emit(db_session, company.org.id, "certificate.verified", VERIFIED)
        db_session.commit()

        assert run_worker() == 1
        d = only_delivery(db_session)
        assert (d.status, d.attempts, d.last_status_code) == (DeliveryStatus.pending, 1, 500)
        assert d.next_attempt_at == clock.now + retry_delay(1)
        receiver.received[0].verify([old], clock.now.timestamp())

        rotated = client.post(
            f"/api/v1/webhook-endpoints/{endpoint['id']}/rotate-secret",
            json={"previous_valid_hours": 1},
            headers=company.headers,
        )
        assert rotated.status_code == 200, rotated.get_json()
        new = rotated.get_json()["secret"]
        assert new != old

        for n in (2, 3, 4):  # a hang-up, a timeout, a 503: both secrets sign
            clock.at(d.next_attempt_at)
            assert run_worker() == 1
            d = only_delivery(db_session)
            assert (d.status, d.attempts) == (DeliveryStatus.pending, n)
            assert d.next_attempt_at == clock.now + retry_delay(n)
            got = receiver.received[n - 1]
            got.verify([old], clock.now.timestamp())
            got.verify([new], clock.now.timestamp())

        clock.at(d.next_attempt_at)  # 78 min after the rotation: the old secret has expired
        assert run_worker() == 1
        last = receiver.received[4]
        last.verify([new], clock.now.timestamp())
        with pytest.raises(signing.InvalidSignature):
            last.verify([old], clock.now.timestamp())

        d = only_delivery(db_session)
        assert (d.status, d.attempts, d.succeeded_at) == (DeliveryStatus.succeeded, 5, clock.now)
        clock.at(clock.now + timedelta(days=2))
        assert run_worker() == 0  # nothing more is sent
        assert len(receiver.received) == 5

    bodies = {got.body for got in receiver.received}
    assert len(bodies) == 1  # every retry sends the same bytes, so the same event id
    event = receiver.received[0].event
    validate(event)
    assert event["data"] == VERIFIED
    assert event["id"] == d.event_id
    for got in receiver.received:
        assert got.headers["Diandian-Event-Id"] == event["id"]
        assert got.headers["Diandian-Event-Type"] == "certificate.verified"
        assert got.headers["Content-Type"] == "application/json"
        assert got.headers["User-Agent"] == USER_AGENT
        assert got.path == "/hooks/diandian"

    listed = client.get(
        f"/api/v1/webhook-endpoints/{endpoint['id']}/deliveries", headers=company.headers
    ).get_json()["items"]
    assert [a["status_code"] for a in listed[0]["attempts"]] == [500, None, None, 503, 200]
    assert not any(a["manual"] for a in listed[0]["attempts"])
    assert "HTTP 503" in listed[0]["attempts"][3]["error"]
    assert "Timeout" in listed[0]["attempts"][2]["error"]


def dead_url() -> str:
    """A loopback URL where nothing listens: connection refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/gone"


def test_after_the_last_attempt_the_delivery_fails_and_a_manual_redelivery_works(
    client, db_session, company, clock, run_worker
):
    endpoint = create_endpoint(client, company.token, dead_url(), ["certificate.verified"])
    emit(db_session, company.org.id, "certificate.verified", VERIFIED)
    db_session.commit()
    first = clock.now
    for n in range(1, 9):
        assert run_worker() == 1
        d = only_delivery(db_session)
        assert d.attempts == n
        assert d.last_error == FAILED
        assert d.last_error_params is not None
        assert "ConnectionError" in d.last_error_params["failure"]
        if n < 8:
            clock.at(d.next_attempt_at)
    assert (d.status, d.next_attempt_at) == (DeliveryStatus.failed, None)
    assert timedelta(hours=20) < clock.now - first < timedelta(hours=26)
    clock.at(clock.now + timedelta(days=3))
    assert run_worker() == 0

    base = f"/api/v1/webhook-endpoints/{endpoint['id']}"
    with Receiver() as receiver:
        moved = client.patch(base, json={"url": receiver.url}, headers=company.headers)
        assert moved.status_code == 200
        resp = client.post(f"{base}/deliveries/{d.id}/redeliver", headers=company.headers)
        assert resp.status_code == 202, resp.get_json()
        queued = resp.get_json()
        assert (queued["status"], queued["automatic_attempts"]) == ("failed", 8)
        assert receiver.received == []  # nothing is sent inside the request
        assert run_worker() == 1
    listed = client.get(f"{base}/deliveries", headers=company.headers).get_json()["items"]
    body = listed[0]
    assert body["status"] == "succeeded"
    assert body["automatic_attempts"] == 8
    assert [a["manual"] for a in body["attempts"]] == [False] * 8 + [True]
    assert body["attempts"][-1]["status_code"] == 200
    assert len(receiver.received) == 1
    receiver.received[0].verify([endpoint["secret"]], now=clock.now.timestamp())
    manual = db_session.scalars(select(WebhookAttempt).where(WebhookAttempt.manual)).all()
    assert len(manual) == 1


def test_asking_again_while_a_redelivery_waits_queues_nothing_more(
    client, db_session, company, clock, run_worker
):
    endpoint = create_endpoint(client, company.token, dead_url(), ["certificate.verified"])
    emit(db_session, company.org.id, "certificate.verified", VERIFIED)
    db_session.commit()
    d = only_delivery(db_session)
    path = f"/api/v1/webhook-endpoints/{endpoint['id']}/deliveries/{d.id}/redeliver"
    for _ in range(3):
        assert client.post(path, headers=company.headers).status_code == 202
    manual = select(Job).where(Job.kind == DELIVER_JOB, Job.ref == f"{d.id}/manual")
    assert len(db_session.scalars(manual).all()) == 1
    assert run_worker() == 2  # the first automatic attempt and the manual one
    assert client.post(path, headers=company.headers).status_code == 202
    assert len(db_session.scalars(manual).all()) == 2


def test_a_disabled_endpoint_is_not_called(client, db_session, company, clock, run_worker):
    with Receiver() as receiver:
        endpoint = create_endpoint(client, company.token, receiver.url, ["certificate.verified"])
        emit(db_session, company.org.id, "certificate.verified", VERIFIED)
        db_session.commit()
        off = client.patch(
            f"/api/v1/webhook-endpoints/{endpoint['id']}",
            json={"enabled": False},
            headers=company.headers,
        )
        assert off.status_code == 200
        assert off.get_json()["enabled"] is False
        assert run_worker() == 1
    d = only_delivery(db_session)
    assert (d.status, d.last_error) == (
        DeliveryStatus.failed,
        "partners.webhooks.endpoint_disabled",
    )
    assert receiver.received == []


def test_the_connection_goes_to_the_address_vetted_not_a_second_lookup(
    client, db_session, company, clock, run_worker, monkeypatch
):
    """DNS rebinding: the name answers loopback once, then an unroutable address."""
    real = socket.getaddrinfo
    answers = iter(["127.0.0.1"])

    def rebinding(host, port, *args, **kw):
        if host == "hooks.example.test":
            return real(next(answers, "10.255.255.1"), port, *args, **kw)
        return real(host, port, *args, **kw)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    with Receiver() as receiver:
        url = f"http://hooks.example.test:{receiver.port}/in"
        create_endpoint(client, company.token, url, ["certificate.verified"])
        emit(db_session, company.org.id, "certificate.verified", VERIFIED)
        db_session.commit()
        assert run_worker() == 1
    assert only_delivery(db_session).status == DeliveryStatus.succeeded
    assert receiver.received[0].headers["Host"] == f"hooks.example.test:{receiver.port}"


def test_a_redelivery_request_never_waits_for_the_receiver(client, db_session, company):
    """The attempt is the worker's: a receiver trickling its answer cannot hold the request
    (eight such requests once held every gunicorn thread)."""
    with Trickler(HEADERS) as slow:
        endpoint = create_endpoint(client, company.token, slow.url(), ["order.paid"])
        emit(db_session, company.org.id, "order.paid", {"id": "ord_x"})
        db_session.commit()
        d = only_delivery(db_session)
        path = f"/api/v1/webhook-endpoints/{endpoint['id']}/deliveries/{d.id}/redeliver"
        started = time.monotonic()
        resp = client.post(path, headers=company.headers)
        took = elapsed(started)
        assert not slow.connected.is_set()
    assert resp.status_code == 202, resp.get_json()
    assert took < 1.0  # the receiver would hold it for 20 s
