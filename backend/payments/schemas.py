"""How the API shows the payment rails a client is offered."""

from __future__ import annotations

from marshmallow import Schema, fields


class RailLabelSchema(Schema):
    zh = fields.String(metadata={"example": "微信支付"})
    en = fields.String(metadata={"example": "WeChat Pay"})


class PaymentWaySchema(Schema):
    channel = fields.String(metadata={"example": "native"})
    label = fields.Nested(RailLabelSchema)
    usable = fields.Boolean(
        metadata={
            "description": "Works in this client: JSAPI only inside WeChat, H5 and Alipay WAP "
            "in another mobile browser, Alipay's page on a desktop, a QR code anywhere"
        }
    )


class PaymentRailSchema(Schema):
    provider = fields.String(metadata={"example": "wechatpay"})
    label = fields.Nested(RailLabelSchema)
    sandbox = fields.Boolean(metadata={"description": "True: no real money moves"})
    channels = fields.List(
        fields.Nested(PaymentWaySchema),
        metadata={"description": "The ways to pay at the provider; empty: it has one way"},
    )


class PaymentChoiceSchema(Schema):
    provider = fields.String(metadata={"example": "wechatpay"})
    channel = fields.String(
        allow_none=True, metadata={"description": "null: the provider has one way to pay"}
    )


class PaymentRailsSchema(Schema):
    """Dumps a `choosing.Offer`."""

    client = fields.String(
        allow_none=True,
        metadata={
            "description": "What the User-Agent says the client is: `wechat`, `mobile` or "
            "`desktop`; null when it is not recognised"
        },
    )
    rails = fields.List(
        fields.Nested(PaymentRailSchema),
        metadata={"description": "The configured providers, most preferred first"},
    )
    recommended = fields.Nested(
        PaymentChoiceSchema,
        metadata={
            "description": "What to preselect for this client; send it as the order's "
            "`provider` and `channel`"
        },
    )
