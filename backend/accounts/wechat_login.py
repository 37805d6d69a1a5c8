"""Signing in with WeChat: the official account's OAuth 2.0 web authorisation inside WeChat's
browser (`snsapi_base`: the openid, silently), and a mini-program's `code2session`.

In WeChat's browser:
1. `start` makes the `state` for WeChat's authorize URL: signed (HMAC-SHA256 keyed by
   SECRET_KEY), dated (good for STATE_TTL) and bound to this browser by a random cookie whose
   value the MAC covers. WeChat allows 128 characters of [a-zA-Z0-9] in a state, so it is
   `<unix time, 10 digits><nonce, 24 hex><MAC, 32 hex>`.
2. WeChat sends the browser back to `{PUBLIC_BASE_URL}/sign-in/wechat?code=…&state=…`, and the
   PWA posts both. `check_state` refuses a forged state, another browser's, an expired one and
   a replay (a nonce is used once: `wechat_oauth_states`); then the code is exchanged for the
   openid (`sns/oauth2/access_token`; the access token it also gives is not kept).
3. An openid bound to a person signs them in; so does a unionid bound through another of our
   apps (the identity is then added for this app). An unknown one gets a binding: a sealed,
   short-lived ticket naming the WeChat identity, sent once with the person's phone and SMS
   code (`POST /auth/tokens`). From then on WeChat alone signs them in. An unbound openid is
   never stored.

A mini-program gets its code from `wx.login`; `code2session` (`sns/jscode2session`) gives the
openid and unionid the same way, with no state (the code never passes through a browser). Its
`session_key` is not kept: nothing here decrypts mini-program data.

No SDK: Tencent publishes none for Python, and wechatpy, the community one, last released in
2021. These are two GET requests, made with requests.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast
from urllib.parse import quote

import requests
from sqlalchemy import Table, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.accounts import services
from backend.accounts.models import User, WechatApp, WechatIdentity, WechatStateUse
from backend.core import secretbox, uow
from backend.core.clock import utcnow
from backend.core.db import upsert
from backend.core.errors import Conflict, DomainError, ValidationFailed

log = logging.getLogger(__name__)
STATES = cast(Table, WechatStateUse.__table__)

STATE_TTL = timedelta(minutes=10)
BINDING_TTL = timedelta(minutes=15)
TIMEOUT = (3.05, 10)  # seconds: connect, read
COOKIE = "dd_wechat_browser"
COOKIE_PATH = "/api/v1/auth/wechat"
_STATE = re.compile(r"(\d{10})([0-9a-f]{24})([0-9a-f]{32})")
_BINDING = "wechat-binding"
# errcodes that mean the person's code is bad (invalid, used, missing, a blocked risky user);
# any other is our configuration or WeChat's trouble.
_CODE_ERRORS = {40029, 40163, 41008, 40226}


class WechatNotConfigured(DomainError):
    status, slug, title = 404, "wechat-not-configured", "WeChat sign-in is not offered here"


class WechatStateRefused(DomainError):
    status, slug, title = 403, "wechat-state-invalid", "The WeChat sign-in could not be trusted"


class WechatCodeRefused(DomainError):
    status, slug, title = 401, "wechat-code-invalid", "WeChat did not accept the sign-in"


class WechatUnavailable(DomainError):
    status, slug, title = 502, "wechat-unavailable", "WeChat did not answer"


class WechatAlreadyBound(Conflict):
    slug, title = "wechat-already-bound", "This WeChat is bound to another account"


@dataclass(frozen=True)
class WechatSettings:
    """What WeChat sign-in needs from the configuration."""

    secret_key: str
    public_base_url: str
    oa_appid: str = ""
    oa_secret: str = ""
    mini_appid: str = ""
    mini_secret: str = ""
    api_base: str = "https://api.weixin.qq.com"
    open_base: str = "https://open.weixin.qq.com"

    @property
    def official_account(self) -> bool:
        return bool(self.oa_appid and self.oa_secret)

    @property
    def mini_program(self) -> bool:
        return bool(self.mini_appid and self.mini_secret)

    @property
    def redirect_uri(self) -> str:
        """Where WeChat sends the browser back: the PWA's page, under the OAuth domain."""
        return self.public_base_url.rstrip("/") + "/sign-in/wechat"


@dataclass(frozen=True)
class Methods:
    """The ways to sign in this deployment offers."""

    wechat_official_account: bool
    wechat_mini_program: bool
    phone: bool = True


@dataclass(frozen=True)
class Authorization:
    """Where to send the browser, and the cookie that binds the state to it."""

    authorize_url: str
    state: str
    expires_at: datetime
    browser: str


