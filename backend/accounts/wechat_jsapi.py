"""The WeChat JS-SDK's configuration for our pages, so that scanning inside WeChat's browser uses
`wx.scanQRCode` (WeChat's own scanner) instead of a camera the page may not get.

`wx.config` needs the official account's appId and a signature over the page's URL:
`sha1("jsapi_ticket=…&noncestr=…&timestamp=…&url=…")`, keys in that (ASCII) order, raw values, the
URL without its `#…` (WeChat's JS-SDK documentation, appendix 1). The `jsapi_ticket` comes from
`cgi-bin/ticket/getticket` with the account's `access_token` (`cgi-bin/token`); both live 7200 s,
and WeChat limits how often either may be fetched, so both are cached in `wechat_credentials`,
shared by every worker and process, sealed, and fetched again `REFRESH_BEFORE` their expiry.
An access token WeChat calls invalid or expired (40001, 42001: another system fetched a new one
for the same appid) is dropped and fetched once more.

Only URLs on our own origin (`PUBLIC_BASE_URL`) are signed: a signature works for any page on a
JS-safe domain, so signing a URL chosen by the caller would lend our account to other sites.

No SDK, for the reason `wechat_login` gives: two GET requests, made with requests.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast
from urllib.parse import urlsplit

import requests
from sqlalchemy import Table, delete, select
from sqlalchemy.orm import Session

from backend.accounts.models import WechatCredential
from backend.accounts.wechat_login import (
    TIMEOUT,
    WechatNotConfigured,
    WechatSettings,
    WechatUnavailable,
)
from backend.core import secretbox
from backend.core.clock import utcnow
from backend.core.db import upsert
from backend.core.errors import ValidationFailed

log = logging.getLogger(__name__)
CREDENTIALS = cast(Table, WechatCredential.__table__)

ACCESS_TOKEN, JSAPI_TICKET = "access_token", "jsapi_ticket"
REFRESH_BEFORE = timedelta(minutes=5)  # fetch anew this long before WeChat's expiry
_PURPOSE = "wechat-credential"
_TOKEN_EXPIRED = {40001, 40014, 42001}  # invalid credential, invalid token, token expired
MAX_URL = 2048


@dataclass(frozen=True)
class JsapiConfig:
    """What `wx.config` takes, for one page."""

    app_id: str
    timestamp: int
    nonce_str: str
    signature: str
    url: str


def signature(ticket: str, nonce_str: str, timestamp: int, url: str) -> str:
    """WeChat's JS-SDK signature (appendix 1 of its documentation)."""
    signed = f"jsapi_ticket={ticket}&noncestr={nonce_str}&timestamp={timestamp}&url={url}"
    return hashlib.sha1(signed.encode()).hexdigest()  # noqa: S324 - WeChat's algorithm


def page_url(settings: WechatSettings, url: str) -> str:
    """`url` without its fragment, if it is a page of ours; 422 on `url` otherwise."""
    url = url.split("#", 1)[0]
    ours = urlsplit(settings.public_base_url)
    try:
        got = urlsplit(url)
        same = (got.scheme, got.netloc.lower()) == (ours.scheme, ours.netloc.lower())
    except ValueError:
        same = False
    if not same or len(url) > MAX_URL or any(c.isspace() for c in url):
        raise ValidationFailed("url", "accounts.jsapi_foreign_page")
    return url


def config(
    s: Session, settings: WechatSettings, url: str, now: datetime | None = None
) -> JsapiConfig:
    """The signed `wx.config` for the page at `url`."""
    if not settings.official_account:
        raise WechatNotConfigured("accounts.jsapi_not_configured")
    url = page_url(settings, url)
    now = now or utcnow()
    ticket = jsapi_ticket(s, settings, now)
    nonce, timestamp = secrets.token_urlsafe(12), int(now.timestamp())
    signed = signature(ticket, nonce, timestamp, url)
    return JsapiConfig(settings.oa_appid, timestamp, nonce, signed, url)


