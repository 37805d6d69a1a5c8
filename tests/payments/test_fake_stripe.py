"""The fake Stripe server, driven by the real ``stripe`` SDK over HTTP."""

from __future__ import annotations

import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests
import stripe

from tests.payments.fake_stripe import FakeStripe, RecordedRequest, decode_form

KEY = "sk_test_fake"


@pytest.fixture
def fake() -> Iterator[FakeStripe]:
    with FakeStripe() as server:
        yield server


def client_for(fake: FakeStripe, api_key: str = KEY, **kwargs: Any) -> stripe.StripeClient:
    kwargs.setdefault("max_network_retries", 0)
    return stripe.StripeClient(api_key, base_addresses={"api": fake.url}, **kwargs)


@pytest.fixture
def client(fake: FakeStripe) -> stripe.StripeClient:
    return client_for(fake)


def create_pi(client: stripe.StripeClient, **extra: Any) -> stripe.PaymentIntent:
    params: Any = {"amount": 1234, "currency": "cny", **extra}
    return client.v1.payment_intents.create(params=params)


def error_body(exc: pytest.ExceptionInfo[stripe.StripeError]) -> dict[str, Any]:
    body = exc.value.json_body
    assert isinstance(body, dict)
    error: dict[str, Any] = body["error"]
    return error


# -- encoding ------------------------------------------------------------------------------------


def test_decode_form_nesting() -> None:
    pairs = [
        ("amount", "1234"),
        ("payment_method_types[0]", "card"),
        ("payment_method_types[1]", "alipay"),
        ("metadata[order_id]", "ord_x"),
        ("metadata[0]", "zero"),
        ("payment_method_options[wechat_pay][client]", "web"),
        ("items[0][price]", "p1"),
        ("items[1][price]", "p2"),
        ("expand[]", "a"),
        ("expand[]", "b"),
    ]
    assert decode_form(pairs) == {
        "amount": "1234",
        "payment_method_types": ["card", "alipay"],
        "metadata": {"order_id": "ord_x", "0": "zero"},
        "payment_method_options": {"wechat_pay": {"client": "web"}},
        "items": [{"price": "p1"}, {"price": "p2"}],
        "expand": ["a", "b"],
    }


def test_sdk_nested_params_are_decoded(fake: FakeStripe, client: stripe.StripeClient) -> None:
    pi = create_pi(
        client,
        payment_method_types=["card", "alipay"],
        metadata={"order_id": "ord_x"},
        payment_method_options={"wechat_pay": {"client": "web"}},
        description="Offset",
    )
    (request,) = fake.requests
    assert request == RecordedRequest(
        "POST",
        "/v1/payment_intents",
        {
            "amount": "1234",
            "currency": "cny",
            "payment_method_types": ["card", "alipay"],
            "metadata": {"order_id": "ord_x"},
            "payment_method_options": {"wechat_pay": {"client": "web"}},
            "description": "Offset",
        },
        request.idempotency_key,
    )
    assert request.idempotency_key  # the SDK generates one for every POST
    assert pi.payment_method_types == ["card", "alipay"]
    assert pi.metadata.to_dict() == {"order_id": "ord_x"}
    assert pi.description == "Offset"


def test_allowed_payment_method_types(client: stripe.StripeClient) -> None:
    pi = create_pi(client, allowed_payment_method_types=["alipay", "wechat_pay"])
    assert pi.allowed_payment_method_types == ["alipay", "wechat_pay"]
    assert pi.payment_method_types == ["alipay", "wechat_pay"]


# -- payment intents -----------------------------------------------------------------------------


