"""Outside sandbox mode webhooks go only to https URLs on public addresses: refused when an
endpoint is registered, and again at every delivery (DNS may have changed since)."""

from __future__ import annotations

import socket
from ipaddress import ip_address

import pytest
from sqlalchemy import select

from backend.partners.webhooks import targets
from backend.partners.webhooks.events import emit
from backend.partners.webhooks.models import DeliveryStatus, WebhookAttempt, WebhookDelivery
from tests.partners.webhooks.conftest import create_endpoint
from tests.partners.webhooks.receiver import Receiver

BASE = "/api/v1/webhook-endpoints"
REFUSED = [
    "127.0.0.1",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",  # noqa: S104 - an address we refuse
    "224.0.0.1",
    "239.255.255.250",
    "240.0.0.1",
    "255.255.255.255",
    "::1",
    "::",
    "fe80::1",
    "fc00::1",
    "ff02::1",
    "::ffff:127.0.0.1",
    "::ffff:169.254.169.254",
    "::ffff:10.0.0.1",
    "2002:7f00:1::",  # 6to4 of 127.0.0.1
    "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
]
PUBLIC = ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8", "2002:808:808::"]


@pytest.mark.parametrize("address", REFUSED)
def test_non_public_addresses_are_not_targets(address):
    assert not targets.is_public(ip_address(address))


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_targets(address):
    assert targets.is_public(ip_address(address))


def literal(address: str) -> str:
    return f"[{address}]" if ":" in address else address


@pytest.mark.parametrize("address", REFUSED)
def test_registration_refuses_internal_targets(client, company, strict, address):
    resp = client.post(
        BASE,
        json={"url": f"https://{literal(address)}/hook", "events": ["order.paid"]},
        headers=company.headers,
    )
    assert resp.status_code == 422, resp.get_json()
    assert resp.mimetype == "application/problem+json"
    assert resp.get_json()["errors"][0]["field"] == "url"


def fake_dns(monkeypatch: pytest.MonkeyPatch, answers: dict[str, list[str]]) -> None:
    """Names in `answers` resolve to their addresses in turn (the last one sticks)."""
    real = socket.getaddrinfo

    def lookup(host, port, *args, **kw):
        if host in answers:
            queue = answers[host]
            address = queue.pop(0) if len(queue) > 1 else queue[0]
            return real(address, port, *args, **kw)
        return real(host, port, *args, **kw)

    monkeypatch.setattr(socket, "getaddrinfo", lookup)


def test_names_resolving_inside_are_refused_and_http_needs_sandbox(
    client, company, strict, monkeypatch
):
    fake_dns(monkeypatch, {"localhost.example.com": ["127.0.0.1"], "api.example.com": ["8.8.8.8"]})
    for url in (
        "https://localhost.example.com/hook",
        "http://api.example.com/hook",
        "https://no-such-host.invalid/hook",
    ):
        resp = client.post(
            BASE, json={"url": url, "events": ["order.paid"]}, headers=company.headers
        )
        assert resp.status_code == 422, url
        assert resp.get_json()["errors"][0]["field"] == "url"
    ok = create_endpoint(client, company.token, "https://api.example.com/hook")
    moved = client.patch(
        f"{BASE}/{ok['id']}", json={"url": "https://[::ffff:7f00:1]/"}, headers=company.headers
    )
    assert moved.status_code == 422
    assert moved.get_json()["errors"][0]["field"] == "url"


def test_delivery_refuses_a_name_that_now_resolves_inside(
    client, db_session, company, strict, monkeypatch, clock, run_worker
):
    fake_dns(monkeypatch, {"hooks.example.com": ["93.184.216.34", "127.0.0.1"]})
    create_endpoint(client, company.token, "https://hooks.example.com/in", ["order.paid"])
    emit(db_session, company.org.id, "order.paid", {"id": "ord_x"})
    db_session.commit()
    assert run_worker() == 1
    d = db_session.execute(select(WebhookDelivery)).scalar_one()
    assert d.status == DeliveryStatus.pending
    assert d.last_error.startswith("refused: hooks.example.com resolves to a non-public address")
    attempt = db_session.execute(select(WebhookAttempt)).scalar_one()
    assert attempt.status_code is None


def test_delivery_refuses_targets_registered_in_sandbox_once_it_is_off(
    client, db_session, company, app, monkeypatch, clock, run_worker
):
    with Receiver() as receiver:
        create_endpoint(client, company.token, receiver.url, ["order.paid"])
        monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_PRIVATE_TARGETS", False)
        emit(db_session, company.org.id, "order.paid", {"id": "ord_x"})
        db_session.commit()
        assert run_worker() == 1
    assert receiver.received == []
    d = db_session.execute(select(WebhookDelivery)).scalar_one()
    assert d.last_error.startswith("refused")
