"""A company's own system, through its API key: a footprint, an order, the sandbox payment;
its endpoint receives order.paid, order.retired and certificate.issued, signed and valid."""

from __future__ import annotations

from datetime import datetime, timedelta

from backend.certificates import claims
from backend.core.clock import china_date, utcnow
from backend.orders import services, settlement
from backend.partners.webhooks.events import EVENT_TYPES
from tests import factories as f
from tests.partners.webhooks.conftest import create_endpoint
from tests.partners.webhooks.receiver import Receiver, validate

SCOPES = ["footprints:read", "footprints:write", "orders:write", "orders:read", "webhooks:manage"]


def test_an_api_key_neutralises_and_its_endpoint_hears_of_each_step(
    client, db_session, company, stock, clock, run_worker
):
    key = f.api_key(client, company.token, company.org.id, SCOPES)
    with Receiver() as receiver:
        endpoint = create_endpoint(client, key, receiver.url, list(EVENT_TYPES))
        assert endpoint["organisation_id"] == company.org.id
        fp = client.post(
            "/api/v1/footprints",
            json={"kind": "meeting", "meeting": {"attendees": 50}},
            headers=f.bearer(key),
        )
        assert fp.status_code == 201, fp.get_json()
        order = f.neutralise(client, key, footprint_id=fp.get_json()["id"], preferences=stock.prefs)
        assert run_worker() == 3  # the domain events become webhook events
        assert run_worker() == 3  # and those are delivered
    events = {got.event["type"]: got for got in receiver.received}
    assert set(events) == {"order.paid", "order.retired", "certificate.issued"}
    for got in receiver.received:
        got.verify([endpoint["secret"]], clock.now.timestamp())
        validate(got.event)
    paid = events["order.paid"].event["data"]
    retired = events["order.retired"].event["data"]
    issued = events["certificate.issued"].event["data"]
    assert paid["id"] == retired["id"] == issued["order_id"] == order["id"]
    assert (paid["status"], paid["certificate_number"]) == ("paid", None)
    assert retired["status"] == "retired"
    assert retired["certificate_number"] == issued["number"] == order["certificate_number"]
    assert retired["mass_g"] == issued["mass_g"] == order["mass_g"]
    assert retired["footprint_id"] == fp.get_json()["id"]
    assert issued["verify_url"].startswith("http")
    assert claims.decode(issued["verify_url"].rsplit("/", 1)[1])[0].number == issued["number"]
    assert f"/api/v1/certificates/{issued['number']}.png?k=" in issued["png_url"]
    retired_at = datetime.fromisoformat(order["retired_at"])
    assert issued["issued_on"] == china_date(retired_at).isoformat()
    assert len({got.event["id"] for got in receiver.received}) == 3


def test_orders_of_people_without_an_organisation_emit_nothing(
    client, db_session, company, stock, buyer, run_worker
):
    with Receiver() as receiver:
        create_endpoint(client, company.token, receiver.url)
        f.neutralise(client, buyer.token, mass_g=1_000_000, preferences=stock.prefs)
        assert run_worker() == 0
    assert receiver.received == []


def test_a_late_payment_is_announced_paid_then_retired(
    app, client, db_session, company, stock, clock, run_worker
):
    ctx = app.extensions["payments"].default
    with Receiver() as receiver:
        endpoint = create_endpoint(client, company.token, receiver.url)
        order = f.place_order(
            client,
            company.token,
            mass_g=1_000_000,
            preferences=stock.prefs,
            organisation_id=company.org.id,
        )
        assert services.expire_due(db_session, utcnow() + timedelta(minutes=31)) >= 1
        settlement.capture(db_session, order["id"])  # expired: not announced as paid yet
        with app.app_context():
            settlement.settle(db_session, order["id"], ctx)  # reserved again, paid, retired
        assert run_worker() == 3  # the domain events become webhook events
        assert run_worker() == 3  # and those are delivered
    kinds = [got.event["type"] for got in receiver.received]
    assert sorted(kinds) == ["certificate.issued", "order.paid", "order.retired"]
    for got in receiver.received:
        got.verify([endpoint["secret"]], clock.now.timestamp())
        validate(got.event)
        data = got.event["data"]
        assert order["id"] in (data.get("id"), data.get("order_id"))
