"""How the API shows the payment rails a client is offered."""

from __future__ import annotations

from marshmallow import Schema, fields


class TextsSchema(Schema):
    zh = fields.String(metadata={"example": "微信支付"})
    en = fields.String(metadata={"example": "WeChat Pay"})


class WaySchema(Schema):
    channel = fields.String(metadata={"example": "native"})
    label = fields.Nested(TextsSchema)
    usable = fields.Boolean(
        metadata={
            "description": "Works in this client: JSAPI only inside WeChat, H5 and Alipay WAP "
            "in another mobile browser, Alipay's page on a desktop, a QR code anywhere"
        }
    )


class RailSchema(Schema):
    provider = fields.String(metadata={"example": "wechatpay"})
    label = fields.Nested(TextsSchema)
    sandbox = fields.Boolean(metadata={"description": "True: no real money moves"})
    channels = fields.List(
        fields.Nested(WaySchema),
        metadata={"description": "The ways to pay at the provider; empty: it has one way"},
    )


class ChoiceSchema(Schema):
    provider = fields.String(metadata={"example": "wechatpay"})
    channel = fields.String(
        allow_none=True, metadata={"description": "None: the provider has one way to pay"}
    )


class RailsSchema(Schema):
    """Dumps a `choosing.Offer`."""

    client = fields.String(
        allow_none=True,
        metadata={
            "description": "What the User-Agent says the client is: `wechat`, `mobile` or "
            "`desktop`; null when it is not recognised"
        },
    )
    rails = fields.List(
        fields.Nested(RailSchema),
        metadata={"description": "The configured providers, most preferred first"},
    )
    recommended = fields.Nested(
        ChoiceSchema,
        metadata={
            "description": "What to preselect for this client; send it as the order's "
            "`provider` and `channel`"
        },
    )
