"""Mass assignment (OWASP API3, broken object property level authorization) on every write.

For each POST/PATCH/PUT of the served OpenAPI document, the valid request of its access-matrix
row is sent by a caller allowed to make it, plus fields the server owns (ids, statuses, owners,
money, grams, timestamps, certificate numbers, roles, balances, secrets). Request schemas reject
unknown fields (marshmallow RAISE), so:

- a write with a JSON body must answer 422 naming exactly the server-owned fields its schema
  does not declare;
- a write without a body ignores any body: it must answer as it does without one, and the
  stored object must not take any of the fields.

Fields a schema does declare (an order's `mass_g`, a footprint's `organisation_id`) are client
inputs; the ones that pick an owner are probed with another organisation's id below.
A new write is covered automatically (its matrix row gives the valid request), or fails
`test_every_write_is_probed` until it is.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.footprint.models import Footprint
from backend.orders.models import Order
from backend.partners.webhooks.models import WebhookEndpoint
from backend.points import partners
from tests import factories as f
from tests.security.test_access_matrix import BY_KEY, Row, send
from tests.security.world import ANON, KEY, MEMBER, ROLES, World

# Writes whose body is not a JSON object we parse into fields.
EXEMPT = {
    ("POST", "/api/v1/payments/stripe/webhook"): "a Stripe event: only its signature and its "
    "PaymentIntent id are used; the PaymentIntent is re-fetched from Stripe before acting",
    ("POST", "/api/v1/payments/wechatpay/notify"): "a WeChat Pay notification: signed and "
    "encrypted; only its id, nonce and out_trade_no/out_refund_no are used, and WeChat Pay is "
    "asked again before acting",
    ("POST", "/api/v1/payments/alipay/notify"): "an Alipay notification: a signed form; only "
    "its notify_id, out_trade_no, total_amount and out_biz_no are used, and Alipay is asked "
    "again before acting",
    ("POST", "/api/v1/partners/wechat/{account}"): "a WeChat XML message, signed by WeChat; "
    "its fields are the follower's words, not stored properties",
    ("POST", "/api/v1/registry/projects/{project_id}/documents"): "a multipart upload: only "
    "its file and title are read; size, type and digest are the server's, from the content",
    ("POST", "/api/v1/finance/listing-applications/{application_id}/documents"): "a multipart "
    "upload: only its file and title are read; size, type and digest are the server's",
}
# The partner batches are signed over the raw body: the probe is signed too.
SIGNED = {("POST", "/api/v1/points/actions"), ("POST", "/api/v1/points/actions/reversals")}


def probes(w: World) -> dict[str, Any]:
    """Server-owned fields and forged values for them."""
    return {
        "id": "forged_id",
        "status": "retired",
        "user_id": w["citizen_user"],
        "owner_id": w["citizen_user"],
        "organisation_id": w["court_b"],
        "amount": 1,
        "credits_amount": 1,
        "fee_amount": 0,
        "currency": "USD",
        "mass_g": 1,
        "paid_at": "2020-01-01T00:00:00+00:00",
        "retired_at": "2020-01-01T00:00:00+00:00",
        "certificate_number": "DD-2020-000001",
        "judicial": True,
        "sandbox": False,
        "provider": "stripe",
        "role": "admin",
        "roles": ["admin"],
        "operator": True,
        "scopes": ["webhooks:manage"],
        "balance": 1_000_000_000,
        "pending": 1_000_000_000,
        "points": 1_000_000_000,
        "available_g": 1_000_000_000,
        "allocated_g": 0,
        "secret": "whsec_forged",
        "key": "ddk_forged",
        "phone": "+8613800138000",
        "court_id": w["court_b"],
        "verified_at": "2020-01-01T00:00:00+00:00",
        "created_at": "2020-01-01T00:00:00+00:00",
        "updated_at": "2020-01-01T00:00:00+00:00",
    }


def probes_names() -> list[str]:
    """The probe fields, without building a world."""
    return list(probes(_NamesOnly()))


class _NamesOnly(World):
    def __getitem__(self, name: str) -> Any:
        return 0


def writes(app: Flask) -> dict[tuple[str, str], dict[str, Any]]:
    """Every POST/PATCH/PUT of the served OpenAPI document, with its operation object."""
    doc = app.test_client().get("/api/v1/openapi.json").get_json()
    return {
        (method.upper(), path): op
        for path, item in doc["paths"].items()
        for method, op in item.items()
        if method in {"post", "patch", "put"}
    }


def declared(app: Flask, op: dict[str, Any]) -> set[str] | None:
    """The properties of a JSON request body, or None when the operation takes none."""
    content = op.get("requestBody", {}).get("content", {})
    if "application/json" not in content:
        return None
    schema = content["application/json"]["schema"]
    doc = app.test_client().get("/api/v1/openapi.json").get_json()
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return set(schema.get("properties", {}))


def allowed_role(r: Row) -> str:
    """The first caller the matrix lets make this request."""
    return next(role for role in ROLES if 200 <= r.expected[role] < 300)


def signed_send(app: Flask, world: World, r: Row, extra: dict[str, Any]) -> Any:
    client = app.test_client()
    req = r.req(world, client)
    raw = json.dumps({**req.json, **extra}).encode()
    headers = {
        **world.auth(KEY),
        "Content-Type": "application/json",
        partners.HEADER: partners.sign(world["partner_secret"], raw),
    }
    return client.post(req.path, data=raw, headers=headers)


def test_every_write_is_probed(app: Flask) -> None:
    found = writes(app)
    assert found
    for key, op in found.items():
        if key in EXEMPT:
            continue
        assert key in BY_KEY, f"{key} has no access-matrix row to take a valid request from"
        r = BY_KEY[key]
        if key not in SIGNED:
            assert any(200 <= s < 300 for s in r.expected.values()), (
                f"{key}: nobody may call it, so it cannot be probed; exempt it with a reason"
            )
        props = declared(app, op)
        if props is not None:
            assert set(probes_names()) - props, f"{key} declares every probe field"


WRITES = sorted(k for k in BY_KEY if k[0] in {"POST", "PATCH", "PUT"} and k not in EXEMPT)


@pytest.mark.parametrize("key", [pytest.param(k, id=f"{k[0]} {k[1]}") for k in WRITES])
def test_server_owned_fields_are_refused_or_ignored(
    app: Flask, world: World, db_session: Session, key: tuple[str, str]
) -> None:
    r = BY_KEY[key]
    op = writes(app)[key]
    props = declared(app, op)
    forged = probes(world)
    if props is None:
        # No body is read: the probe must change nothing in the answer.
        role = allowed_role(r)
        plain = r.expected[role]
        resp = send(app, world, r, role, forged)
        assert resp.status_code == plain, resp.get_data(as_text=True)[:300]
        shown = resp.get_json(silent=True)
        if isinstance(shown, dict):
            for name in ("id", "user_id", "organisation_id", "amount", "mass_g", "secret"):
                if name in shown:
                    assert shown[name] != forged[name], f"{key}: {name} was taken from the body"
        return
    extra = {k: v for k, v in forged.items() if k not in props}
    assert extra, f"{key} declares every probe field: review it by hand"
    if key in SIGNED:
        resp = signed_send(app, world, r, extra)
    else:
        resp = send(app, world, r, allowed_role(r), extra)
    assert resp.status_code == 422, resp.get_data(as_text=True)[:300]
    body = resp.get_json()
    assert resp.mimetype == "application/problem+json"
    named = {e["field"] for e in body["errors"]}
    assert named == set(extra), f"{key}: named {sorted(named)}"


def test_signed_batches_answer_200_without_the_probe(app: Flask, world: World) -> None:
    """The signed probes above are refused for their fields, not for their signature."""
    for key in sorted(SIGNED):
        assert signed_send(app, world, BY_KEY[key], {}).status_code == 200


def test_cancelling_ignores_a_body_and_keeps_the_price(
    app: Flask, world: World, db_session: Session
) -> None:
    before = db_session.get_one(Order, world["acme_order"])
    amount, mass = before.amount, before.mass_g
    resp = send(
        app, world, BY_KEY["POST", "/api/v1/orders/{order_id}/cancel"], MEMBER, probes(world)
    )
    assert resp.status_code == 200
    db_session.expire_all()
    after = db_session.get_one(Order, world["acme_order"])
    assert (after.status, after.amount, after.mass_g) == ("cancelled", amount, mass)
    assert after.user_id == world["member_user"]
    assert after.organisation_id == world["acme"]


# --- fields a schema declares that pick an owner: another organisation's id is refused -----


def _count(s: Session, model: Any, org_id: int) -> int:
    s.expire_all()
    return int(s.scalar(select(func.count()).where(model.organisation_id == org_id)) or 0)


@pytest.mark.parametrize(
    ("path", "body", "model", "status"),
    [
        (
            "/api/v1/footprints",
            {"kind": "meeting", "meeting": {"attendees": 3}},
            Footprint,
            422,
        ),
        ("/api/v1/orders", {"mass_g": 1000, "beneficiary": "张三"}, Order, 422),
        (
            "/api/v1/webhook-endpoints",
            {"url": "http://127.0.0.1:9/x", "events": ["order.paid"]},
            WebhookEndpoint,
            404,
        ),
    ],
)
@pytest.mark.parametrize("role", [MEMBER, KEY])
def test_another_organisations_id_is_refused(
    app: Flask,
    world: World,
    db_session: Session,
    path: str,
    body: dict[str, Any],
    model: Any,
    status: int,
    role: str,
) -> None:
    """Filing a footprint, an order or an endpoint under court B, which the caller is not in."""
    client = app.test_client()
    if path == "/api/v1/orders":
        body = {**body, "preferences": world["prefs"]}
    headers = {**world.auth(role), "Idempotency-Key": "probe-" + role}
    resp = client.post(path, json={**body, "organisation_id": world["court_b"]}, headers=headers)
    assert resp.status_code == status, resp.get_data(as_text=True)[:300]
    if resp.status_code == 422:
        assert [e["field"] for e in resp.get_json()["errors"]] == ["organisation_id"]
    assert _count(db_session, model, world["court_b"]) == 0


def test_anonymous_cannot_file_under_an_organisation(app: Flask, world: World) -> None:
    resp = app.test_client().post(
        "/api/v1/footprints",
        json={"kind": "meeting", "meeting": {"attendees": 3}, "organisation_id": world["acme"]},
        headers=world.auth(ANON),
    )
    assert resp.status_code == 422
    assert [e["field"] for e in resp.get_json()["errors"]] == ["organisation_id"]


def test_a_new_member_cannot_be_made_operator_or_given_another_phone(
    app: Flask, world: World
) -> None:
    """PATCH /me takes a display name only."""
    resp = app.test_client().patch(
        "/api/v1/me",
        json={"display_name": "x", "operator": True, "phone": f.new_phone()},
        headers=world.auth(MEMBER),
    )
    assert resp.status_code == 422
    assert {e["field"] for e in resp.get_json()["errors"]} == {"operator", "phone"}