@dataclass(frozen=True)
class Found:
    """A WeChat identity as WeChat reported it."""

    app: WechatApp
    app_id: str
    openid: str
    unionid: str | None = None


@dataclass(frozen=True)
class WechatSignIn:
    """Either a token (a known identity), or a binding to send with a phone and code."""

    token: services.IssuedToken | None = None
    binding: str | None = None
    binding_expires_at: datetime | None = None

    @property
    def signed_in(self) -> bool:
        return self.token is not None


def methods(settings: WechatSettings) -> Methods:
    return Methods(settings.official_account, settings.mini_program)


# --- the state -------------------------------------------------------------------------------


def _mac(secret_key: str, issued: str, nonce: str, browser: str) -> str:
    msg = f"wechat-oauth-state:{issued}:{nonce}:{browser}".encode()
    return hmac.new(secret_key.encode(), msg, hashlib.sha256).hexdigest()[:32]


def start(settings: WechatSettings, now: datetime | None = None) -> Authorization:
    """A new state for this browser, and WeChat's authorize URL carrying it."""
    if not settings.official_account:
        raise WechatNotConfigured("accounts.wechat_oa_not_configured")
    now = now or utcnow()
    issued, nonce, browser = f"{int(now.timestamp()):010d}", secrets.token_hex(12), _browser()
    state = issued + nonce + _mac(settings.secret_key, issued, nonce, browser)
    # WeChat reads the parameters in this order, and needs the #wechat_redirect fragment.
    url = (
        f"{settings.open_base.rstrip('/')}/connect/oauth2/authorize"
        f"?appid={settings.oa_appid}&redirect_uri={quote(settings.redirect_uri, safe='')}"
        f"&response_type=code&scope=snsapi_base&state={state}#wechat_redirect"
    )
    return Authorization(url, state, now + STATE_TTL, browser)


def _browser() -> str:
    return secrets.token_urlsafe(24)


def check_state(
    s: Session, settings: WechatSettings, state: str, browser: str | None, now: datetime | None
) -> None:
    """Refuse a state that this server did not make for this browser in the last STATE_TTL, or
    that was used already."""
    now = now or utcnow()
    found = _STATE.fullmatch(state)
    if found is None:
        raise WechatStateRefused("accounts.wechat_state_forged", reason="forged")
    issued, nonce, mac = found.groups()
    if not browser:
        raise WechatStateRefused("accounts.wechat_state_other_browser", reason="other_browser")
    if not hmac.compare_digest(mac, _mac(settings.secret_key, issued, nonce, browser)):
        raise WechatStateRefused("accounts.wechat_state_altered", reason="forged")
    age = now - datetime.fromtimestamp(int(issued), UTC)
    if not timedelta(minutes=-1) <= age <= STATE_TTL:
        raise WechatStateRefused("accounts.wechat_state_expired", reason="expired")
    s.execute(delete(WechatStateUse).where(WechatStateUse.used_at < now - STATE_TTL))
    first_use = (
        upsert(s, STATES)
        .values(nonce=nonce, used_at=now)
        .on_conflict_do_nothing(index_elements=["nonce"])
        .returning(STATES.c.nonce)
    )
    if s.execute(first_use).first() is None:
        raise WechatStateRefused("accounts.wechat_state_replayed", reason="replayed")


# --- WeChat's answers ------------------------------------------------------------------------


def _ask(settings: WechatSettings, path: str, params: dict[str, str]) -> dict[str, Any]:
    url = settings.api_base.rstrip("/") + path
    try:
        resp = requests.get(url, params=params, timeout=TIMEOUT)
        data = json.loads(resp.text)  # WeChat may label its JSON text/plain
    except (requests.RequestException, ValueError) as exc:
        log.warning("WeChat %s failed: %s", path, exc)
        raise WechatUnavailable("accounts.wechat_unreachable") from exc
    if not isinstance(data, dict):
        raise WechatUnavailable("accounts.wechat_unexpected")
    code = data.get("errcode") or 0
    if code in _CODE_ERRORS:
        raise WechatCodeRefused("accounts.wechat_code_refused", errcode=code)
    if code or resp.status_code != 200:
        log.error("WeChat %s answered %s: %s", path, code or resp.status_code, data.get("errmsg"))
        raise WechatUnavailable("accounts.wechat_refused_request")
    return data


def _identity(app: WechatApp, app_id: str, data: dict[str, Any]) -> Found:
    openid, unionid = data.get("openid"), data.get("unionid")
    if not isinstance(openid, str) or not 0 < len(openid) <= 64:
        raise WechatUnavailable("accounts.wechat_no_openid")
    if not isinstance(unionid, str) or not 0 < len(unionid) <= 64:
        unionid = None
    return Found(app, app_id, openid, unionid)


