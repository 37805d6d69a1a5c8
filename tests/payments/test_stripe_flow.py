"""Paying with Stripe end to end: the real ``stripe`` SDK talks HTTP to FakeStripe while the API
creates, cancels and settles orders; webhooks are signed like Stripe signs them and the
reconciler repairs a lost one. Each test tells one story of the money and the credits.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
import stripe
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from backend.core.clock import utcnow
from backend.credits.models import GRAMS_PER_TONNE, Lot
from backend.idempotency import store as idempotency
from backend.idempotency.models import IdempotencyKey
from backend.orders import services, settlement
from backend.orders.models import Order
from backend.orders.reconcile import reconcile
from backend.payments.models import Payment, ProviderEvent
from backend.payments.providers import Rails
from backend.payments.stripe_gateway import METHODS, TOLERANCE_S, StripeProvider
from tests import factories
from tests.payments.fake_stripe import FakeStripe, RecordedRequest

SECRET_KEY = "sk_test_diandian"
PUBLISHABLE_KEY = "pk_test_diandian"
WEBHOOK_SECRET = "whsec_test_diandian"
RETRIES = 2  # the SDK's network retries, as the app configures them
PRICE = 5_000  # fen per tonne
MASS = 100_000  # grams: 500 fen, above the minimum
WEBHOOK = "/api/v1/payments/stripe/webhook"
PROBLEM = "application/problem+json"

# -- fixtures ------------------------------------------------------------------------------------


@pytest.fixture
def fake() -> Iterator[FakeStripe]:
    with FakeStripe() as server:
        yield server


@pytest.fixture
def provider(app: Flask, fake: FakeStripe) -> Iterator[StripeProvider]:
    """The app pays through Stripe (the fake) for this test, then goes back to its sandbox."""
    stripe_provider = StripeProvider(
        SECRET_KEY,
        PUBLISHABLE_KEY,
        WEBHOOK_SECRET,
        minimum_amount=400,
        api_base=fake.url,
        max_network_retries=RETRIES,
    )
    previous = app.extensions["payments"]
    app.extensions["payments"] = Rails([stripe_provider])
    try:
        yield stripe_provider
    finally:
        app.extensions["payments"] = previous


@pytest.fixture
def ctx(app: Flask, provider: StripeProvider) -> StripeProvider:
    """Settling through Stripe, with the app's certificate issuer."""
    return provider


@dataclass(frozen=True)
class Shop:
    token: str
    project_id: int
    lot_id: int


@pytest.fixture
def shop(client: FlaskClient, db_session: Session) -> Shop:
    """A signed-in customer and one lot of a single tonne at PRICE fen per tonne."""
    customer = factories.user(db_session)
    project = factories.project(db_session)
    lot = factories.lot(db_session, project, tonnes=1, price=PRICE)
    return Shop(factories.sign_in(client, customer.phone), project.id, lot.id)


# -- helpers -------------------------------------------------------------------------------------


def post_order(
    client: FlaskClient, shop: Shop, mass_g: int = MASS, key: str | None = None
) -> TestResponse:
    body = {
        "mass_g": mass_g,
        "beneficiary": "张三",
        "preferences": {"project_ids": [shop.project_id]},
    }
    headers = {**factories.bearer(shop.token), "Idempotency-Key": key or str(uuid.uuid4())}
    return client.post("/api/v1/orders", json=body, headers=headers)


def place(client: FlaskClient, shop: Shop, mass_g: int = MASS) -> dict[str, Any]:
    resp = post_order(client, shop, mass_g)
    assert resp.status_code == 201, resp.get_json()
    order: dict[str, Any] = resp.get_json()
    return order


def show(client: FlaskClient, shop: Shop, order_id: str) -> dict[str, Any]:
    resp = client.get(f"/api/v1/orders/{order_id}", headers=factories.bearer(shop.token))
    assert resp.status_code == 200, resp.get_json()
    order: dict[str, Any] = resp.get_json()
    return order


