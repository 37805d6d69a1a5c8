"""Provider webhooks: verified, deduplicated by event id, acted on from the provider's record."""

from __future__ import annotations

from flask import request

from backend.core import db
from backend.orders import payment_webhooks
from backend.orders.schemas import WebhookAckSchema
from backend.payments import providers
from backend.web.blueprint import Blueprint

blp = Blueprint("payments", __name__, url_prefix="/api/v1", description="Payment provider webhooks")


@blp.route("/payments/stripe/webhook", methods=["POST"])
@blp.response(200, WebhookAckSchema)
@blp.alt_response(400, description="Bad or stale `Stripe-Signature`")
@blp.alt_response(404, description="Stripe is not the configured provider")
def stripe_webhook() -> payment_webhooks.Ack:
    """Stripe events (signed): payment succeeded or failed, charge refunded; others ignored."""
    return payment_webhooks.receive(
        db.session(), providers.rails(), "stripe", request.get_data(), dict(request.headers)
    )
