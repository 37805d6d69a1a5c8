"""Request and response shapes of the WeChat API: registration, the callback's query, links."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from backend.core.messages import Coded
from backend.core.text_fields import Label
from backend.partners.wechat.crypto import aes_key

DIGITS = validate.Regexp(r"^\d{1,12}$", error=Coded("partners.wechat.unix_time"))


def _decodes(value: str) -> None:
    try:
        aes_key(value)
    except ValueError as exc:
        raise ValidationError(Coded("partners.wechat.aes_key_format")) from exc


class WechatAccountCreateSchema(Schema):
    appid = fields.String(
        required=True,
        validate=validate.Regexp(
            r"^wx[0-9A-Za-z]{16}$", error=Coded("partners.wechat.appid_format")
        ),
        metadata={
            "description": "The official account's AppID (开发者ID)",
            "example": "wxb11529c136998cb6",
        },
    )
    token = fields.String(
        required=True,
        load_only=True,
        validate=validate.Regexp(
            r"^[A-Za-z0-9]{3,32}$", error=Coded("partners.wechat.token_format")
        ),
        metadata={"description": "The Token (令牌) of the server configuration"},
    )
    encoding_aes_key = fields.String(
        required=True,
        load_only=True,
        validate=_decodes,
        metadata={"description": "The EncodingAESKey (消息加解密密钥): 43 base64 characters"},
    )
    name = Label(required=True, min_length=1, max_length=100, metadata={"example": "成都地铁"})


class WechatAccountSchema(Schema):
    id = fields.String(attribute="slug", metadata={"example": "wx_abcdefghijklmnopqrstu"})
    organisation_id = fields.Integer()
    appid = fields.String()
    name = fields.String()
    callback_url = fields.String(
        metadata={"description": "The server URL (服务器地址) to enter in the WeChat console"}
    )
    created_at = fields.DateTime()


class WechatSignedQuerySchema(Schema):
    signature = fields.String(required=True, validate=validate.Length(max=64))
    timestamp = fields.String(required=True, validate=DIGITS)
    nonce = fields.String(required=True, validate=validate.Length(min=1, max=64))


class WechatVerifyQuerySchema(WechatSignedQuerySchema):
    echostr = fields.String(required=True, validate=validate.Length(min=1, max=200))


class WechatMessageQuerySchema(WechatSignedQuerySchema):
    encrypt_type = fields.String(
        load_default="raw",
        validate=validate.OneOf(["raw", "aes"]),
        metadata={"description": "aes in compatibility and safe mode"},
    )
    msg_signature = fields.String(
        load_default="",
        validate=validate.Length(max=64),
        metadata={"description": "Safe mode: SHA-1 of sorted [token, timestamp, nonce, Encrypt]"},
    )
    openid = fields.String(validate=validate.Length(max=64))


class WechatLinkRequestSchema(Schema):
    token = fields.String(
        required=True,
        validate=validate.Length(min=1, max=500),
        metadata={"description": "The token of the link the follower got for 积分"},
    )


class WechatLinkSchema(Schema):
    """A follower linked to me (`linking.Linked`)."""

    account_id = fields.String(
        attribute="account.slug", metadata={"description": "The official account's id (wx_…)"}
    )
    account_name = fields.String(attribute="account.name")
    organisation_id = fields.Integer(attribute="account.organisation_id")
    linked_at = fields.DateTime()