def deliver(
    client: FlaskClient,
    event: dict[str, Any],
    *,
    secret: str = WEBHOOK_SECRET,
    timestamp: int | None = None,
    signed: bool = True,
) -> TestResponse:
    """POST an event to the webhook the way Stripe does: signed over the exact body bytes."""
    payload = json.dumps(event)
    headers = {"Content-Type": "application/json"}
    if signed:
        headers["Stripe-Signature"] = stripe.WebhookSignature.generate_signature_header(
            payload, secret, timestamp=timestamp
        )
    return client.post(WEBHOOK, data=payload.encode(), headers=headers)


def acked(resp: TestResponse) -> str:
    assert resp.status_code == 200, resp.get_data(as_text=True)
    body = resp.get_json()
    assert body["received"] is True
    outcome: str = body["outcome"]
    return outcome


def grams(s: Session, lot_id: int) -> tuple[int, int, int]:
    """The lot's (available, reserved, allocated) grams as the database has them now."""
    row = s.execute(
        select(Lot.available_g, Lot.reserved_g, Lot.allocated_g).where(Lot.id == lot_id)
    ).one()
    return row[0], row[1], row[2]


def calls(fake: FakeStripe, method: str, path: str) -> list[RecordedRequest]:
    return [r for r in fake.requests if (r.method, r.path) == (method, path)]


def problem_type(resp: TestResponse) -> str:
    assert resp.mimetype == PROBLEM, resp.get_data(as_text=True)
    kind: str = resp.get_json()["type"]
    return kind


# -- creating and cancelling ---------------------------------------------------------------------


@pytest.mark.usefixtures("provider")
def test_creating_an_order_starts_a_cny_payment_intent_for_its_amount(
    client: FlaskClient, fake: FakeStripe, shop: Shop
) -> None:
    order = place(client, shop)

    [created] = calls(fake, "POST", "/v1/payment_intents")
    assert created.idempotency_key == f"{order['id']}:start"
    assert created.params["amount"] == str(order["amount"])
    assert created.params["currency"] == "cny"
    assert created.params["allowed_payment_method_types"] == ["card", "alipay", "wechat_pay"]
    assert created.params["metadata"] == {"order_id": order["id"]}
    pi = fake.payment_intent(order["payment"]["reference"])
    assert (pi["amount"], pi["currency"]) == (order["amount"], "cny")
    assert order["status"] == "awaiting_payment"
    assert order["payment"]["provider"] == "stripe"
    assert order["payment"]["instructions"] == {
        "publishable_key": PUBLISHABLE_KEY,
        "payment_intent": pi["id"],
        "client_secret": pi["client_secret"],
        "payment_method_types": METHODS,
    }


@pytest.mark.usefixtures("provider")
def test_stripe_down_at_creation_is_a_502_that_releases_the_credits_and_frees_the_key(
    client: FlaskClient, db_session: Session, fake: FakeStripe, shop: Shop
) -> None:
    fake.fail_next(RETRIES + 1, 500)  # the first try and every SDK retry fail
    key = str(uuid.uuid4())

    resp = post_order(client, shop, key=key)

    assert resp.status_code == 502
    assert problem_type(resp) == "/problems/payment-provider-error"
    attempts = calls(fake, "POST", "/v1/payment_intents")
    assert len(attempts) == RETRIES + 1
    assert len({a.idempotency_key for a in attempts}) == 1  # retries cannot make a second PI
    failed_id = str(attempts[0].idempotency_key).removesuffix(":start")
    status = db_session.scalar(select(Order.status).where(Order.id == failed_id))
    assert status == "cancelled"
    assert db_session.scalar(select(Payment.status).where(Payment.order_id == failed_id)) == (
        "cancelled"
    )
    assert grams(db_session, shop.lot_id) == (GRAMS_PER_TONNE, 0, 0)

    retry = post_order(client, shop, key=key)  # Stripe is back

    assert retry.status_code == 201, retry.get_json()
    order = retry.get_json()
    assert order["id"] != failed_id
    assert order["status"] == "awaiting_payment"
    assert fake.payment_intent(order["payment"]["reference"])["amount"] == order["amount"]
    assert grams(db_session, shop.lot_id) == (GRAMS_PER_TONNE - MASS, MASS, 0)


