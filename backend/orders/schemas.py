"""Request and response shapes of the orders and payments API."""

from __future__ import annotations

from typing import Any

from flask import has_request_context
from marshmallow import (
    Schema,
    ValidationError,
    fields,
    missing,
    post_load,
    validate,
    validates_schema,
)

from backend.core.lang import request_lang
from backend.core.messages import Coded
from backend.core.text_fields import Label
from backend.credits.schemas import MAX_MASS_G, PreferencesSchema
from backend.footprint.purpose_schema import PurposeSchema
from backend.orders import reasons
from backend.orders.models import OrderStatus
from backend.orders.services import OrderRequest, OrderView

MAX_AMOUNT = 10**12  # fen: ten billion yuan
ONE_OF = ("footprint_id", "mass_g", "amount")


class OrderCreateSchema(Schema):
    footprint_id = fields.String(
        validate=validate.Length(min=1, max=40),
        metadata={"description": "Neutralise this footprint's whole mass"},
    )
    mass_g = fields.Integer(
        strict=True,
        validate=validate.Range(min=1, max=MAX_MASS_G),
        metadata={"description": "Or: this many grams CO2e"},
    )
    amount = fields.Integer(
        strict=True,
        validate=validate.Range(min=1, max=MAX_AMOUNT),
        metadata={"description": "Or: spend at most this many fen on as much mass as it buys"},
    )
    preferences = fields.Nested(PreferencesSchema, load_default=dict)
    beneficiary = Label(
        required=True,
        min_length=1,
        max_length=100,
        metadata={"description": "The name on the certificate (may be someone else)"},
    )
    purpose = Label(
        max_length=200,
        metadata={
            "description": "The name it is for; the footprint's kind and route stay. "
            "Default: the footprint's name"
        },
    )
    note = Label(max_length=500)
    organisation_id = fields.Integer(
        strict=True, metadata={"description": "File the order under an organisation you belong to"}
    )
    provider = fields.String(
        validate=validate.Length(min=1, max=16),
        metadata={"description": "How to pay, among the rails offered; default: the first"},
    )
    channel = fields.String(
        validate=validate.Length(min=1, max=16),
        metadata={
            "description": "The way to pay at the provider. WeChat Pay: `jsapi` (inside WeChat, "
            "with `openid`), `h5` (a mobile browser) or `native` (a QR code). Alipay: `wap` (a "
            "mobile browser) or `page` (a desktop). Default: by the User-Agent"
        },
    )
    openid = fields.String(
        validate=validate.Regexp(r"^[A-Za-z0-9_-]{1,128}$"),
        metadata={"description": "WeChat Pay JSAPI: the payer's openid under our app id"},
    )

    @validates_schema
    def _exactly_one(self, data: dict[str, Any], **_: Any) -> None:
        given = [name for name in ONE_OF if data.get(name) is not None]
        if len(given) != 1:
            raise ValidationError(
                Coded("orders.exactly_one"), given[1] if given[1:] else "footprint_id"
            )

    @post_load
    def _request(self, data: dict[str, Any], **_: Any) -> OrderRequest:
        return OrderRequest(**data)


class Reason(fields.String):
    """A reason stored by code (`orders.reasons`), in the language of Accept-Language."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("metadata", {"description": "In the language of Accept-Language"})
        super().__init__(**kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        if value is None:
            return None
        return reasons.words(str(value), request_lang() if has_request_context() else "zh")


class OrderLineSchema(Schema):
    lot_id = fields.Integer()
    project_id = fields.Integer()
    project_name_zh = fields.String()
    project_name_en = fields.String()
    project_type = fields.String()
    province = fields.String(allow_none=True)
    standard = fields.String()
    vintage = fields.Integer()
    mass_g = fields.Integer()
    price_fen_per_t = fields.Integer()
    amount = fields.Integer(metadata={"description": "Fen, rounded down"})


class PaymentInfoSchema(Schema):
    provider = fields.String(metadata={"example": "sandbox"})
    sandbox = fields.Boolean(metadata={"description": "True: no real money moves"})
    status = fields.String(metadata={"example": "pending"})
    reference = fields.String(allow_none=True)
    last_error = Reason(
        metadata={
            "description": "Why the last attempt failed: the provider's words, or the sandbox's "
            "in the language of Accept-Language"
        }
    )
    instructions = fields.Dict(
        metadata={
            "description": "Sandbox: how to confirm. Stripe: publishable_key, client_secret and "
            "payment_method_types for Stripe.js. WeChat Pay: `channel`, and `pay_request` for "
            "WeixinJSBridge (jsapi), `h5_url` (h5) or `code_url` to show as a QR code (native). "
            "Alipay: `channel` (wap or page) and `url`, Alipay's cashier, to open. "
            "Only while the order awaits payment."
        }
    )


class OrderEventSchema(Schema):
    from_status = fields.String(allow_none=True)
    to_status = fields.String()
    reason = Reason()
    at = fields.DateTime()


class OrderSchema(Schema):
    """Dumps an `OrderView`: its payment and history from the view, the rest from the order."""

    def get_attribute(self, obj: OrderView, attr: str, default: Any) -> Any:
        if attr == "events" and obj.events is None:
            return missing  # lists and a new order leave out the history
        source = obj if attr in ("payment", "events") else obj.order
        return super().get_attribute(source, attr, default)

    id = fields.String(metadata={"example": "ord_..."})
    status = fields.Enum(OrderStatus, by_value=True)
    mass_g = fields.Integer()
    credits_amount = fields.Integer(metadata={"description": "Fen: the credits"})
    fee_amount = fields.Integer(metadata={"description": "Fen: our fee"})
    amount = fields.Integer(metadata={"description": "Fen: the total to pay"})
    currency = fields.String(metadata={"example": "CNY"})
    amount_cap = fields.Integer(allow_none=True)
    lines = fields.List(fields.Nested(OrderLineSchema), attribute="line_items")
    footprint_id = fields.String(allow_none=True)
    beneficiary = fields.String()
    purpose = fields.String(metadata={"description": "In Chinese"})
    purpose_detail = fields.Nested(
        PurposeSchema,
        attribute="purpose_of",
        metadata={"description": "Kind, name and route, and its text in zh and en"},
    )
    note = fields.String()
    preferences = fields.Dict(attribute="preference_dict")
    organisation_id = fields.Integer(allow_none=True)
    payment = fields.Nested(PaymentInfoSchema)
    refund_reason = Reason()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    expires_at = fields.DateTime(metadata={"description": "The credits are held until then"})
    paid_at = fields.DateTime(allow_none=True)
    retired_at = fields.DateTime(allow_none=True)
    certificate_number = fields.String(
        allow_none=True, metadata={"description": "Issued when the credits are retired"}
    )
    events = fields.List(fields.Nested(OrderEventSchema))


class OrderPageSchema(Schema):
    items = fields.List(fields.Nested(OrderSchema))
    next_cursor = fields.String(allow_none=True)


class OrderQuerySchema(Schema):
    organisation_id = fields.Integer(metadata={"description": "An organisation's orders (admins)"})
    status = fields.Enum(OrderStatus, by_value=True)
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
    cursor = fields.String(validate=validate.Length(max=200))


class ConfirmSchema(Schema):
    outcome = fields.String(
        load_default="succeeded",
        validate=validate.OneOf(["succeeded", "declined"]),
        metadata={"description": "Sandbox only: play a successful or a declined payment"},
    )


class WebhookAckSchema(Schema):
    received = fields.Boolean()
    outcome = fields.String(metadata={"example": "processed"})
