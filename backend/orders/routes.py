"""Orders API: create (with an Idempotency-Key), read, list, cancel, and the sandbox payment."""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask.views import MethodView

from backend.accounts.auth import BEARER_AUTH, current_principal
from backend.core import db
from backend.idempotency.http import PARAMETER as IDEMPOTENCY_KEY
from backend.idempotency.http import current_claim, idempotent
from backend.orders import services
from backend.orders.schemas import (
    ConfirmSchema,
    OrderCreateSchema,
    OrderPageSchema,
    OrderQuerySchema,
    OrderSchema,
)
from backend.orders.services import OrderRequest, OrderView
from backend.payments import providers
from backend.web.blueprint import Blueprint
from backend.web.limiter import writes

blp = Blueprint(
    "orders",
    __name__,
    url_prefix="/api/v1",
    description="Orders: credits reserved for a beneficiary, paid, then retired",
)


@blp.route("/orders")
class Orders(MethodView):
    @writes
    @idempotent
    @blp.arguments(OrderCreateSchema())
    @blp.response(201, OrderSchema)
    @blp.alt_response(
        409,
        description="Not enough credits, the footprint already has an order, or too many "
        "unpaid orders",
    )
    @blp.doc(security=BEARER_AUTH, parameters=[IDEMPOTENCY_KEY])
    def post(self, req: OrderRequest) -> tuple[OrderView, int, dict[str, str]]:
        """Order credits for a footprint, a mass or an amount; they are held while you pay."""
        s, rails = db.session(), providers.rails()
        settings = services.OrderSettings.from_config(current_app.config)
        provider = rails.choose(req.provider)
        order, payment = services.created(
            s,
            current_principal(),
            req,
            provider,
            settings,
            current_claim(),
            user_agent=request.user_agent.string,
            ip=request.remote_addr or "",
        )
        view = services.view(s, order, rails, history=False, payment=payment)
        return view, 201, {"Location": f"/api/v1/orders/{order.id}"}

    @blp.arguments(OrderQuerySchema(), location="query")
    @blp.response(200, OrderPageSchema)
    @blp.doc(security=BEARER_AUTH)
    def get(self, q: dict[str, Any]) -> services.OrderPage:
        """My orders, or an organisation's (its admins and API keys); newest first."""
        s = db.session()
        orders, cursor = services.listing(
            s,
            current_principal(),
            organisation_id=q.get("organisation_id"),
            status=q.get("status"),
            limit=q["limit"],
            cursor=q.get("cursor"),
        )
        return services.OrderPage(services.views(s, orders, providers.rails()), cursor)


@blp.route("/orders/<string:order_id>")
class OrderById(MethodView):
    @blp.response(200, OrderSchema)
    @blp.doc(security=BEARER_AUTH)
    def get(self, order_id: str) -> OrderView:
        """One order with its history; other people's orders are 404."""
        s = db.session()
        return services.view(s, services.get(s, current_principal(), order_id), providers.rails())


@blp.route("/orders/<string:order_id>/cancel", methods=["POST"])
@blp.response(200, OrderSchema)
@blp.alt_response(409, description="The order is already paid (`illegal-transition`)")
@blp.doc(security=BEARER_AUTH)
def cancel_order(order_id: str) -> OrderView:
    """Cancel an unpaid order and release its credits; cancelling twice is harmless."""
    s, rails = db.session(), providers.rails()
    order = services.get(s, current_principal(), order_id)
    cancelled = services.cancel(
        s, current_principal(), order.id, services.rail_of(s, order.id, rails)
    )
    return services.view(s, cancelled, rails)


@blp.route("/orders/<string:order_id>/confirm", methods=["POST"])
@blp.arguments(ConfirmSchema())
@blp.response(200, OrderSchema)
@blp.alt_response(403, description="A live provider is configured, so the sandbox is off")
@blp.alt_response(409, description="The order is cancelled or expired")
@blp.doc(security=BEARER_AUTH)
def confirm_order(body: dict[str, Any], order_id: str) -> OrderView:
    """SANDBOX ONLY, no real money: play the customer paying; the credits are retired at once."""
    s, rails = db.session(), providers.rails()
    succeed = body["outcome"] == "succeeded"
    sandbox = rails.get("sandbox")
    order, payment = services.confirmed(s, current_principal(), order_id, sandbox, succeed=succeed)
    return services.view(s, order, rails, payment=payment)
