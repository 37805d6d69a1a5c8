"""The Idempotency-Key header: required, replayed, refused on reuse, scoped, kept 24 h."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from backend.core.clock import utcnow
from backend.idempotency import store
from backend.idempotency.models import IdempotencyKey
from backend.orders import services
from backend.orders.models import Order
from tests import factories as f
from tests.factories import grams

T = 1_000_000


def body(stock, mass_g: int = T) -> dict:
    return {"mass_g": mass_g, "beneficiary": "张三", "preferences": stock.prefs}


def count(s) -> int:
    return s.scalar(select(func.count()).select_from(Order))


@pytest.mark.parametrize("key", [None, "", "has space", "x" * 256, "键"])
def test_a_missing_or_malformed_key_is_a_400_naming_the_header(client, stock, buyer, key):
    headers = f.bearer(buyer.token)
    if key is not None:
        headers["Idempotency-Key"] = key
    resp = client.post("/api/v1/orders", json=body(stock), headers=headers)
    assert resp.status_code == 400
    assert resp.mimetype == "application/problem+json"
    assert resp.get_json()["errors"][0]["field"] == "Idempotency-Key"


def test_the_same_key_and_body_replay_the_first_response(client, db_session, stock, buyer):
    headers = f.order_headers(buyer.token)
    first = client.post("/api/v1/orders", json=body(stock), headers=headers)
    again = client.post("/api/v1/orders", json=body(stock), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.get_data() == first.get_data()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["Location"] == first.headers["Location"]
    assert "Idempotent-Replayed" not in first.headers
    assert count(db_session) == 1
    assert grams(db_session, stock.lot) == (99 * T, T, 0)


def test_the_same_key_with_another_body_is_a_422(client, db_session, stock, buyer):
    headers = f.order_headers(buyer.token)
    client.post("/api/v1/orders", json=body(stock), headers=headers)
    resp = client.post("/api/v1/orders", json=body(stock, 2 * T), headers=headers)
    assert resp.status_code == 422
    assert resp.get_json()["type"].endswith("idempotency-key-reused")
    assert count(db_session) == 1


def test_keys_belong_to_their_caller(client, db_session, stock, buyer):
    other = f.sign_in(client, f.user(db_session).phone)
    a = client.post("/api/v1/orders", json=body(stock), headers=f.order_headers(buyer.token, "k"))
    b = client.post("/api/v1/orders", json=body(stock), headers=f.order_headers(other, "k"))
    assert a.status_code == b.status_code == 201
    assert a.get_json()["id"] != b.get_json()["id"]


def test_a_failed_request_does_not_use_up_its_key(client, db_session, stock, buyer):
    headers = f.order_headers(buyer.token)
    short = client.post("/api/v1/orders", json=body(stock, 150 * T), headers=headers)
    assert short.status_code == 409
    f.lot(db_session, stock.project, 100)
    retried = client.post("/api/v1/orders", json=body(stock, 150 * T), headers=headers)
    assert retried.status_code == 201


def test_a_running_key_is_a_409_until_its_lease_ends(db_session):
    now = utcnow()
    mine = store.claim(db_session, "user:1", "k", "fp1", now)
    assert isinstance(mine, store.Claim)
    with pytest.raises(store.KeyInFlight) as running:
        store.claim(db_session, "user:1", "k", "fp1", now + timedelta(seconds=5))
    assert running.value.headers == {"Retry-After": "1"}  # plausibly running: ask again soon
    with pytest.raises(store.KeyInFlight) as stuck:
        store.claim(db_session, "user:1", "k", "fp1", now + timedelta(seconds=45))
    assert stuck.value.headers == {"Retry-After": "15"}  # looks dead: free when the lease ends
    with pytest.raises(store.KeyReused):
        store.claim(db_session, "user:1", "k", "other", now + timedelta(seconds=5))
    store.record_resource(db_session, mine, "ord_x")
    db_session.commit()
    later = store.claim(db_session, "user:1", "k", "fp1", now + store.LEASE + timedelta(seconds=1))
    assert later == store.Claim("user:1", "k", "ord_x")


def test_a_resumed_claim_starts_the_payment_if_it_never_started(db_session, stock, buyer, app):
    with app.test_request_context():
        from backend.accounts.services import principal_for_token

        who, _ = principal_for_token(db_session, buyer.token)
        provider = app.extensions["payments"].default
        claim = store.claim(db_session, f"user:{buyer.user.id}", "k2", "fp")
        assert isinstance(claim, store.Claim)
        request = services.OrderRequest(**body(stock))
        order = services.create(db_session, who, request, provider, services.OrderSettings(), claim)
        again = services.create(
            db_session,
            who,
            request,
            provider,
            services.OrderSettings(),
            store.Claim(claim.scope, claim.key, order.id),
        )
    assert again.id == order.id
    assert count(db_session) == 1


def test_keys_are_kept_24_hours_then_purged_and_reusable(db_session):
    now = utcnow()
    claim = store.claim(db_session, "user:2", "k", "fp1", now)
    assert isinstance(claim, store.Claim)
    store.store(db_session, claim, store.StoredResponse(201, {}, "{}"))
    db_session.commit()
    replay = store.claim(db_session, "user:2", "k", "fp1", now + timedelta(hours=23))
    assert isinstance(replay, store.StoredResponse)
    fresh = store.claim(db_session, "user:2", "k", "other", now + timedelta(hours=24, seconds=1))
    assert fresh == store.Claim("user:2", "k")
    assert store.purge(db_session, now + timedelta(hours=49)) == 1


def test_a_twin_in_flight_is_told_to_retry_in_a_second(client, db_session, stock, buyer):
    """The first request ends in milliseconds: its twin is not sent away for a minute."""
    headers = f.order_headers(buyer.token)
    client.post("/api/v1/orders", json=body(stock), headers=headers)
    key = db_session.scalars(select(IdempotencyKey)).one()
    key.status, key.locked_at = store.KeyStatus.running, utcnow()  # as if still running
    db_session.commit()
    twin = client.post("/api/v1/orders", json=body(stock), headers=headers)
    assert twin.status_code == 409
    assert twin.get_json()["type"].endswith("idempotency-key-in-flight")
    assert twin.headers["Retry-After"] == "1"
