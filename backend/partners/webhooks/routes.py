"""Routes of the webhooks part of the partners domain."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask.views import MethodView

from backend.accounts.auth import BEARER_AUTH, current_principal
from backend.core import db
from backend.partners.webhooks import delivery, services
from backend.partners.webhooks.models import WebhookDelivery, WebhookEndpoint
from backend.partners.webhooks.schemas import (
    WebhookDeliveryPageSchema,
    WebhookDeliveryQuerySchema,
    WebhookDeliverySchema,
    WebhookEndpointCreateSchema,
    WebhookEndpointListSchema,
    WebhookEndpointQuerySchema,
    WebhookEndpointSchema,
    WebhookEndpointUpdateSchema,
    WebhookEndpointWithSecretSchema,
    WebhookRotateSchema,
)
from backend.web.blueprint import Blueprint
from backend.web.limiter import writes

blp = Blueprint(
    "webhooks",
    __name__,
    url_prefix="/api/v1",
    description="Signed outbound webhooks: endpoints, secret rotation, deliveries",
)


def settings() -> delivery.Settings:
    return delivery.Settings.from_config(current_app.config)


@blp.route("/webhook-endpoints")
class Endpoints(MethodView):
    @blp.arguments(WebhookEndpointCreateSchema())
    @blp.response(201, WebhookEndpointWithSecretSchema)
    @blp.alt_response(409, description="The organisation has the most endpoints allowed")
    @blp.doc(security=BEARER_AUTH)
    def post(self, new: services.NewEndpoint) -> tuple[services.WithSecret, int, dict[str, str]]:
        """Register an endpoint for signed events; its secret is shown only now."""
        made = services.create(db.session(), current_principal(), new, settings())
        return made, 201, {"Location": f"/api/v1/webhook-endpoints/{made.endpoint.id}"}

    @blp.arguments(WebhookEndpointQuerySchema(), location="query")
    @blp.response(200, WebhookEndpointListSchema)
    @blp.doc(security=BEARER_AUTH)
    def get(self, q: dict[str, Any]) -> services.Endpoints:
        """Your organisations' webhook endpoints (never their secrets)."""
        return services.listing(db.session(), current_principal(), q.get("organisation_id"))


@blp.route("/webhook-endpoints/<string:endpoint_id>")
class EndpointById(MethodView):
    @blp.response(200, WebhookEndpointSchema)
    @blp.doc(security=BEARER_AUTH)
    def get(self, endpoint_id: str) -> WebhookEndpoint:
        """One webhook endpoint."""
        return services.get(db.session(), current_principal(), endpoint_id)

    @blp.arguments(WebhookEndpointUpdateSchema())
    @blp.response(200, WebhookEndpointSchema)
    @blp.doc(security=BEARER_AUTH)
    def patch(self, changes: services.Changes, endpoint_id: str) -> WebhookEndpoint:
        """Change an endpoint's URL, events, description, or enable or disable it."""
        return services.update(db.session(), current_principal(), endpoint_id, changes, settings())

    @blp.response(204)
    @blp.doc(security=BEARER_AUTH)
    def delete(self, endpoint_id: str) -> None:
        """Delete an endpoint and its deliveries."""
        services.delete(db.session(), current_principal(), endpoint_id)


@blp.route("/webhook-endpoints/<string:endpoint_id>/rotate-secret", methods=["POST"])
@blp.arguments(WebhookRotateSchema())
@blp.response(200, WebhookEndpointWithSecretSchema)
@blp.doc(security=BEARER_AUTH)
def rotate_secret(body: dict[str, Any], endpoint_id: str) -> services.WithSecret:
    """A new signing secret, shown only now; the old one also signs for a while."""
    return services.rotate(
        db.session(), current_principal(), endpoint_id, body["previous_valid_hours"], settings()
    )


@blp.route("/webhook-endpoints/<string:endpoint_id>/deliveries")
@blp.arguments(WebhookDeliveryQuerySchema(), location="query")
@blp.response(200, WebhookDeliveryPageSchema)
@blp.doc(security=BEARER_AUTH)
def list_deliveries(q: dict[str, Any], endpoint_id: str) -> services.Deliveries:
    """The endpoint's deliveries with their attempts, newest first."""
    return services.deliveries(
        db.session(), current_principal(), endpoint_id, q["limit"], q.get("cursor")
    )


@blp.route(
    "/webhook-endpoints/<string:endpoint_id>/deliveries/<string:delivery_id>/redeliver",
    methods=["POST"],
)
@writes
@blp.response(
    202,
    WebhookDeliverySchema,
    description="The attempt is queued: the worker makes it within seconds, and it appears in "
    "the delivery's attempts as manual (a 2xx marks the delivery succeeded). One waits at a "
    "time: asking again meanwhile queues nothing more.",
)
@blp.doc(security=BEARER_AUTH)
def redeliver(endpoint_id: str, delivery_id: str) -> WebhookDelivery:
    """Send the delivery again soon (a manual attempt, queued; never made in the request)."""
    return services.redeliver(db.session(), current_principal(), endpoint_id, delivery_id)
