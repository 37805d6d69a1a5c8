"""What the payment-flow tests share: a shop with one lot, the rails the app pays through, and
placing, reading and cancelling orders through the API, with what they leave behind (the stock,
the provider events, certificates)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from backend.certificates import issuing
from backend.certificates.models import Certificate
from backend.core.clock import utcnow
from backend.credits.models import Lot
from backend.payments.models import Payment, ProviderEvent
from backend.payments.provider import PaymentProvider
from backend.payments.providers import Rails
from tests import factories

MASS = 100_000  # grams, of a lot of one tonne
DESKTOP_UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/124.0"
P = TypeVar("P", bound=PaymentProvider)


@dataclass(frozen=True)
class Shop:
    token: str  # a signed-in customer's
    project_id: int
    lot_id: int


def open_shop(client: FlaskClient, s: Session, price: int) -> Shop:
    """A customer, signed in, and one project with a lot of one tonne at `price` fen a tonne."""
    customer = factories.user(s)
    project = factories.project(s)
    lot = factories.lot(s, project, tonnes=1, price=price)
    return Shop(factories.sign_in(client, customer.phone), project.id, lot.id)


@contextmanager
def paying_through(app: Flask, provider: P) -> Iterator[P]:
    """The app pays through `provider` alone, then goes back to its rails."""
    previous = app.extensions["payments"]
    app.extensions["payments"] = Rails([provider])
    try:
        yield provider
    finally:
        app.extensions["payments"] = previous


def post_order(
    client: FlaskClient,
    shop: Shop,
    mass_g: int = MASS,
    /,
    *,
    user_agent: str = DESKTOP_UA,
    **payment: str,
) -> TestResponse:
    body = {
        "mass_g": mass_g,
        "beneficiary": "张三",
        "preferences": {"project_ids": [shop.project_id]},
        **payment,
    }
    headers = {
        **factories.bearer(shop.token),
        "Idempotency-Key": str(uuid.uuid4()),
        "User-Agent": user_agent,
    }
    return client.post("/api/v1/orders", json=body, headers=headers)


def place(client: FlaskClient, shop: Shop, mass_g: int = MASS, /, **kw: str) -> dict[str, Any]:
    resp = post_order(client, shop, mass_g, **kw)
    assert resp.status_code == 201, resp.get_json()
    order: dict[str, Any] = resp.get_json()
    return order


def show(client: FlaskClient, shop: Shop, order_id: str) -> dict[str, Any]:
    resp = client.get(f"/api/v1/orders/{order_id}", headers=factories.bearer(shop.token))
    assert resp.status_code == 200, resp.get_json()
    order: dict[str, Any] = resp.get_json()
    return order


def cancel(client: FlaskClient, shop: Shop, order_id: str) -> TestResponse:
    return client.post(f"/api/v1/orders/{order_id}/cancel", headers=factories.bearer(shop.token))


def grams(s: Session, lot_id: int) -> tuple[int, int, int]:
    """The lot's available, reserved and allocated grams."""
    row = s.execute(
        select(Lot.available_g, Lot.reserved_g, Lot.allocated_g).where(Lot.id == lot_id)
    ).one()
    return row[0], row[1], row[2]


def events(s: Session) -> int:
    """Provider events recorded as handled."""
    return s.scalar(select(func.count()).select_from(ProviderEvent)) or 0


def certificate_status(client: FlaskClient, s: Session, number: str) -> str:
    """The certificate's status as the public reads it, with its check code."""
    cert = s.scalars(select(Certificate).where(Certificate.number == number)).one()
    resp = client.get(f"/api/v1/certificates/{number}?k={issuing.check_code(cert)}")
    assert resp.status_code == 200, resp.get_json()
    status: str = resp.get_json()["status"]
    return status


def backdate(s: Session, order_id: str) -> None:
    """Make the order's payment old enough for the reconciler to ask about it."""
    s.execute(
        update(Payment)
        .where(Payment.order_id == order_id)
        .values(created_at=utcnow() - timedelta(minutes=10))
    )
    s.commit()