def test_create_and_retrieve(fake: FakeStripe, client: stripe.StripeClient) -> None:
    pi = create_pi(client)
    assert re.fullmatch(r"pi_[0-9a-f]{24}", pi.id)
    assert pi.object == "payment_intent"
    assert (pi.amount, pi.currency, pi.status) == (1234, "cny", "requires_payment_method")
    assert pi.client_secret is not None
    assert pi.client_secret.startswith(f"{pi.id}_secret_")
    assert (pi.latest_charge, pi.amount_received, pi.last_payment_error) == (None, 0, None)
    assert pi.livemode is False
    assert isinstance(pi.created, int)
    assert pi.payment_method_types == ["card"]
    assert pi.metadata.to_dict() == {}

    fetched = client.v1.payment_intents.retrieve(pi.id)
    assert fetched.to_dict() == pi.to_dict() == fake.payment_intent(pi.id)
    response = fetched.last_response
    assert response is not None
    assert response.headers["Content-Type"] == "application/json"
    assert response.request_id is not None
    assert response.request_id.startswith("req_")
    assert [(r.method, r.path, r.idempotency_key) for r in fake.requests][1] == (
        "GET",
        f"/v1/payment_intents/{pi.id}",
        None,
    )


def test_succeed_creates_charge(fake: FakeStripe, client: stripe.StripeClient) -> None:
    pi = create_pi(client)
    fake.succeed(pi.id)
    pi = client.v1.payment_intents.retrieve(pi.id)
    assert (pi.status, pi.amount_received) == ("succeeded", 1234)
    assert isinstance(pi.latest_charge, str)
    charge = client.v1.charges.retrieve(pi.latest_charge)
    assert charge.to_dict() == fake.charge(pi.latest_charge)
    assert (charge.object, charge.amount, charge.amount_refunded, charge.refunded) == (
        "charge",
        1234,
        0,
        False,
    )
    assert (charge.payment_intent, charge.currency, charge.status) == (pi.id, "cny", "succeeded")


def test_fail_sets_last_payment_error(fake: FakeStripe, client: stripe.StripeClient) -> None:
    pi = create_pi(client)
    fake.fail(pi.id, "Insufficient funds.")
    pi = client.v1.payment_intents.retrieve(pi.id)
    assert pi.status == "requires_payment_method"
    assert pi.last_payment_error is not None
    assert pi.last_payment_error.to_dict() == {
        "code": "card_declined",
        "message": "Insufficient funds.",
        "type": "card_error",
    }
    fake.succeed(pi.id)  # a later attempt may still succeed
    assert fake.payment_intent(pi.id)["last_payment_error"] is None