def jsapi_ticket(s: Session, settings: WechatSettings, now: datetime) -> str:
    """The cached ticket, or a new one from WeChat."""
    cached = _cached(s, settings, JSAPI_TICKET, now)
    if cached is not None:
        return cached
    data = _get(settings, "/cgi-bin/ticket/getticket", access_token(s, settings, now), "jsapi")
    if data.get("errcode") in _TOKEN_EXPIRED:
        log.warning("WeChat refused the cached access token (%s); fetching one", data["errcode"])
        _forget(s, settings, ACCESS_TOKEN)
        token = access_token(s, settings, now)
        data = _get(settings, "/cgi-bin/ticket/getticket", token, "jsapi")
    return _store(s, settings, JSAPI_TICKET, _checked(data, "ticket"), data, now)


def access_token(s: Session, settings: WechatSettings, now: datetime) -> str:
    """The official account's cached access token, or a new one from WeChat."""
    cached = _cached(s, settings, ACCESS_TOKEN, now)
    if cached is not None:
        return cached
    data = _call(
        settings,
        "/cgi-bin/token",
        {
            "grant_type": "client_credential",
            "appid": settings.oa_appid,
            "secret": settings.oa_secret,
        },
    )
    return _store(s, settings, ACCESS_TOKEN, _checked(data, "access_token"), data, now)


# --- the cache -------------------------------------------------------------------------------


def _cached(s: Session, settings: WechatSettings, kind: str, now: datetime) -> str | None:
    row = s.get(WechatCredential, (settings.oa_appid, kind))
    if row is None or now >= row.expires_at - REFRESH_BEFORE:
        return None
    try:
        return secretbox.unseal(settings.secret_key, _PURPOSE, row.value_sealed)
    except ValueError:  # sealed under an earlier SECRET_KEY
        return None


def _store(
    s: Session, settings: WechatSettings, kind: str, value: str, data: dict[str, Any], now: datetime
) -> str:
    expires_in = data.get("expires_in")
    seconds = expires_in if isinstance(expires_in, int) and expires_in > 0 else 7200
    values = {
        "value_sealed": secretbox.seal(settings.secret_key, _PURPOSE, value),
        "expires_at": now + timedelta(seconds=seconds),
    }
    # Two workers may fetch at once; both answers are valid, and the later one stays.
    s.execute(
        upsert(s, CREDENTIALS)
        .values(app_id=settings.oa_appid, kind=kind, **values)
        .on_conflict_do_update(index_elements=["app_id", "kind"], set_=values)
    )
    return value


def _forget(s: Session, settings: WechatSettings, kind: str) -> None:
    s.execute(
        delete(WechatCredential).where(
            WechatCredential.app_id == settings.oa_appid, WechatCredential.kind == kind
        )
    )


def cached_kinds(s: Session, app_id: str) -> list[str]:
    """Which credentials are cached for `app_id` (for operators and tests)."""
    return list(s.scalars(select(WechatCredential.kind).where(WechatCredential.app_id == app_id)))


# --- WeChat ----------------------------------------------------------------------------------


def _get(settings: WechatSettings, path: str, token: str, type_: str) -> dict[str, Any]:
    return _call(settings, path, {"access_token": token, "type": type_})


def _call(settings: WechatSettings, path: str, params: dict[str, str]) -> dict[str, Any]:
    url = settings.api_base.rstrip("/") + path
    try:
        resp = requests.get(url, params=params, timeout=TIMEOUT)
        data = json.loads(resp.text)  # WeChat may label its JSON text/plain
    except (requests.RequestException, ValueError) as exc:
        log.warning("WeChat %s failed: %s", path, exc)
        raise WechatUnavailable("accounts.wechat_unreachable") from exc
    if resp.status_code != 200 or not isinstance(data, dict):
        log.error("WeChat %s answered HTTP %s", path, resp.status_code)
        raise WechatUnavailable("accounts.wechat_unexpected")
    return data


def _checked(data: dict[str, Any], key: str) -> str:
    code, value = data.get("errcode") or 0, data.get(key)
    if code or not isinstance(value, str) or not value:
        # 40164 (our IP is not on the account's allow-list), 40013 / 40125 (appid or secret),
        # 45009 (daily quota): our configuration or WeChat's trouble, never the caller's.
        log.error("WeChat refused the %s: %s %s", key, code, data.get("errmsg"))
        raise WechatUnavailable("accounts.wechat_refused_request", errcode=code)
    return value