@pytest.mark.usefixtures("provider")
def test_cancelling_an_unpaid_order_cancels_its_payment_intent_and_releases_the_credits(
    client: FlaskClient, db_session: Session, fake: FakeStripe, shop: Shop
) -> None:
    order = place(client, shop)
    pi = order["payment"]["reference"]

    resp = client.post(f"/api/v1/orders/{order['id']}/cancel", headers=factories.bearer(shop.token))

    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["status"] == "cancelled"
    assert fake.payment_intent(pi)["status"] == "canceled"
    [cancel] = calls(fake, "POST", f"/v1/payment_intents/{pi}/cancel")
    assert cancel.idempotency_key == f"{order['id']}:cancel"
    assert grams(db_session, shop.lot_id) == (GRAMS_PER_TONNE, 0, 0)


@pytest.mark.usefixtures("provider")
def test_sandbox_confirm_is_forbidden_when_stripe_is_configured(
    client: FlaskClient, shop: Shop
) -> None:
    order = place(client, shop)

    resp = client.post(
        f"/api/v1/orders/{order['id']}/confirm",
        json={"outcome": "succeeded"},
        headers=factories.bearer(shop.token),
    )

    assert resp.status_code == 403
    assert problem_type(resp) == "/problems/sandbox-disabled"
    assert show(client, shop, order["id"])["status"] == "awaiting_payment"


# -- webhooks ------------------------------------------------------------------------------------


@pytest.mark.usefixtures("provider")
def test_succeeded_webhook_retires_the_order_and_allocates_its_grams(
    client: FlaskClient, db_session: Session, fake: FakeStripe, shop: Shop
) -> None:
    order = place(client, shop)
    pi = fake.succeed(order["payment"]["reference"])

    outcome = acked(deliver(client, fake.event("payment_intent.succeeded", pi)))

    assert outcome == "processed"
    shown = show(client, shop, order["id"])
    assert shown["status"] == "retired"
    assert shown["payment"]["status"] == "succeeded"
    assert grams(db_session, shop.lot_id) == (GRAMS_PER_TONNE - MASS, 0, MASS)


@pytest.mark.parametrize(
    ("secret", "age_s", "signed"),
    [
        pytest.param("whsec_forged", 0, True, id="wrong-secret"),
        pytest.param(WEBHOOK_SECRET, TOLERANCE_S + 1, True, id="stale-timestamp"),
        pytest.param(WEBHOOK_SECRET, 0, False, id="no-signature-header"),
    ],
)
@pytest.mark.usefixtures("provider")
def test_unverifiable_webhook_is_refused_and_changes_nothing(
    client: FlaskClient,
    db_session: Session,
    fake: FakeStripe,
    shop: Shop,
    secret: str,
    age_s: int,
    signed: bool,
) -> None:
    order = place(client, shop)
    pi = fake.succeed(order["payment"]["reference"])  # even a real payment is not acted on
    sent_at = int(utcnow().timestamp()) - age_s
    event = fake.event("payment_intent.succeeded", pi, created=sent_at)

    resp = deliver(client, event, secret=secret, timestamp=sent_at, signed=signed)

    assert resp.status_code == 400
    assert problem_type(resp) == "/problems/invalid-webhook"
    assert show(client, shop, order["id"])["status"] == "awaiting_payment"
    assert grams(db_session, shop.lot_id) == (GRAMS_PER_TONNE - MASS, MASS, 0)
    assert db_session.scalar(select(func.count()).select_from(ProviderEvent)) == 0
    assert calls(fake, "GET", f"/v1/payment_intents/{pi['id']}") == []


