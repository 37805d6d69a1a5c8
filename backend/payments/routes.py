"""Payments API: the rails this client is offered, and the one recommended to it (public)."""

from __future__ import annotations

from flask import request
from flask.views import MethodView

from backend.payments import choosing, providers
from backend.payments.schemas import PaymentRailsSchema
from backend.web.blueprint import Blueprint

blp = Blueprint(
    "rails",
    __name__,
    url_prefix="/api/v1",
    description="The payment rails offered, and how to choose among them",
)
CACHE = {"Cache-Control": "public, max-age=300", "Vary": "User-Agent"}


@blp.route("/payments/rails")
class PaymentRails(MethodView):
    @blp.response(200, PaymentRailsSchema)
    def get(self) -> tuple[choosing.Offer, int, dict[str, str]]:
        """Public: the configured providers in preference order, each with its ways to pay and
        labels in zh and en, and the one recommended for this client's User-Agent."""
        found = [(p.name, p.sandbox) for p in providers.rails().values()]
        return choosing.offer(found, request.user_agent.string), 200, CACHE
