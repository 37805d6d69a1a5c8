"""The JS-SDK's `wx.config` for scanning inside WeChat, against the fake WeChat over real HTTP:
WeChat's documented signature, the access token and jsapi_ticket fetched once and shared through
the database until shortly before they expire, only our own pages signed, and WeChat's refusals
answered as 502 problems."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from backend.accounts import wechat_jsapi
from backend.accounts.models import WechatCredential
from backend.accounts.wechat_login import WechatSettings, WechatUnavailable
from backend.core.clock import utcnow
from tests.accounts.fake_wechat import OA_APPID, OA_SECRET, FakeWechat

CONFIG = "/api/v1/wechat/jsapi-config"
PAGE = "http://127.0.0.1:8000/wallet?from=menu"
TOKEN, TICKET = "/cgi-bin/token", "/cgi-bin/ticket/getticket"


@pytest.fixture
def settings(fake_wechat: FakeWechat) -> WechatSettings:
    return WechatSettings(
        secret_key="test-secret",
        public_base_url="http://127.0.0.1:8000",
        oa_appid=OA_APPID,
        oa_secret=OA_SECRET,
        api_base=fake_wechat.url,
    )


def test_signature_matches_wechats_documented_examples() -> None:
    """Appendix 1 of WeChat's JS-SDK documentation (both versions of its example)."""
    ticket = (
        "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg"
    )
    sign = wechat_jsapi.signature
    assert (
        sign(ticket, "Wm3WZYTPz0wzccnW", 1414587457, "http://mp.weixin.qq.com?params=value")
        == "0f9de62fce790f9a083d5c99e95740ceb90c27ed"
    )
    assert (
        sign(ticket, "Wm3WZYTPz0wzccnW", 1414587457, "http://mp.weixin.qq.com")
        == "f4d90daf4b3bca3078ab155816175ba34c443a7b"
    )


def test_config_is_signed_with_the_ticket_wechat_gave(
    client: FlaskClient, fake_wechat: FakeWechat
) -> None:
    resp = client.get(CONFIG, query_string={"url": PAGE + "#top"})
    assert resp.status_code == 200, resp.get_json()
    assert resp.headers["Cache-Control"] == "no-store"
    got = resp.get_json()
    assert got["app_id"] == OA_APPID
    assert got["url"] == PAGE  # the fragment is not signed
    signed = f"jsapi_ticket={fake_wechat.tickets[-1]}&noncestr={got['nonce_str']}"
    signed += f"&timestamp={got['timestamp']}&url={PAGE}"
    assert got["signature"] == hashlib.sha1(signed.encode(), usedforsecurity=False).hexdigest()
    assert abs(got["timestamp"] - utcnow().timestamp()) < 60


def test_the_ticket_is_fetched_once_and_shared(
    client: FlaskClient, fake_wechat: FakeWechat, db_session: Session
) -> None:
    tokens, tickets = fake_wechat.hits(TOKEN), fake_wechat.hits(TICKET)
    first = client.get(CONFIG, query_string={"url": PAGE}).get_json()
    second = client.get(CONFIG, query_string={"url": PAGE}).get_json()
    assert (fake_wechat.hits(TOKEN), fake_wechat.hits(TICKET)) == (tokens + 1, tickets + 1)
    assert first["nonce_str"] != second["nonce_str"]
    # kept in the database, for every worker, and sealed
    rows = db_session.query(WechatCredential).filter_by(app_id=OA_APPID).all()
    assert sorted(r.kind for r in rows) == ["access_token", "jsapi_ticket"]
    assert all(fake_wechat.tickets[-1] not in r.value_sealed for r in rows)


