"""Request and response shapes of the webhook endpoints API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate

from backend.core import messages
from backend.core.errors import CODE
from backend.core.lang import Lang, request_lang
from backend.core.messages import Coded
from backend.core.text_fields import Label
from backend.partners.webhooks.events import EVENT_TYPES
from backend.partners.webhooks.models import DeliveryStatus
from backend.partners.webhooks.services import Changes, NewEndpoint
from backend.partners.webhooks.targets import MAX_URL_LENGTH
from backend.partners.webhooks.transport import EXCERPT_BYTES, excerpt

MAX_PREVIOUS_VALID_HOURS = 168


def _known_types(names: list[str]) -> None:
    unknown = sorted(set(names) - set(EVENT_TYPES))
    if unknown:
        raise ValidationError(
            Coded("partners.webhooks.unknown_events", unknown=unknown, known=list(EVENT_TYPES))
        )


def _events(required: bool) -> fields.List:
    return fields.List(
        fields.String(validate=validate.Length(max=40), metadata={"enum": list(EVENT_TYPES)}),
        required=required,
        validate=[validate.Length(min=1, max=len(EVENT_TYPES) * 2), _known_types],
        metadata={"description": "The event types to receive"},
    )


def _url(required: bool) -> fields.String:
    return fields.String(
        required=required,
        validate=validate.Length(min=1, max=MAX_URL_LENGTH),
        metadata={
            "description": "HTTPS URL on a public address (http, loopback and private "
            "addresses only where WEBHOOK_ALLOW_PRIVATE_TARGETS is set, for development)",
            "example": "https://example.com/hooks/diandian",
        },
    )


class WebhookEndpointCreateSchema(Schema):
    url = _url(required=True)
    events = _events(required=True)
    description = Label(max_length=200, load_default="")
    organisation_id = fields.Integer(
        strict=True,
        metadata={"description": "Needed when you administer several organisations"},
    )

    @post_load
    def make(self, data: dict[str, Any], **_kw: Any) -> NewEndpoint:
        return NewEndpoint(**data)


class WebhookEndpointUpdateSchema(Schema):
    url = _url(required=False)
    events = _events(required=False)
    description = Label(max_length=200)
    enabled = fields.Boolean(metadata={"description": "A disabled endpoint gets no deliveries"})

    @post_load
    def make(self, data: dict[str, Any], **_kw: Any) -> Changes:
        return Changes(**data)


class WebhookEndpointQuerySchema(Schema):
    organisation_id = fields.Integer(
        metadata={"description": "One organisation's endpoints (default: all you administer)"}
    )


class WebhookEndpointSchema(Schema):
    id = fields.String(metadata={"example": "we_..."})
    organisation_id = fields.Integer()
    url = fields.String()
    events = fields.List(fields.String())
    description = fields.String()
    enabled = fields.Boolean()
    previous_secret_expires_at = fields.DateTime(
        allow_none=True,
        metadata={"description": "Until then the secret rotated out also signs deliveries"},
    )
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class WebhookEndpointWithSecretSchema(WebhookEndpointSchema):
    """An endpoint and its new secret (`services.WithSecret`)."""

    secret = fields.String(
        metadata={"description": "The signing secret; shown only in this response"}
    )

    def get_attribute(self, obj: Any, attr: str, default: Any) -> Any:
        return super().get_attribute(obj if attr == "secret" else obj.endpoint, attr, default)


class WebhookEndpointListSchema(Schema):
    items = fields.List(fields.Nested(WebhookEndpointSchema))


class WebhookRotateSchema(Schema):
    previous_valid_hours = fields.Integer(
        strict=True,
        load_default=24,
        validate=validate.Range(min=0, max=MAX_PREVIOUS_VALID_HOURS),
        metadata={"description": "How long the current secret keeps signing too (0: not at all)"},
    )


def worded(error: str, params: Mapping[str, Any] | None, lang: Lang) -> str:
    """A logged error as people read it: its code's words, or the text stored by an attempt
    made before errors had codes."""
    return messages.text(error, params, lang) if CODE.match(error) else error


def _error(code: str, params: str) -> fields.Function:
    return fields.Function(
        lambda obj: worded(getattr(obj, code), getattr(obj, params), request_lang()),
        metadata={"type": "string", "description": "What went wrong, in the request's language"},
    )


class WebhookAttemptSchema(Schema):
    attempted_at = fields.DateTime()
    manual = fields.Boolean()
    status_code = fields.Integer(allow_none=True)
    duration_ms = fields.Integer()
    error = _error("error", "error_params")
    response_excerpt = fields.Function(
        lambda attempt: excerpt(attempt.response_excerpt),
        metadata={
            "type": "string",
            "description": f"The first bytes of the answer (at most {EXCERPT_BYTES}, "
            "without control characters)",
        },
    )


class WebhookDeliverySchema(Schema):
    id = fields.String(metadata={"example": "whd_..."})
    event_id = fields.String(metadata={"description": "Also sent as Diandian-Event-Id"})
    event_type = fields.String(attribute="event.type")
    status = fields.String(metadata={"enum": [s.value for s in DeliveryStatus]})
    automatic_attempts = fields.Integer(attribute="attempts")
    next_attempt_at = fields.DateTime(allow_none=True)
    last_status_code = fields.Integer(allow_none=True)
    last_error = _error("last_error", "last_error_params")
    created_at = fields.DateTime()
    succeeded_at = fields.DateTime(allow_none=True)
    attempts = fields.List(fields.Nested(WebhookAttemptSchema), attribute="log")


class WebhookDeliveryPageSchema(Schema):
    items = fields.List(fields.Nested(WebhookDeliverySchema))
    next_cursor = fields.String(allow_none=True)


class WebhookDeliveryQuerySchema(Schema):
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
    cursor = fields.String(validate=validate.Length(max=200))