@pytest.mark.usefixtures("provider")
def test_replayed_event_is_a_duplicate_with_no_second_effect(
    client: FlaskClient, db_session: Session, fake: FakeStripe, shop: Shop
) -> None:
    order = place(client, shop)
    event = fake.event("payment_intent.succeeded", fake.succeed(order["payment"]["reference"]))
    assert acked(deliver(client, event)) == "processed"
    fetches = len(fake.requests)

    outcome = acked(deliver(client, event))

    assert outcome == "duplicate"
    assert len(fake.requests) == fetches  # not even re-fetched
    shown = show(client, shop, order["id"])
    assert [e["to_status"] for e in shown["events"]] == ["awaiting_payment", "paid", "retired"]
    assert grams(db_session, shop.lot_id) == (GRAMS_PER_TONNE - MASS, 0, MASS)


@pytest.mark.usefixtures("provider")
def test_failure_event_arriving_after_the_success_leaves_the_order_retired(
    client: FlaskClient, db_session: Session, fake: FakeStripe, shop: Shop
) -> None:
    order = place(client, shop)
    pi_id = order["payment"]["reference"]
    stale_failure = fake.event("payment_intent.payment_failed", fake.fail(pi_id))
    succeeded = fake.event("payment_intent.succeeded", fake.succeed(pi_id))
    assert acked(deliver(client, succeeded)) == "processed"

    outcome = acked(deliver(client, stale_failure))

    assert outcome == "processed"
    shown = show(client, shop, order["id"])
    assert shown["status"] == "retired"
    assert (shown["payment"]["status"], shown["payment"]["last_error"]) == ("succeeded", "")
    assert grams(db_session, shop.lot_id) == (GRAMS_PER_TONNE - MASS, 0, MASS)


@pytest.mark.usefixtures("provider")
def test_success_event_for_an_intent_stripe_says_is_unpaid_pays_nothing(
    client: FlaskClient, db_session: Session, fake: FakeStripe, shop: Shop
) -> None:
    order = place(client, shop)
    pi_id = order["payment"]["reference"]
    claimed = {**fake.payment_intent(pi_id), "status": "succeeded"}  # Stripe's record disagrees

    outcome = acked(deliver(client, fake.event("payment_intent.succeeded", claimed)))

    assert outcome == "processed"
    assert calls(fake, "GET", f"/v1/payment_intents/{pi_id}")  # asked Stripe, not the event
    shown = show(client, shop, order["id"])
    assert (shown["status"], shown["payment"]["status"]) == ("awaiting_payment", "pending")
    assert grams(db_session, shop.lot_id) == (GRAMS_PER_TONNE - MASS, MASS, 0)


@pytest.mark.usefixtures("provider")
def test_failed_payment_keeps_the_order_payable_and_shows_the_error(
    client: FlaskClient, db_session: Session, fake: FakeStripe, shop: Shop
) -> None:
    order = place(client, shop)
    pi = fake.fail(order["payment"]["reference"], "Your card has insufficient funds.")

    outcome = acked(deliver(client, fake.event("payment_intent.payment_failed", pi)))

    assert outcome == "processed"
    shown = show(client, shop, order["id"])
    assert shown["status"] == "awaiting_payment"
    assert shown["payment"]["status"] == "pending"
    assert shown["payment"]["last_error"] == "Your card has insufficient funds."
    assert shown["payment"]["instructions"]["client_secret"] == pi["client_secret"]
    assert grams(db_session, shop.lot_id) == (GRAMS_PER_TONNE - MASS, MASS, 0)


def test_refund_at_stripe_marks_a_retired_order_refunded_and_its_credits_stay_retired(
    app,
    client: FlaskClient,
    db_session: Session,
    fake: FakeStripe,
    ctx: StripeProvider,
    shop: Shop,
) -> None:
    order = place(client, shop)
    pi_id = order["payment"]["reference"]
    fake.succeed(pi_id)
    with app.app_context():
        settlement.sync(db_session, ctx, pi_id)
    assert show(client, shop, order["id"])["status"] == "retired"

    charge = fake.refund(pi_id)  # refunded from Stripe's dashboard
    outcome = acked(deliver(client, fake.event("charge.refunded", charge)))

    assert outcome == "processed"
    shown = show(client, shop, order["id"])
    assert (shown["status"], shown["payment"]["status"]) == ("refunded", "refunded")
    assert grams(db_session, shop.lot_id) == (GRAMS_PER_TONNE - MASS, 0, MASS)


