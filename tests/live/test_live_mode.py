"""Live mode end to end: the app started from the environment with `DIANDIAN_SANDBOX=0`, its
vendors pointed at the local fakes (Aliyun SMS, WeChat OAuth, WeChat Pay, Alipay), served over
HTTP on a free port, and used as two people would.

One signs in by SMS, accepts the terms, and pays with Alipay; the other signs in with WeChat,
binds a phone the first time, and pays with WeChat Pay JSAPI (the openid from the sign-in). Both
get certificates; the first exports their data and deletes the account, and `flask credits
check` still passes. Nothing here runs in sandbox: codes are not in answers, and the sandbox
confirm endpoint is refused.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask
from sqlalchemy import create_engine, text

from backend.app import create_app
from backend.certificates.signing import new_key_pair
from backend.core import db, uow
from backend.core.migrate import upgrade
from tests import factories
from tests.accounts.fake_aliyun_sms import FakeAliyunSms, aliyun_settings
from tests.accounts.fake_sms import FakeSms
from tests.accounts.fake_wechat import OA_APPID, OA_SECRET, FakeWechat, WechatUser
from tests.e2e.conftest import serving
from tests.payments.fake_alipay import FakeAlipay
from tests.payments.fake_wechatpay import FakeWechatPay, new_key, private_pem, public_pem

PUBLIC = "https://diandian.example"
MCHID, API_V3_KEY = "1900000109", "diandianApiV3Key0123456789abcdef"
SERIAL = "444F4864EA9B34415BDB3B6E36F9B9B5F4A9D0C1"
ALIPAY_APP_ID = "2021000000000001"
PRICE = 12_900  # fen per tonne
WECHAT_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN"
)
DESKTOP_UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/124.0"


@dataclass
class Vendors:
    sms: FakeSms
    wechat: FakeWechat
    wechatpay: FakeWechatPay
    alipay: FakeAlipay
    merchant_key: rsa.RSAPrivateKey  # ours at WeChat Pay
    app_key: rsa.RSAPrivateKey  # ours at Alipay


@dataclass
class Live:
    app: Flask
    url: str
    vendors: Vendors

    def api(self, method: str, path: str, token: str | None = None, **kw: Any) -> Any:
        headers = {**kw.pop("headers", {})}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        url = f"{self.url}/api/v1{path}"
        return requests.request(method, url, headers=headers, timeout=20, **kw)


@pytest.fixture
def vendors(fake_wechat: FakeWechat) -> Iterator[Vendors]:
    merchant, app_key = new_key(), new_key()
    sms = FakeAliyunSms().start()
    with (
        FakeWechatPay(MCHID, OA_APPID, API_V3_KEY, merchant.public_key()) as wechatpay,
        FakeAlipay(app_id=ALIPAY_APP_ID, app_key=app_key.public_key()) as alipay,
    ):
        yield Vendors(sms, fake_wechat, wechatpay, alipay, merchant, app_key)
    sms.stop()


def _environment(tmp: Path, v: Vendors) -> dict[str, str]:
    seed, _public = new_key_pair()
    return {
        "DIANDIAN_SANDBOX": "0",
        "INSTANCE_PATH": str(tmp / "instance"),
        "SECRET_KEY": "live-test-secret-0123456789abcdef",
        "CERTIFICATE_SIGNING_KEYS": f"live2026:{seed}",
        "PUBLIC_BASE_URL": PUBLIC,
        **{k: str(val) for k, val in aliyun_settings(v.sms.url).items()},
        "WECHAT_OA_APPID": OA_APPID,
        "WECHAT_OA_SECRET": OA_SECRET,
        "WECHAT_API_BASE": v.wechat.url,
        "WECHAT_OPEN_BASE": v.wechat.url,
        "PAYMENT_PROVIDER": "wechatpay,alipay",
        "WECHATPAY_MCHID": MCHID,
        "WECHATPAY_APPID": OA_APPID,  # JSAPI pays under the official account's openid
        "WECHATPAY_API_V3_KEY": API_V3_KEY,
        "WECHATPAY_CERT_SERIAL_NO": SERIAL,
        "WECHATPAY_PRIVATE_KEY": private_pem(v.merchant_key),
        "WECHATPAY_PUBLIC_KEY": public_pem(v.wechatpay.platform_key),
        "WECHATPAY_PUBLIC_KEY_ID": v.wechatpay.public_key_id,
        "WECHATPAY_API_BASE": v.wechatpay.url,
        "ALIPAY_APP_ID": ALIPAY_APP_ID,
        "ALIPAY_APP_PRIVATE_KEY": private_pem(v.app_key),
        "ALIPAY_PUBLIC_KEY": public_pem(v.alipay.alipay_key),
        "ALIPAY_GATEWAY": v.alipay.url,
        "ALIPAY_SELLER_ID": v.alipay.seller_id,
    }


@pytest.fixture
def live_database(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A database of its own, committed to for real: a sibling of the suite's on PostgreSQL,
    else a SQLite file."""
    if not database_url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'live.sqlite3'}"
        return
    base, _, name = database_url.rpartition("/")
    admin = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    live_name = f"{name}_live"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{live_name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{live_name}"'))
    try:
        yield f"{base}/{live_name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{live_name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def live(
    tmp_path: Path, live_database: str, vendors: Vendors, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Live]:
    """The app as a deployment starts it: every setting from the environment, nothing else."""
    for key, value in _environment(tmp_path, vendors).items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("DATABASE_URL", live_database)
    upgrade(live_database)
    app = create_app({"TESTING": False})
    assert app.config["SANDBOX"] is False
    with app.app_context(), uow.transaction(db.session()) as s:  # the operator's stock
        project = factories.project(s)
        factories.lot(s, project, tonnes=20, price=PRICE)
    with serving(lambda _url: app) as running:  # its links go to PUBLIC_BASE_URL
        yield Live(app, running.url, vendors)
    app.extensions["db"].engine.dispose()