def exchange_oauth_code(settings: WechatSettings, code: str) -> Found:
    """The official account's openid (and unionid) for a code WeChat gave the browser."""
    data = _ask(
        settings,
        "/sns/oauth2/access_token",
        {
            "appid": settings.oa_appid,
            "secret": settings.oa_secret,
            "code": code,
            "grant_type": "authorization_code",
        },
    )
    if data.get("is_snapshotuser") == 1:
        raise WechatCodeRefused("accounts.wechat_snapshot", reason="snapshot")
    return _identity(WechatApp.official_account, settings.oa_appid, data)


def code2session(settings: WechatSettings, code: str) -> Found:
    """The mini-program's openid (and unionid) for a `wx.login` code."""
    if not settings.mini_program:
        raise WechatNotConfigured("accounts.wechat_mini_not_configured")
    data = _ask(
        settings,
        "/sns/jscode2session",
        {
            "appid": settings.mini_appid,
            "secret": settings.mini_secret,
            "js_code": code,
            "grant_type": "authorization_code",
        },
    )
    return _identity(WechatApp.mini_program, settings.mini_appid, data)


# --- signing in and binding ------------------------------------------------------------------


def sign_in(
    s: Session, cfg: services.AuthSettings, settings: WechatSettings, found: Found
) -> WechatSignIn:
    """A token for the person this identity is bound to; else a binding to send with a phone."""
    identity = s.scalar(
        select(WechatIdentity).where(
            WechatIdentity.app_id == found.app_id, WechatIdentity.openid == found.openid
        )
    )
    if identity is None and found.unionid is not None:
        sibling = s.scalars(
            select(WechatIdentity).where(WechatIdentity.unionid == found.unionid).limit(1)
        ).first()
        if sibling is not None:
            identity = _bind(s, sibling.user_id, found)
    if identity is None:
        expires = utcnow() + BINDING_TTL
        return WechatSignIn(
            binding=_seal(settings.secret_key, found, expires), binding_expires_at=expires
        )
    identity.last_used_at = utcnow()
    identity.unionid = found.unionid or identity.unionid
    user = s.get_one(User, identity.user_id)
    return WechatSignIn(token=services.issue_token(s, cfg, user))


def _seal(secret_key: str, found: Found, expires: datetime) -> str:
    body = {
        "app": found.app.value,
        "app_id": found.app_id,
        "openid": found.openid,
        "unionid": found.unionid,
        "exp": int(expires.timestamp()),
    }
    return secretbox.seal(secret_key, _BINDING, json.dumps(body))


def open_binding(secret_key: str, binding: str, now: datetime | None = None) -> Found:
    """The identity a binding names; 422 on `wechat_binding` if it is not ours or expired."""
    try:
        body = json.loads(secretbox.unseal(secret_key, _BINDING, binding))
    except ValueError as exc:
        raise ValidationFailed("wechat_binding", "accounts.wechat_binding_invalid") from exc
    if (now or utcnow()).timestamp() > body["exp"]:
        raise ValidationFailed("wechat_binding", "accounts.wechat_binding_expired")
    return Found(WechatApp(body["app"]), body["app_id"], body["openid"], body["unionid"])


def bind(s: Session, user: User, found: Found) -> WechatIdentity:
    """Bind the identity to the person who just proved their phone (replacing their earlier
    identity for that app); 409 if it is another person's."""
    held = s.scalar(
        select(WechatIdentity).where(
            WechatIdentity.app_id == found.app_id, WechatIdentity.openid == found.openid
        )
    )
    if held is not None and held.user_id != user.id:
        raise WechatAlreadyBound("accounts.wechat_already_bound")
    return held or _bind(s, user.id, found)


def _bind(s: Session, user_id: int, found: Found) -> WechatIdentity:
    s.execute(
        delete(WechatIdentity).where(
            WechatIdentity.user_id == user_id, WechatIdentity.app_id == found.app_id
        )
    )
    identity = WechatIdentity(
        user_id=user_id,
        app=found.app,
        app_id=found.app_id,
        openid=found.openid,
        unionid=found.unionid,
    )
    try:
        with uow.savepoint(s):
            s.add(identity)
            s.flush()
    except IntegrityError as exc:  # bound by a concurrent sign-in meanwhile
        raise WechatAlreadyBound("accounts.wechat_already_bound") from exc
    return identity


def openid_for(s: Session, user_id: int, app_id: str) -> str | None:
    """The person's openid in one of our apps (WeChat Pay's JSAPI needs the payer's)."""
    return s.scalar(
        select(WechatIdentity.openid).where(
            WechatIdentity.user_id == user_id, WechatIdentity.app_id == app_id
        )
    )
