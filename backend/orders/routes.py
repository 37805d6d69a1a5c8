"""Orders API: create (with an Idempotency-Key), read, list, cancel, and the sandbox payment."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import current_app
from flask.views import MethodView
from sqlalchemy import select

from backend.accounts.auth import BEARER_AUTH, current_principal
from backend.certificates.models import Certificate
from backend.core import db
from backend.idempotency.http import PARAMETER as IDEMPOTENCY_KEY
from backend.idempotency.http import current_claim, idempotent
from backend.orders import context, services
from backend.orders.models import Order
from backend.orders.schemas import (
    ConfirmSchema,
    OrderCreateSchema,
    OrderPageSchema,
    OrderQuerySchema,
    OrderSchema,
)
from backend.payments import providers
from backend.web.blueprint import Blueprint
from backend.web.limiter import writes

blp = Blueprint(
    "orders",
    __name__,
    url_prefix="/api/v1",
    description="Orders: credits reserved for a beneficiary, paid, then retired",
)


def settings() -> services.OrderSettings:
    cfg = current_app.config
    return services.OrderSettings(
        fee_bps=cfg["ORDER_FEE_BPS"], ttl=timedelta(seconds=cfg["ORDER_TTL_SECONDS"])
    )


def represent(order: Order, *, history: bool = False) -> dict[str, Any]:
    """An order as the API shows it, with what the customer needs to pay."""
    s = db.session()
    provider = providers.current()
    payment = services.payment_of(s, order.id)
    unpaid = order.status == "awaiting_payment"
    body = {c.key: getattr(order, c.key) for c in Order.__table__.columns}
    body.update(
        lines=order.line_items(),
        preferences=order.preference_dict(),
        payment={
            "provider": payment.provider,
            "sandbox": payment.provider == "sandbox",
            "status": payment.status.value,
            "reference": payment.reference,
            "last_error": payment.last_error,
            "instructions": provider.instructions(
                order.id, payment.reference, payment.client_secret
            )
            if unpaid and payment.provider == provider.name
            else {},
        },
    )
    body["certificate_number"] = s.scalar(
        select(Certificate.number).where(Certificate.order_id == order.id)
    )
    if history:
        body["events"] = services.events(s, order.id)
    return body


@blp.route("/orders")
class Orders(MethodView):
    @writes
    @idempotent
    @blp.arguments(OrderCreateSchema())
    @blp.response(201, OrderSchema)
    @blp.alt_response(409, description="Not enough credits, or the footprint already has an order")
    @blp.doc(security=BEARER_AUTH, parameters=[IDEMPOTENCY_KEY])
    def post(self, body: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
        """Order credits for a footprint, a mass or an amount; they are held while you pay."""
        s = db.session()
        order = services.create(
            s, current_principal(), body, providers.current(), settings(), current_claim()
        )
        return represent(order), 201, {"Location": f"/api/v1/orders/{order.id}"}

    @blp.arguments(OrderQuerySchema(), location="query")
    @blp.response(200, OrderPageSchema)
    @blp.doc(security=BEARER_AUTH)
    def get(self, q: dict[str, Any]) -> dict[str, Any]:
        """My orders, or an organisation's (its admins and API keys); newest first."""
        orders, cursor = services.listing(
            db.session(),
            current_principal(),
            organisation_id=q.get("organisation_id"),
            status=q.get("status"),
            limit=q["limit"],
            cursor=q.get("cursor"),
        )
        return {"items": [represent(o) for o in orders], "next_cursor": cursor}


@blp.route("/orders/<string:order_id>")
class OrderById(MethodView):
    @blp.response(200, OrderSchema)
    @blp.doc(security=BEARER_AUTH)
    def get(self, order_id: str) -> dict[str, Any]:
        """One order with its history; other people's orders are 404."""
        return represent(services.get(db.session(), current_principal(), order_id), history=True)


@blp.route("/orders/<string:order_id>/cancel", methods=["POST"])
@blp.response(200, OrderSchema)
@blp.alt_response(409, description="The order is already paid (`illegal-transition`)")
@blp.doc(security=BEARER_AUTH)
def cancel_order(order_id: str) -> dict[str, Any]:
    """Cancel an unpaid order and release its credits; cancelling twice is harmless."""
    s = db.session()
    order = services.cancel(s, current_principal(), order_id, context.current())
    return represent(order, history=True)


@blp.route("/orders/<string:order_id>/confirm", methods=["POST"])
@blp.arguments(ConfirmSchema())
@blp.response(200, OrderSchema)
@blp.alt_response(403, description="Stripe is configured, so the sandbox is off")
@blp.alt_response(409, description="The order is cancelled or expired")
@blp.doc(security=BEARER_AUTH)
def confirm_order(body: dict[str, Any], order_id: str) -> dict[str, Any]:
    """SANDBOX ONLY, no real money: play the customer paying; the credits are retired at once."""
    s = db.session()
    order = services.confirm_sandbox(
        s,
        current_principal(),
        order_id,
        context.current(),
        succeed=body["outcome"] == "succeeded",
    )
    return represent(order, history=True)