# -- the people's steps ----------------------------------------------------------------------


def _texted_code(live: Live, phone: str) -> str:
    sent = live.api("POST", "/auth/codes", json={"phone": phone})
    assert sent.status_code == 202, sent.text
    assert "code" not in sent.json() or sent.json()["code"] is None  # live: only the SMS has it
    return live.vendors.sms.last_code(phone.removeprefix("+86"))


def _sms_sign_in(live: Live, phone: str, **extra: Any) -> str:
    code = _texted_code(live, phone)
    refused = live.api("POST", "/auth/tokens", json={"phone": phone, "code": code, **extra})
    assert refused.status_code == 403, refused.text  # a new account: the texts first
    assert refused.json()["type"].endswith("consent-required")
    # the refused attempt did not use the code up: accepting now signs in with it
    body = {"phone": phone, "code": code, "accept": factories.accept_terms(), **extra}
    got = live.api("POST", "/auth/tokens", json=body)
    assert got.status_code == 201, got.text
    return str(got.json()["access_token"])


def _wechat_sign_in(live: Live) -> dict[str, Any]:
    """WeChat's browser: start, through WeChat's authorize page, and back with code and state."""
    started = live.api("POST", "/auth/wechat/authorizations")
    assert started.status_code == 201, started.text
    cookie = started.headers["Set-Cookie"]
    assert "Secure" in cookie  # live mode: the browser sends it back over https only
    went = requests.get(started.json()["authorize_url"], allow_redirects=False, timeout=5)
    assert went.status_code == 302
    back = urlsplit(went.headers["Location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == f"{PUBLIC}/sign-in/wechat"
    query = {k: v[0] for k, v in parse_qs(back.query).items()}
    # this test talks plain http to the server, so it hands the cookie back itself
    headers = {"Cookie": cookie.split(";", 1)[0]}
    done = live.api("POST", "/auth/wechat/sessions", json=query, headers=headers)
    assert done.status_code == 200, done.text
    answer: dict[str, Any] = done.json()
    return answer


def _order(live: Live, token: str, ua: str, **payment: str) -> dict[str, Any]:
    resp = live.api(
        "POST",
        "/orders",
        token,
        json={"mass_g": 1_500_000, "beneficiary": "成都市生态环境学会", **payment},
        headers={"Idempotency-Key": str(uuid.uuid4()), "User-Agent": ua},
    )
    assert resp.status_code == 201, resp.text
    order: dict[str, Any] = resp.json()
    assert order["amount"] == 19_350  # 1.5 t at 129.00 yuan: exact to the fen
    return order


def _certificate(live: Live, token: str, order_id: str) -> dict[str, Any]:
    order = live.api("GET", f"/orders/{order_id}", token).json()
    assert order["status"] == "retired", order
    number = order["certificate_number"]
    cert = live.api("GET", f"/certificates/{number}", token)
    assert cert.status_code == 200, cert.text
    found: dict[str, Any] = cert.json()
    assert found["sandbox"] is False
    return found


def test_live_mode_signs_in_pays_certifies_exports_and_deletes(
    live: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    v = live.vendors
    methods = live.api("GET", "/auth/methods").json()
    assert methods["wechat_official_account"] is True

    # 1. A person signs in by SMS and pays with Alipay on a desktop browser.
    citizen = factories.new_phone()
    token_a = _sms_sign_in(live, citizen)
    rails = live.api("GET", "/payments/rails", headers={"User-Agent": DESKTOP_UA}).json()
    assert [r["provider"] for r in rails["rails"]] == ["wechatpay", "alipay"]
    assert not any(r["sandbox"] for r in rails["rails"])
    assert rails["recommended"] == {"provider": "wechatpay", "channel": "native"}
    order_a = _order(live, token_a, DESKTOP_UA, provider="alipay", channel="page")
    sandboxed = live.api("POST", f"/orders/{order_a['id']}/confirm", token_a, json={})
    assert sandboxed.status_code == 403, sandboxed.text  # no paying by pressing a button
    url = order_a["payment"]["instructions"]["url"]
    assert v.alipay.open(url).status_code == 200  # the cashier makes the trade
    v.alipay.pay(order_a["id"])
    notified = requests.post(
        f"{live.url}/api/v1/payments/alipay/notify",
        data=v.alipay.notification(order_a["id"]),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=20,
    )
    assert notified.text == "success"
    cert_a = _certificate(live, token_a, order_a["id"])

    # 2. Another signs in with WeChat: the first time binds a phone by SMS, later WeChat alone.
    person = WechatUser.new()
    monkeypatch.setattr(v.wechat, "signed_in_as", person)
    first = _wechat_sign_in(live)
    assert first["signed_in"] is False
    assert first["binding"]
    token_b = _sms_sign_in(live, factories.new_phone(), wechat_binding=first["binding"])
    again = _wechat_sign_in(live)
    assert again["signed_in"] is True
    assert again["token"]["access_token"]

    # ...and pays with WeChat Pay inside WeChat: JSAPI, the openid from the sign-in.
    order_b = _order(live, token_b, WECHAT_UA, provider="wechatpay")
    assert order_b["payment"]["instructions"]["channel"] == "jsapi"
    (started,) = v.wechatpay.calls("POST", "/v3/pay/transactions/jsapi")
    openid = started.body["payer"]["openid"]
    assert openid == person.oa_openid
    trade = v.wechatpay.pay(order_b["id"], openid)
    body, headers = v.wechatpay.notification("TRANSACTION.SUCCESS", trade)
    paid = requests.post(
        f"{live.url}/api/v1/payments/wechatpay/notify", data=body, headers=headers, timeout=20
    )
    assert paid.status_code == 200, paid.text
    cert_b = _certificate(live, token_b, order_b["id"])
    assert cert_b["number"] != cert_a["number"]

    # 3. The first person exports everything, then deletes the account.
    exported = live.api("GET", "/me/export", token_a)
    assert exported.status_code == 200, exported.text
    data = exported.json()
    assert data["profile"]["phone"] == citizen
    assert [o["id"] for o in data["records"]["orders"]] == [order_a["id"]]
    assert [c["number"] for c in data["records"]["certificates"]] == [cert_a["number"]]
    confirmation = live.api("POST", "/me/deletion", token_a).json()["confirmation"]
    gone = live.api("DELETE", "/me", token_a, json={"confirmation": confirmation})
    assert gone.status_code == 204, gone.text
    assert live.api("GET", "/me", token_a).status_code == 401

    # The certificate stays as issued, readable by anyone with its check code.
    public = live.api("GET", f"/certificates/{cert_a['number']}?k={cert_a['check_code']}")
    assert public.status_code == 200, public.text
    assert public.json()["beneficiary"] == "成都市生态环境学会"

    # 4. The books still balance.
    result = live.app.test_cli_runner().invoke(args=["credits", "check"])
    assert result.exit_code == 0, result.output