@pytest.mark.usefixtures("provider")
def test_unknown_event_type_is_acknowledged_and_ignored(
    client: FlaskClient, db_session: Session, fake: FakeStripe
) -> None:
    customer = {"id": "cus_test", "object": "customer", "email": "a@example.com"}

    outcome = acked(deliver(client, fake.event("customer.created", customer)))

    assert outcome == "ignored"
    assert fake.requests == []


def test_webhook_endpoint_is_404_with_the_sandbox_provider(app: Flask, client: FlaskClient) -> None:
    assert app.extensions["payments"].default.sandbox
    event = {"id": "evt_test", "object": "event", "type": "payment_intent.succeeded"}

    resp = deliver(client, event)

    assert resp.status_code == 404
    assert problem_type(resp) == "/problems/not-found"


# -- repairs: lost webhooks and late payments ----------------------------------------------------


def test_reconciler_retires_a_paid_order_whose_webhook_was_lost(
    app,
    client: FlaskClient,
    db_session: Session,
    fake: FakeStripe,
    ctx: StripeProvider,
    shop: Shop,
) -> None:
    order = place(client, shop)
    fake.succeed(order["payment"]["reference"])  # and Stripe's webhook never arrives
    db_session.execute(
        update(Payment)
        .where(Payment.order_id == order["id"])
        .values(created_at=utcnow() - timedelta(minutes=10))
    )
    db_session.commit()

    with app.app_context():
        report = reconcile(db_session, {ctx.name: ctx})

    assert (report.checked, report.failed) == (1, 0)
    assert show(client, shop, order["id"])["status"] == "retired"
    assert grams(db_session, shop.lot_id) == (GRAMS_PER_TONNE - MASS, 0, MASS)


def expire(s: Session, order_id: str) -> None:
    expires_at = s.scalars(select(Order.expires_at).where(Order.id == order_id)).one()
    assert services.expire_due(s, now=expires_at + timedelta(seconds=1)) >= 1
    assert s.scalar(select(Order.status).where(Order.id == order_id)) == "expired"


@pytest.mark.usefixtures("provider")
def test_late_payment_after_the_credits_are_gone_is_refunded(
    client: FlaskClient, db_session: Session, fake: FakeStripe, shop: Shop
) -> None:
    late = place(client, shop, GRAMS_PER_TONNE)
    expire(db_session, late["id"])
    place(client, shop, GRAMS_PER_TONNE)  # someone else takes the whole lot
    pi = fake.succeed(late["payment"]["reference"])

    outcome = acked(deliver(client, fake.event("payment_intent.succeeded", pi)))

    assert outcome == "processed"
    shown = show(client, shop, late["id"])
    assert (shown["status"], shown["payment"]["status"]) == ("refunded", "refunded")
    [refund] = calls(fake, "POST", "/v1/refunds")
    assert refund.idempotency_key == f"{late['id']}:refund"
    assert refund.params == {"payment_intent": pi["id"], "amount": str(late["amount"])}
    assert fake.charge(pi["latest_charge"])["refunded"] is True
    assert grams(db_session, shop.lot_id) == (0, GRAMS_PER_TONNE, 0)  # the other order's hold


@pytest.mark.usefixtures("provider")
def test_late_payment_with_credits_still_available_reserves_again_and_retires(
    client: FlaskClient, db_session: Session, fake: FakeStripe, shop: Shop
) -> None:
    late = place(client, shop)
    expire(db_session, late["id"])
    assert grams(db_session, shop.lot_id) == (GRAMS_PER_TONNE, 0, 0)
    pi = fake.succeed(late["payment"]["reference"])

    outcome = acked(deliver(client, fake.event("payment_intent.succeeded", pi)))

    assert outcome == "processed"
    assert show(client, shop, late["id"])["status"] == "retired"
    assert calls(fake, "POST", "/v1/refunds") == []
    assert grams(db_session, shop.lot_id) == (GRAMS_PER_TONNE - MASS, 0, MASS)


