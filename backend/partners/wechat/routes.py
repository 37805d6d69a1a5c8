"""Routes of the WeChat official-account link: registration by organisation admins, the
callback WeChat calls, and followers linking their openid to their Diandian account."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, request
from flask.views import MethodView
from marshmallow import EXCLUDE

from backend.accounts.auth import BEARER_AUTH, current_principal
from backend.certificates import issuers
from backend.core import db, public_url
from backend.core.errors import DomainError
from backend.partners.wechat import callback, linking, registration
from backend.partners.wechat.models import WechatAccount
from backend.partners.wechat.schemas import (
    WechatAccountCreateSchema,
    WechatAccountSchema,
    WechatLinkRequestSchema,
    WechatLinkSchema,
    WechatMessageQuerySchema,
    WechatVerifyQuerySchema,
)
from backend.partners.wechat.settings import Settings
from backend.partners.wechat.xmlcodec import MAX_BYTES
from backend.web.blueprint import Blueprint

blp = Blueprint(
    "wechat",
    __name__,
    url_prefix="/api/v1",
    description="WeChat official accounts (公众号): registration, the message callback, links",
)


class TooLarge(DomainError):
    status, slug, title = 413, "too-large", "The body is too large"


def _settings() -> Settings:
    cfg = current_app.config
    return Settings(
        secret_key=cfg["SECRET_KEY"],
        base_url=public_url.base_url(cfg),
        window_s=cfg["WECHAT_TIMESTAMP_WINDOW_SECONDS"],
        issuer=issuers.current(),
    )


def _shown(account: WechatAccount) -> registration.Shown:
    return registration.Shown.of(account, public_url.base_url())


@blp.route("/organisations/<int:org_id>/wechat-accounts")
class Accounts(MethodView):
    @blp.response(200, WechatAccountSchema(many=True))
    @blp.doc(security=BEARER_AUTH)
    def get(self, org_id: int) -> list[registration.Shown]:
        """The organisation's official accounts, without their secrets (admins)."""
        return [_shown(a) for a in registration.accounts(db.session(), current_principal(), org_id)]

    @blp.arguments(WechatAccountCreateSchema())
    @blp.response(201, WechatAccountSchema)
    @blp.alt_response(409, description="The appid is linked already")
    @blp.doc(security=BEARER_AUTH)
    def post(self, body: dict[str, Any], org_id: int) -> registration.Shown:
        """Link an official account; enter the callback URL and token in the WeChat console."""
        secret_key = current_app.config["SECRET_KEY"]
        account = registration.register(
            db.session(), secret_key, current_principal(), org_id, **body
        )
        return _shown(account)


@blp.route("/organisations/<int:org_id>/wechat-accounts/<string:account>")
class AccountById(MethodView):
    @blp.response(204)
    @blp.doc(security=BEARER_AUTH)
    def delete(self, org_id: int, account: str) -> None:
        """Unlink an official account: its callback answers 404 from now on."""
        registration.unlink(db.session(), current_principal(), org_id, account)


def _body() -> bytes:
    body = request.stream.read(MAX_BYTES + 1)
    if len(body) > MAX_BYTES:
        raise TooLarge("partners.wechat.too_large", params={"max": MAX_BYTES})
    return body


@blp.route("/partners/wechat/<string:account>")
class Callback(MethodView):
    @blp.arguments(WechatVerifyQuerySchema(), location="query", unknown=EXCLUDE)
    @blp.response(
        200, {"type": "string"}, content_type="text/plain", description="echostr, as it came"
    )
    @blp.alt_response(403, description="The signature or the timestamp is wrong")
    @blp.alt_response(404, description="No such WeChat account")
    def get(self, q: dict[str, Any], account: str) -> Response:
        """WeChat's check of the server URL: answers `echostr` when the signature is right."""
        signed = callback.Signed(q["signature"], q["timestamp"], q["nonce"])
        out = callback.echo(db.session(), _settings(), account, signed, q["echostr"])
        return Response(out, mimetype="text/plain")

    @blp.arguments(WechatMessageQuerySchema(), location="query", unknown=EXCLUDE)
    @blp.response(
        200,
        {"type": "string"},
        content_type="application/xml",
        description="The reply XML, or `success` (text/plain)",
    )
    @blp.alt_response(400, description="Not a WeChat message (malformed XML, a DTD, entities)")
    @blp.alt_response(403, description="The signature or the timestamp is wrong")
    @blp.alt_response(404, description="No such WeChat account")
    @blp.alt_response(413, description="A body over the size WeChat sends")
    def post(self, q: dict[str, Any], account: str) -> Response:
        """A message or event from WeChat (plaintext, compatibility or safe mode)."""
        signed = callback.Signed(
            q["signature"], q["timestamp"], q["nonce"], q["encrypt_type"], q["msg_signature"]
        )
        out = callback.receive(
            db.session(), _settings(), account, signed, _body(), q.get("openid") or ""
        )
        plain = out == callback.SUCCESS
        return Response(out, mimetype="text/plain" if plain else "application/xml")


@blp.route("/me/wechat-links", methods=["POST"])
@blp.arguments(WechatLinkRequestSchema())
@blp.response(201, WechatLinkSchema)
@blp.doc(security=BEARER_AUTH)
def link(body: dict[str, Any]) -> linking.Linked:
    """Link the WeChat follower of a 积分 link token to me (the token lives 15 minutes)."""
    user = current_principal().require_user()
    return linking.link(db.session(), current_app.config["SECRET_KEY"], user.id, body["token"])
