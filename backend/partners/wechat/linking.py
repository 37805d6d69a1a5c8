"""Linking a follower's openid to a Diandian user: the follower gets a short-lived signed link
(HMAC-SHA256 keyed from SECRET_KEY, by itsdangerous) and, signed in to the PWA, posts its token."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from backend.core.clock import utcnow
from backend.core.errors import NotFound, ValidationFailed
from backend.partners.wechat import followers
from backend.partners.wechat.models import WechatAccount

TTL_S = 15 * 60
SALT = "diandian.wechat-link"
PWA_PATH = "/wechat/link"


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(
        secret_key, salt=SALT, signer_kwargs={"digest_method": hashlib.sha256}
    )


def token(secret_key: str, account_id: int, openid: str) -> str:
    """A token naming the follower, valid for 15 minutes."""
    return _serializer(secret_key).dumps([account_id, openid])


def url(base_url: str, link_token: str) -> str:
    """The PWA page that signs the person in and posts the token to /me/wechat-links."""
    return f"{base_url.rstrip('/')}{PWA_PATH}?{urlencode({'token': link_token})}"


@dataclass(frozen=True)
class Linked:
    account: WechatAccount
    linked_at: datetime


def link(s: Session, secret_key: str, user_id: int, link_token: str) -> Linked:
    """Link the token's follower to the user (a later link replaces an earlier one)."""
    try:
        account_id, openid = _serializer(secret_key).loads(link_token, max_age=TTL_S)
    except SignatureExpired:
        raise ValidationFailed("token", "partners.wechat.link_expired") from None
    except (BadSignature, TypeError, ValueError):
        raise ValidationFailed("token", "partners.wechat.not_link_token") from None
    account = s.get(WechatAccount, account_id)
    if account is None:
        raise NotFound("partners.wechat.account_gone")
    now = utcnow()
    followers.link(s, account_id, openid, user_id, now)
    return Linked(account, now)
