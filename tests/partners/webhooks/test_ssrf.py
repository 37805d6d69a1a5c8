"""Webhooks go only to https URLs on public addresses, in every mode: refused when an endpoint
is registered, and again at every delivery (DNS may have changed since). Only the explicit
development setting (on in these tests, for the receivers on loopback) lets http, loopback and
private addresses through; link-local and metadata addresses never. The delivery log shows a
status and a few bytes of an answer, nothing more."""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import ip_address

import pytest
from sqlalchemy import select

from backend.core.config import Config, ConfigError
from backend.partners.webhooks import targets
from backend.partners.webhooks.events import emit
from backend.partners.webhooks.models import DeliveryStatus, WebhookAttempt, WebhookDelivery
from backend.partners.webhooks.schemas import worded
from tests.factories import live_config
from tests.partners.webhooks.conftest import create_endpoint
from tests.partners.webhooks.receiver import Receiver
from tests.partners.webhooks.trickle import NOT_HTTP, Trickler

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


def test_a_refused_target_is_explained_in_chinese(client, company, strict):
    resp = client.post(
        BASE,
        json={"url": "https://10.1.2.3/hook", "events": ["order.paid"]},
        headers={**company.headers, "Accept-Language": "zh-CN"},
    )
    (error,) = resp.get_json()["errors"]
    assert (error["code"], error["params"]) == (
        "partners.webhooks.not_public",
        {"address": "10.1.2.3"},
    )
    assert error["detail"] == "不予接受：10.1.2.3 不是公网地址。"


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
    words = worded(d.last_error, d.last_error_params, "en")
    assert words == "Refused: hooks.example.com resolves to a non-public address (127.0.0.1)."
    attempt = db_session.execute(select(WebhookAttempt)).scalar_one()
    assert attempt.status_code is None


def test_delivery_refuses_targets_registered_in_development_once_it_is_off(
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
    assert d.last_error == "partners.webhooks.use_https"


def test_the_development_setting_is_off_unless_set_and_refused_live(monkeypatch, tmp_path):
    monkeypatch.delenv("WEBHOOK_ALLOW_PRIVATE_TARGETS", raising=False)
    monkeypatch.setenv("DIANDIAN_SANDBOX", "1")
    assert Config.from_env().WEBHOOK_ALLOW_PRIVATE_TARGETS is False  # sandbox or not
    monkeypatch.setenv("WEBHOOK_ALLOW_PRIVATE_TARGETS", "1")
    assert Config.from_env().WEBHOOK_ALLOW_PRIVATE_TARGETS is True
    live = live_config(tmp_path, WEBHOOK_ALLOW_PRIVATE_TARGETS=True)
    with pytest.raises(ConfigError, match="development only"):
        live.finalise()


def refused_url(client, company, url: str) -> None:
    resp = client.post(BASE, json={"url": url, "events": ["order.paid"]}, headers=company.headers)
    assert resp.status_code == 422, (url, resp.get_json())
    assert resp.get_json()["errors"][0]["field"] == "url"


METADATA = [
    "169.254.169.254",  # AWS, GCP, Azure, Tencent Cloud (169.254.0.23 too)
    "169.254.0.23",
    "100.100.100.200",  # Alibaba Cloud
    "fd00:ec2::254",  # AWS over IPv6
    "fe80::1",
    "::ffff:169.254.169.254",
]


@pytest.mark.parametrize("address", ["127.0.0.1", "10.0.0.5", "::1", *METADATA])
def test_by_default_loopback_private_and_metadata_targets_are_refused(
    client, company, strict, address
):
    for scheme in ("https", "http"):
        refused_url(client, company, f"{scheme}://{literal(address)}:8080/latest/meta-data")


@pytest.mark.parametrize("address", METADATA)
def test_the_development_setting_never_allows_link_local_or_metadata_targets(
    client, company, address
):
    refused_url(client, company, f"http://{literal(address)}/latest/meta-data")
    assert create_endpoint(client, company.token, "http://127.0.0.1:9/dev")["id"]


def test_a_name_that_resolves_to_the_metadata_service_is_refused_at_delivery(
    client, db_session, company, monkeypatch, clock, run_worker
):
    """In development names are not looked up at registration; every delivery looks."""
    fake_dns(monkeypatch, {"meta.example.test": ["169.254.169.254"]})
    create_endpoint(client, company.token, "http://meta.example.test/x", ["order.paid"])
    emit(db_session, company.org.id, "order.paid", {"id": "ord_x"})
    db_session.commit()
    assert run_worker() == 1
    d = db_session.execute(select(WebhookDelivery)).scalar_one()
    assert (d.last_error, d.last_error_params) == (
        "partners.webhooks.private_address",
        {"host": "meta.example.test", "addresses": ["169.254.169.254"]},
    )
    assert db_session.execute(select(WebhookAttempt)).scalar_one().status_code is None


class Talkative(BaseHTTPRequestHandler):
    """An internal service's answer: long, with control characters and a secret in it."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        body = b"\x1b[2J\x00token:\tSECRET-" + "机密".encode() * 3 + b"A" * 5000 + b"\r\n"
        self.send_response(500)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        pass


def test_the_delivery_log_keeps_a_status_and_a_few_clean_bytes_of_an_answer(
    client, db_session, company, clock, run_worker
):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Talkative)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/x"
        endpoint = create_endpoint(client, company.token, url, ["order.paid"])
        emit(db_session, company.org.id, "order.paid", {"id": "ord_x"})
        db_session.commit()
        assert run_worker() == 1
    finally:
        server.shutdown()
        server.server_close()
    stored = db_session.execute(select(WebhookAttempt)).scalar_one()
    listed = client.get(f"{BASE}/{endpoint['id']}/deliveries", headers=company.headers).get_json()[
        "items"
    ][0]["attempts"][0]
    for excerpt in (stored.response_excerpt, listed["response_excerpt"]):
        assert len(excerpt.encode()) <= 64
        assert excerpt.startswith("[2Jtoken:SECRET-机密")  # ESC, NUL and TAB gone
        assert all(ch.isprintable() for ch in excerpt)
    assert (listed["status_code"], listed["error"]) == (500, "HTTP 500")
    zh = client.get(
        f"{BASE}/{endpoint['id']}/deliveries",
        headers={**company.headers, "Accept-Language": "zh-CN"},
    ).get_json()["items"][0]
    assert zh["last_error"] == zh["attempts"][0]["error"] == "对方返回了 HTTP 500"


def test_an_answer_that_is_not_http_is_not_echoed_in_the_error(
    client, db_session, company, clock, run_worker
):
    line = b"-ERR metadata-token-ABCDEF unknown command\r\n"
    with Trickler(NOT_HTTP, line=line) as service:
        endpoint = create_endpoint(client, company.token, service.url(), ["order.paid"])
        emit(db_session, company.org.id, "order.paid", {"id": "ord_x"})
        db_session.commit()
        assert run_worker() == 1
    d = db_session.execute(select(WebhookDelivery)).scalar_one()
    listed = client.get(f"{BASE}/{endpoint['id']}/deliveries", headers=company.headers)
    assert "metadata-token" not in listed.get_data(as_text=True)
    assert "metadata-token" not in str(d.last_error_params)
    assert d.last_error_params["failure"].startswith("ConnectionError")


def test_an_error_logged_before_errors_had_codes_is_shown_as_it_was():
    assert worded("refused: hooks.example.com does not resolve", None, "zh") == (
        "refused: hooks.example.com does not resolve"
    )
    assert worded("partners.webhooks.endpoint_disabled", {}, "zh") == "端点已停用"
