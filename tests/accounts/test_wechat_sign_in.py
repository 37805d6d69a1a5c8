"""Signing in with WeChat against a fake of WeChat's endpoints over real HTTP: the official
account's OAuth in WeChat's browser (a state that is signed, dated, bound to the browser and used
once), the mini-program's code2session, and binding a phone the first time."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import requests
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts import wechat_login
from backend.accounts.models import User, WechatApp, WechatIdentity
from backend.core.clock import utcnow
from backend.core.config import Config, ConfigError
from backend.core.errors import ValidationFailed, field_error
from tests import factories as f
from tests.accounts.fake_wechat import MINI_APPID, OA_APPID, FakeWechat, WechatUser

SESSIONS = "/api/v1/auth/wechat/sessions"


@pytest.fixture
def someone(fake_wechat: FakeWechat) -> WechatUser:
    """WeChat's browser, signed in to WeChat as a new person."""
    fake_wechat.signed_in_as = WechatUser.new()
    return fake_wechat.signed_in_as


def start(client: FlaskClient) -> dict[str, Any]:
    """Start a sign-in; the answer's JSON, and (as `cookie`) the browser cookie it set."""
    resp = client.post("/api/v1/auth/wechat/authorizations")
    assert resp.status_code == 201, resp.get_json()
    cookie = resp.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert f"Path={wechat_login.COOKIE_PATH}" in cookie
    started: dict[str, Any] = resp.get_json()
    started["cookie"] = cookie.split(";")[0].split("=", 1)[1]
    return started


def through_wechat(started: dict[str, Any]) -> dict[str, str]:
    """Follow the authorize URL as the browser would: WeChat sends it back with a code."""
    went = requests.get(started["authorize_url"], allow_redirects=False, timeout=5)
    assert went.status_code == 302
    back = went.headers["Location"]
    assert back.startswith("http://127.0.0.1:8000/sign-in/wechat?")  # PUBLIC_BASE_URL's page
    query = dict(p.split("=", 1) for p in back.split("?", 1)[1].split("&"))
    assert query["state"] == started["state"]
    return query


def wechat_sign_in(client: FlaskClient) -> dict[str, Any]:
    resp = client.post(SESSIONS, json=through_wechat(start(client)))
    assert resp.status_code == 200, resp.get_json()
    body: dict[str, Any] = resp.get_json()
    return body


def bind_phone(client: FlaskClient, phone: str, binding: str, *, new: bool = True) -> Any:
    code = client.post("/api/v1/auth/codes", json={"phone": phone}).get_json()["code"]
    body = {"phone": phone, "code": code, "wechat_binding": binding}
    if new:
        body["accept"] = f.accept_terms()
    return client.post("/api/v1/auth/tokens", json=body)


def test_the_authorize_url_asks_wechat_for_the_openid_silently(client):
    url = start(client)["authorize_url"]
    assert url.split("?")[0].endswith("/connect/oauth2/authorize")
    assert f"appid={OA_APPID}&redirect_uri=http%3A%2F%2F127.0.0.1%3A8000%2Fsign-in%2Fwechat" in url
    assert "&response_type=code&scope=snsapi_base&state=" in url
    assert url.endswith("#wechat_redirect")


def test_first_sign_in_binds_a_phone_then_wechat_alone_signs_in(
    client, db_session: Session, someone: WechatUser
):
    first = wechat_sign_in(client)
    assert first["signed_in"] is False
    assert first["token"] is None
    assert first["binding"]
    assert someone.oa_openid not in first["binding"]
    assert db_session.scalars(select(WechatIdentity)).all() == []  # nothing kept unbound

    phone = f.new_phone()
    bound = bind_phone(client, phone, first["binding"])
    assert bound.status_code == 201, bound.get_json()
    user = db_session.scalars(select(User).where(User.phone == phone)).one()
    identity = db_session.scalars(
        select(WechatIdentity).where(WechatIdentity.user_id == user.id)
    ).one()
    assert (identity.app, identity.app_id, identity.openid, identity.unionid) == (
        WechatApp.official_account,
        OA_APPID,
        someone.oa_openid,
        someone.unionid,
    )

    later = wechat_sign_in(client)  # no SMS code this time
    assert later["signed_in"] is True
    assert later["binding"] is None
    me = client.get("/api/v1/me", headers=f.bearer(later["token"]["access_token"]))
    assert me.status_code == 200
    assert me.get_json()["phone"] == phone