def test_the_ticket_is_fetched_again_before_it_expires(
    db_session: Session, settings: WechatSettings, fake_wechat: FakeWechat
) -> None:
    now = utcnow()
    first = wechat_jsapi.jsapi_ticket(db_session, settings, now)
    later = now + timedelta(seconds=7200) - wechat_jsapi.REFRESH_BEFORE - timedelta(seconds=1)
    assert wechat_jsapi.jsapi_ticket(db_session, settings, later) == first
    tickets = fake_wechat.hits(TICKET)
    expiring = now + timedelta(seconds=7200) - wechat_jsapi.REFRESH_BEFORE
    fresh = wechat_jsapi.jsapi_ticket(db_session, settings, expiring)
    assert fresh != first
    assert fresh == fake_wechat.tickets[-1]
    assert fake_wechat.hits(TICKET) == tickets + 1
    assert wechat_jsapi.jsapi_ticket(db_session, settings, expiring + timedelta(hours=1)) == fresh


def test_an_access_token_wechat_no_longer_accepts_is_replaced(
    db_session: Session, settings: WechatSettings, fake_wechat: FakeWechat
) -> None:
    now = utcnow()
    wechat_jsapi.access_token(db_session, settings, now)
    fake_wechat.revoke_tokens()  # another system fetched a token for the same appid
    tokens = fake_wechat.hits(TOKEN)
    ticket = wechat_jsapi.jsapi_ticket(db_session, settings, now)
    assert ticket == fake_wechat.tickets[-1]
    assert fake_wechat.hits(TOKEN) == tokens + 1


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/wallet",
        "http://127.0.0.1:8001/wallet",  # another port is another origin
        "https://127.0.0.1:8000/wallet",
        "http://127.0.0.1:8000.evil.example/",
        "javascript:alert(1)",
        "/wallet",
        "http://127.0.0.1:8000/a b",
    ],
)
def test_only_our_own_pages_are_signed(
    client: FlaskClient, fake_wechat: FakeWechat, url: str
) -> None:
    calls = len(fake_wechat.calls)
    resp = client.get(CONFIG, query_string={"url": url})
    assert resp.status_code == 422
    assert resp.mimetype == "application/problem+json"
    assert resp.get_json()["errors"][0]["field"] == "url"
    assert len(fake_wechat.calls) == calls  # WeChat is not asked for anything


def test_a_missing_url_is_a_422(client: FlaskClient) -> None:
    resp = client.get(CONFIG)
    assert resp.status_code == 422
    assert resp.mimetype == "application/problem+json"


def test_wechat_refusing_is_a_502_problem(client: FlaskClient, fake_wechat: FakeWechat) -> None:
    fake_wechat.fail_next = True  # errcode -1 on the access token
    resp = client.get(CONFIG, query_string={"url": PAGE})
    assert resp.status_code == 502
    assert resp.mimetype == "application/problem+json"
    assert resp.get_json()["type"].endswith("/wechat-unavailable")
    # nothing was cached: the next request asks again, and works
    assert client.get(CONFIG, query_string={"url": PAGE}).status_code == 200


def test_a_refused_ticket_is_a_502_problem(
    db_session: Session, settings: WechatSettings, fake_wechat: FakeWechat
) -> None:
    now = utcnow()
    wechat_jsapi.access_token(db_session, settings, now)
    fake_wechat.fail_next = True  # errcode -1 on the ticket
    with pytest.raises(WechatUnavailable) as refused:
        wechat_jsapi.jsapi_ticket(db_session, settings, now)
    assert refused.value.status == 502
    assert wechat_jsapi.cached_kinds(db_session, OA_APPID) == ["access_token"]


def test_no_official_account_is_a_404(app: Flask, fake_wechat: FakeWechat) -> None:
    app.config["WECHAT_OA_APPID"] = ""
    try:
        resp = app.test_client().get(CONFIG, query_string={"url": PAGE})
    finally:
        app.config["WECHAT_OA_APPID"] = OA_APPID
    assert resp.status_code == 404
    assert resp.get_json()["type"].endswith("/wechat-not-configured")


def test_configs_are_rate_limited_per_ip(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "RATELIMIT_WECHAT_JSAPI_PER_IP", "2 per minute")
    statuses = [client.get(CONFIG, query_string={"url": PAGE}).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