def test_missing_params_are_400_with_param(client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.payment_intents.create(params={"currency": "cny"})  # type: ignore[typeddict-item]
    assert exc.value.http_status == 400
    assert (exc.value.code, exc.value.param) == ("parameter_missing", "amount")
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.payment_intents.create(params={"amount": 5})  # type: ignore[typeddict-item]
    assert exc.value.param == "currency"
    assert error_body(exc)["type"] == "invalid_request_error"


def test_unknown_payment_intent_is_404(client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.payment_intents.retrieve("pi_nope")
    assert exc.value.http_status == 404
    assert error_body(exc) == {
        "type": "invalid_request_error",
        "code": "resource_missing",
        "param": "intent",
        "message": "No such payment_intent: 'pi_nope'",
    }
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.charges.retrieve("ch_nope")
    assert exc.value.code == "resource_missing"


def test_cancel(fake: FakeStripe, client: stripe.StripeClient) -> None:
    pi = client.v1.payment_intents.cancel(
        create_pi(client).id, params={"cancellation_reason": "abandoned"}
    )
    assert (pi.status, pi.cancellation_reason) == ("canceled", "abandoned")

    done = create_pi(client)
    fake.succeed(done.id)
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.payment_intents.cancel(done.id)
    assert (exc.value.http_status, exc.value.code) == (400, "payment_intent_unexpected_state")
    assert fake.payment_intent(done.id)["status"] == "succeeded"


# -- refunds -------------------------------------------------------------------------------------


def test_partial_then_full_refund(fake: FakeStripe, client: stripe.StripeClient) -> None:
    pi = create_pi(client)
    fake.succeed(pi.id)
    charge_id = fake.payment_intent(pi.id)["latest_charge"]

    first = client.v1.refunds.create(params={"payment_intent": pi.id, "amount": 234})
    assert re.fullmatch(r"re_[0-9a-f]{24}", first.id)
    assert (first.object, first.amount, first.currency, first.status) == (
        "refund",
        234,
        "cny",
        "succeeded",
    )
    assert (first.payment_intent, first.charge) == (pi.id, charge_id)
    assert (fake.charge(charge_id)["amount_refunded"], fake.charge(charge_id)["refunded"]) == (
        234,
        False,
    )

    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.refunds.create(params={"payment_intent": pi.id, "amount": 1001})
    assert (exc.value.code, exc.value.param) == ("amount_too_large", "amount")

    rest = client.v1.refunds.create(params={"payment_intent": pi.id})
    assert rest.amount == 1000
    charge = client.v1.charges.retrieve(charge_id)
    assert (charge.amount_refunded, charge.refunded) == (1234, True)

    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.refunds.create(params={"payment_intent": pi.id})
    assert (exc.value.http_status, exc.value.code) == (400, "charge_already_refunded")


def test_refund_requires_succeeded_intent(fake: FakeStripe, client: stripe.StripeClient) -> None:
    pi = create_pi(client)
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.refunds.create(params={"payment_intent": pi.id})
    assert (exc.value.http_status, exc.value.code) == (400, "payment_intent_unexpected_state")
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.refunds.create(params={"payment_intent": "pi_nope"})
    assert (exc.value.http_status, exc.value.code) == (404, "resource_missing")


def test_dashboard_refund_control(fake: FakeStripe, client: stripe.StripeClient) -> None:
    pi = create_pi(client)
    fake.succeed(pi.id)
    charge = fake.refund(pi.id, 200)
    assert (charge["amount_refunded"], charge["refunded"]) == (200, False)
    assert fake.refund(pi.id)["refunded"] is True
    assert fake.requests[-1].path == "/v1/payment_intents"  # controls make no HTTP requests


# -- idempotency ---------------------------------------------------------------------------------


def test_idempotent_replay(fake: FakeStripe, client: stripe.StripeClient) -> None:
    params: Any = {"amount": 500, "currency": "cny", "metadata": {"order_id": "o1"}}
    first = client.v1.payment_intents.create(params=params, options={"idempotency_key": "k1"})
    again = client.v1.payment_intents.create(params=params, options={"idempotency_key": "k1"})
    assert again.id == first.id
    assert again.to_dict() == first.to_dict()
    assert again.last_response is not None
    assert again.last_response.headers["Idempotent-Replayed"] == "true"
    assert [r.idempotency_key for r in fake.requests] == ["k1", "k1"]

    other = client.v1.payment_intents.create(params=params, options={"idempotency_key": "k2"})
    assert other.id != first.id

    changed: Any = {**params, "amount": 501}
    with pytest.raises(stripe.IdempotencyError) as exc:
        client.v1.payment_intents.create(params=changed, options={"idempotency_key": "k1"})
    assert exc.value.http_status == 400
    assert error_body(exc)["type"] == "idempotency_error"


def test_idempotent_replay_of_an_error(fake: FakeStripe, client: stripe.StripeClient) -> None:
    pi = create_pi(client)
    fake.succeed(pi.id)
    fake.refund(pi.id)
    options: Any = {"idempotency_key": "refund-1"}
    for _ in range(2):
        with pytest.raises(stripe.InvalidRequestError) as exc:
            client.v1.refunds.create(params={"payment_intent": pi.id}, options=options)
        assert exc.value.code == "charge_already_refunded"


def test_idempotent_replay_is_stored_body_not_current_state(
    fake: FakeStripe, client: stripe.StripeClient
) -> None:
    pi = create_pi(client)
    options: Any = {"idempotency_key": "cancel-1"}
    client.v1.payment_intents.cancel(pi.id, options=options)
    fake.payment_intent(pi.id)["description"] = "changed later"
    replay = client.v1.payment_intents.cancel(pi.id, options=options)
    assert (replay.status, replay.description) == ("canceled", None)


def test_concurrent_requests_with_one_key_create_one_object(fake: FakeStripe) -> None:
    client = client_for(fake)
    fake.latency = 0.05

    def create(_: int) -> str:
        params: Any = {"amount": 100, "currency": "cny"}
        return client.v1.payment_intents.create(params=params, options={"idempotency_key": "c"}).id

    with ThreadPoolExecutor(8) as pool:
        ids = set(pool.map(create, range(8)))
    assert len(ids) == 1
    assert len(fake.requests) == 8


# -- auth, routing, failure injection ------------------------------------------------------------


def test_requires_test_secret_key(fake: FakeStripe) -> None:
    with pytest.raises(stripe.AuthenticationError) as exc:
        client_for(fake, api_key="sk_live_nope").v1.payment_intents.retrieve("pi_x")
    assert exc.value.http_status == 401
    assert error_body(exc)["type"] == "invalid_request_error"

    response = requests.get(f"{fake.url}/v1/payment_intents/pi_x", timeout=5)
    assert response.status_code == 401
    assert set(response.json()["error"]) == {"type", "message"}


def test_unknown_endpoint_is_404(fake: FakeStripe) -> None:
    headers = {"Authorization": f"Bearer {KEY}"}
    for method, path in [("GET", "/v1/customers"), ("GET", "/v1/refunds"), ("DELETE", "/v1/x")]:
        response = requests.request(method, f"{fake.url}{path}", headers=headers, timeout=5)
        assert response.status_code == 404
        assert response.headers["Content-Type"] == "application/json"
        assert response.headers["Request-Id"].startswith("req_")
        assert response.json()["error"]["type"] == "invalid_request_error"


def test_fail_next(fake: FakeStripe, client: stripe.StripeClient) -> None:
    fake.fail_next(2, status=503)
    for _ in range(2):
        with pytest.raises(stripe.APIError) as exc:
            create_pi(client)
        assert exc.value.http_status == 503
        assert error_body(exc)["type"] == "api_error"
    create_pi(client)
    assert len(fake.requests) == 3
    assert len(fake._intents) == 1


def test_sdk_retry_after_injected_failure_reuses_the_key(fake: FakeStripe) -> None:
    fake.fail_next(1)
    pi = create_pi(client_for(fake, max_network_retries=1))
    assert pi.status == "requires_payment_method"
    first, second = fake.requests
    assert first.idempotency_key == second.idempotency_key is not None


def test_latency_can_trigger_client_timeouts(fake: FakeStripe) -> None:
    fake.latency = 0.5
    slow = client_for(fake, http_client=stripe.RequestsClient(timeout=0.1))
    with pytest.raises(stripe.APIConnectionError):
        create_pi(slow)


# -- events and lifecycle ------------------------------------------------------------------------


def test_event_wraps_a_snapshot(fake: FakeStripe, client: stripe.StripeClient) -> None:
    pi = create_pi(client)
    fake.succeed(pi.id)
    event = fake.event("payment_intent.succeeded", fake.payment_intent(pi.id), created=1700000000)
    fake.payment_intent(pi.id)["status"] = "mutated"
    assert re.fullmatch(r"evt_[0-9a-f]{24}", event["id"])
    assert event["data"]["object"]["status"] == "succeeded"
    assert {k: v for k, v in event.items() if k not in {"id", "data"}} == {
        "object": "event",
        "api_version": "2024-06-20",
        "created": 1700000000,
        "livemode": False,
        "type": "payment_intent.succeeded",
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
    }
    assert fake.event("x", {}, event_id="evt_1")["id"] == "evt_1"
    assert stripe.Event.construct_from(event, KEY).data.object["id"] == pi.id


def test_start_stop_without_context_manager() -> None:
    fake = FakeStripe()
    with pytest.raises(RuntimeError):
        _ = fake.url
    assert fake.start() is fake
    try:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", fake.url)
        assert create_pi(client_for(fake)).amount == 1234
    finally:
        fake.stop()
    with pytest.raises(RuntimeError):
        _ = fake.url
