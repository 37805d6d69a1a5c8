"""The way to pay a person chose reaches WeChat Pay: JSAPI takes the openid of a person signed in
through WeChat when the order names none, and a court purchase carries its `channel` and the
client's User-Agent like any order. Against FakeWechatPay, with the real SDK."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.accounts.models import WechatApp, WechatIdentity
from backend.payments.models import Payment
from tests import factories as f
from tests.courts.conftest import Courts, Staff
from tests.payments.fake_wechatpay import FakeWechatPay
from tests.payments.test_wechatpay_flow import (
    APPID,
    DESKTOP_UA,
    OPENID,
    WECHAT_UA,
    Shop,
    post_order,
)


@pytest.fixture
def paying_app(app: Flask, provider: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """WeChat Pay's app id configured as the provider's (the JSAPI openid is under it)."""
    monkeypatch.setitem(app.config, "WECHATPAY_APPID", APPID)


def bind_wechat(s: Session, user_id: int, app_id: str = APPID) -> None:
    """The person signed in through WeChat once: their openid under `app_id` is kept."""
    s.add(
        WechatIdentity(
            user_id=user_id, app_id=app_id, app=WechatApp.official_account, openid=OPENID
        )
    )
    s.commit()


def customer_of(client: FlaskClient, shop: Shop) -> int:
    me: dict[str, Any] = client.get("/api/v1/me", headers=f.bearer(shop.token)).get_json()
    return int(me["id"])


@pytest.mark.usefixtures("paying_app")
def test_jsapi_pays_with_the_openid_of_a_person_signed_in_through_wechat(
    client: FlaskClient, db_session: Session, fake: FakeWechatPay, shop: Shop
):
    bind_wechat(db_session, customer_of(client, shop))

    resp = post_order(client, shop, channel="jsapi", user_agent=WECHAT_UA)

    assert resp.status_code == 201, resp.get_json()
    [created] = fake.calls("POST", "/v3/pay/transactions/jsapi")
    assert created.body["payer"] == {"openid": OPENID}
    assert resp.get_json()["payment"]["instructions"]["pay_request"]["appId"] == APPID


@pytest.mark.usefixtures("paying_app")
def test_an_openid_under_another_app_is_not_the_payers(
    client: FlaskClient, db_session: Session, fake: FakeWechatPay, shop: Shop
):
    bind_wechat(db_session, customer_of(client, shop), app_id="wxmini00000000000")

    resp = post_order(client, shop, channel="jsapi", user_agent=WECHAT_UA)

    assert resp.status_code == 422, resp.get_json()
    assert [e["field"] for e in resp.get_json()["errors"]] == ["openid"]
    assert fake.requests == []


def court_link(client: FlaskClient, staff: Staff, courts: Courts) -> str:
    case = f.open_case(client, staff.clerk, courts.basic.id)
    return str(case["defendants"][0]["purchase_url"].rsplit("/", 1)[1])


@pytest.mark.parametrize(
    ("body", "user_agent", "path"),
    [
        pytest.param({"channel": "native"}, WECHAT_UA, "native", id="native-asked-in-wechat"),
        pytest.param({}, DESKTOP_UA, "native", id="desktop-by-user-agent"),
        pytest.param({"channel": "jsapi"}, WECHAT_UA, "jsapi", id="jsapi-signed-in-by-wechat"),
    ],
)
@pytest.mark.usefixtures("paying_app", "forestry")
def test_a_court_purchase_pays_the_way_chosen(
    client: FlaskClient,
    db_session: Session,
    fake: FakeWechatPay,
    courts: Courts,
    staff: Staff,
    body: dict[str, str],
    user_agent: str,
    path: str,
):
    family = f.user(db_session, "家属")
    bind_wechat(db_session, family.id)
    link = court_link(client, staff, courts)

    resp = client.post(
        f"/api/v1/court-purchases/{link}/orders",
        json={"provider": "wechatpay", "mass_g": 1_000_000, **body},
        headers={**f.order_headers(f.sign_in(client, family.phone)), "User-Agent": user_agent},
    )

    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["payment"]["instructions"]["channel"] == path
    [created] = fake.calls("POST", f"/v3/pay/transactions/{path}")
    assert created.body.get("payer") == ({"openid": OPENID} if path == "jsapi" else None)


@pytest.mark.usefixtures("paying_app", "forestry")
def test_a_court_purchase_in_a_way_wechat_pay_cannot_take_writes_nothing(
    client: FlaskClient,
    db_session: Session,
    fake: FakeWechatPay,
    courts: Courts,
    staff: Staff,
):
    family = f.user(db_session, "家属")  # signed in by phone: no openid
    link = court_link(client, staff, courts)

    resp = client.post(
        f"/api/v1/court-purchases/{link}/orders",
        json={"channel": "jsapi"},
        headers={**f.order_headers(f.sign_in(client, family.phone)), "User-Agent": WECHAT_UA},
    )

    assert resp.status_code == 422, resp.get_json()
    assert [e["field"] for e in resp.get_json()["errors"]] == ["openid"]
    assert fake.requests == []
    assert db_session.scalar(select(func.count()).select_from(Payment)) == 0