def test_an_existing_account_binds_its_wechat(client, db_session: Session, someone):
    person = f.user(db_session, "老用户")
    bound = bind_phone(client, person.phone, wechat_sign_in(client)["binding"], new=False)
    assert bound.status_code == 201, bound.get_json()
    assert wechat_sign_in(client)["token"]["user"]["id"] == person.id


def test_a_forged_state_is_refused(client, someone):
    started = start(client)
    callback = through_wechat(started)
    state = callback["state"]
    flipped = state[:-1] + ("0" if state[-1] != "0" else "1")
    resp = client.post(SESSIONS, json={**callback, "state": flipped})
    assert resp.status_code == 403
    assert resp.get_json()["type"] == "/problems/wechat-state-invalid"
    assert resp.get_json()["reason"] == "forged"
    made_up = client.post(SESSIONS, json={**callback, "state": "STATE"})
    assert made_up.get_json()["reason"] == "forged"


def test_a_state_from_another_browser_is_refused(app, client, someone):
    callback = through_wechat(start(client))
    other = app.test_client()  # the attacker's browser, with no cookie or its own
    assert other.post(SESSIONS, json=callback).get_json()["reason"] == "other_browser"
    start(other)
    resp = other.post(SESSIONS, json=callback)
    assert resp.status_code == 403
    assert resp.get_json()["reason"] == "forged"


def test_an_expired_state_is_refused(app, client, someone):
    settings = wechat_login.WechatSettings(
        "test-secret", "http://127.0.0.1:8000", oa_appid=OA_APPID, oa_secret="x"
    )
    old = wechat_login.start(settings, utcnow() - wechat_login.STATE_TTL - timedelta(seconds=5))
    client.set_cookie(wechat_login.COOKIE, old.browser, path=wechat_login.COOKIE_PATH)
    resp = client.post(SESSIONS, json={"code": "anything", "state": old.state})
    assert resp.status_code == 403
    assert resp.get_json()["reason"] == "expired"


def test_a_replayed_state_is_refused(client, fake_wechat: FakeWechat, someone):
    started = start(client)
    callback = through_wechat(started)
    assert client.post(SESSIONS, json=callback).status_code == 200
    # even with the cleared cookie put back, and a fresh code
    client.set_cookie(wechat_login.COOKIE, started["cookie"], path=wechat_login.COOKIE_PATH)
    replay = {**callback, "code": fake_wechat.code_for(someone)}
    resp = client.post(SESSIONS, json=replay)
    assert resp.status_code == 403
    assert resp.get_json()["reason"] == "replayed"


def test_the_cookie_is_cleared_after_use(client, someone):
    resp = client.post(SESSIONS, json=through_wechat(start(client)))
    assert resp.status_code == 200
    assert f"{wechat_login.COOKIE}=;" in resp.headers["Set-Cookie"]
    assert "Max-Age=0" in resp.headers["Set-Cookie"]


def test_wechat_refusing_the_code_is_a_401(client, fake_wechat: FakeWechat, someone):
    callback = through_wechat(start(client))
    callback["code"] = "not-a-code"
    resp = client.post(SESSIONS, json=callback)
    assert resp.status_code == 401
    assert resp.get_json()["type"] == "/problems/wechat-code-invalid"


def test_wechat_down_is_a_502_and_the_state_can_be_tried_again(
    client, fake_wechat: FakeWechat, someone
):
    callback = through_wechat(start(client))
    fake_wechat.fail_next = True
    resp = client.post(SESSIONS, json=callback)
    assert resp.status_code == 502
    assert resp.get_json()["type"] == "/problems/wechat-unavailable"
    assert client.post(SESSIONS, json=callback).status_code == 200  # nothing was used


def test_wechat_page_preview_users_are_not_signed_in(client, fake_wechat: FakeWechat, someone):
    fake_wechat.snapshot = True
    try:
        resp = client.post(SESSIONS, json=through_wechat(start(client)))
    finally:
        fake_wechat.snapshot = False
    assert resp.status_code == 401
    assert resp.get_json()["reason"] == "snapshot"