def test_reconciler_settles_a_late_payment_whose_webhook_was_lost(
    app,
    client: FlaskClient,
    db_session: Session,
    fake: FakeStripe,
    ctx: StripeProvider,
    shop: Shop,
) -> None:
    late = place(client, shop)
    expire(db_session, late["id"])
    fake.succeed(late["payment"]["reference"])  # paid late, and the webhook never arrives
    db_session.execute(
        update(Payment)
        .where(Payment.order_id == late["id"])
        .values(created_at=utcnow() - timedelta(hours=1))
    )
    db_session.commit()

    with app.app_context():
        reconcile(db_session, {ctx.name: ctx})

    shown = show(client, shop, late["id"])
    assert (shown["status"], shown["payment"]["status"]) == ("retired", "succeeded")
    assert grams(db_session, shop.lot_id) == (GRAMS_PER_TONNE - MASS, 0, MASS)


def test_a_payment_cancelled_at_stripe_cancels_the_unpaid_order(
    client: FlaskClient, db_session: Session, fake: FakeStripe, provider: StripeProvider, shop: Shop
) -> None:
    order = place(client, shop)
    pi = order["payment"]["reference"]
    provider.cancel(pi, "dashboard")  # as if someone cancelled it in the Stripe dashboard
    event = fake.event("payment_intent.canceled", fake.payment_intent(pi))
    assert acked(deliver(client, event)) == "processed"
    shown = show(client, shop, order["id"])
    assert (shown["status"], shown["payment"]["status"]) == ("cancelled", "cancelled")
    assert grams(db_session, shop.lot_id) == (GRAMS_PER_TONNE, 0, 0)


def test_the_reconciler_stops_an_expired_orders_payment_at_stripe(
    app, client: FlaskClient, db_session: Session, fake: FakeStripe, ctx: StripeProvider, shop: Shop
) -> None:
    order = place(client, shop)
    expire(db_session, order["id"])
    assert show(client, shop, order["id"])["payment"]["status"] == "pending"  # still payable
    db_session.execute(
        update(Payment)
        .where(Payment.order_id == order["id"])
        .values(created_at=utcnow() - timedelta(hours=1))
    )
    db_session.commit()
    with app.app_context():
        reconcile(db_session, {ctx.name: ctx})
    assert fake.payment_intent(order["payment"]["reference"])["status"] == "canceled"
    assert show(client, shop, order["id"])["payment"]["status"] == "cancelled"


def test_a_request_that_dies_while_calling_stripe_is_resumed_by_its_retry(
    app: Flask,
    client: FlaskClient,
    db_session: Session,
    fake: FakeStripe,
    provider: StripeProvider,
    shop: Shop,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The order and its hold are committed before Stripe is called, with the key noting the
    order; a request that dies then (not a refusal: a crash) leaves the key to its retry, which
    resumes that order and starts its payment instead of holding the credits twice."""

    def crash(_request: object) -> None:
        raise RuntimeError("the process died while Stripe was called")

    monkeypatch.setattr(provider, "start", crash)
    key = str(uuid.uuid4())
    assert post_order(client, shop, key=key).status_code == 500
    (order_id,) = db_session.scalars(select(Order.id)).all()
    assert grams(db_session, shop.lot_id) == (GRAMS_PER_TONNE - MASS, MASS, 0)
    monkeypatch.undo()
    stored = db_session.scalars(select(IdempotencyKey)).one()
    stored.locked_at = utcnow() - idempotency.LEASE - timedelta(seconds=1)  # its lease ran out
    db_session.commit()
    again = post_order(client, shop, key=key)
    assert again.status_code == 201, again.get_json()
    assert again.get_json()["id"] == order_id
    assert again.get_json()["payment"]["reference"].startswith("pi_")
    assert grams(db_session, shop.lot_id) == (GRAMS_PER_TONNE - MASS, MASS, 0)