def test_a_tampered_or_expired_binding_is_refused(client, someone):
    binding = wechat_sign_in(client)["binding"]
    tampered = bind_phone(client, f.new_phone(), binding[:-4] + "AAAA")
    assert tampered.status_code == 422
    assert tampered.get_json()["errors"][0]["field"] == "wechat_binding"
    found = wechat_login.open_binding("test-secret", binding)
    later = utcnow() + wechat_login.BINDING_TTL + timedelta(seconds=1)
    with pytest.raises(ValidationFailed) as expired:
        wechat_login.open_binding("test-secret", binding, later)
    assert expired.value.errors == [
        field_error("wechat_binding", "accounts.wechat_binding_expired")
    ]
    assert found.openid == someone.oa_openid


def test_a_wechat_bound_to_someone_else_is_refused(client, db_session: Session, someone):
    binding = wechat_sign_in(client)["binding"]
    assert bind_phone(client, f.new_phone(), binding).status_code == 201
    second = bind_phone(client, f.new_phone(), binding)
    assert second.status_code == 409
    assert second.get_json()["type"] == "/problems/wechat-already-bound"


def test_code2session_stores_the_ids_of_the_mini_program(
    client, db_session: Session, fake_wechat: FakeWechat
):
    person = WechatUser.new()
    resp = client.post(
        "/api/v1/auth/wechat/mini-sessions", json={"code": fake_wechat.code_for(person, MINI_APPID)}
    )
    assert resp.status_code == 200
    assert resp.get_json()["signed_in"] is False
    phone = f.new_phone()
    assert bind_phone(client, phone, resp.get_json()["binding"]).status_code == 201
    identity = db_session.scalars(
        select(WechatIdentity).where(WechatIdentity.openid == person.mini_openid)
    ).one()
    assert (identity.app, identity.app_id, identity.unionid) == (
        WechatApp.mini_program,
        MINI_APPID,
        person.unionid,
    )
    again = client.post(
        "/api/v1/auth/wechat/mini-sessions", json={"code": fake_wechat.code_for(person, MINI_APPID)}
    )
    assert again.get_json()["signed_in"] is True


def test_the_unionid_carries_a_person_from_the_official_account_to_the_mini_program(
    client, db_session: Session, fake_wechat: FakeWechat, someone: WechatUser
):
    phone = f.new_phone()
    assert bind_phone(client, phone, wechat_sign_in(client)["binding"]).status_code == 201
    resp = client.post(
        "/api/v1/auth/wechat/mini-sessions",
        json={"code": fake_wechat.code_for(someone, MINI_APPID)},
    )
    assert resp.get_json()["signed_in"] is True
    user = db_session.scalars(select(User).where(User.phone == phone)).one()
    apps = db_session.scalars(
        select(WechatIdentity.app).where(WechatIdentity.user_id == user.id)
    ).all()
    assert sorted(apps) == [WechatApp.mini_program, WechatApp.official_account]
    assert wechat_login.openid_for(db_session, user.id, MINI_APPID) == someone.mini_openid


def test_a_code_of_one_app_does_not_sign_in_to_the_other(client, fake_wechat: FakeWechat):
    code = fake_wechat.code_for(WechatUser.new(), OA_APPID)
    resp = client.post("/api/v1/auth/wechat/mini-sessions", json={"code": code})
    assert resp.status_code == 401


def test_the_methods_say_wechat_is_offered(client):
    assert client.get("/api/v1/auth/methods").get_json() == {
        "phone": True,
        "wechat_official_account": True,
        "wechat_mini_program": True,
    }


def test_without_configuration_wechat_is_not_offered(app, client):
    saved = app.config["WECHAT_OA_APPID"]
    app.config["WECHAT_OA_APPID"] = ""
    try:
        assert client.get("/api/v1/auth/methods").get_json()["wechat_official_account"] is False
        resp = client.post("/api/v1/auth/wechat/authorizations")
        assert resp.status_code == 404
        assert resp.get_json()["type"] == "/problems/wechat-not-configured"
    finally:
        app.config["WECHAT_OA_APPID"] = saved


@pytest.mark.parametrize("half", ["WECHAT_OA_APPID", "WECHAT_MINI_SECRET"])
def test_an_app_id_without_its_secret_does_not_start(half: str):
    cfg = Config(SECRET_KEY="k")
    setattr(cfg, half, "set")
    with pytest.raises(ConfigError, match="set together"):
        cfg.finalise()
